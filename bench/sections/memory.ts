/**
 * Flat memory: the API's RSS after 200k requests that validate a time zone, against its RSS
 * after the first 20k, in a process of its own (bench/memory/contact-changes.ts).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Figure, type Section, fmt } from '../figures';

const run = promisify(execFile);

export const memory: Section = {
  name: 'memory',
  title: "the API's RSS after 200k requests validating time zones vs after 20k",
  async run({ postgresUrl }) {
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'bench/memory/contact-changes.ts'],
      {
        env: { ...process.env, DATABASE_URL: postgresUrl, LOG_LEVEL: 'silent' },
        maxBuffer: 1 << 24,
        timeout: 30 * 60_000,
      },
    );
    const [first, last] = stdout
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { requests: number; refused: number; rss: number });
    if (!first || !last) throw new Error(`the load process printed no checkpoints: ${stdout}`);
    console.log(
      `  after ${first.requests}: ${fmt.mib(first.rss)} · after ${last.requests}: ${fmt.mib(last.rss)} (${last.refused} refused as not a zone)`,
    );
    return [
      {
        goal: `API RSS after ${last.requests / 1000}k time-zone requests`,
        measured: fmt.mib(last.rss),
        baseline: `${fmt.mib(first.rss)} after ${first.requests / 1000}k`,
        ratio: last.rss / first.rss,
        target: '≤ 1.2 ×',
        pass: last.rss / first.rss <= 1.2,
      },
    ] satisfies Figure[];
  },
};
