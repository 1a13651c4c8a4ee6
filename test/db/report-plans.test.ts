/**
 * The reports' hot paths read no big table whole: the statements `createReports` issues for the
 * overview (with each filter), the first tracking page, a payment's details and attribution are
 * explained over generated data (bench/report-data, 30,000 ledger installments, analyzed) and
 * no plan may read the report_ledger projection, purchase_installments, purchases, installments,
 * journeys, attempts, events, payments or purchase_payments whole, nor a tenant's rows of them.
 *
 * At this size a sequential scan, or a hash join of a tenant's whole table, is often the
 * planner's honest choice, so plans are asked for with those off (as at size, where they cost
 * more than looking rows up): PostgreSQL then still reads a table, or a tenant's rows of it,
 * whole when no index serves the query — exactly what this test is for (a missing or dropped
 * index fails it). The plans at full size are the bench's (`npm run bench -- reports`).
 *
 * PostgreSQL only: PGlite's planner runs the same code, but plans over a single-connection WASM
 * build say nothing more, and generating the data there takes minutes.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReportFilter, type Reports, createReports } from '../../application/reports';
import type { Database } from '../../db/client';
import { ANCHOR_DATE, ANCHOR_NOW, BIG_TENANT, generateReportData } from '../../bench/report-data';
import { fullScansOf, inRolledBackTransaction, recordingDatabase } from '../../bench/report-data/recording';
import { type TestDatabase, openTestDatabase, postgresAvailability } from '../support/databases';

const INSTALLMENTS = 30_000;
const last30: ReportFilter = { tenantId: BIG_TENANT, from: '2026-11-01', to: ANCHOR_DATE };
/** The planner's choices that pay only on small tables: off, so plans take the shape they have at size. */
const SMALL_TABLE_PLANS_OFF =
  'set local enable_seqscan = off; set local enable_hashjoin = off; set local enable_mergejoin = off';

const hotPaths: { label: string; call(reports: Reports, installmentId: string): Promise<unknown> }[] = [
  { label: 'overview', call: (r) => r.overview(last30) },
  { label: 'overview by product', call: (r) => r.overview({ ...last30, productId: 'prod-0' }) },
  { label: 'overview by country', call: (r) => r.overview({ ...last30, country: 'BR' }) },
  { label: 'overview by policy', call: (r) => r.overview({ ...last30, policyId: 'gentle' }) },
  { label: 'overview by channel', call: (r) => r.overview({ ...last30, channel: 'whatsapp' }) },
  { label: 'overview in a currency', call: (r) => r.overview({ ...last30, currency: 'EUR' }) },
  { label: 'first tracking page', call: (r) => r.tracking(last30) },
  { label: 'first tracking page of overdue', call: (r) => r.tracking({ ...last30, standing: 'overdue' }) },
  { label: 'payment details', call: (r, installmentId) => r.paymentDetails(BIG_TENANT, { installmentId }) },
  { label: 'attribution', call: (r) => r.attribution(last30) },
];

if (!postgresAvailability.available) console.warn(`[report plans] skipped: ${postgresAvailability.reason}`);
console.info('[report plans] PGlite: not run — the plans that matter are PostgreSQL’s, at size (see the header)');

describe.skipIf(!postgresAvailability.available)('the reports’ query plans [postgres]', () => {
  let database: TestDatabase;
  let installmentId: string;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    await generateReportData(database.db, INSTALLMENTS);
    const [row] = (await database.db.execute(
      sql`select installment_id from journeys where outcome = 'recovered' order by due_date desc limit 1`,
    )) as unknown as { installment_id: string }[];
    installmentId = row!.installment_id;
  }, 300_000);
  afterAll(() => database?.dispose());

  /** The full scans of big tables in the plans of what `call` runs, sequential scans off. */
  async function fullScans(call: (reports: Reports) => Promise<unknown>, ...prepare: string[]): Promise<string[]> {
    let scans: string[] = [];
    const recording = recordingDatabase(database.url!);
    try {
      await call(reportsOn(recording.db));
      const statements = recording.take();
      await inRolledBackTransaction(database.url!, [...prepare, SMALL_TABLE_PLANS_OFF].join('; '), async (db) => {
        scans = await fullScansOf(db, statements);
      });
    } finally {
      await recording.close();
    }
    return scans;
  }

  for (const path of hotPaths)
    it(`reads no big table whole: ${path.label}`, async () => {
      expect(await fullScans((r) => path.call(r, installmentId))).toEqual([]);
    });

  it('fails when a report index is missing', async () => {
    const scans = await fullScans((r) => r.overview(last30), 'drop index report_ledger_period_idx');
    expect(scans).toContainEqual(expect.stringContaining('on report_ledger'));
  });
});

const reportsOn = (db: Database) => createReports({ db, now: () => ANCHOR_NOW, temporalUi: null });
