import { describe, expect, it } from 'vitest';
import { checkPromiseOn, dispatch, nextAction, promiseMadeEvent, stageAt, startJourney } from '../../domain/journey';
import { type Policy, defaultPolicy, policySchema } from '../../domain/policy';
import {
  BROKEN_PROMISE_STEP_INDEX,
  DEFAULT_PROMISE_RULES,
  PROMISE_REFUSAL_MESSAGES,
  promiseRefusalField,
  promiseWindow,
} from '../../domain/promises';
import { journeyStatus } from '../../domain/status';
import { type TimedInput, drive, sends } from './driver';
import { installmentFixture } from '../support/arbitraries';
import { START, begin, sp } from './reference-journey';

// The reference scenario (./reference-journey.ts): due Sunday 15 March 2026, 100.00 BRL, São Paulo.
// By 17 March noon the -3, 0 and +1 steps have gone out; the +3 (19 March) and +7 (23 March) steps are next.
const PROMISED_AT = sp(3, 17, 12);
const promise = (date: string, amountMinor?: number): TimedInput => ({
  at: PROMISED_AT,
  promise: { date, ...(amountMinor !== undefined && { amountMinor }) },
});
const pay = (at: number, amountMinor: number): TimedInput => ({
  at,
  event: { type: 'payment_received', at, paymentId: `p-${at}`, amountMinor, currency: 'BRL' },
});

const withPromises = (promises: Policy['promises']): Policy => policySchema.parse({ ...defaultPolicy, promises });
const brokenStepPolicy = withPromises({
  maxPerJourney: 2,
  maxDaysAhead: 14,
  graceDays: 1,
  brokenPromiseStep: { channel: 'sms', sendAt: '10:00' },
});

const sendsAfter = (at: number, trace: ReturnType<typeof drive>['trace']) =>
  sends(trace)
    .filter((s) => s.at >= at)
    .map((s) => ({ at: s.at, stepIndex: s.stepIndex, channel: s.channel }));

describe('a promise to pay', () => {
  it('holds every reminder until the promised date plus grace, then resumes the ladder as a pause does', () => {
    // Promised for Wednesday 25 March, one day of grace (the default): the hold ends at midnight starting 27 March.
    const run = drive(begin(), START, { inputs: [promise('2026-03-25')], stopAt: sp(3, 31, 0) });
    expect(sendsAfter(PROMISED_AT, run.trace)).toEqual([
      // The +3 step fell due during the hold and is passed over; the +7 one, the latest, goes out late
      // (as soon as quiet hours end).
      { at: sp(3, 27, 8), stepIndex: 4, channel: 'email' },
      { at: sp(3, 30, 11), stepIndex: 5, channel: 'sms' },
    ]);
    expect(run.trace.find((t) => t.kind === 'promise_broken')).toEqual({ kind: 'promise_broken', at: sp(3, 27, 0) });
    expect(run.recorded.map((e) => e.type)).toContain('promise_made');
  });

  it('broken: the policy’s broken-promise step goes out first and stands in for the steps the hold passed over', () => {
    const run = drive(begin({}, brokenStepPolicy), START, { inputs: [promise('2026-03-25')], stopAt: sp(3, 31, 0) });
    expect(sendsAfter(PROMISED_AT, run.trace)).toEqual([
      { at: sp(3, 27, 8), stepIndex: BROKEN_PROMISE_STEP_INDEX, channel: 'sms' },
      { at: sp(3, 30, 11), stepIndex: 5, channel: 'sms' },
    ]);
    const skipped = run.trace.filter((t) => t.kind === 'skip' && t.at >= sp(3, 27, 0));
    expect(skipped.map((t) => (t.kind === 'skip' ? t.stepIndex : null))).toEqual([3, 4]);
  });

  it('broken in a holdout journey: nothing goes out, the broken-promise step included', () => {
    const holdout = startJourney(installmentFixture(), brokenStepPolicy, START, undefined, 0, {
      ruleId: 'r',
      routingVersion: 1,
      experimentId: 'e',
      arm: 'holdout',
      holdout: true,
    }).state;
    const run = drive(holdout, START, { inputs: [promise('2026-03-25')], stopAt: sp(3, 31, 0) });
    expect(run.trace.find((t) => t.kind === 'promise_broken')).toBeDefined();
    expect(sends(run.trace)).toEqual([]);
  });

  it('a new promise made while the broken-promise step waits for quiet hours answers for it: the step never goes out', () => {
    // Broken at midnight starting 27 March; its step would go out at 08:00. At 05:00 the buyer promises half for
    // the 28th and pays it: the promise is kept and the ladder goes on for the rest — without the old step.
    const partial = withPromises({ ...brokenStepPolicy.promises!, partial: { minimumPercent: 10 } });
    const second: TimedInput = { at: sp(3, 27, 5), promise: { date: '2026-03-28', amountMinor: 5_000 } };
    const run = drive(begin({}, partial), START, {
      inputs: [promise('2026-03-25'), second, pay(sp(3, 28, 9), 5_000)],
      stopAt: sp(4, 10, 0),
    });
    expect(run.trace.filter((t) => t.kind === 'promise_kept')).toHaveLength(1);
    expect(sends(run.trace).filter((s) => s.stepIndex === BROKEN_PROMISE_STEP_INDEX)).toEqual([]);
  });

  it('kept: paid in full before the date, the journey is recovered with no reminder after the promise', () => {
    const run = drive(begin({}, brokenStepPolicy), START, {
      inputs: [promise('2026-03-25'), pay(sp(3, 24, 15), 10_000)],
    });
    expect(sendsAfter(PROMISED_AT, run.trace)).toEqual([]);
    expect(run.state.outcome).toBe('recovered');
    expect(run.recorded.map((e) => e.type).filter((t) => t.startsWith('promise_'))).toEqual([
      'promise_made',
      'promise_kept',
    ]);
  });

  it('kept in part: a partial promise paid lifts the hold, and the ladder goes on for the rest', () => {
    const policy = withPromises({ maxPerJourney: 1, maxDaysAhead: 14, graceDays: 0, partial: { minimumPercent: 40 } });
    const run = drive(begin({}, policy), START, {
      inputs: [promise('2026-03-25', 4_000), pay(sp(3, 24, 15), 4_000)],
      stopAt: sp(3, 31, 0),
    });
    expect(run.trace.find((t) => t.kind === 'promise_kept')).toEqual({ kind: 'promise_kept', at: sp(3, 24, 15) });
    expect(sendsAfter(PROMISED_AT, run.trace)[0]).toEqual({ at: sp(3, 24, 15), stepIndex: 4, channel: 'email' });
    expect(run.state.outcome).toBeNull();
  });

  it('shows as a pause in the stage and the status, with the plan from the end of the hold', () => {
    let state = begin();
    state = dispatch(state, promiseMadeEvent(state, { date: '2026-03-25' }, PROMISED_AT)).state;
    expect(stageAt(state, sp(3, 20, 12))).toBe('paused');
    expect(nextAction(state, sp(3, 20, 12))).toEqual({ kind: 'wait', until: sp(3, 27, 0), reason: 'promise' });
    const status = journeyStatus(state, sp(3, 20, 12));
    expect(status.promise).toEqual({ date: '2026-03-25', amountMinor: 10_000, holdsUntil: '2026-03-27T03:00:00.000Z' });
    expect(status.nextAction).toEqual({ kind: 'resume', at: '2026-03-27T03:00:00.000Z' });
    expect(status.upcoming.every((s) => Date.parse(s.at) >= sp(3, 27, 0))).toBe(true);
  });
});

describe('the limits on promises', () => {
  const state = begin();
  const today = '2026-03-17';

  it.each([
    [{ date: '2026-03-16' }, 'in_the_past'],
    [{ date: '2026-04-01' }, 'too_far_ahead'],
    [{ date: '2026-3-20' }, 'invalid_date'],
    [{ date: today, amountMinor: 0 }, 'invalid_amount'],
    [{ date: today, amountMinor: 12.5 }, 'invalid_amount'],
    [{ date: today, amountMinor: 10_001 }, 'above_outstanding'],
    // Without a partial rule a promise covers everything owed.
    [{ date: today, amountMinor: 9_999 }, 'below_minimum'],
  ] as const)('%o is refused: %s', (request, refusal) => {
    expect(checkPromiseOn(state, request, PROMISED_AT)).toBe(refusal);
    expect(PROMISE_REFUSAL_MESSAGES[refusal]).toBeTruthy();
  });

  it('accepts today and the last day the policy allows (14 days ahead by default)', () => {
    expect(checkPromiseOn(state, { date: today }, PROMISED_AT)).toBeNull();
    expect(checkPromiseOn(state, { date: '2026-03-31', amountMinor: 10_000 }, PROMISED_AT)).toBeNull();
  });

  it('refuses a second promise while one is open, and any past the policy’s count', () => {
    const policy = withPromises({ maxPerJourney: 1, maxDaysAhead: 14, graceDays: 0 });
    let s = begin({}, policy);
    s = dispatch(s, promiseMadeEvent(s, { date: '2026-03-20' }, PROMISED_AT)).state;
    expect(checkPromiseOn(s, { date: '2026-03-22' }, PROMISED_AT)).toBe('promise_open');
    const run = drive(s, PROMISED_AT, { stopAt: sp(3, 22, 0) });
    expect(run.trace.some((t) => t.kind === 'promise_broken')).toBe(true);
    expect(checkPromiseOn(run.state, { date: '2026-03-25' }, sp(3, 22, 0))).toBe('too_many_promises');
  });

  it('offers the dates from today to as far ahead as the policy allows, each accepted; none without promises', () => {
    const window = promiseWindow(DEFAULT_PROMISE_RULES, 'America/Sao_Paulo', PROMISED_AT);
    expect(window).toEqual({ min: today, max: '2026-03-31' });
    for (const date of [window!.min, window!.max]) expect(checkPromiseOn(state, { date }, PROMISED_AT)).toBeNull();
    expect(promiseWindow({ ...DEFAULT_PROMISE_RULES, maxPerJourney: 0 }, 'UTC', PROMISED_AT)).toBeNull();
  });

  it('names the field a refusal is about', () => {
    expect(promiseRefusalField('too_far_ahead')).toBe('date');
    expect(promiseRefusalField('below_minimum')).toBe('amountMinor');
    expect(promiseRefusalField('journey_closed')).toBeNull();
  });

  it('a policy’s broken-promise step must be outside quiet hours', () => {
    const bad = {
      ...defaultPolicy,
      promises: { ...brokenStepPolicy.promises!, brokenPromiseStep: { channel: 'sms', sendAt: '22:00' } },
    };
    const issues = policySchema.safeParse(bad).error?.issues.map((i) => i.path.join('.'));
    expect(issues).toEqual(['promises.brokenPromiseStep.sendAt']);
  });
});
