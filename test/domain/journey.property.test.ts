import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type JourneyEvent,
  type JourneyState,
  dispatch,
  endOfDueDay,
  nextAction,
  outstandingMinor,
  startJourney,
} from '../../domain/journey';
import { finalActionInstant } from '../../domain/plan';
import { defaultPolicy } from '../../domain/policy';
import {
  DAY,
  HOUR,
  MINUTE,
  type JourneyScenario,
  type PaymentSpec,
  contactAllowed,
  journeyScenarioArb,
  installmentFixture,
  paymentsArb,
  plusDays,
  worstWindow,
} from '../support/arbitraries';
import { type TimedInput, drive, sends } from './driver';

const DUE = 10_000;
const START = Date.UTC(2026, 2, 1, 15);

/** Each payment delivered 1–4 times, in any order (redelivered and reordered webhooks). */
const deliveriesArb = paymentsArb('BRL', 2 * DUE).chain((payments) =>
  fc
    .tuple(...payments.map(() => fc.integer({ min: 1, max: 4 })))
    .map((times) => payments.flatMap((p, i) => Array<PaymentSpec>(times[i]!).fill(p)))
    .chain((copies) =>
      fc.tuple(
        fc.constant(payments),
        fc.shuffledSubarray(copies, { minLength: copies.length, maxLength: copies.length }),
      ),
    ),
);

function deliver(
  state: JourneyState,
  deliveries: PaymentSpec[],
  gap = HOUR,
): { state: JourneyState; recordedIds: string[] } {
  const recordedIds: string[] = [];
  deliveries.forEach((p, i) => {
    const r = dispatch(state, { type: 'payment_received', at: START + (i + 1) * gap, ...p });
    state = r.state;
    if (r.recorded?.type === 'payment_received') recordedIds.push(r.recorded.paymentId);
    // After every single delivery: conserved, never negative.
    expect(state.payments.reduce((sum, x) => sum + x.amountMinor, 0)).toBe(state.paidMinor + state.overpaidMinor);
    expect(outstandingMinor(state)).toBeGreaterThanOrEqual(0);
    expect(state.paidMinor).toBeLessThanOrEqual(DUE);
    expect(state.paidMinor + outstandingMinor(state)).toBe(DUE);
  });
  return { state, recordedIds };
}

describe('payments (random sequences with duplicates and reordering)', () => {
  it('amounts are conserved and a payment is counted once however often it arrives', () => {
    fc.assert(
      fc.property(deliveriesArb, ([payments, deliveries]) => {
        const initial = startJourney(
          installmentFixture({ amountMinor: DUE, currency: 'BRL' }),
          defaultPolicy,
          START,
        ).state;
        const { state, recordedIds } = deliver(initial, deliveries);
        // The model: each valid payment ID counts once, with its amount.
        const valid = payments.filter((p) => p.currency === 'BRL');
        const total = valid.reduce((sum, p) => sum + p.amountMinor, 0);
        expect(state.paidMinor).toBe(Math.min(total, DUE));
        expect(state.overpaidMinor).toBe(Math.max(0, total - DUE));
        expect(new Set(recordedIds)).toEqual(new Set(valid.map((p) => p.paymentId)));
        expect(recordedIds).toHaveLength(valid.length);
        expect(state.payments.map((p) => p.paymentId).sort()).toEqual(valid.map((p) => p.paymentId).sort());
        if (total >= DUE) expect(state.outcome === 'paid_before_due' || state.outcome === 'recovered').toBe(true);
        else expect(state.outcome).toBeNull();
      }),
      { numRuns: 400 },
    );
  });

  it('the totals do not depend on the order of delivery', () => {
    fc.assert(
      fc.property(
        deliveriesArb.chain(([payments, deliveries]) =>
          fc.tuple(
            fc.constant(payments),
            fc.constant(deliveries),
            fc.shuffledSubarray(deliveries, { minLength: deliveries.length, maxLength: deliveries.length }),
          ),
        ),
        ([, one, other]) => {
          const initial = startJourney(installmentFixture({ amountMinor: DUE }), defaultPolicy, START).state;
          const a = deliver(initial, one).state;
          const b = deliver(initial, other).state;
          expect([a.paidMinor, a.overpaidMinor]).toEqual([b.paidMinor, b.overpaidMinor]);
          expect(a.payments.map((p) => p.paymentId).sort()).toEqual(b.payments.map((p) => p.paymentId).sort());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('conservation also holds across the journey closing (write-off or cancel) between deliveries', () => {
    fc.assert(
      fc.property(
        deliveriesArb,
        fc.nat(),
        fc.constantFrom<JourneyEvent['type']>('final_action_taken', 'canceled'),
        ([payments, deliveries], cut, closing) => {
          const initial = startJourney(installmentFixture({ amountMinor: DUE }), defaultPolicy, START).state;
          const k = deliveries.length === 0 ? 0 : cut % (deliveries.length + 1);
          const before = deliver(initial, deliveries.slice(0, k)).state;
          const closeAt = START + (k + 0.5) * HOUR;
          const closedEvent: JourneyEvent =
            closing === 'canceled'
              ? { type: 'canceled', at: closeAt, reason: 'manual' }
              : { type: 'final_action_taken', at: closeAt, action: 'write_off' };
          const closed = dispatch(before, closedEvent).state;
          const after = deliver(closed, deliveries.slice(k)).state;
          const total = payments.filter((p) => p.currency === 'BRL').reduce((sum, p) => sum + p.amountMinor, 0);
          expect(after.paidMinor).toBe(Math.min(total, DUE));
          expect(after.overpaidMinor).toBe(Math.max(0, total - DUE));
          expect(after.outcome).not.toBeNull();
          if (after.outcome === 'canceled') expect(closing === 'canceled' && before.outcome === null).toBe(true);
          // A late part-payment is counted but does not change a written-off outcome; the rest does.
          if (after.outcome === 'written_off') expect(after.paidMinor).toBeLessThan(DUE);
          if (after.outcome === 'written_off' && after.paidMinor > 0) expect(before.paidMinor).toBe(0);
          if (after.outcome === 'partially_recovered') expect(after.paidMinor > 0 && after.paidMinor < DUE).toBe(true);
          if (after.outcome === 'recovered' || after.outcome === 'paid_before_due') expect(after.paidMinor).toBe(DUE);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function inputsOf(s: JourneyScenario, start: number): TimedInput[] {
  const inputs: TimedInput[] = [];
  let at = start;
  for (const { afterMinutes, event: e } of s.events) {
    at += afterMinutes * MINUTE;
    switch (e.kind) {
      case 'payment':
        inputs.push({
          at,
          event: {
            type: 'payment_received',
            at,
            paymentId: e.paymentId,
            amountMinor: e.amountMinor,
            currency: e.currency,
          },
        });
        break;
      case 'change_due_date':
        inputs.push({ at, changeDueDate: plusDays(s.dueDate, e.shiftDays) });
        break;
      case 'pause':
        inputs.push({
          at,
          event: { type: 'paused', at, until: e.untilHours === null ? null : at + e.untilHours * HOUR },
        });
        break;
      case 'resume':
        inputs.push({ at, event: { type: 'resumed', at } });
        break;
      case 'cancel':
        inputs.push({ at, event: { type: 'canceled', at, reason: e.reason } });
        break;
      case 'contact':
        inputs.push({ at, event: { type: 'contact_updated', at, changes: e.changes } });
        break;
      case 'opt_out':
        inputs.push({ at, event: { type: 'opted_out', at, channel: e.channel } });
        break;
    }
  }
  return inputs;
}

function runScenario(s: JourneyScenario) {
  const installment = installmentFixture({
    timezone: s.timeZone,
    dueDate: s.dueDate,
    amountMinor: s.amountMinor,
    currency: 'BRL',
    email: s.contact.email,
    phone: s.contact.phone,
    whatsapp: s.contact.whatsapp,
  });
  const [y, m, d] = s.dueDate.split('-').map(Number) as [number, number, number];
  const start = Date.UTC(y, m - 1, d) + s.startOffsetMinutes * MINUTE;
  const initial = startJourney(installment, s.policy, start).state;
  const run = drive(initial, start, {
    inputs: inputsOf(s, start),
    fails: ({ n }) => s.failures[n % s.failures.length]!,
    maxIterations: 2_000,
  });
  return { start, run };
}

const scenarioArb = fc.oneof(
  { weight: 3, arbitrary: journeyScenarioArb() },
  { weight: 1, arbitrary: journeyScenarioArb({ policy: fc.constant(defaultPolicy) }) },
);
const JOURNEY_RUNS = 250;

function withScenario(s: JourneyScenario, body: () => void) {
  try {
    body();
  } catch (e) {
    (e as Error).message += `\n  scenario: ${JSON.stringify(s)}`;
    throw e;
  }
}

describe('random journeys (events interleaved with nextAction-driven sends, skips and the final action)', () => {
  it('always terminate with an outcome, and never send after closing', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { start, run } = runScenario(s);
        withScenario(s, () => {
          expect(run.actions.at(-1)).toBe('done');
          expect(run.state.outcome).not.toBeNull();
          expect(run.state.closedAt).not.toBeNull();
          const closedAt = run.state.closedAt!;
          expect(closedAt).toBeGreaterThanOrEqual(start);
          for (const x of sends(run.trace)) expect(x.at).toBeLessThanOrEqual(closedAt);
          // Closed for good: later, nothing is due, and even a report of a send that was in flight
          // (counted as a contact) leaves the outcome and the ladder where they were.
          expect(nextAction(run.state, closedAt + 400 * DAY).kind).toBe('done');
          const late = dispatch(run.state, {
            type: 'step_sent',
            at: closedAt + 1,
            revision: run.state.planRevision,
            stepIndex: run.state.nextStepIndex,
            channel: 'email',
            requestedChannel: 'email',
            attemptId: 'late',
          });
          expect(late.state).toMatchObject({
            outcome: run.state.outcome,
            closedAt,
            nextStepIndex: run.state.nextStepIndex,
          });
          expect(nextAction(late.state, closedAt + 2).kind).toBe('done');
        });
      }),
      { numRuns: JOURNEY_RUNS },
    );
  });

  it('every send is compliant: allowed time in the buyer’s zone of the moment, reachable channel, not paused, within the cap, once per step', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { run } = runScenario(s);
        withScenario(s, () => {
          const sent = sends(run.trace);
          for (const x of sent) {
            expect(
              contactAllowed(s.policy, x.at, x.timeZone),
              `send at ${new Date(x.at).toISOString()} in ${x.timeZone}`,
            ).toBe(true);
            expect(x.optedOut).not.toContain(x.channel);
            expect(x.undeliverable).not.toContain(x.channel);
            expect(x.address).toBeTruthy();
            expect(x.paused).toBe(false);
          }
          const ats = sent.map((x) => x.at);
          expect(worstWindow(ats, ats)).toBeLessThanOrEqual(s.policy.maxContactsPer7Days);
          const keys = sent.map((x) => `${x.revision}/${x.stepIndex}`);
          expect(new Set(keys).size).toBe(keys.length);
          // Within a revision, steps go out in ladder order.
          for (let i = 1; i < sent.length; i++) {
            if (sent[i]!.revision === sent[i - 1]!.revision)
              expect(sent[i]!.stepIndex).toBeGreaterThan(sent[i - 1]!.stepIndex);
            else expect(sent[i]!.revision).toBeGreaterThan(sent[i - 1]!.revision);
          }
        });
      }),
      { numRuns: JOURNEY_RUNS },
    );
  });

  it('the books balance and the outcome matches them', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { run } = runScenario(s);
        const st = run.state;
        withScenario(s, () => {
          expect(st.payments.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(st.paidMinor + st.overpaidMinor);
          expect(new Set(st.payments.map((p) => p.paymentId)).size).toBe(st.payments.length);
          expect(outstandingMinor(st)).toBeGreaterThanOrEqual(0);
          expect(st.paidMinor + outstandingMinor(st)).toBe(s.amountMinor);
          const finalTrace = run.trace.find((t) => t.kind === 'final');
          switch (st.outcome) {
            case 'paid_before_due':
              expect(outstandingMinor(st)).toBe(0);
              expect(st.closedAt!).toBeLessThan(endOfDueDay(st, st.originalDueDate));
              break;
            case 'recovered':
              expect(outstandingMinor(st)).toBe(0);
              break;
            case 'partially_recovered':
              expect(st.paidMinor).toBeGreaterThan(0);
              expect(outstandingMinor(st)).toBeGreaterThan(0);
              expect(finalTrace).toBeDefined();
              break;
            case 'written_off':
            case 'handed_over':
              expect(st.paidMinor).toBe(0);
              expect(finalTrace).toBeDefined();
              break;
            case 'canceled':
              expect(st.cancelReason).not.toBeNull();
              break;
            default:
              expect.fail(`unexpected outcome ${String(st.outcome)}`);
          }
          if (finalTrace) {
            // The final action is never early: not before local midnight of due + offset.
            expect(finalTrace.at).toBeGreaterThanOrEqual(
              finalActionInstant(s.policy, st.dueDate, st.installment.buyer.timezone),
            );
          }
          // Recorded events are numbered without gaps.
          run.recorded.forEach((e, i) => expect(e.seq).toBe(i + 2));
          expect(st.lastSeq).toBe(run.recorded.length + 1);
          // The contact never leaks into the audit trail.
          for (const e of run.recorded)
            if (e.type === 'contact_updated') expect(Object.keys(e)).not.toContain('changes');
        });
      }),
      { numRuns: JOURNEY_RUNS },
    );
  });
});
