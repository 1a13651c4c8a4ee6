/**
 * The histories the replay bench replays: the longest full-ladder journey among the real ones
 * checked in (test/replay/histories/, exported from the end-to-end runs), and its baselines,
 * recorded now on the time-skipping test server from bench/workflows/timers.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { ReminderDelivery } from '../../domain/delivery';
import type { JourneyInput } from '../../workflows/journey';
import { HISTORIES_DIR, historyFiles } from '../../test/support/history-export';
import { testServerPathIn, toolsDir } from '../../scripts/temporal-tools';
import { buildWorkflowBundle, joinSourceMap } from '../../workflow-bundle';

type History = temporal.api.history.v1.IHistory;
type Payload = temporal.api.common.v1.IPayload;

export interface BenchHistory {
  name: string;
  history: History;
  /** Workflow tasks completed in it: what a replay of it processes. */
  workflowTasks: number;
}

export const TIMERS_PATH = fileURLToPath(new URL('../workflows/timers.ts', import.meta.url));

const decode = <T>(payload: Payload | undefined): T => defaultPayloadConverter.fromPayload<T>(payload!);

export function workflowTasksIn(history: History): number {
  return (history.events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes).length;
}

/**
 * Whether every step of the journey's policy was delivered (`sent`) in one plan revision: the
 * full ladder, with the activity inputs and results a real one carries.
 */
export function isFullLadder(history: History): boolean {
  const events = history.events ?? [];
  const input = decode<JourneyInput>(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]);
  const steps = input.carried?.state.policy.steps.length ?? input.policy.steps.length;
  const deliveries = new Map<string, ReminderDelivery>();
  const sent = new Map<number, Set<number>>();
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === 'deliverReminder')
      deliveries.set(String(event.eventId), decode<ReminderDelivery>(scheduled.input?.payloads?.[0]));
    const completed = event.activityTaskCompletedEventAttributes;
    const delivery = completed && deliveries.get(String(completed.scheduledEventId));
    if (delivery && decode<{ status: string }>(completed.result?.payloads?.[0]).status === 'sent') {
      const revision = sent.get(delivery.planRevision) ?? new Set<number>();
      sent.set(delivery.planRevision, revision.add(delivery.stepIndex));
    }
  }
  return [...sent.values()].some((stepsSent) => stepsSent.size === steps);
}

/** The checked-in full-ladder history with the most workflow tasks. */
export function longestFullLadder(): BenchHistory {
  const candidates = historyFiles()
    .map((file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
      return { name: relative(HISTORIES_DIR, file), history, workflowTasks: workflowTasksIn(history) };
    })
    .filter((h) => isFullLadder(h.history))
    .sort((a, b) => b.workflowTasks - a.workflowTasks);
  if (!candidates[0]) throw new Error(`no full-ladder history under ${HISTORIES_DIR} (npm run histories:export)`);
  return candidates[0];
}

export interface TimerHistories {
  /** The code that recorded them, bundled as production bundles the journeys. */
  bundle: { code: string };
  oneTimer: BenchHistory;
  /** `timers(count)`: the same number of workflow tasks as the journey it is compared with. */
  timers: BenchHistory;
}

/** Runs the timer workflows on the time-skipping test server (from `npm run tools`) and keeps their histories. */
export async function recordTimerHistories(workflowTasks: number): Promise<TimerHistories> {
  const server = testServerPathIn(toolsDir());
  if (!existsSync(server)) throw new Error(`no time-skipping test server at ${server}: run \`npm run tools\``);
  const bundle = { code: joinSourceMap(await buildWorkflowBundle({ workflowsPath: TIMERS_PATH })) };
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: server } },
  });
  try {
    const taskQueue = 'bench-replay-timers';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle });
    const record = async (name: string, args: unknown[]): Promise<BenchHistory> => {
      const handle = await env.client.workflow.start(name, { taskQueue, workflowId: `bench-${name}`, args });
      await handle.result();
      const history = await handle.fetchHistory();
      return { name: `${name}(${args.join(', ')})`, history, workflowTasks: workflowTasksIn(history) };
    };
    // timers(n) completes n + 1 workflow tasks: one per timer fired, and the first.
    return await worker.runUntil(async () => ({
      bundle,
      oneTimer: await record('oneTimer', []),
      timers: await record('timers', [workflowTasks - 1]),
    }));
  } finally {
    await env.teardown();
  }
}
