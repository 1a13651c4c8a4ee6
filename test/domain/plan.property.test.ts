import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Plan, type PlanInput, computePlan } from '../../domain/plan';
import { type Policy, defaultPolicy } from '../../domain/policy';
import {
  DAY,
  MINUTE,
  WEEK,
  contactAllowed,
  localDateArb,
  localReading,
  offsetAt,
  plusDays,
  policyArb,
  timeZoneArb,
  worstWindow,
} from '../support/arbitraries';

/**
 * Random plan inputs: any valid policy (or the default one), any listed zone, a due date between
 * 2024 and 2030, "now" from 30 days before to 70 days after it, any starting step, and up to 10
 * recent contacts in the 8 days before now (some already out of the rolling week).
 */
const planInputArb: fc.Arbitrary<PlanInput> = fc
  .record({
    policy: fc.oneof({ weight: 4, arbitrary: policyArb }, { weight: 1, arbitrary: fc.constant(defaultPolicy) }),
    timeZone: timeZoneArb,
    dueDate: localDateArb,
    nowOffset: fc.integer({ min: -30 * DAY, max: 70 * DAY }),
    stepFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    recentAgo: fc.array(fc.integer({ min: 0, max: 8 * DAY }), { maxLength: 10 }),
  })
  .map((g) => {
    const [y, m, d] = g.dueDate.split('-').map(Number) as [number, number, number];
    const now = Date.UTC(y, m - 1, d) + g.nowOffset;
    return {
      policy: g.policy,
      timeZone: g.timeZone,
      dueDate: g.dueDate,
      now,
      fromStep: Math.floor(g.stepFraction * g.policy.steps.length),
      recentContacts: g.recentAgo.map((ago) => now - ago),
    };
  });

const RUNS = 400;

function describeInput(i: PlanInput): string {
  return JSON.stringify({ ...i, now: new Date(i.now).toISOString() });
}

function check(input: PlanInput, assertion: (plan: Plan, input: PlanInput) => void) {
  const plan = computePlan(input);
  try {
    assertion(plan, input);
  } catch (e) {
    (e as Error).message += `\n  input: ${describeInput(input)}`;
    throw e;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('computePlan properties (random policies, zones, dates)', () => {
  it('never schedules a step in quiet hours or on a disallowed weekday', () => {
    fc.assert(
      fc.property(planInputArb, (input) =>
        check(input, (plan, { policy, timeZone }) => {
          for (const s of plan.steps) {
            if (s.status !== 'scheduled') continue;
            const r = localReading(s.at, timeZone);
            expect(policy.allowedWeekdays, `weekday of ${r.date} ${r.time}`).toContain(r.weekday);
            expect(contactAllowed(policy, s.at, timeZone), `${r.date} ${r.time} is in quiet hours`).toBe(true);
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('scheduled steps are strictly increasing, never before now and always before the final action', () => {
    fc.assert(
      fc.property(planInputArb, (input) =>
        check(input, (plan, { now }) => {
          let previous = Number.NEGATIVE_INFINITY;
          for (const s of plan.steps) {
            expect(s.at).toBeGreaterThanOrEqual(now);
            expect(s.at).toBeLessThan(plan.finalActionAt);
            expect(s.at).toBeGreaterThanOrEqual(s.nominalAt);
            if (s.status === 'scheduled') {
              expect(s.at).toBeGreaterThan(previous);
              previous = s.at;
            }
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('never more than maxContactsPer7Days in any rolling 7-day window, counting recent contacts', () => {
    fc.assert(
      fc.property(planInputArb, (input) =>
        check(input, (plan, { policy, recentContacts }) => {
          const planned = plan.steps.filter((s) => s.status === 'scheduled').map((s) => s.at);
          // Windows ending at a recent contact hold only recent contacts (given, maybe over the cap);
          // every window that contains a planned contact ends, at its worst, at a planned contact.
          expect(worstWindow([...recentContacts, ...planned], planned)).toBeLessThanOrEqual(policy.maxContactsPer7Days);
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('lists the remaining steps in ladder order, each from fromStep on, none dropped before the final action', () => {
    fc.assert(
      fc.property(planInputArb, (input) =>
        check(input, (plan, { policy, fromStep, dueDate, timeZone }) => {
          const indices = plan.steps.map((s) => s.stepIndex);
          expect(indices).toEqual(indices.map((_, k) => fromStep + k));
          for (const s of plan.steps) {
            const step = policy.steps[s.stepIndex]!;
            expect(s.channel).toBe(step.channel);
            expect(s.template).toBe(step.template);
            // The nominal instant shows the step's day and send time on the buyer's clock (or a
            // time just after it, when the send time falls in a DST gap).
            const r = localReading(s.nominalAt, timeZone);
            expect(r.date).toBe(plusDays(dueDate, step.offsetDays));
            if (r.time !== step.sendAt) {
              expect(r.time > step.sendAt).toBe(true);
              expect(offsetAt(s.nominalAt, timeZone)).toBeGreaterThan(offsetAt(s.nominalAt - DAY, timeZone));
            }
          }
          // A step whose own nominal time is at or after the final action is never listed.
          for (let i = fromStep; i < policy.steps.length; i++) {
            const listed = plan.steps.find((s) => s.stepIndex === i);
            if (listed && listed.nominalAt >= plan.finalActionAt) expect.fail(`step ${i} is after the final action`);
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('the final action is at the local midnight that starts day due + finalAction.offsetDays', () => {
    fc.assert(
      fc.property(planInputArb, (input) =>
        check(input, (plan, { policy, dueDate, timeZone }) => {
          const finalDay = plusDays(dueDate, policy.finalAction.offsetDays);
          expect(localReading(plan.finalActionAt, timeZone).date).toBe(finalDay);
          expect(localReading(plan.finalActionAt - MINUTE, timeZone).date).toBe(plusDays(finalDay, -1));
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('a superseded step is overtaken by the next step, and a later step is still sent', () => {
    fc.assert(
      fc.property(planInputArb, (input) =>
        check(input, (plan) => {
          plan.steps.forEach((s, k) => {
            if (s.status !== 'superseded') return;
            const next = plan.steps[k + 1];
            // The reason it is superseded: the next step's own time has come by then.
            expect(next).toBeDefined();
            expect(next!.nominalAt).toBeLessThanOrEqual(s.at);
            // Superseding never loses the reminder altogether.
            expect(plan.steps.slice(k + 1).some((t) => t.status === 'scheduled')).toBe(true);
          });
          // And a step is only scheduled when its successor's time has not come yet.
          plan.steps.forEach((s, k) => {
            const next = plan.steps[k + 1];
            if (s.status === 'scheduled' && next) expect(next.nominalAt).toBeGreaterThan(s.at);
          });
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('an unadjusted step is sent at its nominal time; a late step with nothing else in the way at now', () => {
    fc.assert(
      fc.property(planInputArb, (input) =>
        check(input, (plan, { now }) => {
          for (const s of plan.steps) {
            if (s.adjustments.length === 0) expect(s.at).toBe(s.nominalAt);
            if (s.adjustments.length === 1 && s.adjustments[0] === 'late_start') expect(s.at).toBe(now);
          }
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('is stable: re-planning when the head step comes due gives that step at that instant', () => {
    // What the workflow relies on: it sleeps until `at`, re-plans, and must find the step due now.
    fc.assert(
      fc.property(planInputArb, (input) =>
        check(input, (plan) => {
          const head = plan.steps.find((s) => s.status === 'scheduled');
          if (!head) return;
          const again = computePlan({ ...input, now: head.at, fromStep: head.stepIndex });
          expect(again.steps[0]).toMatchObject({ stepIndex: head.stepIndex, status: 'scheduled', at: head.at });
          expect(again.finalActionAt).toBe(plan.finalActionAt);
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('is deterministic: same inputs, same plan, whatever the machine clock says', () => {
    fc.assert(
      fc.property(
        planInputArb,
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        (input, machineClock) => {
          const first = computePlan(input);
          vi.useFakeTimers({ toFake: ['Date'], now: machineClock });
          const second = computePlan(input);
          vi.useRealTimers();
          expect(second).toEqual(first);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the default policy is plannable for every due date and zone (no "no instant" errors)', () => {
    fc.assert(
      fc.property(
        localDateArb,
        timeZoneArb,
        fc.integer({ min: -5 * DAY, max: 40 * DAY }),
        (dueDate, timeZone, offset) => {
          const [y, m, d] = dueDate.split('-').map(Number) as [number, number, number];
          const policy: Policy = defaultPolicy;
          const plan = computePlan({
            policy,
            dueDate,
            timeZone,
            now: Date.UTC(y, m - 1, d) + offset,
            fromStep: 0,
            recentContacts: [],
          });
          expect(plan.steps.length).toBeLessThanOrEqual(policy.steps.length);
          expect(
            worstWindow(
              plan.steps.filter((s) => s.status === 'scheduled').map((s) => s.at),
              plan.steps.map((s) => s.at),
            ),
          ).toBeLessThanOrEqual(3);
          expect(plan.finalActionAt - Date.UTC(y, m - 1, d)).toBeGreaterThan(29 * DAY);
          expect(plan.finalActionAt - Date.UTC(y, m - 1, d)).toBeLessThan(31 * DAY);
          expect(WEEK).toBe(7 * DAY);
        },
      ),
      { numRuns: 200 },
    );
  });
});
