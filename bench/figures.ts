/**
 * What every bench section reports: one row per goal of the performance issue, the figure and
 * the baseline it is measured against in the same run, their ratio, and whether the goal holds.
 * Ratios compare across machines; absolute figures are printed beside them for the record.
 */

export interface Figure {
  /** The goal, short: "plan + status + next action (7 steps)". */
  goal: string;
  /** The measured figure with its unit: "14.2 µs". */
  measured: string;
  /** The baseline with its unit and what it is: "2.9 µs JSON.parse". */
  baseline: string;
  /** measured / baseline, in whichever direction the goal states (printed as is). */
  ratio: number;
  /** The goal as stated in the issue: "≤ 20 µs and ≤ 10 ×". */
  target: string;
  pass: boolean;
}

export interface Section {
  /** A name for `npm run bench -- <name>`. */
  name: string;
  title: string;
  run(context: BenchContext): Promise<Figure[]>;
}

export interface BenchContext {
  /** A PostgreSQL database the section may fill and drop tables in (the bench's own cluster). */
  postgresUrl: string;
  /** Seconds a throughput measurement runs (BENCH_SECONDS, default 5). */
  seconds: number;
  /** How many repetitions a median is taken over (BENCH_RUNS, default 3). */
  runs: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Repeats a measurement `runs` times and keeps the median. */
export async function medianOf(runs: number, measure: () => Promise<number> | number): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await measure());
  return median(values);
}

/**
 * Nanoseconds per call of `fn`, measured over batches long enough for the clock: a warm-up batch
 * first, then the median of `runs` batches of about `batchMs` each.
 */
export function nsPerCall(fn: () => unknown, runs = 5, batchMs = 200): number {
  let sink: unknown;
  let n = 1;
  // Grow the batch until it takes long enough to time, warming the JIT on the way.
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink = fn();
    const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (elapsedMs >= batchMs / 4) {
      n = Math.max(1, Math.round((n * batchMs) / Math.max(elapsedMs, 1e-3)));
      break;
    }
    n *= 4;
  }
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink = fn();
    samples.push(Number(process.hrtime.bigint() - start) / n);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return median(samples);
}

/** Operations per second over `seconds`, `concurrency` at a time; `operation` gets a new number each call. */
export async function opsPerSecond(
  seconds: number,
  concurrency: number,
  operation: (n: number) => Promise<unknown>,
): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let started = 0;
  let done = 0;
  const begin = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await operation(started++);
        done++;
      }
    }),
  );
  return done / ((Date.now() - begin) / 1000);
}

export const fmt = {
  us: (ns: number) => `${(ns / 1000).toFixed(ns < 10_000 ? 2 : 1)} µs`,
  ms: (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`,
  rps: (perSecond: number) => `${Math.round(perSecond)}/s`,
  mib: (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`,
  ratio: (r: number) => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)),
};

export function printFigures(figures: readonly Figure[]): void {
  console.log('\n| goal | measured | baseline | ratio | target | result |');
  console.log('|---|---|---|---|---|---|');
  for (const f of figures) {
    console.log(
      `| ${f.goal} | ${f.measured} | ${f.baseline} | ${fmt.ratio(f.ratio)} | ${f.target} | ${f.pass ? 'PASS' : 'FAIL'} |`,
    );
  }
  const failed = figures.filter((f) => !f.pass).length;
  console.log(`\n${figures.length - failed} of ${figures.length} goals PASS${failed ? `, ${failed} FAIL` : ''}`);
}
