/**
 * Real histories for the offline replay tier. With EXPORT_HISTORIES set (`npm run
 * histories:export`), an end-to-end scenario writes its journey's history — every run of one that
 * continued as new — to test/replay/histories/<set>/<name>[.run<n>].json, where <set> is
 * EXPORT_HISTORIES (`1` means today's date). test/replay/real-histories.test.ts replays every
 * file of every set (historyFiles) against today's workflow code: a set stays as long as journeys
 * written by the code of its day may still be open. Without EXPORT_HISTORIES this writes nothing.
 */
import { readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = fileURLToPath(new URL('../replay/histories/', import.meta.url));

/** Every exported history file under `dir` (every set), as paths. */
export function historyFiles(dir: string = HISTORIES_DIR): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? historyFiles(path) : entry.endsWith('.json') ? [path] : [];
  });
}

function exportSet(): string | null {
  const set = process.env.EXPORT_HISTORIES;
  if (!set) return null;
  return set === '1' ? new Date().toISOString().slice(0, 10) : set;
}

/** The runs of a journey that continued as new, oldest first: pass every run's handle. */
export async function exportHistory(name: string, ...runs: Pick<WorkflowHandle, 'fetchHistory'>[]): Promise<void> {
  const set = exportSet();
  if (!set) return;
  for (const [index, run] of runs.entries()) {
    const file = join(HISTORIES_DIR, set, runs.length === 1 ? `${name}.json` : `${name}.run${index + 1}.json`);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${historyToJSON(await run.fetchHistory())}\n`);
  }
}
