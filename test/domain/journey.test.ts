import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../domain/channels';
import {
  DUE_DATE_REFUSAL_MESSAGES,
  type JourneyEvent,
  channelAvailability,
  checkDueDateChange,
  daysOverdue,
  dueDateWindow,
  dispatch,
  endOfDueDay,
  isStepDue,
  nextAction,
  outstandingMinor,
  stageAt,
  startJourney,
} from '../../domain/journey';
import { addDays, instantToZoned } from '../../domain/local-time';
import { defaultPolicy, policySchema } from '../../domain/policy';
import { DAY, localReading, installmentFixture } from '../support/arbitraries';
import { type TimedInput, drive, sends } from './driver';
import { START, apply, begin, sp } from './reference-journey';

// The reference scenario (./reference-journey.ts): due Sunday 15 March 2026, 100.00 BRL.
// The default ladder for that due date, worked out by hand in plan.test.ts: Sunday steps move to
// Monday; the +3 step waits for the cap until the -3 email is a week old.
const LADDER = [sp(3, 12, 10), sp(3, 16, 9), sp(3, 16, 11), sp(3, 19, 10), sp(3, 23, 10), sp(3, 30, 11), sp(4, 6, 11)];
const FINAL = sp(4, 14, 0);

const pay = (at: number, paymentId: string, amountMinor: number, currency = 'BRL'): TimedInput => ({
  at,
  event: { type: 'payment_received', at, paymentId, amountMinor, currency },
});

/** Sends are at the ladder's instants; the capped one within a second of its release time. */
function expectLadderTimes(actual: number[], expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    expect(a).toBeGreaterThanOrEqual(expected[i]!);
    expect(a - expected[i]!).toBeLessThan(1000);
  });
}

describe('startJourney and dispatch bookkeeping', () => {
  it('starts open, with nothing paid, and records the start as event 1', () => {
    const { state, recorded } = startJourney(installmentFixture(), defaultPolicy, START);
    expect(recorded).toEqual({ type: 'started', at: START, seq: 1 });
    expect(state).toMatchObject({
      dueDate: '2026-03-15',
      originalDueDate: '2026-03-15',
      planRevision: 0,
      nextStepIndex: 0,
      paidMinor: 0,
      outcome: null,
      lastSeq: 1,
    });
    expect(outstandingMinor(state)).toBe(10_000);
    // A second `started` changes nothing and is not recorded.
    expect(dispatch(state, { type: 'started', at: START + 1 }).recorded).toBeNull();
  });

  it('numbers recorded events consecutively and does not number no-ops', () => {
    let s = begin();
    const seqs: (number | null)[] = [];
    for (const e of [
      { type: 'opted_out', at: START, channel: 'sms' },
      { type: 'opted_out', at: START, channel: 'sms' }, // already opted out
      { type: 'paused', at: START, until: null },
      { type: 'resumed', at: START },
      { type: 'resumed', at: START }, // not paused
    ] as JourneyEvent[]) {
      const r = dispatch(s, e);
      s = r.state;
      seqs.push(r.recorded?.seq ?? null);
    }
    expect(seqs).toEqual([2, null, 3, 4, null]);
    expect(s.lastSeq).toBe(4);
  });
});

describe('the whole ladder with no payment', () => {
  const run = drive(begin(), START);

  it('sends each step in order, then takes the final action: written off', () => {
    expect(run.actions.filter((a) => a !== 'wait')).toEqual([
      'send',
      'send',
      'send',
      'send',
      'send',
      'send',
      'send',
      'final',
      'done',
    ]);
    const sent = sends(run.trace);
    expect(sent.map((s) => s.stepIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sent.map((s) => s.channel)).toEqual(defaultPolicy.steps.map((s) => s.channel));
    expectLadderTimes(
      sent.map((s) => s.at),
      LADDER,
    );
    expect(run.trace.find((t) => t.kind === 'final')?.at).toBe(FINAL);
    expect(run.state).toMatchObject({
      outcome: 'written_off',
      finalAction: 'write_off',
      closedAt: FINAL,
      attempts: { sent: 7, failed: 0, skipped: 0 },
    });
  });

  it('records started, seven sends and the final action with consecutive sequence numbers', () => {
    expect(run.recorded.map((e) => e.type)).toEqual([
      'step_sent',
      'step_sent',
      'step_sent',
      'step_sent',
      'step_sent',
      'step_sent',
      'step_sent',
      'final_action_taken',
    ]);
    expect(run.recorded.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('is done afterwards, whatever the time', () => {
    expect(nextAction(run.state, FINAL + 100 * DAY)).toEqual({ kind: 'done', outcome: 'written_off' });
  });
});

describe('payments', () => {
  it('a partial then a full payment mid-ladder → recovered; nothing is sent afterwards', () => {
    const partialAt = sp(3, 16, 15); // after three reminders
    const fullAt = sp(3, 20, 12); // after the fourth
    const midway = drive(begin(), START, { inputs: [pay(partialAt, 'p1', 4_000)], stopAt: sp(3, 17, 0) });
    expect(midway.state).toMatchObject({ outcome: null, paidMinor: 4_000 });
    expect(outstandingMinor(midway.state)).toBe(6_000);
    expect(nextAction(midway.state, midway.now)).toMatchObject({ kind: 'wait', reason: 'next_step' });

    const run = drive(begin(), START, { inputs: [pay(partialAt, 'p1', 4_000), pay(fullAt, 'p2', 6_000)] });
    expect(sends(run.trace).map((s) => s.stepIndex)).toEqual([0, 1, 2, 3]);
    expect(run.state).toMatchObject({ outcome: 'recovered', paidMinor: 10_000, overpaidMinor: 0, closedAt: fullAt });
    expect(outstandingMinor(run.state)).toBe(0);
    expect(sends(run.trace).every((s) => s.at < fullAt)).toBe(true);
  });

  it('paid in full before the end of the due day (buyer time) → paid_before_due; from local midnight on → recovered', () => {
    const endOfDue = sp(3, 16, 0); // midnight ending Sunday 15 March in São Paulo = 03:00 UTC
    expect(endOfDueDay(begin(), '2026-03-15')).toBe(endOfDue);
    const justBefore = drive(begin(), START, { inputs: [pay(endOfDue - 60_000, 'p1', 10_000)] });
    expect(justBefore.state.outcome).toBe('paid_before_due');
    expect(sends(justBefore.trace).map((s) => s.stepIndex)).toEqual([0]);
    const atMidnight = drive(begin(), START, { inputs: [pay(endOfDue, 'p1', 10_000)] });
    expect(atMidnight.state.outcome).toBe('recovered');
  });

  it('an overpayment is recorded, never as a negative balance', () => {
    let s = begin();
    s = apply(s, { type: 'payment_received', at: sp(3, 2, 9), paymentId: 'p1', amountMinor: 7_000, currency: 'BRL' });
    s = apply(s, { type: 'payment_received', at: sp(3, 3, 9), paymentId: 'p2', amountMinor: 5_500, currency: 'BRL' });
    expect(s).toMatchObject({ paidMinor: 10_000, overpaidMinor: 2_500, outcome: 'paid_before_due' });
    expect(outstandingMinor(s)).toBe(0);
    expect(s.payments.map((p) => p.amountMinor)).toEqual([7_000, 5_500]);
  });

  it('a payment ID is counted once, even redelivered with another amount', () => {
    const s0 = begin();
    const first = dispatch(s0, {
      type: 'payment_received',
      at: sp(3, 2, 9),
      paymentId: 'p1',
      amountMinor: 3_000,
      currency: 'BRL',
    });
    expect(first.recorded).not.toBeNull();
    const again = dispatch(first.state, {
      type: 'payment_received',
      at: sp(3, 2, 10),
      paymentId: 'p1',
      amountMinor: 3_000,
      currency: 'BRL',
    });
    const changed = dispatch(first.state, {
      type: 'payment_received',
      at: sp(3, 2, 10),
      paymentId: 'p1',
      amountMinor: 9_000,
      currency: 'BRL',
    });
    expect(again.recorded).toBeNull();
    expect(changed.recorded).toBeNull();
    expect(again.state.paidMinor).toBe(3_000);
    expect(changed.state.paidMinor).toBe(3_000);
  });

  it('a payment in another currency is ignored', () => {
    const r = dispatch(begin(), {
      type: 'payment_received',
      at: sp(3, 2, 9),
      paymentId: 'p1',
      amountMinor: 10_000,
      currency: 'USD',
    });
    expect(r.recorded).toBeNull();
    expect(r.state.paidMinor).toBe(0);
  });

  it.each([0, -500, 12.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'a payment of %s minor units is ignored',
    (amountMinor) => {
      const r = dispatch(begin(), {
        type: 'payment_received',
        at: sp(3, 2, 9),
        paymentId: 'p1',
        amountMinor,
        currency: 'BRL',
      });
      expect(r.recorded).toBeNull();
      expect(r.state.paidMinor).toBe(0);
      expect(r.state.overpaidMinor).toBe(0);
    },
  );

  it('the final action after a partial payment → partially_recovered', () => {
    const run = drive(begin(), START, { inputs: [pay(sp(3, 20, 12), 'p1', 2_500)] });
    expect(run.state).toMatchObject({
      outcome: 'partially_recovered',
      finalAction: 'write_off',
      paidMinor: 2_500,
      closedAt: FINAL,
    });
  });

  it('a late payment after the write-off settles the record as recovered', () => {
    const run = drive(begin(), START);
    expect(run.state.outcome).toBe('written_off');
    const late = dispatch(run.state, {
      type: 'payment_received',
      at: FINAL + 5 * DAY,
      paymentId: 'late',
      amountMinor: 10_000,
      currency: 'BRL',
    });
    expect(late.recorded).not.toBeNull();
    expect(late.state).toMatchObject({
      outcome: 'recovered',
      paidMinor: 10_000,
      finalAction: 'write_off',
      closedAt: FINAL,
    });
    expect(nextAction(late.state, FINAL + 6 * DAY)).toEqual({ kind: 'done', outcome: 'recovered' });
  });

  it('a late partial payment after the write-off makes it partially recovered, and the remainder → recovered', () => {
    const closed = drive(begin(), START).state;
    const part = apply(closed, {
      type: 'payment_received',
      at: FINAL + DAY,
      paymentId: 'l1',
      amountMinor: 4_000,
      currency: 'BRL',
    });
    expect(part).toMatchObject({ outcome: 'partially_recovered', paidMinor: 4_000 });
    expect(outstandingMinor(part)).toBe(6_000);
    const rest = apply(part, {
      type: 'payment_received',
      at: FINAL + 2 * DAY,
      paymentId: 'l2',
      amountMinor: 6_000,
      currency: 'BRL',
    });
    expect(rest).toMatchObject({ outcome: 'recovered', paidMinor: 10_000 });
  });

  it('a payment after an early payment in full is kept as overpayment; the outcome stays', () => {
    const paid = apply(begin(), {
      type: 'payment_received',
      at: sp(3, 2, 9),
      paymentId: 'p1',
      amountMinor: 10_000,
      currency: 'BRL',
    });
    const extra = apply(paid, {
      type: 'payment_received',
      at: sp(3, 3, 9),
      paymentId: 'p2',
      amountMinor: 700,
      currency: 'BRL',
    });
    expect(extra).toMatchObject({ outcome: 'paid_before_due', paidMinor: 10_000, overpaidMinor: 700 });
  });
});

describe('due date changes', () => {
  const afterTwo = drive(begin(), START, { stopAt: sp(3, 16, 10) });

  it('premise: two reminders went out', () => {
    expect(sends(afterTwo.trace).map((s) => s.stepIndex)).toEqual([0, 1]);
    expect(afterTwo.state.nextStepIndex).toBe(2);
  });

  it('after two reminders, a new due date restarts the plan from the new date', () => {
    const now = sp(3, 16, 10);
    expect(checkDueDateChange(afterTwo.state, '2026-04-02', now)).toBeNull();
    const r = dispatch(afterTwo.state, { type: 'due_date_changed', at: now, from: '2026-03-15', to: '2026-04-02' });
    expect(r.recorded).toMatchObject({ type: 'due_date_changed', from: '2026-03-15', to: '2026-04-02' });
    expect(r.state).toMatchObject({
      dueDate: '2026-04-02',
      originalDueDate: '2026-03-15',
      planRevision: 1,
      nextStepIndex: 0,
      reschedules: 1,
    });
    // The first step again: 3 days before Thursday 2 April is Monday 30 March, 10:00.
    expect(nextAction(r.state, now)).toEqual({ kind: 'wait', until: sp(3, 30, 10), reason: 'next_step' });
    // A late report about a send of the old plan counts as a contact but does not move the new plan.
    const stale = dispatch(r.state, {
      type: 'step_sent',
      at: now,
      revision: 0,
      stepIndex: 0,
      channel: 'email',
      requestedChannel: 'email',
      attemptId: 'old',
    });
    expect(stale.state).toMatchObject({ planRevision: 1, nextStepIndex: 0, attempts: { sent: 3 } });
    expect(stale.state.recentContacts).toContain(now);
    const staleSkip = dispatch(r.state, {
      type: 'step_skipped',
      at: now,
      revision: 0,
      stepIndex: 0,
      reason: 'superseded',
    });
    expect(staleSkip.recorded).toBeNull();

    const rest = drive(r.state, now);
    const sent = sends(rest.trace);
    expect(sent[0]).toMatchObject({ revision: 1, stepIndex: 0, at: sp(3, 30, 10) });
    expect(sent.every((s) => s.revision === 1)).toBe(true);
    // The final action moves with the due date: local midnight starting 2 May.
    expect(rest.trace.find((t) => t.kind === 'final')?.at).toBe(sp(5, 2, 0));
    expect(rest.state.outcome).toBe('written_off');
  });

  it('refuses a date before today in the buyer time zone (not in UTC)', () => {
    // 01:00 UTC on 17 March is still 22:00 on 16 March in São Paulo.
    const now = Date.UTC(2026, 2, 17, 1);
    expect(checkDueDateChange(afterTwo.state, '2026-03-14', now)).toBe('in_the_past');
    expect(checkDueDateChange(afterTwo.state, '2026-03-16', now)).toBeNull();
    expect(checkDueDateChange(afterTwo.state, '2026-03-16', Date.UTC(2026, 2, 17, 3))).toBe('in_the_past');
  });

  it('refuses the current due date', () => {
    expect(checkDueDateChange(begin(), '2026-03-15', sp(3, 10, 12))).toBe('unchanged');
  });

  it('refuses a date further than maxDaysBeyondOriginalDue from the ORIGINAL due date', () => {
    const s = begin();
    const now = sp(3, 10, 12);
    expect(checkDueDateChange(s, '2026-04-14', now)).toBeNull(); // +30
    expect(checkDueDateChange(s, '2026-04-15', now)).toBe('beyond_limit'); // +31
    const moved = apply(s, { type: 'due_date_changed', at: now, from: '2026-03-15', to: '2026-04-10' });
    expect(checkDueDateChange(moved, '2026-04-15', now)).toBe('beyond_limit');
  });

  it('refuses more changes than reschedule.maxTimes', () => {
    let s = begin();
    const now = sp(3, 10, 12);
    for (const to of ['2026-03-20', '2026-03-25']) {
      expect(checkDueDateChange(s, to, now)).toBeNull();
      s = apply(s, { type: 'due_date_changed', at: now, from: s.dueDate, to });
    }
    expect(s.reschedules).toBe(2);
    expect(checkDueDateChange(s, '2026-03-30', now)).toBe('too_many_changes');
  });

  it('refuses any change once the journey is closed', () => {
    const s = apply(begin(), { type: 'canceled', at: sp(3, 10, 12), reason: 'manual' });
    expect(checkDueDateChange(s, '2026-03-20', sp(3, 10, 13))).toBe('journey_closed');
  });

  it('every refusal has a message for the API', () => {
    for (const key of ['journey_closed', 'in_the_past', 'unchanged', 'beyond_limit', 'too_many_changes'] as const) {
      expect(DUE_DATE_REFUSAL_MESSAGES[key].length).toBeGreaterThan(10);
    }
  });
});

describe('pause and resume', () => {
  const pauseAt = sp(3, 16, 10); // after two reminders

  it('paused until a date: waits, resumes by itself, then sends only the latest missed step', () => {
    const until = sp(3, 25, 12); // a Wednesday
    const paused = drive(begin(), START, {
      stopAt: pauseAt,
      inputs: [{ at: pauseAt, event: { type: 'paused', at: pauseAt, until } }],
    });
    expect(nextAction(paused.state, pauseAt)).toEqual({ kind: 'wait', until, reason: 'paused' });
    expect(stageAt(paused.state, pauseAt)).toBe('paused');
    expect(nextAction(paused.state, until)).toEqual({ kind: 'resume' });

    const run = drive(begin(), START, { inputs: [{ at: pauseAt, event: { type: 'paused', at: pauseAt, until } }] });
    const sent = sends(run.trace);
    expect(sent.filter((s) => s.at > pauseAt && s.at < until)).toEqual([]);
    expect(run.trace.find((t) => t.kind === 'resume')?.at).toBe(until);
    // Missed while paused: +1 (16 Mar), +3 (18 Mar), +7 (moved to Mon 23 Mar). +1 and +3 are superseded.
    const skipped = run.trace.filter((t) => t.kind === 'skip').map((t) => t.kind === 'skip' && t.stepIndex);
    expect(skipped).toEqual([2, 3]);
    expect(sent.map((s) => [s.stepIndex, s.at])).toEqual([
      [0, LADDER[0]],
      [1, LADDER[1]],
      [4, until],
      [5, LADDER[5]],
      [6, LADDER[6]],
    ]);
    expect(run.state.outcome).toBe('written_off');
  });

  it('paused with no end date: waits with no deadline until resumed', () => {
    const resumeAt = sp(3, 20, 15); // Friday
    const inputs: TimedInput[] = [
      { at: pauseAt, event: { type: 'paused', at: pauseAt, until: null } },
      { at: resumeAt, event: { type: 'resumed', at: resumeAt } },
    ];
    const held = drive(begin(), START, {
      inputs: inputs.slice(0, 1),
      stopAt: sp(4, 30, 0),
      operatorResumeAfterMs: Number.POSITIVE_INFINITY,
    });
    expect(nextAction(held.state, sp(4, 30, 0))).toEqual({ kind: 'wait', until: null, reason: 'paused' });
    expect(sends(held.trace)).toHaveLength(2);
    // Not even the final action happens while paused.
    expect(held.state.outcome).toBeNull();

    const run = drive(begin(), START, { inputs });
    const sent = sends(run.trace);
    // +1 (Mon 16 11:00) is overtaken by +3 (Wed 18 11:00); +3 goes out at once, +7 (Sun 22 → Mon 23) keeps its time.
    expect(sent.map((s) => [s.stepIndex, s.at])).toEqual([
      [0, LADDER[0]],
      [1, LADDER[1]],
      [3, resumeAt],
      [4, LADDER[4]],
      [5, LADDER[5]],
      [6, LADDER[6]],
    ]);
  });

  it('pausing a paused journey again only changes its end; resuming an unpaused one is a no-op', () => {
    let s = apply(begin(), { type: 'paused', at: pauseAt, until: sp(3, 20, 0) });
    expect(dispatch(s, { type: 'paused', at: pauseAt + 1, until: sp(3, 20, 0) }).recorded).toBeNull();
    s = apply(s, { type: 'paused', at: pauseAt + 2, until: sp(3, 22, 0) });
    expect(s.paused).toEqual({ since: pauseAt, until: sp(3, 22, 0) });
    s = apply(s, { type: 'resumed', at: pauseAt + 3 });
    expect(s.paused).toBeNull();
    expect(dispatch(s, { type: 'resumed', at: pauseAt + 4 }).recorded).toBeNull();
  });
});

describe('cancel', () => {
  it('cancels with a reason and ignores what comes after (a payment still counts as money, a send in flight as a contact)', () => {
    const at = sp(3, 16, 10);
    const run = drive(begin(), START, { inputs: [{ at, event: { type: 'canceled', at, reason: 'refund' } }] });
    const s = run.state;
    expect(s).toMatchObject({ outcome: 'canceled', cancelReason: 'refund', closedAt: at });
    expect(sends(run.trace).every((x) => x.at <= at)).toBe(true);
    expect(nextAction(s, at + DAY)).toEqual({ kind: 'done', outcome: 'canceled' });
    expect(stageAt(s, at + DAY)).toBe('closed');

    const later: JourneyEvent[] = [
      { type: 'step_failed', at: at + 1, revision: 0, stepIndex: s.nextStepIndex, channel: 'sms', reason: 'bounce' },
      { type: 'step_skipped', at: at + 1, revision: 0, stepIndex: s.nextStepIndex, reason: 'superseded' },
      { type: 'paused', at: at + 1, until: null },
      { type: 'resumed', at: at + 1 },
      { type: 'canceled', at: at + 1, reason: 'manual' },
      { type: 'opted_out', at: at + 1, channel: 'email' },
      { type: 'contact_updated', at: at + 1, changes: { email: 'new@example.com' } },
      { type: 'due_date_changed', at: at + 1, from: '2026-03-15', to: '2026-03-30' },
      { type: 'final_action_taken', at: at + 1, action: 'write_off' },
    ];
    for (const e of later) {
      const r = dispatch(s, e);
      expect(r.recorded, e.type).toBeNull();
      expect(r.state).toBe(s);
    }
    const money = dispatch(s, {
      type: 'payment_received',
      at: at + 2,
      paymentId: 'p1',
      amountMinor: 10_000,
      currency: 'BRL',
    });
    expect(money.recorded).not.toBeNull();
    expect(money.state).toMatchObject({ outcome: 'canceled', paidMinor: 10_000 });
    // A message that was already on its way when the journey closed is a contact that happened:
    // counted, but the journey stays closed where it was.
    const inFlight = dispatch(s, {
      type: 'step_sent',
      at: at + 1,
      revision: 0,
      stepIndex: s.nextStepIndex,
      channel: 'sms',
      requestedChannel: 'sms',
      attemptId: 'x',
    });
    expect(inFlight.state).toMatchObject({
      outcome: 'canceled',
      closedAt: at,
      nextStepIndex: s.nextStepIndex,
      attempts: { sent: s.attempts.sent + 1 },
    });
    expect(nextAction(inFlight.state, at + DAY)).toEqual({ kind: 'done', outcome: 'canceled' });
  });
});

describe('channels: opt-out, missing addresses and failures', () => {
  const requestedToUsed = (trace: ReturnType<typeof drive>['trace']) =>
    sends(trace).map((s) => [s.stepIndex, s.requested, s.channel]);

  it('after an SMS opt-out, SMS steps fall through to WhatsApp', () => {
    const run = drive(begin(), START, {
      inputs: [{ at: START, event: { type: 'opted_out', at: START, channel: 'sms' } }],
    });
    expect(requestedToUsed(run.trace)).toEqual([
      [0, 'email', 'email'],
      [1, 'email', 'email'],
      [2, 'sms', 'whatsapp'],
      [3, 'whatsapp', 'whatsapp'],
      [4, 'email', 'email'],
      [5, 'sms', 'whatsapp'],
      [6, 'whatsapp', 'whatsapp'],
    ]);
    expect(sends(run.trace).some((s) => s.channel === 'sms')).toBe(false);
  });

  it('with SMS and WhatsApp both opted out, they wrap round to email', () => {
    const inputs: TimedInput[] = (['sms', 'whatsapp'] as Channel[]).map((channel) => ({
      at: START,
      event: { type: 'opted_out', at: START, channel },
    }));
    const run = drive(begin(), START, { inputs });
    expect(sends(run.trace).map((s) => s.channel)).toEqual(Array(7).fill('email'));
  });

  it('with no channel left, every step is skipped with the reasons, and the ladder still ends', () => {
    const inputs: TimedInput[] = (['sms', 'whatsapp'] as Channel[]).map((channel) => ({
      at: START,
      event: { type: 'opted_out', at: START, channel },
    }));
    const run = drive(begin({ email: undefined }), START, { inputs });
    expect(sends(run.trace)).toEqual([]);
    const skips = run.trace.filter((t) => t.kind === 'skip');
    expect(skips).toHaveLength(7);
    expect(skips[0]).toMatchObject({
      stepIndex: 0,
      reason: 'no_channel',
      channels: [
        { channel: 'email', reason: 'no_address' },
        { channel: 'sms', reason: 'opted_out' },
        { channel: 'whatsapp', reason: 'opted_out' },
      ],
    });
    const recordedSkip = run.recorded.find((e) => e.type === 'step_skipped');
    expect(recordedSkip).toMatchObject({ reason: 'no_channel', stepIndex: 0 });
    expect(run.state).toMatchObject({ outcome: 'written_off', attempts: { sent: 0, failed: 0, skipped: 7 } });
  });

  it('a failed delivery marks the channel undeliverable and the same step falls through at once', () => {
    const run = drive(begin(), START, { fails: (a) => a.channel === 'email' && a.stepIndex === 0 });
    const first = run.trace.filter((t) => t.kind === 'fail' || t.kind === 'send').slice(0, 2);
    expect(first).toMatchObject([
      { kind: 'fail', stepIndex: 0, channel: 'email', at: LADDER[0] },
      { kind: 'send', stepIndex: 0, channel: 'sms', requested: 'email', at: LADDER[0] },
    ]);
    expect(run.state.undeliverable).toEqual(['email']);
    // Every later email step goes by SMS (the next channel after email).
    expect(
      requestedToUsed(run.trace)
        .filter(([, requested]) => requested === 'email')
        .map(([, , used]) => used),
    ).toEqual(['sms', 'sms', 'sms']);
    expect(run.state.attempts).toEqual({ sent: 7, failed: 1, skipped: 0 });
  });

  it('a permanent failure found by any step (or plan revision) marks the channel, without moving the ladder', () => {
    const s = begin();
    for (const [revision, stepIndex] of [
      [0, 3],
      [1, 0],
    ] as const) {
      const r = dispatch(s, { type: 'step_failed', at: START, revision, stepIndex, channel: 'email', reason: 'x' });
      expect(r.state).toMatchObject({ undeliverable: ['email'], nextStepIndex: 0, planRevision: 0 });
    }
  });
});

describe('contact updates', () => {
  it('records only the names of the changed fields, never the values', () => {
    const s = begin();
    const r = dispatch(s, {
      type: 'contact_updated',
      at: START,
      changes: { email: 'new.address@example.org', phone: '+14155550100', locale: 'pt-BR' },
    });
    // locale was already pt-BR: not a change.
    expect(r.recorded).toEqual({ type: 'contact_updated', at: START, fields: ['email', 'phone'], seq: 2 });
    const json = JSON.stringify(r.recorded);
    expect(json).not.toContain('new.address@example.org');
    expect(json).not.toContain('+14155550100');
    expect(r.state.installment.buyer).toMatchObject({ email: 'new.address@example.org', phone: '+14155550100' });
  });

  it('a change to the same values is not an event', () => {
    const s = begin();
    expect(
      dispatch(s, {
        type: 'contact_updated',
        at: START,
        changes: { email: 'ana@example.com', timezone: 'America/Sao_Paulo' },
      }).recorded,
    ).toBeNull();
    expect(dispatch(s, { type: 'contact_updated', at: START, changes: {} }).recorded).toBeNull();
  });

  it('null removes an address', () => {
    const s = apply(begin(), { type: 'contact_updated', at: START, changes: { whatsapp: null } });
    expect(s.installment.buyer.whatsapp).toBeUndefined();
    expect(dispatch(s, { type: 'contact_updated', at: START, changes: { whatsapp: null } }).recorded).toBeNull();
  });

  it('a new address reopens a channel marked undeliverable (an opt-out stays)', () => {
    let s = begin();
    s = apply(
      s,
      { type: 'step_failed', at: LADDER[0]!, revision: 0, stepIndex: 0, channel: 'email', reason: 'bounce' },
      { type: 'step_failed', at: LADDER[0]!, revision: 0, stepIndex: 0, channel: 'sms', reason: 'invalid' },
      { type: 'opted_out', at: LADDER[0]!, channel: 'whatsapp' },
    );
    expect(s.undeliverable).toEqual(['email', 'sms']);
    s = apply(s, {
      type: 'contact_updated',
      at: LADDER[0]!,
      changes: { email: 'fixed@example.com', whatsapp: '+14155550199' },
    });
    expect(s.undeliverable).toEqual(['sms']);
    expect(s.optedOut).toEqual(['whatsapp']);
    s = apply(s, { type: 'contact_updated', at: LADDER[0]!, changes: { phone: '+14155550100' } });
    expect(s.undeliverable).toEqual([]);
  });

  it('a failure scoped to the step (no approved template) moves only that step to another channel', () => {
    const failed = (stepIndex: number, channel: Channel): JourneyEvent => ({
      type: 'step_failed',
      at: LADDER[0]!,
      revision: 0,
      stepIndex,
      channel,
      reason: 'whatsapp_template_unavailable',
      scope: 'step',
    });
    let s = apply(begin(), failed(0, 'whatsapp'), failed(0, 'sms'));
    expect(channelAvailability(s).undeliverable).toEqual(['whatsapp', 'sms']);
    expect(s.undeliverable).toEqual([]);
    expect(s.attempts.failed).toBe(2);
    // The next step may use WhatsApp again.
    s = apply(s, {
      type: 'step_sent',
      at: LADDER[0]!,
      revision: 0,
      stepIndex: 0,
      channel: 'email',
      requestedChannel: 'email',
      attemptId: 'a',
    });
    expect(channelAvailability(s).undeliverable).toEqual([]);
    // A stale step's scoped failure counts, and excludes nothing.
    s = apply(s, failed(0, 'whatsapp'));
    expect(channelAvailability(s).undeliverable).toEqual([]);
    expect(s.attempts.failed).toBe(3);
  });

  it('a new time zone moves the remaining steps to the buyer’s new wall clock', () => {
    const s = apply(begin(), { type: 'contact_updated', at: START, changes: { timezone: 'Asia/Tokyo' } });
    const action = nextAction(s, START);
    expect(action.kind).toBe('wait');
    const until = (action as { until: number }).until;
    expect(localReading(until, 'Asia/Tokyo')).toMatchObject({ date: '2026-03-12', time: '10:00' });
  });
});

describe('stage and days overdue (buyer time zone)', () => {
  it('pre_due until local midnight ending the due day, overdue after; counts days past due', () => {
    const s = begin();
    expect(stageAt(s, sp(3, 15, 23, 59))).toBe('pre_due');
    expect(daysOverdue(s, sp(3, 15, 23, 59))).toBe(0);
    expect(stageAt(s, sp(3, 16, 0))).toBe('overdue');
    expect(daysOverdue(s, sp(3, 16, 0))).toBe(1);
    expect(daysOverdue(s, sp(3, 25, 12))).toBe(10);
    expect(daysOverdue(s, sp(3, 1, 12))).toBe(0);
  });

  it('follows a changed due date', () => {
    const s = apply(begin(), { type: 'due_date_changed', at: sp(3, 10, 12), from: '2026-03-15', to: '2026-03-25' });
    expect(stageAt(s, sp(3, 20, 12))).toBe('pre_due');
    expect(daysOverdue(s, sp(3, 27, 12))).toBe(2);
  });
});

describe('final actions', () => {
  it('hand_to_agency with nothing paid → handed_over', () => {
    const policy = policySchema.parse({ ...defaultPolicy, finalAction: { action: 'hand_to_agency', offsetDays: 30 } });
    const run = drive(begin({}, policy), START);
    expect(run.state).toMatchObject({ outcome: 'handed_over', finalAction: 'hand_to_agency' });
  });
});

describe("the buyer's actions in their payment area", () => {
  const buyer = { kind: 'buyer' as const, id: 'buyer-1' };

  it('are recorded with the buyer as actor and change nothing else', () => {
    const state = begin();
    const result = dispatch(state, {
      type: 'buyer_action',
      at: START + DAY,
      action: 'pay_part',
      amountMinor: 5_000,
      actor: buyer,
    });
    expect(result.recorded).toMatchObject({
      type: 'buyer_action',
      action: 'pay_part',
      amountMinor: 5_000,
      actor: buyer,
    });
    const { lastSeq: _after, ...rest } = result.state;
    const { lastSeq: _before, ...before } = state;
    expect(rest).toEqual(before);
  });

  it('are not recorded once the journey has closed, nor when the action is not one we know', () => {
    const closed = apply(begin(), { type: 'canceled', at: START + DAY, reason: 'manual' });
    expect(
      dispatch(closed, { type: 'buyer_action', at: START + 2 * DAY, action: 'pay_now', actor: buyer }).recorded,
    ).toBeNull();
    const unknown = { type: 'buyer_action', at: START + DAY, action: 'hack' } as unknown as JourneyEvent;
    expect(dispatch(begin(), unknown).recorded).toBeNull();
  });
});

describe('dueDateWindow', () => {
  it('bounds a date picker to exactly the dates checkDueDateChange accepts (besides the current one)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: -10, max: 60 }),
        fc.integer({ min: 0, max: 3 }),
        (maxDays, maxTimes, daysFromDue, reschedules) => {
          const policy = { ...defaultPolicy, reschedule: { maxDaysBeyondOriginalDue: maxDays, maxTimes } };
          const state = { ...begin({}, policy), reschedules };
          const now = endOfDueDay(state, state.dueDate) + daysFromDue * DAY;
          const today = instantToZoned(now, state.installment.buyer.timezone).date;
          const window = dueDateWindow({ ...state, closed: false }, policy.reschedule, today);
          for (let offset = -3; offset <= maxDays + 3; offset++) {
            const candidate = addDays(state.originalDueDate, offset);
            if (candidate === state.dueDate) continue;
            const inWindow = window !== null && candidate >= window.min && candidate <= window.max;
            expect(checkDueDateChange(state, candidate, now) === null, candidate).toBe(inWindow);
          }
        },
      ),
    );
  });
});

describe('isStepDue: whether a reminder in flight is still one the journey would send', () => {
  const first = LADDER[0]!;
  const step = { revision: 0, stepIndex: 0 };

  it('is while nothing changed, and a partial payment leaves it due', () => {
    const state = begin();
    expect(isStepDue(state, step, first)).toBe(true);
    const partial = apply(state, {
      type: 'payment_received',
      at: first,
      paymentId: 'p1',
      amountMinor: 1_000,
      currency: 'BRL',
    });
    expect(isStepDue(partial, step, first)).toBe(true);
  });

  it('is not once paused, paid, moved to a new due date, or for another step', () => {
    const state = begin();
    expect(isStepDue(apply(state, { type: 'paused', at: first, until: null }), step, first)).toBe(false);
    const paid = apply(state, {
      type: 'payment_received',
      at: first,
      paymentId: 'p1',
      amountMinor: 10_000,
      currency: 'BRL',
    });
    expect(isStepDue(paid, step, first)).toBe(false);
    const moved = apply(state, {
      type: 'due_date_changed',
      at: first,
      from: state.dueDate,
      to: addDays(state.dueDate, 10),
    });
    expect(isStepDue(moved, step, first)).toBe(false);
    expect(isStepDue(state, { revision: 0, stepIndex: 1 }, first)).toBe(false);
  });
});
