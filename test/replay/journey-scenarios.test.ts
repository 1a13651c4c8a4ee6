/**
 * Tier 2 (DESIGN.md section 6): the real `dunningJourney` workflow bundle, replayed by the real
 * SDK runtime against histories built in code for the journey scenarios of issue 2. Histories come
 * from test/support/journey-history.ts (the workflow's loop, predicted with the real domain
 * functions); replay checks every command the workflow issues — kinds, timer ids, activity ids
 * AND types (core flag 1 is recorded). Values that replay does not compare (activity inputs,
 * the returned status, the continue-as-new input) are captured during replay by
 * fixtures/capture-interceptors.ts and asserted here.
 */
import { fileURLToPath } from 'node:url';
import type { InjectedSinks, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JourneyRecord, ReminderDelivery } from '../../activities/contracts';
import type { InstallmentInput } from '../../domain/installment';
import type { RecordedEvent } from '../../domain/journey';
import { defaultPolicy } from '../../domain/policy';
import type { JourneyStatus } from '../../domain/status';
import type { JourneyInput } from '../../workflows/journey';
import { deliveryTaskQueue } from '../../workflows/messages';
import { CANCEL_DELIVERY_ON_CLOSE, RECORD_OPERATOR_CANCEL, SEND_CONFIRMATIONS } from '../../workflows/patches';
import { makeInstallment } from '../support/fixtures';
import {
  DELIVER_REMINDER,
  JourneyHistory,
  type JourneyHistoryOptions,
  RECORD_JOURNEY,
} from '../support/journey-history';
import { bundleWorkflows, installQuietRuntime, replay } from '../support/replay';
import type { ReplayCaptureSinks } from './fixtures/capture-interceptors';

const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
const CAPTURE_INTERCEPTORS = fileURLToPath(new URL('./fixtures/capture-interceptors.ts', import.meta.url));

let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  installQuietRuntime();
  bundle = await bundleWorkflows(WORKFLOWS_PATH, { workflowInterceptorModules: [CAPTURE_INTERCEPTORS] });
});

// ------------------------------------------------------------------------------------- helpers

interface CapturedActivity {
  activityType: string;
  activityId: string;
  args: unknown[];
  taskQueue: string;
}

/** What the workflow did during one replay, as reported by the capture interceptors. */
class Captured {
  readonly activities: CapturedActivity[] = [];
  readonly continuedAsNew: unknown[][] = [];
  readonly returned: unknown[] = [];

  get activityIds(): string[] {
    return this.activities.map((a) => a.activityId);
  }

  /** The reminders' deliveries (confirmations go through the same activity). */
  get deliveries(): ReminderDelivery[] {
    return this.allDeliveries.filter((d) => d.kind !== 'confirmation');
  }

  get confirmations(): ReminderDelivery[] {
    return this.allDeliveries.filter((d) => d.kind === 'confirmation');
  }

  private get allDeliveries(): ReminderDelivery[] {
    return this.activities.filter((a) => a.activityType === DELIVER_REMINDER).map((a) => a.args[0] as ReminderDelivery);
  }

  get records(): JourneyRecord[] {
    return this.activities.filter((a) => a.activityType === RECORD_JOURNEY).map((a) => a.args[0] as JourneyRecord);
  }

  /** Every event the workflow handed to recordJourney, in order. */
  get recordedEvents(): RecordedEvent[] {
    return this.records.flatMap((r) => r.events);
  }

  delivery(activityId: string): ReminderDelivery {
    const found = this.activities.find((a) => a.activityId === activityId);
    if (!found) throw new Error(`no activity ${activityId}; scheduled: ${this.activityIds.join(', ')}`);
    return found.args[0] as ReminderDelivery;
  }

  get result(): JourneyStatus {
    expect(this.returned).toHaveLength(1);
    return this.returned[0] as JourneyStatus;
  }
}

/** Values crossing from the workflow sandbox are cloned into plain test-realm data. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function captureSinks(captured: Captured): InjectedSinks<ReplayCaptureSinks> {
  return {
    replayCapture: {
      activityScheduled: {
        fn: (_info, activityType, activityId, args, taskQueue) =>
          void captured.activities.push({ activityType, activityId, args: plain(args), taskQueue }),
        callDuringReplay: true,
      },
      continuedAsNew: { fn: (_info, args) => void captured.continuedAsNew.push(plain(args)), callDuringReplay: true },
      returned: { fn: (_info, result) => void captured.returned.push(plain(result)), callDuringReplay: true },
    },
  };
}

/** Replays the history against the real workflow bundle; rejects on nondeterminism. */
async function replayJourney(h: JourneyHistory): Promise<Captured> {
  const captured = new Captured();
  await replay(bundle, h.build(), { workflowId: h.workflowId, sinks: captureSinks(captured) });
  return captured;
}

async function replayError(h: JourneyHistory): Promise<unknown> {
  return replayHistoryError(h.build(), h.workflowId);
}

/** Replays a (possibly hand-edited) history; resolves to the rejection, undefined on success. */
async function replayHistoryError(history: ReturnType<JourneyHistory['build']>, workflowId: string): Promise<unknown> {
  return replay(bundle, history, { workflowId, sinks: captureSinks(new Captured()) }).then(
    () => undefined,
    (err: unknown) => err,
  );
}

/** Due Tuesday 2026-12-01 in New York (EST, UTC-5); started 8 days before, Friday 09:00 local. */
const START = '2026-11-20T14:00:00Z';

function journey(
  installment: InstallmentInput = makeInstallment(),
  options: Partial<JourneyHistoryOptions> = {},
): JourneyHistory {
  return new JourneyHistory({ installment, startAt: START, ...options });
}

/** The whole default ladder, as deliver activity ids, when every channel reaches the buyer. */
const WHOLE_LADDER = [
  'deliver/r0/s0/email',
  'deliver/r0/s1/email',
  'deliver/r0/s2/sms',
  'deliver/r0/s3/whatsapp',
  'deliver/r0/s4/email',
  'deliver/r0/s5/sms',
  'deliver/r0/s6/whatsapp',
];

// ------------------------------------------------------------------------------------- scenarios

describe('dunningJourney replay: journey scenarios', () => {
  it('(a) no payment: the whole ladder, then the final action writes it off', async () => {
    const h = journey().finish();
    expect(h.deliveries).toEqual(WHOLE_LADDER);
    expect(h.result.outcome).toBe('written_off');

    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.activityIds.filter((id) => id.startsWith('record/'))).toEqual(
      Array.from({ length: 9 }, (_, i) => `record/${i + 1}`),
    );
    expect(captured.deliveries.map((d) => [d.channel, d.template])).toEqual(
      defaultPolicy.steps.map((s) => [s.channel, s.template]),
    );
    expect(captured.recordedEvents.map((e) => e.seq)).toEqual(Array.from({ length: 9 }, (_, i) => i + 1));
    expect(captured.records[0]!.events).toMatchObject([{ type: 'started', seq: 1, at: Date.parse(START) }]);
    const last = captured.records.at(-1)!;
    expect(last.events).toMatchObject([{ type: 'final_action_taken', action: 'write_off' }]);
    expect(last.status).toMatchObject({
      outcome: 'written_off',
      stage: 'closed',
      finalAction: 'write_off',
      nextAction: null,
    });
    expect(captured.result).toMatchObject({
      outcome: 'written_off',
      attempts: { sent: 7, failed: 0, skipped: 0 },
      amountPaidMinor: 0,
    });
    // The final action is due 30 days after the due date at local midnight (EST = UTC-5); the
    // workflow takes it in the task its timer wakes, and that task's time is the workflow's clock.
    expect(captured.result.closedAt).toBe(h.result.closedAt);
    const late = Date.parse(captured.result.closedAt!) - Date.parse('2026-12-31T05:00:00Z');
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1_000);
  });

  it('(a) the frequency cap holds the +3 days WhatsApp reminder until a contact ages out', async () => {
    const captured = await replayJourney(journey().finish());
    const sentAt = captured.recordedEvents.flatMap((e) => (e.type === 'step_sent' ? [e.at] : []));
    // 3 contacts per rolling 7 days: the 4th reminder (due Fri 12-04 11:00) waits until the
    // first (Sat 11-28 ~10:00 local) is 7 days old.
    expect(new Date(sentAt[3]!).toISOString().slice(0, 16)).toBe('2026-12-05T15:00');
    for (let i = 3; i < sentAt.length; i++) {
      expect(sentAt.filter((t) => t > sentAt[i]! - 7 * 86_400_000 && t <= sentAt[i]!).length).toBeLessThanOrEqual(3);
    }
  });

  it('(b) a partial then a full payment mid-ladder: recovered, the duplicate report counted once', async () => {
    const h = journey()
      .reminder('email')
      .reminder('email')
      .reminder('sms')
      .payment(2_000, { paymentId: 'pay-1', at: '2026-12-03T15:00:00Z' })
      // The payment system reports pay-1 again: the workflow changes nothing (no commands at all).
      .payment(2_000, { paymentId: 'pay-1', at: '2026-12-03T16:00:00Z' })
      .reminder('whatsapp')
      .payment(2_990, { paymentId: 'pay-2', at: '2026-12-06T15:00:00Z' })
      .finish();
    expect(h.deliveries).toEqual(WHOLE_LADDER.slice(0, 4));
    expect(h.result.outcome).toBe('recovered');

    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.deliveries.map((d) => d.amountDueMinor)).toEqual([4_990, 4_990, 4_990, 2_990]);
    const payments = captured.recordedEvents.filter((e) => e.type === 'payment_received');
    expect(payments).toMatchObject([
      { paymentId: 'pay-1', amountMinor: 2_000, at: Date.parse('2026-12-03T15:00:00Z') + 15 },
      { paymentId: 'pay-2', amountMinor: 2_990 },
    ]);
    expect(captured.records.at(-1)!.status).toMatchObject({
      outcome: 'recovered',
      amountPaidMinor: 4_990,
      outstandingMinor: 0,
    });
    expect(captured.result).toMatchObject({
      outcome: 'recovered',
      stage: 'closed',
      amountPaidMinor: 4_990,
      overpaidMinor: 0,
    });
  });

  it('(c) due date changed after two reminders: the ladder restarts from the new date (revision 1)', async () => {
    const h = journey()
      .reminder('email')
      .reminder('email')
      .changeDueDate('2026-12-15', { at: '2026-12-01T20:00:00Z', updateId: 'reschedule-1' })
      .finish();
    expect(h.deliveries).toEqual([
      'deliver/r0/s0/email',
      'deliver/r0/s1/email',
      ...WHOLE_LADDER.map((id) => id.replace('/r0/', '/r1/')),
    ]);

    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    const rescheduled = captured.records.find((r) => r.events.some((e) => e.type === 'due_date_changed'))!;
    expect(rescheduled.events).toMatchObject([{ type: 'due_date_changed', from: '2026-12-01', to: '2026-12-15' }]);
    expect(rescheduled.status).toMatchObject({
      dueDate: '2026-12-15',
      originalDueDate: '2026-12-01',
      planRevision: 1,
      reschedules: 1,
      stage: 'pre_due',
      // Three days before the new due date, 10:00 New York.
      nextAction: { kind: 'send', stepIndex: 0, channel: 'email', template: 'pre_due', at: '2026-12-12T15:00:00.000Z' },
    });
    expect(captured.delivery('deliver/r1/s0/email')).toMatchObject({
      planRevision: 1,
      stepIndex: 0,
      template: 'pre_due',
      dueDate: '2026-12-15',
    });
    expect(captured.result).toMatchObject({ outcome: 'written_off', dueDate: '2026-12-15', attempts: { sent: 9 } });
    // The final action now counts from the new due date: 2027-01-14, local midnight.
    expect(captured.result.closedAt!.slice(0, 16)).toBe('2027-01-14T05:00');
  });

  it('(d) paused then resumed: nothing is sent while paused, stale steps are skipped on resume', async () => {
    const h = journey()
      .reminder('email')
      .reminder('email')
      .reminder('sms')
      .pause({ at: '2026-12-02T20:00:00Z' })
      .resume({ at: '2026-12-10T17:00:00Z' })
      .finish();
    // Step 3 (+3 days) was due during the pause and is superseded by step 4 (+7 days).
    expect(h.deliveries).toEqual(WHOLE_LADDER.filter((id) => id !== 'deliver/r0/s3/whatsapp'));

    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    const types = captured.recordedEvents.map((e) => e.type);
    expect(types.slice(types.indexOf('paused'), types.indexOf('paused') + 4)).toEqual([
      'paused',
      'resumed',
      'step_skipped',
      'step_sent',
    ]);
    expect(captured.recordedEvents.find((e) => e.type === 'step_skipped')).toMatchObject({
      stepIndex: 3,
      reason: 'superseded',
    });
    expect(captured.records.find((r) => r.events.some((e) => e.type === 'paused'))!.status).toMatchObject({
      stage: 'paused',
      nextAction: { kind: 'resume', at: null },
    });
    // The first reminder after the resume goes out right away (Thursday 12:00 local).
    expect(captured.recordedEvents.find((e) => e.type === 'step_sent' && e.stepIndex === 4)!.at).toBeLessThan(
      Date.parse('2026-12-10T17:01:00Z'),
    );
    expect(captured.result).toMatchObject({ outcome: 'written_off', attempts: { sent: 6, skipped: 1 } });
  });

  it('(d) paused until a date: the journey resumes by itself when the pause ends', async () => {
    const h = journey()
      .reminder('email')
      .pause({ at: '2026-11-29T15:00:00Z', until: '2026-12-03T13:00:00Z' })
      .fireTimer() // the pause ends: resumed, then the late plan
      .finish();
    expect(h.deliveries).toEqual(['deliver/r0/s0/email', 'deliver/r0/s2/sms', ...WHOLE_LADDER.slice(3)]);

    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.recordedEvents.find((e) => e.type === 'resumed')).toMatchObject({
      at: Date.parse('2026-12-03T13:00:00Z') + 15,
    });
    expect(captured.recordedEvents.find((e) => e.type === 'step_skipped')).toMatchObject({
      stepIndex: 1,
      reason: 'superseded',
    });
    expect(captured.result.outcome).toBe('written_off');
  });

  it('(e) canceled: the pending reminder timer is cancelled and the journey ends canceled', async () => {
    const h = journey().reminder('email').cancel('refund', { at: '2026-11-30T12:00:00Z' }).finish();
    expect(h.deliveries).toEqual(['deliver/r0/s0/email']);

    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(['record/1', 'deliver/r0/s0/email', 'record/2', 'record/3']);
    expect(captured.records.at(-1)!.events).toMatchObject([{ type: 'canceled', reason: 'refund' }]);
    expect(captured.result).toMatchObject({
      outcome: 'canceled',
      cancelReason: 'refund',
      stage: 'closed',
      nextAction: null,
    });
  });

  it('(f) opted out of SMS: every SMS step falls through to WhatsApp', async () => {
    const installment = makeInstallment({ buyer: { phone: '+14155550123', whatsapp: '+14155550999' } });
    const h = journey(installment).optOut('sms', { at: '2026-11-25T15:00:00Z' }).finish();
    expect(h.deliveries).toEqual(WHOLE_LADDER.map((id) => id.replace(/sms$/, 'whatsapp')));

    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    for (const id of ['deliver/r0/s2/whatsapp', 'deliver/r0/s5/whatsapp']) {
      expect(captured.delivery(id)).toMatchObject({ channel: 'whatsapp', requestedChannel: 'sms', to: '+14155550999' });
    }
    expect(captured.deliveries.map((d) => d.channel)).not.toContain('sms');
    expect(captured.recordedEvents.find((e) => e.type === 'opted_out')).toMatchObject({ channel: 'sms' });
    expect(captured.result).toMatchObject({ outcome: 'written_off', attempts: { sent: 7 } });
  });

  it('(f) a channel without an address falls through, wrapping around to email', async () => {
    const installment = makeInstallment({ buyer: { phone: undefined, whatsapp: undefined } });
    const h = journey(installment).finish();
    expect(h.deliveries).toEqual(WHOLE_LADDER.map((id) => id.replace(/(sms|whatsapp)$/, 'email')));
    const captured = await replayJourney(h);
    expect(captured.deliveries.map((d) => [d.requestedChannel, d.channel])).toEqual(
      defaultPolicy.steps.map((s) => [s.channel, 'email']),
    );
  });

  it('(f) a permanent provider error on SMS: the same step is sent again on WhatsApp', async () => {
    const h = journey()
      .reminder('email')
      .reminder('email')
      .reminder('sms', { status: 'undeliverable', reason: 'invalid number' })
      .reminder('whatsapp') // still step 2
      .finish();
    expect(h.deliveries).toEqual([
      ...WHOLE_LADDER.slice(0, 3),
      'deliver/r0/s2/whatsapp',
      ...WHOLE_LADDER.slice(3).map((id) => id.replace(/sms$/, 'whatsapp')),
    ]);
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.recordedEvents.find((e) => e.type === 'step_failed')).toMatchObject({
      stepIndex: 2,
      channel: 'sms',
      reason: 'invalid number',
    });
    expect(captured.result).toMatchObject({ outcome: 'written_off', attempts: { sent: 7, failed: 1 } });
  });

  it('(g) the provider reports the buyer unsubscribed (Twilio 21610): recorded as an opt-out, the step goes out on WhatsApp, SMS never again', async () => {
    const h = journey()
      .reminder('email')
      .reminder('email')
      .reminder('sms', { status: 'opted_out', source: 'twilio:21610' })
      .reminder('whatsapp') // still step 2
      .finish();
    expect(h.deliveries).toEqual([
      ...WHOLE_LADDER.slice(0, 3),
      'deliver/r0/s2/whatsapp',
      ...WHOLE_LADDER.slice(3).map((id) => id.replace(/sms$/, 'whatsapp')),
    ]);
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.recordedEvents.find((e) => e.type === 'opted_out')).toMatchObject({
      channel: 'sms',
      actor: { kind: 'provider', id: 'twilio:21610' },
    });
    expect(captured.deliveries.filter((d) => d.channel === 'sms')).toHaveLength(1);
    expect(captured.result).toMatchObject({ outcome: 'written_off', attempts: { sent: 7 } });
  });

  it('(g) no approved WhatsApp template outside the 24-hour window: that step falls through to email, later WhatsApp steps still try WhatsApp', async () => {
    const h = journey()
      .reminder('email')
      .reminder('email')
      .reminder('sms')
      .reminder('whatsapp', { status: 'undeliverable', reason: 'whatsapp_template_unavailable', scope: 'step' })
      .reminder('email') // still step 3
      .finish();
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.activityIds).toContain('deliver/r0/s3/email');
    expect(captured.recordedEvents.find((e) => e.type === 'step_failed')).toMatchObject({
      stepIndex: 3,
      channel: 'whatsapp',
      reason: 'whatsapp_template_unavailable',
      scope: 'step',
    });
    expect(captured.activityIds).toContain('deliver/r0/s6/whatsapp');
  });

  it('an in-app step goes to its own queue addressed by the buyer ID; without an endpoint it falls through to email, and the next in-app step tries again', async () => {
    const policy = {
      ...defaultPolicy,
      steps: defaultPolicy.steps.map((s, i) => (i === 2 || i === 5 ? { ...s, channel: 'in_app' as const } : s)),
    };
    const installment = makeInstallment();
    const h = journey(installment, { policy })
      .reminder('email')
      .reminder('email')
      .reminder('in_app', { status: 'undeliverable', reason: 'webhook:no_endpoint', scope: 'step' })
      .reminder('email') // still step 2
      .reminder('whatsapp')
      .reminder('email')
      .reminder('in_app') // step 5: the tenant has an endpoint now
      .finish();
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    const delivered = captured.activities.filter((a) => a.activityType === DELIVER_REMINDER);
    expect(delivered.map((a) => a.activityId)).toEqual([
      ...WHOLE_LADDER.slice(0, 2),
      'deliver/r0/s2/in_app',
      'deliver/r0/s2/email',
      'deliver/r0/s3/whatsapp',
      'deliver/r0/s4/email',
      'deliver/r0/s5/in_app',
      'deliver/r0/s6/whatsapp',
    ]);
    expect(captured.delivery('deliver/r0/s2/in_app')).toMatchObject({
      channel: 'in_app',
      requestedChannel: 'in_app',
      to: installment.buyer.id,
    });
    expect(captured.delivery('deliver/r0/s2/email')).toMatchObject({ requestedChannel: 'in_app', channel: 'email' });
    // Replay runs on a queue of its own: the delivery queues are named after it.
    const journeyQueue = captured.activities.find((a) => a.activityType === RECORD_JOURNEY)!.taskQueue;
    expect(delivered.filter((a) => a.activityId.endsWith('/in_app')).map((a) => a.taskQueue)).toEqual([
      deliveryTaskQueue(journeyQueue, 'in_app'),
      deliveryTaskQueue(journeyQueue, 'in_app'),
    ]);
    expect(captured.result).toMatchObject({ outcome: 'written_off', attempts: { sent: 7, failed: 1 } });
  });

  it('(g) the guard holds a reminder for the buyer’s cap across journeys: deferred to the instant it names, then sent', async () => {
    const until = '2026-11-28T20:30:00.000Z'; // the pre-due step is due at 15:00Z that day
    const h = journey()
      .reminder('email', { status: 'deferred', reason: 'frequency_cap', until })
      .reminder('email')
      .finish();
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.activityIds.filter((id) => id.startsWith('deliver/')).slice(0, 2)).toEqual([
      'deliver/r0/s0/email',
      'deliver/r0/s0/email#2',
    ]);
    expect(captured.recordedEvents.find((e) => e.type === 'step_deferred')).toMatchObject({
      stepIndex: 0,
      reason: 'frequency_cap',
      until: Date.parse(until),
    });
    const firstSent = captured.recordedEvents.find((e) => e.type === 'step_sent');
    expect(firstSent).toMatchObject({ stepIndex: 0 });
    expect(firstSent!.at).toBeGreaterThanOrEqual(Date.parse(until));
  });

  it('deliveries go to their channel’s task queue, and carry the policy and the buyer’s zone for the guard', async () => {
    const captured = await replayJourney(journey().finish());
    const journeyQueue = captured.activities.find((a) => a.activityType === RECORD_JOURNEY)!.taskQueue;
    expect(captured.activities.find((a) => a.activityId === 'deliver/r0/s0/email')!.taskQueue).toBe(
      deliveryTaskQueue(journeyQueue, 'email'),
    );
    expect(captured.activities.find((a) => a.activityId === 'deliver/r0/s2/sms')!.taskQueue).toBe(
      deliveryTaskQueue(journeyQueue, 'sms'),
    );
    expect(deliveryTaskQueue(journeyQueue, 'sms')).not.toBe(deliveryTaskQueue(journeyQueue, 'email'));
    expect(captured.delivery('deliver/r0/s0/email')).toMatchObject({
      policy: defaultPolicy,
      timeZone: makeInstallment().buyer.timezone,
      buyerId: makeInstallment().buyer.id,
    });
  });

  it('a delivery that fails for good is skipped, and the ladder goes on', async () => {
    const h = journey().reminder('email').reminderFails().finish();
    expect(h.deliveries).toEqual(WHOLE_LADDER);
    const captured = await replayJourney(h);
    expect(captured.recordedEvents.find((e) => e.type === 'step_skipped')).toMatchObject({
      stepIndex: 1,
      reason: 'delivery_failed',
    });
    expect(captured.result).toMatchObject({ outcome: 'written_off', attempts: { sent: 6, skipped: 1 } });
  });

  it('started late (10 days past due): stale steps are skipped, the most relevant one goes out at once', async () => {
    const h = journey(makeInstallment(), { startAt: '2026-12-11T15:00:00Z' }).finish();
    expect(h.deliveries).toEqual(WHOLE_LADDER.slice(4));
    const captured = await replayJourney(h);
    expect(captured.activityIds.slice(0, 6)).toEqual([
      'record/1',
      'record/2',
      'record/3',
      'record/4',
      'record/5',
      'deliver/r0/s4/email',
    ]);
    expect(captured.recordedEvents.filter((e) => e.type === 'step_skipped').map((e) => e.stepIndex)).toEqual([
      0, 1, 2, 3,
    ]);
    expect(captured.result).toMatchObject({ outcome: 'written_off', attempts: { sent: 3, skipped: 4 } });
  });

  it('paid in full while a reminder waits to go out: the reminder is canceled, never sent, and the journey ends paid', async () => {
    const installment = makeInstallment();
    const h = journey(installment)
      .reminder('email')
      .reminderInFlight('email')
      .payment(installment.amount.amountMinor, { paymentId: 'pay-while-queued' })
      .finish();
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.activityIds.filter((id) => id.startsWith('deliver/'))).toEqual([
      'deliver/r0/s0/email',
      'deliver/r0/s1/email',
    ]);
    expect(
      captured.recordedEvents.filter((e) => e.type === 'step_sent').map((e) => (e as { stepIndex: number }).stepIndex),
    ).toEqual([0]);
    expect(captured.result).toMatchObject({ outcome: 'paid_before_due', attempts: { sent: 1 } });
  });

  it('paid while the reminder is already being sent: it completes and is recorded as sent (nothing goes unrecorded)', async () => {
    const installment = makeInstallment();
    const h = journey(installment)
      .reminder('email')
      .reminderInFlight('email')
      .payment(installment.amount.amountMinor, { paymentId: 'pay-mid-send' })
      .delivered()
      .finish();
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.recordedEvents.filter((e) => e.type === 'step_sent')).toHaveLength(2);
    expect(captured.result).toMatchObject({ outcome: 'paid_before_due', attempts: { sent: 2 } });
  });

  it('an operator cancels the workflow while a reminder waits: the delivery is canceled, the cancellation recorded, the workflow ends canceled', async () => {
    const h = journey().reminder('email').reminderInFlight('email').workflowCanceled();
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.activityIds.filter((id) => id.startsWith('deliver/'))).toEqual([
      'deliver/r0/s0/email',
      'deliver/r0/s1/email',
    ]);
    expect(captured.recordedEvents.at(-1)).toMatchObject({
      type: 'canceled',
      reason: 'operator',
      actor: { kind: 'system', id: 'temporal-operator' },
    });
    expect(captured.records.at(-1)?.status).toMatchObject({
      outcome: 'canceled',
      stage: 'closed',
      cancelReason: 'operator',
    });
    expect(captured.returned).toEqual([]);
  });

  it('an operator cancels the workflow while it waits for the next reminder: the timer is canceled and the cancellation recorded', async () => {
    const h = journey().reminder('email').workflowCanceled();
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.recordedEvents.at(-1)).toMatchObject({ type: 'canceled', reason: 'operator' });
  });

  it('an operator’s cancel in a history from before record-operator-cancel (no marker) replays as then: nothing recorded', async () => {
    const h = journey(makeInstallment(), { withoutPatches: [RECORD_OPERATOR_CANCEL] })
      .reminder('email')
      .reminderInFlight('email')
      .workflowCanceled();
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.activityIds.at(-1)).toBe('deliver/r0/s1/email');
    expect(captured.recordedEvents.some((e) => e.type === 'canceled')).toBe(false);
  });

  it('a history written before that patch (no marker) replays as then: the reminder in flight completes', async () => {
    const installment = makeInstallment();
    const h = journey(installment, { withoutPatches: [CANCEL_DELIVERY_ON_CLOSE] })
      .reminder('email')
      .reminderInFlight('email')
      .payment(installment.amount.amountMinor, { paymentId: 'pay-old-worker' })
      .delivered()
      .finish();
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.result).toMatchObject({ outcome: 'paid_before_due', attempts: { sent: 2 } });
  });

  it('messages while a reminder is in flight are applied, and recorded once it completes', async () => {
    const h = journey()
      .reminder('email')
      .reminderInFlight('email')
      .payment(1_000, { paymentId: 'pay-early' })
      .pause({ until: '2026-12-03T14:00:00Z' })
      .delivered()
      .finish();
    // The pause ends before step 3 is due: step 2 (during the pause) still goes out, late.
    expect(h.deliveries).toEqual(WHOLE_LADDER);
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.delivery('deliver/r0/s1/email').amountDueMinor).toBe(4_990); // asked before the payment
    expect(captured.delivery('deliver/r0/s2/sms').amountDueMinor).toBe(3_990);
    // One batch after the delivery: the messages first, in arrival order, then the sent step.
    expect(captured.records[2]!.events.map((e) => e.type)).toEqual(['payment_received', 'paused', 'step_sent']);
    expect(captured.result).toMatchObject({ outcome: 'partially_recovered', amountPaidMinor: 1_000 });
  });

  // Regression: a reminder already on its way when the due date changed used to be dropped from
  // the audit log, attempts.sent and recentContacts, so the new ladder's first reminder went out
  // at once: a 4th contact within 7 days against a cap of 3.
  it('a reminder in flight during a due-date change still counts toward the frequency cap', async () => {
    const h = journey()
      .reminder('email')
      .reminder('email')
      .reminderInFlight('sms')
      .changeDueDate('2026-12-04', { updateId: 'reschedule-in-flight' })
      .delivered()
      .finish();
    const captured = await replayJourney(h);
    expect(
      captured.recordedEvents.filter((e) => e.type === 'step_sent' && e.channel === 'sms' && e.revision === 0),
    ).toHaveLength(1);
    const contacts = captured.recordedEvents.flatMap((e) => (e.type === 'step_sent' ? [e.at] : []));
    for (const at of contacts) {
      expect(contacts.filter((t) => t > at - 7 * 86_400_000 && t <= at).length).toBeLessThanOrEqual(
        defaultPolicy.maxContactsPer7Days,
      );
    }
  });

  it('(h) continue-as-new when the server suggests it: the next run carries the state on', async () => {
    const installment = makeInstallment();
    const first = journey(installment, { runId: '00000000-0000-4000-8000-0000000000a1' })
      .reminder('email')
      .suggestContinueAsNew()
      .reminder('email');
    expect(first.closed).toBe(true);
    const run1 = await replayJourney(first);
    expect(run1.activityIds).toEqual([
      'record/1',
      'deliver/r0/s0/email',
      'record/2',
      'deliver/r0/s1/email',
      'record/3',
    ]);
    expect(run1.returned).toEqual([]);
    expect(run1.continuedAsNew).toHaveLength(1);
    const [next] = run1.continuedAsNew[0] as [JourneyInput];
    expect(next).toEqual(plain(first.continuedAsNewInput));
    expect(next.carried).toMatchObject({
      unrecorded: [],
      state: { nextStepIndex: 2, lastSeq: 3, attempts: { sent: 2 } },
    });

    // The second run starts from what the first one handed over.
    const second = new JourneyHistory({
      installment,
      startAt: first.now,
      carried: next.carried,
      runId: '00000000-0000-4000-8000-0000000000a2',
      continuedFromRunId: '00000000-0000-4000-8000-0000000000a1',
    }).finish();
    expect(second.deliveries).toEqual(WHOLE_LADDER.slice(2));
    const run2 = await replayJourney(second);
    expect(run2.activityIds[0]).toBe('deliver/r0/s2/sms');
    expect(run2.recordedEvents[0]).toMatchObject({ type: 'step_sent', seq: 4, stepIndex: 2 });
    expect(run2.result).toMatchObject({ outcome: 'written_off', attempts: { sent: 7 } });
  });
});

/** The patch ids of the `patched()` markers in a history, in order. */
function patchMarkers(h: JourneyHistory): string[] {
  return (h.build().events ?? []).flatMap((e) => {
    const payload = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0];
    return payload?.data ? [(JSON.parse(new TextDecoder().decode(payload.data)) as { id: string }).id] : [];
  });
}

describe('dunningJourney replay: confirmations (patch send-confirmations)', () => {
  /** A partial payment, a due-date change, then the payment that settles the installment. */
  const payChangePay = (options: Partial<JourneyHistoryOptions> = {}) => {
    const installment = makeInstallment();
    return (
      journey(installment, options)
        .reminder('email')
        .payment(2_000, { paymentId: 'pay-1', at: '2026-11-28T16:00:00Z' })
        // Reported twice: recorded once, confirmed once.
        .payment(2_000, { paymentId: 'pay-1', at: '2026-11-28T17:00:00Z' })
        .changeDueDate('2026-12-08', { at: '2026-11-28T18:00:00Z', updateId: 'reschedule-1' })
        .payment(2_990, { paymentId: 'pay-2', at: '2026-11-29T15:00:00Z' })
        .finish()
    );
  };

  it('a new history (with the marker): each payment and the due-date change is confirmed, the last one before the journey ends', async () => {
    const h = payChangePay();
    expect(patchMarkers(h)).toEqual([SEND_CONFIRMATIONS]);
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    const confirmIds = captured.activityIds.filter((id) => id.startsWith('confirm/'));
    expect(confirmIds).toEqual(h.confirmations);
    expect(confirmIds).toHaveLength(3);
    for (const id of confirmIds) expect(id).toMatch(/^confirm\/\d+\/email$/);
    // The settling payment's confirmation is the last delivery, then its record, then the end.
    expect(captured.activityIds.slice(-2)).toEqual([confirmIds[2], `record/${captured.records.length}`]);

    expect(captured.confirmations.map((d) => [d.template, d.amountPaidMinor, d.amountDueMinor])).toEqual([
      ['payment_confirmation', 2_000, 2_990],
      ['due_date_change_confirmation', undefined, 2_990],
      ['payment_confirmation', 2_990, 0],
    ]);
    expect(captured.confirmations[1]).toMatchObject({
      kind: 'confirmation',
      dueDate: '2026-12-08',
      previousDueDate: '2026-12-01',
      attemptId: `${h.workflowId}/${confirmIds[1]}`,
    });
    const sent = captured.recordedEvents.filter((e) => e.type === 'confirmation_sent');
    expect(sent.map((e) => e.type === 'confirmation_sent' && e.attemptId)).toEqual(
      captured.confirmations.map((d) => d.attemptId),
    );
    // The reminders' count is the reminders' alone.
    expect(captured.result).toMatchObject({ outcome: 'paid_before_due', attempts: { sent: h.deliveries.length } });
  });

  it('a history written before the patch (no marker) replays on the new code: nothing confirmed, as then', async () => {
    const h = payChangePay({ withoutPatches: [SEND_CONFIRMATIONS] });
    expect(patchMarkers(h)).toEqual([]);
    const captured = await replayJourney(h);
    expect(captured.activityIds).toEqual(h.activities.map((a) => a.activityId));
    expect(captured.activityIds.some((id) => id.startsWith('confirm/'))).toBe(false);
    expect(captured.recordedEvents.some((e) => e.type.startsWith('confirmation_'))).toBe(false);
    expect(captured.result).toMatchObject({ outcome: 'paid_before_due' });
  });

  it('replay compares the confirmations’ activity ids: a history that confirmed on another channel does not replay', async () => {
    const h = payChangePay({
      tamper: (a) =>
        a.activityId.startsWith('confirm/') ? { ...a, activityId: a.activityId.replace('email', 'sms') } : a,
    });
    const error = await replayError(h);
    expect(error).toBeInstanceOf(DeterminismViolationError);
    expect(String(error)).toMatch(
      /Activity id of scheduled event 'confirm\/\d+\/sms' does not match .*'confirm\/\d+\/email'/,
    );
  });

  it('a payment that closes the journey inside quiet hours: the confirmation waits for the morning, then the journey ends', async () => {
    const installment = makeInstallment();
    const morning = '2026-11-25T13:00:00.000Z'; // 08:00 in New York
    const h = journey(installment, {
      confirmationResult: (id) =>
        id.includes('#')
          ? { status: 'sent', providerMessageId: `outbox:${id}` }
          : { status: 'deferred', reason: 'quiet_hours', until: morning },
    })
      .payment(4_990, { paymentId: 'pay-night', at: '2026-11-25T03:00:00Z' })
      .finish();
    const captured = await replayJourney(h);
    const [first, second] = h.confirmations;
    expect(second).toBe(`${first}#2`);
    expect(captured.recordedEvents.find((e) => e.type === 'confirmation_deferred')).toMatchObject({
      until: Date.parse(morning),
      reason: 'quiet_hours',
    });
    const sent = captured.recordedEvents.find((e) => e.type === 'confirmation_sent')!;
    expect(sent.at).toBeGreaterThanOrEqual(Date.parse(morning));
    expect(captured.result).toMatchObject({ outcome: 'paid_before_due', closedAt: '2026-11-25T03:00:00.015Z' });
  });

  it('an opted-out email falls through to SMS; a delivery that keeps failing is skipped and the journey goes on', async () => {
    const h = journey(makeInstallment(), { confirmationResult: () => 'fails' })
      .optOut('email', { at: '2026-11-21T15:00:00Z' })
      .payment(1_000, { paymentId: 'pay-1', at: '2026-11-22T15:00:00Z' })
      .reminder('sms');
    const captured = await replayJourney(h.finish());
    expect(h.confirmations).toEqual([expect.stringMatching(/^confirm\/\d+\/sms$/)]);
    expect(captured.confirmations[0]).toMatchObject({ channel: 'sms', to: '+14155550123', kind: 'confirmation' });
    expect(captured.recordedEvents.find((e) => e.type === 'confirmation_skipped')).toMatchObject({
      reason: 'delivery_failed',
      template: 'payment_confirmation',
    });
    expect(captured.result.attempts.failed).toBe(0);
  });

  it('continue-as-new while a confirmation waits for quiet hours to end: the next run carries it and sends it', async () => {
    const installment = makeInstallment();
    const first = journey(installment, {
      runId: '00000000-0000-4000-8000-0000000000b1',
      confirmationResult: () => ({ status: 'deferred', reason: 'quiet_hours', until: '2026-11-22T13:00:00.000Z' }),
    })
      .suggestContinueAsNew()
      .payment(1_000, { paymentId: 'pay-night', at: '2026-11-22T03:00:00Z' });
    expect(first.closed).toBe(true);
    const run1 = await replayJourney(first);
    const [next] = run1.continuedAsNew[0] as [JourneyInput];
    expect(next.carried?.state.confirmations).toMatchObject([
      { template: 'payment_confirmation', notBefore: Date.parse('2026-11-22T13:00:00Z') },
    ]);

    const second = new JourneyHistory({
      installment,
      startAt: first.now,
      carried: next.carried,
      runId: '00000000-0000-4000-8000-0000000000b2',
      continuedFromRunId: '00000000-0000-4000-8000-0000000000b1',
    }).finish();
    const run2 = await replayJourney(second);
    expect(run2.activityIds[0]).toMatch(/^confirm\/\d+\/email$/);
    expect(run2.recordedEvents[0]).toMatchObject({
      type: 'confirmation_sent',
      at: Date.parse('2026-11-22T13:00:00Z') + 15 + 1_500 + 15,
    });
  });
});

describe('dunningJourney replay: histories that must not replay', () => {
  const optedOutOfSms = (tamper?: JourneyHistoryOptions['tamper']) =>
    journey(makeInstallment(), tamper && { tamper })
      .optOut('sms', { at: '2026-11-25T15:00:00Z' })
      .finish();

  it('the untampered opt-out history replays (control)', async () => {
    expect(await replayError(optedOutOfSms())).toBeUndefined();
  });

  it('fails with DeterminismViolationError when the history sent SMS where the workflow uses WhatsApp', async () => {
    const h = optedOutOfSms((a) =>
      a.activityId === 'deliver/r0/s2/whatsapp' ? { ...a, activityId: 'deliver/r0/s2/sms' } : a,
    );
    const error = await replayError(h);
    expect(error).toBeInstanceOf(DeterminismViolationError);
    expect(String(error)).toMatch(
      /Activity id of scheduled event 'deliver\/r0\/s2\/sms' does not match .*'deliver\/r0\/s2\/whatsapp'/,
    );
  });

  it('fails with DeterminismViolationError when an activity type differs', async () => {
    const h = optedOutOfSms((a) => (a.activityId === 'record/3' ? { ...a, activityType: 'recordJourneyV0' } : a));
    const error = await replayError(h);
    expect(error).toBeInstanceOf(DeterminismViolationError);
    expect(String(error)).toMatch(
      /Activity type of scheduled event 'recordJourneyV0' does not match .*'recordJourney'/,
    );
  });

  it('fails with DeterminismViolationError when the workflow does not react to a message as the history did', async () => {
    // The history of scenario (d), but the pause reaches the workflow under a name it has no
    // handler for: the workflow keeps waiting for step 3 where the history cancels that timer.
    const h = journey()
      .reminder('email')
      .reminder('email')
      .reminder('sms')
      .pause({ at: '2026-12-02T20:00:00Z' })
      .resume({ at: '2026-12-10T17:00:00Z' })
      .finish();
    expect(await replayError(h)).toBeUndefined();
    const history = h.build();
    const pause = (history.events ?? []).find(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'pause',
    )!;
    pause.workflowExecutionSignaledEventAttributes!.signalName = 'pauseV0';
    const error = await replayHistoryError(history, h.workflowId);
    expect(error).toBeInstanceOf(DeterminismViolationError);
    expect(String(error)).toMatch(/No command scheduled for event .*TimerCanceled/);
  });

  it('fails with DeterminismViolationError when it continues as new without the server suggesting it', async () => {
    const h = journey().reminder('email').suggestContinueAsNew().reminder('email');
    const history = h.build();
    for (const event of history.events ?? []) {
      if (event.workflowTaskStartedEventAttributes)
        event.workflowTaskStartedEventAttributes.suggestContinueAsNew = false;
    }
    const error = await replayHistoryError(history, h.workflowId);
    expect(error).toBeInstanceOf(DeterminismViolationError);
    // The workflow waits (a timer) where the history continued as new.
    expect(String(error)).toMatch(/Timer machine does not handle this event: .*WorkflowExecutionContinuedAsNew/);
  });
});

describe('regressions found in review', () => {
  it('ignores signals whose payload it cannot read, and goes on as before', async () => {
    const h = journey()
      .reminder('email')
      .malformedSignal('paymentReceived', [null])
      .malformedSignal('cancel', [])
      .malformedSignal('updateContact', [42])
      .finish();
    const captured = await replayJourney(h);
    expect(captured.result).toMatchObject({ outcome: 'written_off', attempts: { sent: 7 } });
    expect(captured.recordedEvents.map((e) => e.type)).not.toContain('payment_received');
  });

  it('records a message that arrives while the previous batch is being recorded, before waiting', async () => {
    const h = journey()
      .whileRecording((j) => j.pause().optOut('sms'))
      .resume()
      .finish();
    const captured = await replayJourney(h);
    const batches = captured.records.map((r) => r.events.map((e) => e.type));
    // The pause is recorded first; the opt-out, which arrived meanwhile, in the very next batch.
    const pausedAt = batches.findIndex((b) => b.includes('paused'));
    expect(batches[pausedAt]).toEqual(['paused']);
    expect(batches[pausedAt + 1]).toEqual(['opted_out']);
  });

  it('does not lose a payment that arrives while the cancellation is being recorded', async () => {
    const h = journey()
      .reminder('email')
      .whileRecording((j) => j.cancel('manual').payment(4_990, { paymentId: 'pay-during-close' }))
      .finish();
    const captured = await replayJourney(h);
    const payment = captured.recordedEvents.find((e) => e.type === 'payment_received');
    expect(payment).toMatchObject({ paymentId: 'pay-during-close', amountMinor: 4_990 });
    expect(captured.result).toMatchObject({ outcome: 'canceled', amountPaidMinor: 4_990 });
  });

  it('replays a deferral from before the guard (no instant named): the step waits for the next morning', async () => {
    // Due Friday 2026-11-27; the journey starts Thursday 20:58 in New York with the pre-due step
    // overdue, so it is sent at once — and its delivery outlives the window that closes at 21:00.
    // Histories written before the compliance guard report `contact_window_closed` without `until`.
    const installment = makeInstallment({ dueDate: '2026-11-27' });
    const h = new JourneyHistory({ installment, startAt: '2026-11-27T01:58:00Z' })
      .reminder('email', { status: 'deferred', reason: 'contact_window_closed' })
      .reminder('email')
      .finish();
    const captured = await replayJourney(h);
    expect(captured.activityIds.filter((id) => id.startsWith('deliver/'))[0]).toBe('deliver/r0/s0/email');
    expect(captured.activityIds.filter((id) => id.startsWith('deliver/'))[1]).toBe('deliver/r0/s0/email#2');
    expect(captured.recordedEvents.find((e) => e.type === 'step_deferred')).toMatchObject({
      stepIndex: 0,
      until: Date.parse('2026-11-27T02:00:00Z'),
    });
    // Sent again at 08:00 the next morning (13:00 UTC), the end of quiet hours.
    const sentAt = captured.recordedEvents.find((e) => e.type === 'step_sent')!.at;
    expect(sentAt).toBeGreaterThanOrEqual(Date.parse('2026-11-27T13:00:00Z'));
    expect(sentAt).toBeLessThan(Date.parse('2026-11-27T13:01:00Z'));
  });
});
