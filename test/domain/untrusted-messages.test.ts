/**
 * Journey messages can come from any Temporal client (the CLI, another service), not only our
 * validating API: the state machine itself must never accept a value it cannot plan with.
 */
import { describe, expect, it } from 'vitest';
import {
  type JourneyState,
  checkDueDateChange,
  dispatch,
  nextAction,
  paymentInstant,
  planOf,
  startJourney,
} from '../../domain/journey';
import { contactWindowEnd } from '../../domain/plan';
import { defaultPolicy } from '../../domain/policy';
import { makeInstallment } from '../support/fixtures';

const START = Date.UTC(2026, 10, 20, 15); // Friday 10:00 in New York; due 2026-12-01
const begin = (): JourneyState => startJourney(makeInstallment({ dueDate: '2026-12-01' }), defaultPolicy, START).state;

describe('due-date changes from untrusted clients', () => {
  it.each(['2026-13-45', '2026-02-30', 'next week', '', 20261210 as unknown as string])(
    'refuses %s as invalid_date',
    (dueDate) => {
      expect(checkDueDateChange(begin(), dueDate, START)).toBe('invalid_date');
    },
  );
});

describe('contact changes from untrusted clients', () => {
  it('ignores a time zone or locale it could not plan or render with, keeps the valid fields', () => {
    const state = begin();
    const result = dispatch(state, {
      type: 'contact_updated',
      at: START,
      changes: { timezone: 'Mars/Olympus', locale: 'xx' as never, email: 'new@example.com' },
    });
    expect(result.recorded).toMatchObject({ type: 'contact_updated', fields: ['email'] });
    expect(result.state.installment.buyer).toMatchObject({
      timezone: 'America/New_York',
      locale: 'en',
      email: 'new@example.com',
    });
    expect(() => nextAction(result.state, START)).not.toThrow();
  });

  it('records nothing when every field is unusable', () => {
    expect(
      dispatch(begin(), { type: 'contact_updated', at: START, changes: { timezone: '', locale: null as never } })
        .recorded,
    ).toBeNull();
  });
});

describe('deferred deliveries', () => {
  it('hold the current step back until the window reopens, and only move forward', () => {
    // Due Friday 27 November; the journey starts Thursday at 20:58 New York time, so the overdue
    // pre-due reminder is due at once — and the delivery is deferred past 21:00.
    const lateEvening = Date.UTC(2026, 10, 27, 1, 58);
    const state = startJourney(makeInstallment({ dueDate: '2026-11-27' }), defaultPolicy, lateEvening).state;
    const step = planOf(state, lateEvening).steps[0]!;
    expect(nextAction(state, lateEvening)).toMatchObject({ kind: 'send' });
    const until = contactWindowEnd(defaultPolicy, lateEvening, 'America/New_York');
    const deferred = dispatch(state, {
      type: 'step_deferred',
      at: lateEvening,
      revision: 0,
      stepIndex: step.stepIndex,
      until,
    });
    expect(deferred.recorded).toMatchObject({ type: 'step_deferred', until });
    const action = nextAction(deferred.state, until - 1);
    // Quiet hours run to 08:00 local (13:00 UTC) the next morning.
    expect(until).toBe(Date.UTC(2026, 10, 27, 2, 0));
    expect(action).toMatchObject({ kind: 'wait', until: Date.UTC(2026, 10, 27, 13, 0) });
    // An older deferral or one for another step changes nothing.
    expect(
      dispatch(deferred.state, {
        type: 'step_deferred',
        at: lateEvening,
        revision: 0,
        stepIndex: step.stepIndex,
        until: until - 60_000,
      }).recorded,
    ).toBeNull();
    expect(
      dispatch(state, { type: 'step_deferred', at: lateEvening, revision: 0, stepIndex: step.stepIndex + 1, until })
        .recorded,
    ).toBeNull();
  });
});

describe('paymentInstant', () => {
  it('takes the payer’s time, never one in the future, and now when there is none or it is unreadable', () => {
    expect(paymentInstant('2026-11-19T10:00:00Z', START)).toBe(Date.UTC(2026, 10, 19, 10));
    expect(paymentInstant('2030-01-01T00:00:00Z', START)).toBe(START);
    expect(paymentInstant('yesterday', START)).toBe(START);
    expect(paymentInstant(undefined, START)).toBe(START);
  });
});
