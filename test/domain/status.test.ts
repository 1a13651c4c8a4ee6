import { describe, expect, it } from 'vitest';
import { startJourney } from '../../domain/journey';
import { defaultPolicy } from '../../domain/policy';
import { journeyStatus, nextActionInstant } from '../../domain/status';
import { installmentFixture } from '../support/arbitraries';
import { drive } from './driver';
import { START, apply, begin as beginReference, sp } from './reference-journey';

// São Paulo is UTC-3. Due Sunday 15 March 2026; the first reminder (-3, 10:00) is Thursday 12 March
// 10:00 local = 13:00 UTC; the final action is local midnight starting 14 April = 03:00 UTC.
const begin = () => beginReference({ amountMinor: 10_000, currency: 'BRL' });

describe('journeyStatus', () => {
  it('describes a fresh journey: amounts, the next send and the upcoming ladder', () => {
    const status = journeyStatus(begin(), START);
    expect(status).toMatchObject({
      tenantId: 'acme',
      installmentId: 'inst-42',
      stage: 'pre_due',
      outcome: null,
      dueDate: '2026-03-15',
      originalDueDate: '2026-03-15',
      daysOverdue: 0,
      currency: 'BRL',
      amountDueMinor: 10_000,
      amountPaidMinor: 0,
      outstandingMinor: 10_000,
      overpaidMinor: 0,
      nextAction: { kind: 'send', at: '2026-03-12T13:00:00.000Z', stepIndex: 0, channel: 'email', template: 'pre_due' },
      attempts: { sent: 0, failed: 0, skipped: 0 },
      paused: null,
      reschedules: 0,
      planRevision: 0,
      policy: { id: 'default', version: 1 },
      finalAction: null,
      closedAt: null,
      cancelReason: null,
      asOf: '2026-03-01T15:00:00.000Z',
    });
    expect(status.upcoming.map((u) => u.stepIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Due-day email moved from Sunday to Monday 16 March 09:00 local.
    expect(status.upcoming[1]).toEqual({
      stepIndex: 1,
      channel: 'email',
      template: 'due_today',
      at: '2026-03-16T12:00:00.000Z',
      status: 'scheduled',
    });
  });

  it('contains no personal data (name, email, phone)', () => {
    const json = JSON.stringify(journeyStatus(begin(), START));
    for (const secret of ['Ana', 'Souza', 'ana@example.com', '+5511987654321', '5511987654321'])
      expect(json).not.toContain(secret);
  });

  it('reflects payments, overdue days and the stage', () => {
    const s = apply(begin(), {
      type: 'payment_received',
      at: sp(3, 18, 9),
      paymentId: 'p1',
      amountMinor: 2_500,
      currency: 'BRL',
    });
    const status = journeyStatus(s, sp(3, 18, 12));
    expect(status).toMatchObject({ stage: 'overdue', daysOverdue: 3, amountPaidMinor: 2_500, outstandingMinor: 7_500 });
  });

  it('when a late start supersedes steps, the next action is the first step that will really be sent', () => {
    const late = startJourney(installmentFixture(), defaultPolicy, sp(3, 24, 15)).state; // +9, Tuesday 15:00
    const status = journeyStatus(late, sp(3, 24, 15));
    expect(status.nextAction).toMatchObject({ kind: 'send', stepIndex: 4, at: '2026-03-24T18:00:00.000Z' });
    expect(status.upcoming.filter((u) => u.status === 'superseded').map((u) => u.stepIndex)).toEqual([0, 1, 2, 3]);
  });

  it('after the last reminder, the next action is the final action', () => {
    const run = drive(begin(), START, { stopAt: sp(4, 10, 0) });
    expect(run.state.nextStepIndex).toBe(7);
    expect(journeyStatus(run.state, sp(4, 10, 0)).nextAction).toEqual({
      kind: 'final_action',
      at: '2026-04-14T03:00:00.000Z',
      action: 'write_off',
    });
    expect(nextActionInstant(run.state, sp(4, 10, 0))).toBe(Date.UTC(2026, 3, 14, 3));
  });

  it('paused: the next action is the resume, with or without a date', () => {
    const until = sp(3, 20, 12);
    const s = apply(begin(), { type: 'paused', at: sp(3, 2, 10), until });
    const status = journeyStatus(s, sp(3, 3, 10));
    expect(status).toMatchObject({
      stage: 'paused',
      nextAction: { kind: 'resume', at: '2026-03-20T15:00:00.000Z' },
      paused: { since: '2026-03-02T13:00:00.000Z', until: '2026-03-20T15:00:00.000Z' },
      upcoming: [],
    });
    const forever = apply(begin(), { type: 'paused', at: sp(3, 2, 10), until: null });
    expect(journeyStatus(forever, sp(3, 3, 10)).nextAction).toEqual({ kind: 'resume', at: null });
    expect(nextActionInstant(forever, sp(3, 3, 10))).toBeNull();
    expect(nextActionInstant(s, sp(3, 3, 10))).toBe(until);
    // Past its end the resume is due now.
    expect(nextActionInstant(s, until + 1)).toBe(until + 1);
  });

  it('closed: outcome, closing time, no next action and nothing upcoming', () => {
    const s = apply(begin(), { type: 'canceled', at: sp(3, 5, 10), reason: 'subscription_canceled' });
    expect(journeyStatus(s, sp(3, 6, 10))).toMatchObject({
      stage: 'closed',
      outcome: 'canceled',
      cancelReason: 'subscription_canceled',
      closedAt: '2026-03-05T13:00:00.000Z',
      nextAction: null,
      upcoming: [],
    });
    expect(nextActionInstant(s, sp(3, 6, 10))).toBeNull();
  });
});

describe('nextActionInstant', () => {
  it('is the next send time while waiting, and now once it is due', () => {
    const s = begin();
    expect(nextActionInstant(s, START)).toBe(Date.UTC(2026, 2, 12, 13));
    expect(nextActionInstant(s, Date.UTC(2026, 2, 12, 13))).toBe(Date.UTC(2026, 2, 12, 13));
  });
});
