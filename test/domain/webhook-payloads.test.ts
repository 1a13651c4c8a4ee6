import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JourneyEvent, type JourneyState, type RecordedEvent, dispatch, startJourney } from '../../domain/journey';
import { defaultPolicy } from '../../domain/policy';
import { settleLatePayment } from '../../domain/settlement';
import { journeyStatus } from '../../domain/status';
import {
  attemptStatusDraft,
  journeyWebhookDrafts,
  journeyWebhooks,
  stageChangedDraft,
} from '../../domain/webhook-payloads';
import { makeInstallment } from '../support/fixtures';

const T0 = Date.UTC(2026, 10, 20, 15);
const HOUR = 3_600_000;
const inst = makeInstallment({ tenantId: 'tenant-w', installmentId: 'inst-w' });
const ref = { tenantId: 'tenant-w', journeyId: 'journey/tenant-w/inst-w', installmentId: 'inst-w' };
const agent = { kind: 'api_key' as const, id: 'key-7', collaboratorId: 'col-1' };
const iso = (ms: number) => new Date(ms).toISOString();

/** A journey through the real state machine: its recorded events and its state after them. */
function run(events: JourneyEvent[]): { recorded: RecordedEvent[]; state: JourneyState } {
  const started = startJourney(inst, defaultPolicy, T0);
  let state = started.state;
  const recorded = [started.recorded];
  for (const event of events) {
    const next = dispatch(state, event);
    state = next.state;
    if (next.recorded) recorded.push(next.recorded);
  }
  return { recorded, state };
}

const sent: JourneyEvent = {
  type: 'step_sent',
  at: T0 + HOUR,
  revision: 0,
  stepIndex: 0,
  channel: 'email',
  requestedChannel: 'email',
  attemptId: 'att-1',
};
const everyKind: JourneyEvent[] = [
  sent,
  { type: 'step_failed', at: T0 + 2 * HOUR, revision: 0, stepIndex: 1, channel: 'sms', reason: 'twilio:21211' },
  { type: 'due_date_changed', at: T0 + 3 * HOUR, from: '2026-12-01', to: '2026-12-08', actor: agent },
  { type: 'opted_out', at: T0 + 4 * HOUR, channel: 'whatsapp', actor: { kind: 'provider', id: 'twilio' } },
  { type: 'contact_updated', at: T0 + 5 * HOUR, changes: { email: 'new@example.com' }, actor: agent },
  { type: 'handoff_opened', at: T0 + 6 * HOUR, taskId: 'task-1', until: T0 + 30 * HOUR },
  { type: 'handoff_closed', at: T0 + 7 * HOUR, taskId: 'task-1' },
  { type: 'paused', at: T0 + 8 * HOUR, until: null, actor: agent },
  { type: 'resumed', at: T0 + 9 * HOUR, actor: agent },
  { type: 'payment_received', at: T0 + 10 * HOUR, paymentId: 'pay-1', amountMinor: 4_990, currency: 'USD' },
];

describe('journeyWebhookDrafts', () => {
  it('tells a promise to pay when it is made, with its date, amount and hold, and when it is kept', () => {
    const made: JourneyEvent = {
      type: 'promise_made',
      at: T0 + HOUR,
      date: '2026-11-25',
      amountMinor: 4_990,
      until: T0 + 5 * 24 * HOUR,
      actor: agent,
    };
    const paid: JourneyEvent = {
      type: 'payment_received',
      at: T0 + 2 * HOUR,
      paymentId: 'pay-1',
      amountMinor: 4_990,
      currency: 'USD',
    };
    const { recorded, state } = run([made, paid, { type: 'promise_kept', at: T0 + 2 * HOUR }]);
    const drafts = journeyWebhookDrafts(ref, recorded, journeyStatus(state, T0 + 3 * HOUR));
    expect(drafts.map((d) => d.type)).toEqual([
      'journey.started',
      'promise.made',
      'payment.recorded',
      'promise.kept',
      'journey.closed',
    ]);
    expect(drafts[1]!.data).toEqual({
      date: '2026-11-25',
      amountMinor: 4_990,
      holdsUntil: iso(T0 + 5 * 24 * HOUR),
      actor: agent,
    });
  });

  it("tells each event a seller's system can act on, in order, keyed by the journey and the event's number", () => {
    const { recorded, state } = run(everyKind);
    const drafts = journeyWebhookDrafts(ref, recorded, journeyStatus(state, T0 + 11 * HOUR));
    expect(drafts.map((d) => [d.type, d.sourceKey])).toEqual([
      ['journey.started', `${ref.journeyId}/event/1`],
      ['reminder.sent', `${ref.journeyId}/event/2`],
      ['reminder.failed', `${ref.journeyId}/event/3`],
      ['due_date.changed', `${ref.journeyId}/event/4`],
      ['opt_out.recorded', `${ref.journeyId}/event/5`],
      // 6: the contact change is not told (personal data).
      ['handoff.opened', `${ref.journeyId}/event/7`],
      ['handoff.closed', `${ref.journeyId}/event/8`],
      ['journey.paused', `${ref.journeyId}/event/9`],
      ['journey.resumed', `${ref.journeyId}/event/10`],
      ['payment.recorded', `${ref.journeyId}/event/11`],
      ['journey.closed', `${ref.journeyId}/closed/${iso(T0 + 10 * HOUR)}/paid_before_due`],
    ]);
    expect(drafts.every((d) => d.tenantId === ref.tenantId && d.installmentId === ref.installmentId)).toBe(true);
    expect(drafts.find((d) => d.type === 'due_date.changed')!.data).toEqual({
      from: '2026-12-01',
      to: '2026-12-08',
      actor: agent,
    });
    expect(drafts.find((d) => d.type === 'opt_out.recorded')!.data).toEqual({
      channel: 'whatsapp',
      actor: { kind: 'provider', id: 'twilio' },
    });
    expect(drafts.find((d) => d.type === 'reminder.failed')!.data).toMatchObject({
      source: 'journey',
      channel: 'sms',
      reason: 'twilio:21211',
      scope: 'channel',
    });
    expect(drafts.at(-1)).toMatchObject({
      occurredAt: T0 + 10 * HOUR,
      data: { outcome: 'paid_before_due', amountPaidMinor: 4_990, outstandingMinor: 0, currency: 'USD' },
    });
    const text = JSON.stringify(drafts);
    for (const personal of [inst.buyer.email, inst.buyer.phone, inst.buyer.name, 'new@example.com']) {
      expect(text).not.toContain(personal!);
    }
  });

  it('announces a new outcome again after a late payment, and the same outcome once', () => {
    const { recorded, state } = run([{ type: 'final_action_taken', at: T0 + HOUR, action: 'write_off' }]);
    const closed = journeyStatus(state, T0 + 2 * HOUR);
    const first = journeyWebhookDrafts(ref, recorded, closed);
    expect(first.at(-1)!.sourceKey).toBe(`${ref.journeyId}/closed/${iso(T0 + HOUR)}/written_off`);
    const late = settleLatePayment(closed, {
      paymentId: 'late',
      amountMinor: 4_990,
      currency: 'USD',
      at: T0 + 5 * HOUR,
    });
    const after = journeyWebhookDrafts(ref, [{ ...late.event, seq: 3 } as RecordedEvent], late.status);
    expect(after.map((d) => [d.type, d.sourceKey])).toEqual([
      ['payment.recorded', `${ref.journeyId}/event/3`],
      ['journey.closed', `${ref.journeyId}/closed/${iso(T0 + HOUR)}/recovered`],
    ]);
  });

  it('gives the same drafts however the events are batched: a retried or split record publishes nothing new', () => {
    const { recorded, state } = run(everyKind.slice(0, -1));
    const status = journeyStatus(state, T0 + 11 * HOUR);
    const whole = journeyWebhookDrafts(ref, recorded, status);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: recorded.length - 1 }), { maxLength: 4 }), (cuts) => {
        const bounds = [0, ...[...new Set(cuts)].sort((a, b) => a - b), recorded.length];
        const batched = bounds
          .slice(1)
          .flatMap((end, i) => journeyWebhookDrafts(ref, recorded.slice(bounds[i], end), status));
        expect(batched).toEqual(whole);
      }),
    );
  });
});

describe('stageChangedDraft', () => {
  const next = { ref, stage: 'overdue' as const, seq: 4, at: T0 };
  it('tells a change of stage once per change, and not the first stage (journey.started carries it)', () => {
    expect(stageChangedDraft(null, next)).toBeNull();
    expect(stageChangedDraft('overdue', next)).toBeNull();
    expect(stageChangedDraft('pre_due', next)).toEqual({
      ...ref,
      sourceKey: `${ref.journeyId}/stage/4/overdue`,
      type: 'journey.stage_changed',
      occurredAt: T0,
      data: { from: 'pre_due', to: 'overdue' },
    });
  });

  it("takes the batch's newest event number and the status's instant", () => {
    const { recorded, state } = run([sent]);
    const { stage } = journeyWebhooks({ ref, events: recorded, status: journeyStatus(state, T0 + 2 * HOUR) });
    expect(stage).toEqual({ ref, stage: 'pre_due', seq: 2, at: T0 + 2 * HOUR });
  });
});

describe('attemptStatusDraft', () => {
  const report = { attemptId: 'att-9', channel: 'email', error: null, at: T0 };
  it("tells a provider's delivered and failed reports, keyed by attempt and status", () => {
    expect(attemptStatusDraft(ref, { ...report, status: 'delivered' })).toMatchObject({
      type: 'reminder.delivered',
      sourceKey: 'attempt/att-9/delivered',
      data: { attemptId: 'att-9', channel: 'email' },
    });
    expect(attemptStatusDraft(ref, { ...report, status: 'bounced', error: 'resend:bounce:Permanent' })).toMatchObject({
      type: 'reminder.failed',
      sourceKey: 'attempt/att-9/bounced',
      data: { source: 'provider', reason: 'resend:bounce:Permanent' },
    });
    expect(attemptStatusDraft(ref, { ...report, status: 'undelivered' })!.type).toBe('reminder.failed');
    expect(attemptStatusDraft(ref, { ...report, status: 'sent' })).toBeNull();
    expect(attemptStatusDraft(ref, { ...report, status: 'complained' })).toBeNull();
  });
});
