/**
 * Tier 2: tracing changes no journey's history. A bundle with the workflow's tracing interceptors
 * (a worker with OTEL_TRACES_EXPORTER set, or `npm run build:workflows -- --tracing`) replays every
 * checked-in history, all recorded without them: the interceptors add spans and headers, never a
 * command or a reordering, so tracing can be turned on under running journeys.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { tracingSinks } from '../../telemetry/temporal-tracing';
import { TRACING_WORKFLOW_INTERCEPTORS } from '../../telemetry/workflow-interceptors';
import { WORKFLOWS_PATH, bundleTraces } from '../../workflow-bundle';
import { HISTORIES_DIR, historyFiles } from '../support/history-export';
import { bundleWorkflows, installQuietRuntime, replay } from '../support/replay';

const files = historyFiles().sort();

installQuietRuntime();
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows(WORKFLOWS_PATH, { workflowInterceptorModules: [TRACING_WORKFLOW_INTERCEPTORS] });
});

describe('workflow code with the tracing interceptors', () => {
  it('carries them in its bundle', () => {
    expect(bundleTraces(bundle.code)).toBe(true);
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [relative(HISTORIES_DIR, f), f]))('replays %s, recorded without them', async (_n, file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
    await replay(bundle, history, { workflowId: 'dunning/tenant-a/replayed', sinks: tracingSinks(null) });
  });
});
