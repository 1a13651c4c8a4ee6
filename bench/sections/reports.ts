/**
 * The seller's reports at 1M ledger installments and 5M events (issue 14): the overview (the
 * default last 30 days, and with each filter), the first tracking page, a payment's details and
 * the attribution report, each called as the panel calls `createReports` — p50 and p99 over 30
 * calls or more — against the same calls naive: in one transaction where migrations 0012's and
 * 0013's report indexes are dropped (and put back by the rollback). Each hot path's statements are
 * explained too: no big table read whole (sequential scan, or an index end to end).
 *
 * The data lives in a database of its own on the machine's PostgreSQL, not the bench's throwaway
 * cluster, so that the minutes it takes to generate are spent once (bench/report-data):
 * BENCH_REPORTS_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the
 * server, BENCH_REPORTS_INSTALLMENTS the size (default 1,000,000).
 */
import { sql } from 'drizzle-orm';
import { type ReportFilter, type Reports, createReports } from '../../application/reports';
import type { Database } from '../../db/client';
import { ANCHOR_DATE, ANCHOR_NOW, BIG_TENANT, openReportDatabase } from '../report-data';
import { fullScansOf, inRolledBackTransaction, recordingDatabase } from '../report-data/recording';
import { type Figure, type Section, fmt, median } from '../figures';

const GOAL_MS = 200;
const MIN_CALLS = 30;
/** The naive calls are slow by design: a few, within a budget per case. */
const NAIVE_CALLS = 5;
const NAIVE_BUDGET_MS = 60_000;
const REPORT_INDEXES = [
  'purchase_installments_tenant_due_idx',
  'journeys_tenant_original_due_idx',
  'installments_tenant_due_idx',
  'purchase_installments_installment_idx',
  'report_ledger_period_idx',
  'report_ledger_open_idx',
];

interface Case {
  label: string;
  call(reports: Reports): Promise<unknown>;
}

const daysBefore = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

function cases(installmentId: string): Case[] {
  const last30: ReportFilter = { tenantId: BIG_TENANT, from: daysBefore(ANCHOR_DATE, 29), to: ANCHOR_DATE };
  const overview = (label: string, filter: Partial<ReportFilter>): Case => ({
    label: `overview ${label}`,
    call: (r) => r.overview({ ...last30, ...filter }),
  });
  return [
    overview('(last 30 days)', {}),
    overview('productId (popular)', { productId: 'prod-0' }),
    overview('country=BR', { country: 'BR' }),
    overview('policyId=gentle', { policyId: 'gentle' }),
    overview('channel=whatsapp', { channel: 'whatsapp' }),
    overview('currency=EUR', { currency: 'EUR' }),
    { label: 'tracking first page', call: (r) => r.tracking(last30) },
    { label: 'tracking first page standing=overdue', call: (r) => r.tracking({ ...last30, standing: 'overdue' }) },
    { label: 'payment details', call: (r) => r.paymentDetails(BIG_TENANT, { installmentId }) },
    { label: 'attribution (last 30 days)', call: (r) => r.attribution(last30) },
  ];
}

/**
 * Writes since the last read that a report catches up on (db/report-projection.ts): about a
 * minute of a busy tenant's journeys; the reconcile schedule catches up every five minutes.
 */
const CHANGED_PURCHASES = 100;
const CATCH_UP_CALLS = 5;

/**
 * The overview when purchases changed since the last read: each call marks that many random
 * purchases stale (as the triggers would), then reads, catching up first. Rolled back after.
 */
async function overviewAfterChanges(url: string, overview: Case, size: number): Promise<number[]> {
  const times: number[] = [];
  await inRolledBackTransaction(url, '', async (db) => {
    const r = reportsOn(db);
    for (let i = 0; i < CATCH_UP_CALLS; i++) {
      await db.execute(sql`
        insert into report_ledger_stale (tenant_id, purchase_key)
        select tenant_id, purchase_key from report_ledger
        where tenant_id = ${BIG_TENANT} and random() < ${(2 * CHANGED_PURCHASES) / size}
        limit ${CHANGED_PURCHASES}`);
      const start = performance.now();
      await overview.call(r);
      times.push(performance.now() - start);
    }
  });
  return times;
}

const reportsOn = (db: Database) => createReports({ db, now: () => ANCHOR_NOW, temporalUi: null });

/** Measures, saying what while it does (a case at 1M takes up to a minute). */
async function measured(label: string, measure: () => Promise<number[]>): Promise<number[]> {
  process.stdout.write(`  measuring ${label}… `);
  const times = await measure();
  console.log(`p50 ${fmt.ms(median(times))} (${times.length} calls)`);
  return times;
}

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

async function timings(call: () => Promise<unknown>, calls: number, budgetMs = Infinity): Promise<number[]> {
  await call();
  const times: number[] = [];
  const until = performance.now() + budgetMs;
  while (times.length < calls && (times.length < 1 || performance.now() < until)) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return times;
}

export const reports: Section = {
  name: 'reports',
  title: "The seller's reports at 1M ledger installments and 5M events: indexed vs naive (no report indexes)",
  async run({ runs }) {
    const adminUrl = process.env.BENCH_REPORTS_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const size = Number(process.env.BENCH_REPORTS_INSTALLMENTS ?? 1_000_000);
    const started = Date.now();
    const { handle, url, counts, generatedNow } = await openReportDatabase(adminUrl, size);
    console.log(
      `  ${generatedNow ? 'generated' : 'reused'} ${counts.installments} ledger installments, ${counts.journeys} journeys, ` +
        `${counts.events} events, ${counts.attempts} attempts (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
    const [sample] = (await handle.db.execute(sql`
      select installment_id from journeys where tenant_id = ${BIG_TENANT} and outcome = 'recovered'
      order by due_date desc limit 1`)) as unknown as { installment_id: string }[];
    await handle.close();
    const all = cases(sample!.installment_id);
    const calls = Math.max(MIN_CALLS, runs);

    // Indexed and naive are measured alike: one connection, in a transaction.
    const indexed = new Map<Case, number[]>();
    await inRolledBackTransaction(url, '', async (db) => {
      const r = reportsOn(db);
      for (const c of all) indexed.set(c, await measured(c.label, () => timings(() => c.call(r), calls)));
    });
    const naive = new Map<Case, number[]>();
    const drop = REPORT_INDEXES.map((name) => `drop index ${name}`).join('; ');
    await inRolledBackTransaction(url, drop, async (db) => {
      const r = reportsOn(db);
      for (const c of all)
        naive.set(c, await measured(`naive ${c.label}`, () => timings(() => c.call(r), NAIVE_CALLS, NAIVE_BUDGET_MS)));
    });

    const catchUp = await measured(`overview after ${CHANGED_PURCHASES} purchases changed`, () =>
      overviewAfterChanges(url, all[0]!, size),
    );

    const recording = recordingDatabase(url);
    const figures: Figure[] = [];
    try {
      const r = reportsOn(recording.db);
      for (const c of all) {
        recording.take();
        await c.call(r);
        const scans = await fullScansOf(recording.db, recording.take());
        const times = indexed.get(c)!;
        const p50 = median(times);
        const p99 = percentile(times, 99);
        const baseline = median(naive.get(c)!);
        const pass = p50 < GOAL_MS && scans.length === 0;
        console.log(
          `  ${pass ? ' ' : '✗'} ${c.label}: p50 ${fmt.ms(p50)} p99 ${fmt.ms(p99)} (${times.length} calls); ` +
            `naive ${fmt.ms(baseline)} → ${fmt.ratio(baseline / p50)} × faster; ` +
            `EXPLAIN: ${scans.length === 0 ? 'no big table read whole' : scans.join(', ')}`,
        );
        figures.push({
          goal: `report ${c.label}`,
          measured: `p50 ${fmt.ms(p50)}, p99 ${fmt.ms(p99)}`,
          baseline: `${fmt.ms(baseline)} naive (no report indexes)`,
          ratio: baseline / p50,
          target: `p50 < ${GOAL_MS} ms, no big table read whole`,
          pass,
        });
      }
    } finally {
      await recording.close();
    }
    const baseline = median(naive.get(all[0]!)!);
    const p50 = median(catchUp);
    console.log(`    overview after ${CHANGED_PURCHASES} purchases changed: p50 ${fmt.ms(p50)} (catch-up included)`);
    figures.push({
      goal: `report overview after ${CHANGED_PURCHASES} purchases changed since the last read`,
      measured: `p50 ${fmt.ms(p50)} (${fmt.ms(p50 / CHANGED_PURCHASES)} a purchase)`,
      baseline: `${fmt.ms(baseline)} naive (no report indexes)`,
      ratio: baseline / p50,
      target: `p50 < ${GOAL_MS} ms`,
      pass: p50 < GOAL_MS,
    });
    return figures;
  },
};
