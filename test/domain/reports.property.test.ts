/**
 * Properties of the report definitions (domain/reports.ts) over generated ledgers: what must
 * hold whatever the payments, attempts, zones and currencies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTRY_STANDINGS } from '../../domain/ledger';
import { MS_PER_DAY, addDays, daysBetween } from '../../domain/local-time';
import {
  MAX_PERIOD_DAYS,
  attributions,
  creditsByStep,
  dailyRecovered,
  expectedUpcoming,
  inRecoveryNow,
  installmentResult,
  overviewOf,
  periodTotals,
  purchaseAmounts,
  recoveryCurve,
  reportPeriod,
} from '../../domain/reports';
import { REPORT_NOW, ledgerArb, oracleFacts } from '../support/report-ledger';

const factsArb = ledgerArb.map((ledger) => oracleFacts('tenant', ledger));
const windowArb = fc.integer({ min: 0, max: 15 });

describe('report definitions', () => {
  it('collection efficiency is between 0 and 100, and null exactly when nothing was expected', () => {
    fc.assert(
      fc.property(factsArb, (facts) => {
        for (const t of periodTotals(facts, REPORT_NOW)) {
          const overview = overviewOf({ period: [t], recoveryNow: [], upcoming: [] });
          if (t.expectedMinor === 0) expect(overview.collectionEfficiency).toBeNull();
          else {
            expect(overview.collectionEfficiency).toBeGreaterThanOrEqual(0);
            expect(overview.collectionEfficiency).toBeLessThanOrEqual(100);
          }
        }
      }),
    );
  });

  it('recovered ≤ paid ≤ expected, and every expected installment is counted in exactly one class', () => {
    fc.assert(
      fc.property(factsArb, (facts) => {
        for (const t of periodTotals(facts, REPORT_NOW)) {
          expect(t.recoveredMinor).toBeGreaterThanOrEqual(0);
          expect(t.recoveredMinor).toBeLessThanOrEqual(t.paidMinor);
          expect(t.paidMinor).toBeLessThanOrEqual(t.expectedMinor);
          expect(t.paidOnTime + t.recovered + t.paidLateWithoutJourney + t.open).toBe(t.expected);
          if (t.recovered === 0) expect(t.recoveredMinor).toBe(0);
        }
      }),
    );
  });

  it('attribution credits each recovered installment once, to the last attempt sent before its payment within the window', () => {
    fc.assert(
      fc.property(factsArb, windowArb, (facts, windowDays) => {
        const rows = attributions(facts, REPORT_NOW, windowDays);
        const recovered = facts.filter((f) => installmentResult(f, REPORT_NOW).class === 'recovered');
        expect(rows.map((r) => r.journeyId).sort()).toEqual(recovered.map((f) => f.journey!.id).sort());
        for (const row of rows) {
          const attempts = facts.find((f) => f.journey?.id === row.journeyId)!.journey!.attempts;
          const inWindow = attempts.filter(
            (a) => a.sentAt < row.paymentAt && a.sentAt >= row.paymentAt - windowDays * MS_PER_DAY,
          );
          if (row.step === null) expect(inWindow).toEqual([]);
          else {
            expect(row.step.sentAt).toBeLessThan(row.paymentAt);
            expect(row.step.sentAt).toBeGreaterThanOrEqual(row.paymentAt - windowDays * MS_PER_DAY);
            expect(Math.max(...inWindow.map((a) => a.sentAt))).toBe(row.step.sentAt);
          }
        }
        const credits = creditsByStep(rows);
        expect(credits.reduce((sum, c) => sum + c.recovered, 0)).toBe(rows.length);
      }),
    );
  });

  it('the recovery curve starts at day 0, never decreases and stays within 0..1', () => {
    fc.assert(
      fc.property(factsArb, fc.integer({ min: 0, max: 40 }), (facts, days) => {
        const curve = recoveryCurve(facts, REPORT_NOW, days);
        expect(curve.map((p) => p.day)).toEqual(Array.from({ length: days + 1 }, (_, d) => d));
        for (const [k, point] of curve.entries()) {
          expect(point.share).toBeGreaterThanOrEqual(k === 0 ? 0 : curve[k - 1]!.share);
          expect(point.share).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('amounts never mix currencies: the overview, attribution and the daily amounts add up in the one currency', () => {
    fc.assert(
      fc.property(factsArb, windowArb, (facts, windowDays) => {
        const overview = overviewOf({
          period: periodTotals(facts, REPORT_NOW),
          recoveryNow: inRecoveryNow(facts, REPORT_NOW),
          upcoming: expectedUpcoming(facts, REPORT_NOW),
        });
        const same = facts.filter((f) => f.currency === overview.currency);
        expect(overview.expectedMinor).toBe(same.filter((f) => !f.canceled).reduce((sum, f) => sum + f.amountMinor, 0));
        const daily = dailyRecovered(facts, REPORT_NOW, overview.currency);
        expect(daily.reduce((sum, d) => sum + d.recoveredMinor, 0)).toBe(overview.recoveredMinor);
        const credited = creditsByStep(attributions(same, REPORT_NOW, windowDays));
        expect(credited.reduce((sum, c) => sum + c.recoveredMinor, 0)).toBe(overview.recoveredMinor);
        expect(overview.inRecoveryNow.outstandingMinor).toBeLessThanOrEqual(
          same.reduce((sum, f) => sum + f.amountMinor, 0),
        );
      }),
    );
  });

  it("a purchase's money by standing is never negative and never exceeds its amounts", () => {
    const installment = fc
      .record({ amountMinor: fc.integer({ min: 1, max: 10_000 }), paid: fc.nat(20_000), before: fc.nat(20_000) })
      .chain(({ amountMinor, paid, before }) =>
        fc.constantFrom(...ENTRY_STANDINGS).map((standing) => ({
          amountMinor,
          paidMinor: paid,
          paidBeforeDueMinor: Math.min(before, paid),
          standing,
        })),
      );
    fc.assert(
      fc.property(fc.array(installment, { maxLength: 6 }), (rows) => {
        const a = purchaseAmounts(rows);
        const total = rows.reduce((sum, r) => sum + r.amountMinor, 0);
        expect(a.paidOnTimeMinor + a.paidLateMinor + a.overdueMinor + a.pendingMinor).toBeLessThanOrEqual(total);
        for (const value of Object.values(a)) expect(value).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('a period is from ≤ to, at most 366 days, by default the 30 days up to today (UTC)', () => {
    const dateArb = fc.integer({ min: -800, max: 800 }).map((d) => addDays('2026-06-15', d));
    fc.assert(
      fc.property(fc.option(dateArb, { nil: undefined }), fc.option(dateArb, { nil: undefined }), (from, to) => {
        const period = reportPeriod({ from, to }, REPORT_NOW);
        if ('field' in period) {
          const f = from ?? addDays(to!, -29);
          const t = to ?? (from! > '2026-06-15' ? from! : '2026-06-15');
          expect(f > t || daysBetween(f, t) >= MAX_PERIOD_DAYS).toBe(true);
          return;
        }
        expect(period.from <= period.to).toBe(true);
        expect(daysBetween(period.from, period.to)).toBeLessThan(MAX_PERIOD_DAYS);
        if (from) expect(period.from).toBe(from);
        if (to) expect(period.to).toBe(to);
      }),
    );
    expect(reportPeriod({}, REPORT_NOW)).toEqual({ from: '2026-05-17', to: '2026-06-15' });
  });
});
