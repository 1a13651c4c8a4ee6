/**
 * Properties of the what-if simulator over random policies and portfolios (buyers with several
 * installments in several zones, some unreachable on some channels). The rules are checked with
 * the oracle helpers of test/support/arbitraries.ts (Intl and plain arithmetic), not with the
 * guard the simulator runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InstallmentInput } from '../../domain/installment';
import { type Policy, defaultPolicy, policySchema } from '../../domain/policy';
import { DEFAULT_ASSUMPTIONS, type SimulationAssumptions } from '../../domain/simulation/assumptions';
import { type SimulationResult, simulate } from '../../domain/simulation/engine';
import {
  TIME_ZONES,
  contactAllowed,
  installmentFixture,
  localReading,
  plusDays,
  policyArb,
  worstWindow,
} from '../support/arbitraries';

interface Portfolio {
  policy: Policy;
  start: number;
  installments: InstallmentInput[];
  holidays: string[];
}

const START = Date.UTC(2027, 2, 1, 12);

const portfolioArb: fc.Arbitrary<Portfolio> = fc
  .record({
    policy: policyArb,
    startShiftHours: fc.integer({ min: 0, max: 24 * 30 }),
    buyers: fc.array(
      fc.record({
        timezone: fc.constantFrom(...TIME_ZONES),
        // Which addresses the buyer has: some reach no channel at all.
        email: fc.boolean(),
        phone: fc.boolean(),
        whatsapp: fc.boolean(),
        dueInDays: fc.array(fc.integer({ min: -10, max: 40 }), { minLength: 1, maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    holidayDays: fc.array(fc.integer({ min: 0, max: 90 }), { maxLength: 6 }),
  })
  .map(({ policy, startShiftHours, buyers, holidayDays }) => {
    const start = START + startShiftHours * 3_600_000;
    const startDate = new Date(start).toISOString().slice(0, 10);
    const installments = buyers.flatMap((b, buyer) =>
      b.dueInDays.map((days, n) => {
        const installment = installmentFixture({
          timezone: b.timezone,
          dueDate: plusDays(startDate, days),
          email: b.email ? `b${buyer}@example.com` : undefined,
          phone: b.phone ? `+551198765432${buyer}` : undefined,
          whatsapp: b.whatsapp ? `+551198765432${buyer}` : undefined,
        });
        return {
          ...installment,
          installmentId: `inst-${buyer}-${n}`,
          buyer: { ...installment.buyer, id: `buyer-${buyer}` },
        };
      }),
    );
    return { policy, start, installments, holidays: holidayDays.map((d) => plusDays(startDate, d)) };
  });

/** The same portfolios under a policy that groups a buyer's reminders (domain/grouping.ts). */
const groupedPortfolioArb: fc.Arbitrary<Portfolio> = fc
  .record({ p: portfolioArb, windowHours: fc.integer({ min: 1, max: 72 }) })
  .map(({ p, windowHours }) => ({ ...p, policy: policySchema.parse({ ...p.policy, grouping: { windowHours } }) }));

const policies = [
  ['each reminder on its own', portfolioArb],
  ['a buyer’s reminders grouped', groupedPortfolioArb],
] as const;

function run(p: Portfolio, assumptions: Partial<SimulationAssumptions> = {}): SimulationResult {
  return simulate({
    policy: { ...p.policy, holidays: { observePublicHolidays: true } },
    installments: p.installments,
    start: p.start,
    assumptions: { ...DEFAULT_ASSUMPTIONS, ...assumptions },
    // The buyers' country (BR) observes the generated dates as public holidays.
    publicHolidays: (country) => (country === 'BR' ? p.holidays : []),
    rateLimits: { email: 2, sms: 1, whatsapp: 10 },
    keepSends: true,
  });
}

const payment = (afterEachStep: number): Partial<SimulationAssumptions> => ({
  payment: { afterEachStep },
  seed: 7,
});

const reachable = (i: InstallmentInput) => !!(i.buyer.email || i.buyer.phone || i.buyer.whatsapp);

describe('the simulator', () => {
  it.each(policies)(
    'never plans a send inside quiet hours, on a disallowed weekday, on a holiday, or above the cap across a buyer’s installments (%s)',
    (_, arb) => {
      fc.assert(
        fc.property(arb, fc.double({ min: 0, max: 1, noNaN: true }), (p, pay) => {
          const { sends } = run(p, payment(pay));
          const zoneOf = new Map(p.installments.map((i) => [i.installmentId, i.buyer.timezone]));
          for (const send of sends) {
            const zone = zoneOf.get(send.installmentId)!;
            expect(contactAllowed(p.policy, send.at, zone)).toBe(true);
            expect(p.holidays).not.toContain(localReading(send.at, zone).date);
            expect(send.at).toBeGreaterThanOrEqual(p.start);
          }
          for (const buyer of new Set(sends.map((s) => s.buyerId))) {
            const contacts = sends.filter((s) => s.buyerId === buyer).map((s) => s.at);
            expect(worstWindow(contacts, contacts)).toBeLessThanOrEqual(p.policy.maxContactsPer7Days);
          }
        }),
        { numRuns: 150 },
      );
    },
  );

  it.each(policies)(
    'counts add up: sends per channel per day, per channel, per provider queue and per buyer all sum to the sends (%s)',
    (_, arb) => {
      fc.assert(
        fc.property(arb, fc.double({ min: 0, max: 1, noNaN: true }), (p, pay) => {
          const { report, sends } = run(p, payment(pay));
          const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
          expect(report.messages.total).toBe(sends.length);
          expect(sum(report.messages.perDay.map((d) => d.total))).toBe(sends.length);
          for (const day of report.messages.perDay) expect(sum(Object.values(day.byChannel))).toBe(day.total);
          expect(sum(Object.values(report.messages.byChannel))).toBe(sends.length);
          expect(sum(report.providerQueues.map((q) => q.sends))).toBe(sends.length);
          const buyers = new Set(p.installments.map((i) => i.buyer.id)).size;
          expect(report.contactsPerBuyer.count).toBe(buyers);
          expect(report.contactsPerBuyer.mean * buyers).toBeCloseTo(sends.length, 0);
          expect(report.journeys.paid + report.journeys.reachedFinalAction + report.journeys.open).toBe(
            p.installments.length,
          );
        }),
        { numRuns: 150 },
      );
    },
  );

  it.each(policies)('with a payment probability of 0, every journey reaches the final action (%s)', (_, arb) => {
    fc.assert(
      fc.property(arb, (p) => {
        const { report } = run(p, payment(0));
        expect(report.journeys.reachedFinalAction).toBe(p.installments.length);
        expect(report.journeys.finalActionShare).toBe(1);
        expect(report.journeys.paid).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('with a payment probability of 1, every reachable journey sends exactly one reminder and is paid after it', () => {
    fc.assert(
      fc.property(portfolioArb, (p) => {
        const { report, sends } = run(p, payment(1));
        const perJourney = new Map<string, number>();
        for (const s of sends) perJourney.set(s.installmentId, (perJourney.get(s.installmentId) ?? 0) + 1);
        // A journey whose every step would fall after its final action sends nothing: it is written off.
        for (const count of perJourney.values()) expect(count).toBe(1);
        expect(report.journeys.paid).toBe(sends.length);
        expect(report.journeys.paid + report.journeys.reachedFinalAction).toBe(p.installments.length);
        expect(p.installments.filter((i) => !reachable(i)).every((i) => !perJourney.has(i.installmentId))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same report for the same seed; a journey’s draws do not depend on the other journeys', () => {
    fc.assert(
      fc.property(portfolioArb, (p) => {
        const once = run(p, payment(0.3));
        expect(run(p, payment(0.3))).toEqual(once);
        // One installment per buyer, so no cap couples them: the portfolio's order changes nothing.
        const firstPerBuyer = p.installments.filter(
          (i, n) => p.installments.findIndex((j) => j.buyer.id === i.buyer.id) === n,
        );
        const forward = run({ ...p, installments: firstPerBuyer }, payment(0.3));
        const reversed = run({ ...p, installments: [...firstPerBuyer].reverse() }, payment(0.3));
        expect(reversed.report.journeys).toEqual(forward.report.journeys);
        expect(reversed.report.messages).toEqual(forward.report.messages);
      }),
      { numRuns: 50 },
    );
  });
});

describe('the simulator’s report', () => {
  const policy = defaultPolicy;
  const installment = (id: string, buyer: string, dueDate: string) => {
    const base = installmentFixture({ dueDate, timezone: 'America/Sao_Paulo' });
    return { ...base, installmentId: id, buyer: { ...base.buyer, id: buyer } };
  };
  const simulateDefault = (installments: InstallmentInput[], holidays: string[] = [], under: Policy = policy) =>
    simulate({
      policy: under,
      installments,
      start: Date.parse('2027-03-01T12:00:00Z'),
      assumptions: DEFAULT_ASSUMPTIONS,
      publicHolidays: () => holidays,
      rateLimits: { email: 2 },
      keepSends: true,
    });

  it('moves a step off a public holiday and a Sunday, and says so', () => {
    // Due Thursday 2027-03-11 in São Paulo (UTC-3); Friday the 12th is a holiday, the 14th a Sunday.
    const { report, sends } = simulateDefault([installment('i1', 'b1', '2027-03-11')], ['2027-03-12']);
    expect(sends.slice(0, 4).map((s) => [s.channel, s.template, new Date(s.at).toISOString()])).toEqual([
      ['email', 'pre_due', '2027-03-08T13:00:00.000Z'],
      ['email', 'due_today', '2027-03-11T12:00:00.000Z'],
      // The guard holds it to the next day's end of quiet hours (08:00).
      ['sms', 'overdue_early', '2027-03-13T11:00:00.000Z'],
      ['whatsapp', 'overdue_early', '2027-03-15T14:00:00.000Z'],
    ]);
    expect(report.deferredSends).toEqual({ quiet_hours: 0, weekday: 1, holiday: 1, frequency_cap: 0 });
    expect(report.journeys).toMatchObject({ total: 1, reachedFinalAction: 1, finalActionShare: 1, paid: 0 });
    expect(report.messages.total).toBe(7);
  });

  it('holds a buyer’s second installment by the cap their first one used up', () => {
    const { report, sends } = simulateDefault([
      installment('i1', 'b1', '2027-03-11'),
      installment('i2', 'b1', '2027-03-11'),
    ]);
    expect(report.deferredSends.frequency_cap).toBeGreaterThan(0);
    const contacts = sends.map((s) => s.at);
    expect(worstWindow(contacts, contacts)).toBe(policy.maxContactsPer7Days);
    expect(report.contactsPerBuyer).toMatchObject({ count: 1, max: sends.length });
  });

  it('sends one message for a buyer’s installments due together under a grouping policy, counted once by the cap', () => {
    const installments = [
      installment('i1', 'b1', '2027-03-11'),
      installment('i2', 'b1', '2027-03-11'),
      installment('i3', 'b2', '2027-03-20'),
    ];
    const grouped = policySchema.parse({ ...policy, grouping: { windowHours: 24 } });
    const alone = simulateDefault(installments);
    const together = simulateDefault(installments, [], grouped);
    const ofBuyer = (sends: typeof alone.sends, buyer: string) => sends.filter((s) => s.buyerId === buyer);
    // b1's two ladders run step for step: every message covers both, and b1 hears exactly what a
    // buyer with one of them would, when they would.
    const single = simulateDefault([installment('i1', 'b1', '2027-03-11')]);
    const said = (sends: typeof alone.sends) => sends.map((s) => [s.channel, s.template, s.at]);
    expect(said(ofBuyer(together.sends, 'b1'))).toEqual(said(single.sends));
    expect(together.report.messages.grouped).toEqual({
      messages: single.sends.length,
      installments: 2 * single.sends.length,
    });
    expect(together.report.deferredSends.frequency_cap).toBeLessThan(alone.report.deferredSends.frequency_cap);
    // A buyer with one installment gets the same reminders, at the same instants.
    expect(ofBuyer(together.sends, 'b2')).toEqual(ofBuyer(alone.sends, 'b2'));
  });

  it('finds the peak second of a provider queue against its limit and how long the burst queues', () => {
    const installments = Array.from({ length: 10 }, (_, n) => installment(`i${n}`, `b${n}`, '2027-03-11'));
    const { report } = simulateDefault(installments);
    const email = report.providerQueues.find((q) => q.queue === 'email')!;
    expect(email).toMatchObject({ limitPerSecond: 2, peakPerSecond: 10, peakAt: '2027-03-08T13:00:00.000Z' });
    // Two a second: the tenth goes out 4 seconds after the first two.
    expect(email.longestQueueSeconds).toBe(4);
    expect(report.providerQueues.find((q) => q.queue === 'sms')).toMatchObject({
      limitPerSecond: null,
      secondsOverLimit: 0,
    });
  });
});
