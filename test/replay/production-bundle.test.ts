/**
 * Tier 2, the bundle production workers load: `npm run build:workflows` writes the code without
 * its source map inline and the map in a file beside it; a worker loading it (worker.ts, through
 * loadWorkflowBundle) replays every checked-in history and still reports workflow stack traces
 * in our TypeScript sources.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasInlineSourceMap, loadWorkflowBundle } from '../../workflow-bundle';
import { historyFiles } from '../support/history-export';
import { installQuietRuntime } from '../support/replay';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
let codePath: string;

beforeAll(async () => {
  installQuietRuntime();
  dir = await mkdtemp(join(tmpdir(), 'dunning-bundle-'));
  codePath = join(dir, 'workflow-bundle.js');
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/build-workflow-bundle.ts', codePath], {
    cwd: ROOT,
  });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the production workflow bundle (npm run build:workflows)', () => {
  it('holds no inline source map: the map is a file of its own, named by the code', async () => {
    const code = await readFile(codePath, 'utf8');
    expect(hasInlineSourceMap(code)).toBe(false);
    expect(code).not.toContain('sourceMappingURL=data:');
    expect(code.trimEnd().endsWith('//# sourceMappingURL=workflow-bundle.js.map')).toBe(true);
    const map = JSON.parse(await readFile(`${codePath}.map`, 'utf8')) as { version: number; sources: string[] };
    expect(map.version).toBe(3);
    expect(map.sources.some((source) => source.endsWith('/workflows/journey.ts'))).toBe(true);
  });

  it('replays every checked-in history as the worker loads it', async () => {
    const files = historyFiles();
    expect(files.length).toBeGreaterThan(0);
    const histories = files.map((file) => ({
      workflowId: `dunning/tenant-a/${file}`,
      history: historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await loadWorkflowBundle(codePath) },
      histories,
    ))
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    expect(failures).toEqual([]);
  });

  it('maps workflow stack traces to our TypeScript sources through the map file', async () => {
    // A journey started with no installment: the workflow code throws, and the failed task's
    // stack trace names the source line, which only the map can tell.
    const history = JSON.parse(readFileSync(historyFiles()[0]!, 'utf8')) as {
      events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { data: string }[] } } }[];
    };
    history.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!.data =
      Buffer.from('{}').toString('base64');
    const error = await Worker.runReplayHistory(
      { workflowBundle: await loadWorkflowBundle(codePath) },
      historyFromJSON(history),
      'dunning/tenant-a/broken',
    ).then(
      () => null,
      (err: unknown) => String(err),
    );
    expect(error).toMatch(/domain\/journey\.ts:\d+:\d+/);
  });
});
