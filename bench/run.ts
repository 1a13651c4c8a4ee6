/**
 * `npm run bench [-- section…]`: every goal of the performance issue, each measured against a
 * baseline in the same run (so the ratios compare across machines), with PASS/FAIL. The
 * database sections run on a throwaway PostgreSQL 15 cluster of the bench's own, except the
 * reports' (its generated data is kept in the machine's PostgreSQL between runs). Exit code 1
 * when a goal fails. BENCH_SECONDS and BENCH_RUNS lengthen or shorten the measurements.
 */
import { freePort } from '../scripts/temporal-dev-server';
import { type Figure, type Section, printFigures } from './figures';
import { bundle } from './sections/bundle';
import { delivery } from './sections/delivery';
import { lists } from './sections/lists';
import { memory } from './sections/memory';
import { plan } from './sections/plan';
import { recording } from './sections/recording';
import { replay } from './sections/replay';
import { reports } from './sections/reports';
import { simulation } from './sections/simulation';
import { startRoute } from './sections/start-route';
import { cleanUp, installExitHandlers } from './soak/cleanup';
import { createPostgres } from './soak/postgres';

const SECTIONS: Section[] = [plan, startRoute, recording, delivery, memory, lists, reports, simulation, replay, bundle];

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !SECTIONS.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const sections = wanted.length > 0 ? SECTIONS.filter((s) => wanted.includes(s.name)) : SECTIONS;
  installExitHandlers(60 * 60_000);
  const postgres = await createPostgres(await freePort());
  const context = {
    postgresUrl: postgres.url,
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    runs: Math.max(3, Number(process.env.BENCH_RUNS ?? 3)),
  };
  const figures: Figure[] = [];
  try {
    for (const section of sections) {
      console.log(`\n## ${section.title}`);
      figures.push(...(await section.run(context)));
    }
  } finally {
    await cleanUp();
  }
  printFigures(figures);
  return figures.every((f) => f.pass) ? 0 : 1;
}

process.exitCode = await main();
