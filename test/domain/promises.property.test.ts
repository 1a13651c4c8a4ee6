/**
 * Promises to pay as properties, over any policy the schema accepts: a promise never lets a
 * reminder out before its date plus grace; a broken one sends the policy's broken-promise step
 * before anything else; the limits hold whatever is asked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPromiseOn, outstandingMinor, startJourney } from '../../domain/journey';
import { addDays, instantToZoned, isWithinDailyWindow, minutesOfDay } from '../../domain/local-time';
import { nominalStepInstant } from '../../domain/plan';
import { type Policy, policySchema } from '../../domain/policy';
import { BROKEN_PROMISE_STEP_INDEX, minimumPromiseMinor, promiseDeadline } from '../../domain/promises';
import {
  DAY,
  HOUR,
  channelArb,
  installmentFixture,
  localTimeArb,
  policyArb,
  timeZoneArb,
} from '../support/arbitraries';
import { type TimedInput, drive, sends } from './driver';

const DUE = '2026-03-15';
const DUE_INSTANT = Date.UTC(2026, 2, 15, 12);

/** A policy with promise rules and, when wanted, a broken-promise step sent outside its quiet hours. */
const promisePolicyArb = (withBrokenStep: boolean): fc.Arbitrary<Policy> =>
  fc
    .record({
      policy: policyArb,
      maxPerJourney: fc.integer({ min: 1, max: 4 }),
      maxDaysAhead: fc.integer({ min: 1, max: 30 }),
      graceDays: fc.integer({ min: 0, max: 5 }),
      minimumPercent: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      channel: channelArb,
      sendAt: localTimeArb,
    })
    .filter((g) => !withBrokenStep || !isWithinDailyWindow(minutesOfDay(g.sendAt), g.policy.quietHours))
    .map((g) =>
      policySchema.parse({
        ...g.policy,
        promises: {
          maxPerJourney: g.maxPerJourney,
          maxDaysAhead: g.maxDaysAhead,
          graceDays: g.graceDays,
          ...(g.minimumPercent !== undefined && { partial: { minimumPercent: g.minimumPercent } }),
          ...(withBrokenStep && { brokenPromiseStep: { channel: g.channel, sendAt: g.sendAt } }),
        },
      }),
    );

const scenarioArb = (withBrokenStep: boolean) =>
  fc.record({
    policy: promisePolicyArb(withBrokenStep),
    timeZone: timeZoneArb,
    startOffsetHours: fc.integer({ min: -10 * 24, max: 20 * 24 }),
    promiseAfterHours: fc.integer({ min: 0, max: 10 * 24 }),
    daysAhead: fc.integer({ min: 0, max: 30 }),
  });

function run(s: {
  policy: Policy;
  timeZone: string;
  startOffsetHours: number;
  promiseAfterHours: number;
  daysAhead: number;
}) {
  const start = DUE_INSTANT + s.startOffsetHours * HOUR;
  const promisedAt = start + s.promiseAfterHours * HOUR;
  const today = instantToZoned(promisedAt, s.timeZone).date;
  const date = addDays(today, Math.min(s.daysAhead, s.policy.promises!.maxDaysAhead));
  const initial = startJourney(installmentFixture({ timezone: s.timeZone, dueDate: DUE }), s.policy, start).state;
  const inputs: TimedInput[] = [{ at: promisedAt, promise: { date } }];
  const result = drive(initial, start, { inputs, stopAt: start + 120 * DAY });
  return { ...result, promisedAt, date, until: promiseDeadline(date, s.policy.promises!.graceDays, s.timeZone) };
}

describe('promises to pay, over any policy', () => {
  it('no reminder goes out between an accepted promise and its date plus grace', () => {
    fc.assert(
      fc.property(scenarioArb(false), (s) => {
        const r = run(s);
        if (!r.trace.some((t) => t.kind === 'input' && t.type === 'promise_made')) return; // the journey had ended
        const during = sends(r.trace).filter((t) => t.at >= r.promisedAt && t.at < r.until);
        expect(during).toEqual([]);
        // …and the hold ends on time: broken exactly when it lapses, unless the journey ended first.
        const broken = r.trace.find((t) => t.kind === 'promise_broken');
        if (broken) expect(broken.at).toBe(r.until);
      }),
      { numRuns: 150 },
    );
  });

  it('broken: the next message is the policy’s broken-promise step, never a stale ladder step', () => {
    fc.assert(
      fc.property(scenarioArb(true), (s) => {
        const r = run(s);
        const broken = r.trace.find((t) => t.kind === 'promise_broken');
        if (!broken) return;
        const after = sends(r.trace).filter((t) => t.at >= broken.at);
        expect(after[0]?.stepIndex).toBe(BROKEN_PROMISE_STEP_INDEX);
        expect(after.filter((t) => t.stepIndex === BROKEN_PROMISE_STEP_INDEX)).toHaveLength(1);
        // The ladder's steps that fell due during the hold are passed over, not sent late.
        for (const t of after.slice(1))
          expect(nominalStepInstant(s.policy, t.stepIndex, DUE, s.timeZone)).toBeGreaterThanOrEqual(broken.at);
      }),
      { numRuns: 150 },
    );
  });

  it('an accepted promise is within the policy’s limits; the count is never exceeded', () => {
    fc.assert(
      fc.property(
        promisePolicyArb(false),
        fc.array(
          fc.record({
            afterHours: fc.integer({ min: 0, max: 72 }),
            daysFromToday: fc.integer({ min: -3, max: 40 }),
            amountMinor: fc.option(fc.integer({ min: -5, max: 12_000 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (policy, asks) => {
          const start = DUE_INSTANT;
          let state = startJourney(installmentFixture({ dueDate: DUE }), policy, start).state;
          let at = start;
          const inputs: TimedInput[] = [];
          for (const ask of asks) {
            at += ask.afterHours * HOUR + 1;
            const today = instantToZoned(at, 'America/Sao_Paulo').date;
            const request = { date: addDays(today, ask.daysFromToday), amountMinor: ask.amountMinor };
            if (checkPromiseOn(state, request, at) === null) {
              const rules = policy.promises!;
              expect(ask.daysFromToday).toBeGreaterThanOrEqual(0);
              expect(ask.daysFromToday).toBeLessThanOrEqual(rules.maxDaysAhead);
              if (ask.amountMinor !== undefined) {
                expect(ask.amountMinor).toBeLessThanOrEqual(outstandingMinor(state));
                expect(ask.amountMinor).toBeGreaterThanOrEqual(minimumPromiseMinor(rules, outstandingMinor(state)));
              }
            }
            inputs.push({ at, promise: request });
          }
          state = drive(state, start, { inputs, stopAt: at + 60 * DAY }).state;
          expect(state.promises?.made ?? 0).toBeLessThanOrEqual(policy.promises!.maxPerJourney);
        },
      ),
      { numRuns: 150 },
    );
  });
});
