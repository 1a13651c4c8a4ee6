/**
 * Offline replay helpers: bundle workflow code once, then replay in-code histories (see
 * ./history-builder.ts) against it. No Temporal server involved.
 *
 *   installQuietRuntime();                       // once per test file, before any Worker use
 *   const bundle = await bundleWorkflows(path);  // in beforeAll: webpack takes a few seconds
 *   await replay(bundle, history);               // rejects on nondeterminism
 *
 * `replay` rejects with:
 *  - DeterminismViolationError (@temporalio/workflow) when the code does not match the history;
 *  - ReplayError (@temporalio/worker) for other failures, e.g. the workflow code throwing a
 *    non-Temporal error (the workflow task fails) or an unknown workflow type.
 */
import {
  bundleWorkflowCode,
  DefaultLogger,
  IllegalStateError,
  Runtime,
  Worker,
  type BundleOptions,
  type LogLevel,
  type ReplayWorkerOptions,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';

/**
 * Install the Temporal Runtime with quiet logging, once per process, before the first Worker or
 * bundle call. Defaults: TS-side logger at WARN (INFO logs every worker state change) and native
 * sdk-core logs at ERROR (core WARN-logs "Failing workflow task ... Nondeterminism error" for every
 * negative replay test; the same message is in the rejected DeterminismViolationError anyway).
 * Returns false when a Runtime already existed (its settings are then left as they are).
 */
export function installQuietRuntime(level: LogLevel = 'WARN', coreLevel: LogLevel = 'ERROR'): boolean {
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: { logging: { filter: { core: coreLevel, other: 'ERROR' }, console: {} } },
    });
    return true;
  } catch (err) {
    if (err instanceof IllegalStateError) return false;
    throw err;
  }
}

/**
 * Bundle workflow code once (webpack, ~seconds) for reuse across replays. Workflow interceptor
 * modules must be given here (`workflowInterceptorModules`): a pre-built bundle ignores
 * `interceptors.workflowModules` in worker options.
 */
export async function bundleWorkflows(
  workflowsPath: string,
  options: Omit<BundleOptions, 'workflowsPath'> = {},
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ logger: new DefaultLogger('WARN'), ...options, workflowsPath });
}

export interface ReplayOptions extends Omit<
  ReplayWorkerOptions,
  'workflowBundle' | 'workflowsPath' | 'bundlerOptions'
> {
  /** Histories carry no workflow id; `workflowInfo().workflowId` will be this. @default 'replay-wf' */
  workflowId?: string;
}

/**
 * Replay `history` against `bundle`. Resolves when the whole history replayed deterministically.
 * `sinks` (only called on replay when registered with `callDuringReplay: true`),
 * `dataConverter`, `interceptors.activity`, `plugins`, ... are passed to the replay worker.
 */
export async function replay(
  bundle: WorkflowBundleOption,
  history: temporal.api.history.v1.IHistory,
  options: ReplayOptions = {},
): Promise<void> {
  const { workflowId = 'replay-wf', ...workerOptions } = options;
  await Worker.runReplayHistory({ ...workerOptions, workflowBundle: bundle }, history, workflowId);
}
