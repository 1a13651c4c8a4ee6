/**
 * The recording activity's write — `recordJourney`: a journey's new events, its payments and its
 * projection, safe to repeat — against a bare INSERT of the same rows (the installment, the
 * event, the journey row) in one plain statement, with the same concurrency, on the same
 * database, in this run. Every operation is a journey's first record, so both write new rows.
 * And the activity as the worker runs it, publishing to webhooks, for a tenant that has no
 * endpoint (most tenants): against recordJourney alone, what publishing costs when nobody listens.
 * And what the report ledger's triggers cost it: recordJourney against itself with them disabled.
 */
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { createActivities } from '../../activities';
import { createWebhookPublisher } from '../../application/webhook-publisher';
import { type Database, openDatabase } from '../../db/client';
import { eventRows, installmentRow, journeyRow, recordJourney } from '../../db/journey-repository';
import { events, installments, journeys, tenants } from '../../db/schema';
import { Statement } from '../../db/statement';
import type { JourneyRecord } from '../../domain/journey-record';
import { startJourney } from '../../domain/journey';
import { defaultPolicy } from '../../domain/policy';
import { journeyStatus } from '../../domain/status';
import { makeInstallment } from '../../test/support/fixtures';
import { type Figure, type Section, fmt, median, opsPerSecond } from '../figures';

const CONCURRENCY = 8;
const NOW = Date.UTC(2026, 10, 20, 15);

function firstRecord(run: string, n: number): JourneyRecord {
  // Each of its own purchase, as journeys mostly are.
  const installment = makeInstallment({
    installmentId: `rec-${run}-${n}`,
    purchaseId: `purchase-${run}-${n}`,
    buyer: { id: `buyer-${run}-${n}` },
  });
  const { state, recorded } = startJourney(installment, defaultPolicy, NOW);
  return {
    journeyId: `journey-${run}-${n}`,
    runId: 'bench',
    installment,
    status: journeyStatus(state, NOW),
    events: [recorded],
  };
}

/** Turns the report ledger's triggers (they mark what a write changed) off or back on. */
async function setReportTriggers(db: Database, to: 'enable' | 'disable'): Promise<void> {
  const triggers = (await db.execute(sql`
    select tgname as name, tgrelid::regclass::text as "table" from pg_trigger
    where tgname like 'report_ledger_%' and not tgisinternal`)) as unknown as { name: string; table: string }[];
  for (const t of triggers) await db.execute(sql.raw(`alter table ${t.table} ${to} trigger ${t.name}`));
}

/** The same rows as a journey's first record, in one plain statement: no conflict handling, no follow-up. */
function bareInsert(record: JourneyRecord) {
  const statement = new Statement();
  const text = `with i as (${statement.insert(installments, [installmentRow(record)])}),
    e as (${statement.insert(events, eventRows(record))})
    ${statement.insert(journeys, [journeyRow(record, record.events.length)])}`;
  return { statement, text };
}

export const recording: Section = {
  name: 'recording',
  title: "recordJourney (a journey's first record) vs a bare INSERT of the same rows",
  async run({ postgresUrl, seconds, runs }) {
    const database = openDatabase({ url: postgresUrl });
    await database.migrate();
    const db = database.db;
    await db.insert(tenants).values({ id: makeInstallment().tenantId, name: 'bench' }).onConflictDoNothing();
    try {
      const { recordJourney: recordAndPublish } = createActivities({
        db,
        logger: pino({ level: 'silent' }),
        publisher: createWebhookPublisher({ db, waker: { wake: async () => {} } }),
      });
      const base: number[] = [];
      const real: number[] = [];
      const published: number[] = [];
      const unmarked: number[] = [];
      for (let r = 0; r < runs; r++) {
        const run = `${process.pid}-${r}`;
        base.push(
          await opsPerSecond(seconds, CONCURRENCY, async (n) => {
            const { statement, text } = bareInsert(firstRecord(`bare-${run}`, n));
            await statement.run(db, text);
          }),
        );
        real.push(await opsPerSecond(seconds, CONCURRENCY, (n) => recordJourney(db, firstRecord(`real-${run}`, n))));
        published.push(
          await opsPerSecond(seconds, CONCURRENCY, (n) => recordAndPublish(firstRecord(`published-${run}`, n))),
        );
        await setReportTriggers(db, 'disable');
        unmarked.push(
          await opsPerSecond(seconds, CONCURRENCY, (n) => recordJourney(db, firstRecord(`unmarked-${run}`, n))),
        );
        await setReportTriggers(db, 'enable');
        console.log(
          `  run ${r + 1}: bare insert ${fmt.rps(base[r]!)} · recordJourney ${fmt.rps(real[r]!)}` +
            ` · with webhook publishing, no endpoint ${fmt.rps(published[r]!)}` +
            ` · without the reports' marks ${fmt.rps(unmarked[r]!)}`,
        );
      }
      const baseline = median(base);
      const measured = median(real);
      const withPublishing = median(published);
      // Measured one after the other in each run: the ratio within a run holds on a noisy machine.
      const publishingRatio = median(published.map((p, r) => p / real[r]!));
      const marksRatio = median(real.map((m, r) => m / unmarked[r]!));
      return [
        {
          goal: 'recordJourney throughput',
          measured: fmt.rps(measured),
          baseline: `${fmt.rps(baseline)} bare insert`,
          ratio: measured / baseline,
          target: '≥ 0.5 ×',
          pass: measured / baseline >= 0.5,
        },
        {
          goal: 'recording with webhook publishing, tenant without endpoints',
          measured: fmt.rps(withPublishing),
          baseline: `${fmt.rps(measured)} recordJourney alone`,
          ratio: publishingRatio,
          target: '≥ 0.8 ×',
          pass: publishingRatio >= 0.8,
        },
        {
          goal: "recording with the reports' stale marks (migration 0013's triggers)",
          measured: fmt.rps(measured),
          baseline: `${fmt.rps(median(unmarked))} with the triggers disabled`,
          ratio: marksRatio,
          target: '≥ 0.8 ×',
          pass: marksRatio >= 0.8,
        },
      ] satisfies Figure[];
    } finally {
      await database.close();
    }
  },
};
