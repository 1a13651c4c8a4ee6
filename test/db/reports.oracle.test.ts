/**
 * The reports' SQL against the domain's definitions: generated ledgers are written the way the
 * system writes them, and every report read from the database must equal what
 * domain/reports.ts computes from the ledger's description (for a random period and filter).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type ReportFilter, type Reports, createReports } from '../../application/reports';
import type { Channel } from '../../domain/channels';
import { ENTRY_STANDINGS, entryState } from '../../domain/ledger';
import { addDays, isoInstant } from '../../domain/local-time';
import {
  attributions,
  creditsByStep,
  dailyRecovered,
  expectedUpcoming,
  funnel,
  inRecoveryNow,
  installmentResult,
  overviewOf,
  periodTotals,
  purchaseAmounts,
  recoveryCurve,
  reportCurrency,
} from '../../domain/reports';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import {
  CHANNELS,
  COUNTRIES,
  CURRENCIES,
  type OracleInstallment,
  POLICIES,
  PRODUCTS,
  REPORT_NOW,
  ledgerArb,
  oracleFacts,
  purchaseKey,
  writeLedger,
} from '../support/report-ledger';

const NOW_DATE = isoInstant(REPORT_NOW).slice(0, 10);

/** Undefined three times in four: a filter narrows the ledger now and then. */
const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const filterArb = fc.record({
  // Mostly the whole generated ledger, now and then a slice of it.
  fromOffset: fc.oneof({ weight: 2, arbitrary: fc.constant(-50) }, fc.integer({ min: -50, max: 10 })),
  length: fc.oneof({ weight: 2, arbitrary: fc.constant(70) }, fc.integer({ min: 0, max: 70 })),
  productId: sometimes(fc.constantFrom(...PRODUCTS)),
  country: sometimes(fc.constantFrom(...COUNTRIES)),
  policyId: sometimes(fc.constantFrom(...POLICIES)),
  channel: sometimes(fc.constantFrom(...(CHANNELS as Channel[]))),
  currency: sometimes(fc.constantFrom(...CURRENCIES)),
  standing: sometimes(fc.constantFrom(...ENTRY_STANDINGS)),
  buyerId: sometimes(fc.constantFrom('b0', 'b1', 'b2')),
  windowDays: fc.integer({ min: 1, max: 10 }),
  paidWithinDays: fc.integer({ min: 1, max: 10 }),
  pageSize: fc.integer({ min: 1, max: 4 }),
});

type FilterCase = typeof filterArb extends fc.Arbitrary<infer T> ? T : never;

function toFilter(tenantId: string, c: FilterCase): ReportFilter {
  const from = addDays(NOW_DATE, c.fromOffset);
  return {
    tenantId,
    from,
    to: addDays(from, c.length),
    productId: c.productId,
    country: c.country,
    policyId: c.policyId,
    channel: c.channel,
    currency: c.currency,
  };
}

/** The oracle's selection: the filter's product, country, policy, channel and currency. */
function matches(f: OracleInstallment, filter: ReportFilter): boolean {
  return (
    (!filter.productId || f.productId === filter.productId) &&
    (!filter.country || f.country === filter.country) &&
    (!filter.policyId || f.policyId === filter.policyId) &&
    (!filter.channel || f.channels.includes(filter.channel)) &&
    (!filter.currency || f.currency === filter.currency)
  );
}

async function allPages<T>(read: (cursor: string | undefined) => Promise<{ rows: T[]; nextCursor: string | null }>) {
  const rows: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    rows.push(...page.rows);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}

describeEachDatabase('reports against the oracle', (getDb) => {
  const reports = (): Reports => createReports({ db: getDb(), now: () => REPORT_NOW, temporalUi: null });

  it('every report equals the definitions over generated ledgers', async () => {
    await fc.assert(
      fc.asyncProperty(ledgerArb, filterArb, async (ledger, c) => {
        const tenantId = uniqueId('rep');
        await writeLedger(getDb(), tenantId, ledger);
        const filter = toFilter(tenantId, c);
        const selected = oracleFacts(tenantId, ledger).filter((f) => matches(f, filter));
        const period = selected.filter((f) => f.dueDate >= filter.from && f.dueDate <= filter.to);
        const r = reports();

        expect(await r.overview(filter)).toEqual(
          overviewOf(
            {
              period: periodTotals(period, REPORT_NOW),
              recoveryNow: inRecoveryNow(selected, REPORT_NOW),
              upcoming: expectedUpcoming(selected, REPORT_NOW),
            },
            filter.currency,
          ),
        );

        const tracking = await allPages((cursor) =>
          r.tracking({ ...filter, standing: c.standing, buyerId: c.buyerId, cursor, limit: c.pageSize }),
        );
        const expectedTracking = period
          .map((f) => ({
            f,
            state: entryState(
              { ...f, number: 1 },
              f.payments.map((p) => ({ ...p, installmentNumber: 1 })),
              REPORT_NOW,
              f.timeZone,
            ),
          }))
          .filter(
            ({ f, state }) => (!c.standing || state.standing === c.standing) && (!c.buyerId || f.buyerId === c.buyerId),
          )
          .sort((a, b) =>
            compareKeys([a.f.dueDate, a.f.purchaseKey, a.f.number], [b.f.dueDate, b.f.purchaseKey, b.f.number]),
          )
          .map(({ f, state }) => ({
            purchaseId: f.purchaseId,
            installmentNumber: f.number,
            installmentId: f.installmentId,
            dueDate: f.dueDate,
            amountMinor: f.amountMinor,
            paidMinor: state.paidMinor,
            outstandingMinor: state.outstandingMinor,
            standing: state.standing,
            journeyId: f.journey?.id ?? null,
          }));
        expect(
          tracking.map((t) => ({
            purchaseId: t.purchaseId,
            installmentNumber: t.installmentNumber,
            installmentId: t.installmentId,
            dueDate: t.dueDate,
            amountMinor: t.amountMinor,
            paidMinor: t.paidMinor,
            outstandingMinor: t.outstandingMinor,
            standing: t.standing,
            journeyId: t.journey?.id ?? null,
          })),
        ).toEqual(expectedTracking);

        const currency = filter.currency ?? reportCurrency(periodTotals(period, REPORT_NOW)).currency;
        const inCurrency = period.filter((f) => f.currency === currency);
        const credited = attributions(inCurrency, REPORT_NOW, c.windowDays);
        expect(await r.attribution({ ...filter, windowDays: c.windowDays, paidWithinDays: c.paidWithinDays })).toEqual({
          windowDays: c.windowDays,
          paidWithinDays: c.paidWithinDays,
          byStep: creditsByStep(credited),
          funnel: funnel(period, REPORT_NOW, c.paidWithinDays),
        });

        const rows = await allPages((cursor) =>
          r.attributionRows({ ...filter, windowDays: c.windowDays, cursor, limit: c.pageSize }),
        );
        expect(rows).toEqual(
          [...credited]
            .sort((a, b) => compareKeys([a.paymentAt, a.journeyId], [b.paymentAt, b.journeyId]))
            .map((a) => ({
              installmentId: a.installmentId,
              journeyId: a.journeyId,
              paymentAt: isoInstant(a.paymentAt),
              recoveredMinor: a.recoveredMinor,
              currency: a.currency,
              step: a.step && { ...a.step, sentAt: isoInstant(a.step.sentAt) },
            })),
        );

        expect(await r.recoveryCurve({ ...filter, days: 20 })).toEqual(recoveryCurve(period, REPORT_NOW, 20));

        const purchase = oracleFacts(tenantId, ledger).filter((f) => f.purchaseKey === purchaseKey(ledger[0]!));
        const details = await r.paymentDetails(tenantId, { installmentId: purchase[0]!.installmentId! });
        const expectedRows = purchase.map((f) => {
          const result = installmentResult(f, REPORT_NOW);
          const received = f.payments.reduce((sum, p) => sum + p.amountMinor, 0);
          return { ...result, amountMinor: f.amountMinor, paidMinor: received, number: f.number };
        });
        expect(details?.amounts).toEqual(purchaseAmounts(expectedRows));
        expect(details?.installments.map((i) => [i.installmentNumber, i.standing, i.paidMinor])).toEqual(
          expectedRows.map((e) => [e.number, e.standing, e.paidMinor]),
        );
        const byNumber = { purchaseId: purchaseKey(ledger[0]!), number: purchase[0]!.number };
        expect(await r.paymentDetails(tenantId, byNumber)).toEqual(details);
        expect(await r.paymentDetails(`${tenantId}-other`, byNumber)).toBeNull();
        expect(await r.dailyRecovered(filter)).toEqual(dailyRecovered(period, REPORT_NOW, currency));
      }),
      { numRuns: 40 },
    );
  });
});

function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let k = 0; k < a.length; k++) {
    if (a[k]! < b[k]!) return -1;
    if (a[k]! > b[k]!) return 1;
  }
  return 0;
}
