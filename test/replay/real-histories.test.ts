/**
 * Tier 2, real histories: journeys recorded by the real Temporal servers (the end-to-end
 * scenarios, exported by `npm run histories:export`, see test/support/history-export.ts) replay
 * on today's workflow code. A change that would break a journey already running fails here,
 * offline — the histories in code (journey-scenarios.test.ts) predict what the workflow does; these
 * are what the servers actually recorded, sticky caches, retries and all.
 *
 * Every set under test/replay/histories/ stays until no journey written by the code of its day
 * can still be open. The histories hold only the test fixtures' made-up buyers: checked below.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../workflow-bundle';
import { HISTORIES_DIR, historyFiles } from '../support/history-export';
import { bundleWorkflows, installQuietRuntime, replay } from '../support/replay';

const files = historyFiles().sort();
const sets = [...new Set(files.map((f) => relative(HISTORIES_DIR, f).split('/')[0]!))];

/** Every string inside a history's payloads, decoded (payload data is base64 in JSON). */
function payloadTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) payloadTexts(v, out);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.data === 'string' && record.metadata && typeof record.metadata === 'object') {
      out.push(Buffer.from(record.data, 'base64').toString('utf8'));
    }
    for (const v of Object.values(record)) payloadTexts(v, out);
  }
  return out;
}

installQuietRuntime();
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows(WORKFLOWS_PATH);
});

describe('real histories from the Temporal servers', () => {
  it('are checked in: the time-skipping and the dev-server scenarios', () => {
    expect(sets.length).toBeGreaterThan(0);
    const names = files.map((f) => relative(HISTORIES_DIR, f));
    expect(names.some((n) => n.includes('/time-skipping/'))).toBe(true);
    expect(names.some((n) => n.includes('/dev-server/'))).toBe(true);
  });

  it.each(files.map((f) => [relative(HISTORIES_DIR, f), f]))(
    '%s replays on today’s workflow code',
    async (_name, file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
      expect(history.events?.length).toBeGreaterThan(3);
      await replay(bundle, history, { workflowId: 'dunning/tenant-a/replayed' });
    },
  );

  it('hold no personal data: only the fixtures’ reserved example addresses and fictional numbers', () => {
    for (const file of files) {
      const texts = payloadTexts(JSON.parse(readFileSync(file, 'utf8'))).join('\n');
      const emails = texts.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? [];
      for (const email of emails) expect(email, file).toMatch(/@example\.(com|org|net)$/);
      // E.164 numbers in North America's fictional range 555-0100…0199.
      const phones = texts.match(/\+\d{8,15}/g) ?? [];
      for (const phone of phones) expect(phone, file).toMatch(/^\+1\d{3}55501\d{2}$/);
    }
  });
});
