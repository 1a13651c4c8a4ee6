/**
 * The escalation channels through the deliver activity, on a real database: an assistant step
 * sends the step's WhatsApp reminder with a line inviting a reply (to the outbox, and through the
 * real Twilio SDK to a local fake server), under WhatsApp's consent; an agent step opens one call
 * task per attempt, under every rule of contact.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CallTaskRequest } from '../../activities/channels/agent-task';
import { withOutboxFallback } from '../../activities/channels/outbox';
import { providerConfigFromEnv, sendersFromConfig } from '../../activities/channels/provider-config';
import { type ChannelSenders, ProviderOutcomeUnknownError } from '../../activities/channels/sender';
import { type ActivityDeps, createActivities } from '../../activities/index';
import { listAttempts } from '../../db/attempt-repository';
import { recordBuyerOptOut } from '../../db/buyer-consent-repository';
import { contactPointState, recordInbound, recordOptOut } from '../../db/contact-repository';
import { MESSAGE_COPY } from '../../domain/messages';
import { describeEachDatabase } from '../support/databases';
import { reminderDeliveryFor as deliveryFor, freshInstallment } from '../support/deliveries';
import { type FakeTwilioServer, localTwilioHttpClient, startFakeTwilioServer } from '../support/fake-twilio-server';

/** Tuesday 2026-12-01, 10:00 in New York. */
const NOW = Date.UTC(2026, 11, 1, 15, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TEMPLATE_SID = `HX${'4'.repeat(32)}`;
const INVITE = MESSAGE_COPY.en.assistantInvite;

const silent: ActivityDeps['logger'] = { info: () => undefined, warn: () => undefined };

/** The seller's task list, as application/agent-tasks.ts keeps it: one task per task id. */
class CallTasks {
  readonly calls: CallTaskRequest[] = [];
  readonly tasks = new Map<string, CallTaskRequest>();
  private failures = 0;
  failNext(times = 1): this {
    this.failures = times;
    return this;
  }
  readonly open = async (task: CallTaskRequest): Promise<void> => {
    this.calls.push(task);
    if (!this.tasks.has(task.taskId)) this.tasks.set(task.taskId, task);
    if (this.failures > 0) {
      this.failures--;
      // Written, but the answer was lost.
      throw new Error('connection reset');
    }
  };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (err: unknown) => err,
  );
}

describeEachDatabase('deliver activity: the assistant and the agent', (getDb) => {
  const activitiesAt = (now: number, deps: Partial<ActivityDeps> = {}) =>
    createActivities({ db: getDb(), logger: silent, now: () => now, ...deps });
  const withTasks = (tasks: CallTasks): ChannelSenders => withOutboxFallback({}, { openCallTask: tasks.open });

  it('an assistant step sends the WhatsApp reminder with the invite line, to the WhatsApp number (outbox)', async () => {
    const inst = freshInstallment();
    const delivery = deliveryFor(inst, 'assistant');
    expect(delivery.to).toBe(inst.buyer.whatsapp);
    expect(await activitiesAt(NOW).deliverReminder(delivery)).toEqual({
      status: 'sent',
      providerMessageId: `outbox:${delivery.attemptId}`,
      whatsappMode: 'template',
    });
    const [row] = await listAttempts(getDb(), delivery.journeyId);
    expect(row).toMatchObject({
      channel: 'assistant',
      provider: 'outbox',
      recipient: inst.buyer.whatsapp,
      whatsappMode: 'template',
      status: 'sent',
    });
    expect(row!.body).toContain(INVITE);
    expect(row!.body).toContain('Reply STOP');
  });

  it('a WhatsApp STOP (recorded on whatsapp) refuses the assistant; so does a WhatsApp stop recorded by support', async () => {
    const stopped = freshInstallment();
    await recordOptOut(getDb(), 'whatsapp', `whatsapp:${stopped.buyer.whatsapp!}`, 'twilio:stop');
    const senders = withOutboxFallback({});
    const sent: unknown[] = [];
    const assistant = { ...senders.assistant, send: async (m: never) => (sent.push(m), senders.assistant.send(m)) };
    const activities = activitiesAt(NOW, { senders: { ...senders, assistant } });
    expect(await activities.deliverReminder(deliveryFor(stopped, 'assistant'))).toEqual({
      status: 'opted_out',
      source: 'consent',
    });

    const bySupport = freshInstallment();
    await recordBuyerOptOut(getDb(), {
      tenantId: bySupport.tenantId,
      buyerId: bySupport.buyer.id,
      channel: 'whatsapp',
      source: 'support',
      recordedBy: { keyId: 'key_support' },
    });
    expect(await activities.deliverReminder(deliveryFor(bySupport, 'assistant'))).toEqual({
      status: 'opted_out',
      source: 'consent',
    });
    expect(sent).toHaveLength(0);

    // A stop of the assistant alone leaves the buyer's WhatsApp reminders open.
    const noBot = freshInstallment();
    await recordBuyerOptOut(getDb(), {
      tenantId: noBot.tenantId,
      buyerId: noBot.buyer.id,
      channel: 'assistant',
      source: 'support',
      recordedBy: { keyId: 'key_support' },
    });
    expect(await activities.deliverReminder(deliveryFor(noBot, 'assistant'))).toMatchObject({ status: 'opted_out' });
    expect(await activities.deliverReminder(deliveryFor(noBot, 'whatsapp'))).toMatchObject({ status: 'sent' });
  });

  it('a provider opt-out on the assistant (Twilio 21610) is recorded on WhatsApp: the next WhatsApp reminder is refused', async () => {
    const inst = freshInstallment();
    const twilioLike = {
      provider: 'twilio',
      idempotent: false,
      send: async () =>
        ({ kind: 'refused', refusal: 'opted_out', code: '21610', detail: 'unsubscribed recipient' }) as const,
    };
    const activities = activitiesAt(NOW, { senders: withOutboxFallback({ whatsapp: twilioLike }) });
    expect(await activities.deliverReminder(deliveryFor(inst, 'assistant'))).toEqual({
      status: 'opted_out',
      source: 'twilio:21610',
    });
    expect(await contactPointState(getDb(), 'whatsapp', inst.buyer.whatsapp!)).toMatchObject({ optedOut: true });
    expect(await activitiesAt(NOW).deliverReminder(deliveryFor(inst, 'whatsapp'))).toEqual({
      status: 'opted_out',
      source: 'consent',
    });
  });

  it('an agent step opens exactly one call task, the attempt id its task id, however often the activity is retried', async () => {
    const inst = freshInstallment();
    const tasks = new CallTasks();
    const activities = activitiesAt(NOW, { senders: withTasks(tasks) });
    const delivery = deliveryFor(inst, 'agent');
    expect(delivery.to).toBe(inst.buyer.phone);
    const expected = { status: 'sent', providerMessageId: `task:${delivery.attemptId}` };
    expect(await activities.deliverReminder(delivery)).toEqual(expected);
    expect(await activities.deliverReminder(delivery)).toEqual(expected);
    expect(tasks.calls).toEqual([
      {
        tenantId: inst.tenantId,
        buyerId: inst.buyer.id,
        journeyId: delivery.journeyId,
        taskId: delivery.attemptId,
        reason: expect.stringMatching(/^Call the buyer about .+: installment \d+ of \d+, .+ due on \d{4}-\d\d-\d\d/),
      },
    ]);
    const [row] = await listAttempts(getDb(), delivery.journeyId);
    expect(row).toMatchObject({
      channel: 'agent',
      provider: 'agent',
      recipient: inst.buyer.phone,
      status: 'sent',
      providerMessageId: `task:${delivery.attemptId}`,
      body: tasks.calls[0]!.reason,
    });
  });

  it('an agent task whose answer was lost is opened again under the same task id: still one task', async () => {
    const inst = freshInstallment();
    const tasks = new CallTasks().failNext();
    const activities = activitiesAt(NOW, { senders: withTasks(tasks) });
    const delivery = deliveryFor(inst, 'agent');
    expect(await failureOf(activities.deliverReminder(delivery))).toBeInstanceOf(ProviderOutcomeUnknownError);
    // It may have been opened: the row counts it as a contact meanwhile.
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([{ status: 'sending' }]);
    expect(await activities.deliverReminder(delivery)).toMatchObject({ status: 'sent' });
    expect(tasks.calls.map((c) => c.taskId)).toEqual([delivery.attemptId, delivery.attemptId]);
    expect(tasks.tasks.size).toBe(1);
  });

  it('without openCallTask an agent step goes to the outbox: the attempt row is the task', async () => {
    const inst = freshInstallment();
    const delivery = deliveryFor(inst, 'agent');
    expect(await activitiesAt(NOW).deliverReminder(delivery)).toEqual({
      status: 'sent',
      providerMessageId: `outbox:${delivery.attemptId}`,
    });
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([
      { channel: 'agent', provider: 'outbox', body: expect.stringContaining('Call the buyer about') as string },
    ]);
  });

  it('an agent call is a contact: held by quiet hours and by the cap, and counted by the cap', async () => {
    const tasks = new CallTasks();
    // 23:00 in New York: no call at night.
    const night = Date.UTC(2026, 11, 2, 4, 0);
    const held = await activitiesAt(night, { senders: withTasks(tasks) }).deliverReminder(
      deliveryFor(freshInstallment(), 'agent'),
    );
    expect(held).toMatchObject({ status: 'deferred', reason: 'quiet_hours' });
    expect(tasks.calls).toHaveLength(0);

    // Three contacts this week (default cap 3): the call waits.
    const capped = freshInstallment();
    const sentAt = [NOW - DAY, NOW - 2 * HOUR, NOW - HOUR];
    for (const at of sentAt)
      await activitiesAt(at).deliverReminder(deliveryFor(freshInstallment({ buyer: capped.buyer }), 'email'));
    expect(
      await activitiesAt(NOW, { senders: withTasks(tasks) }).deliverReminder(deliveryFor(capped, 'agent')),
    ).toEqual({ status: 'deferred', reason: 'frequency_cap', until: new Date(sentAt[0]! + 7 * DAY + 1).toISOString() });
    expect(tasks.calls).toHaveLength(0);

    // A call counts: two messages and a call fill the week, and the next message waits.
    const called = freshInstallment();
    await activitiesAt(NOW - DAY, { senders: withTasks(tasks) }).deliverReminder(deliveryFor(called, 'agent'));
    expect(tasks.calls).toHaveLength(1);
    for (const at of [NOW - 2 * HOUR, NOW - HOUR])
      await activitiesAt(at).deliverReminder(deliveryFor(freshInstallment({ buyer: called.buyer }), 'sms'));
    expect(await activitiesAt(NOW).deliverReminder(deliveryFor(called, 'whatsapp'))).toMatchObject({
      status: 'deferred',
      reason: 'frequency_cap',
    });
  });
});

describeEachDatabase('deliver activity: the assistant through the real Twilio SDK', (getDb) => {
  let twilio: FakeTwilioServer;
  beforeAll(async () => {
    twilio = await startFakeTwilioServer();
  });
  afterAll(async () => {
    await twilio.close();
  });

  const activities = () =>
    createActivities({
      db: getDb(),
      logger: silent,
      now: () => NOW,
      senders: withOutboxFallback(
        sendersFromConfig(
          providerConfigFromEnv({
            TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
            TWILIO_AUTH_TOKEN: 'twilio-test-token',
            TWILIO_WHATSAPP_FROM: '+14155550100',
            TWILIO_WHATSAPP_TEMPLATES: JSON.stringify({ overdue_early: { '*': TEMPLATE_SID } }),
            PUBLIC_BASE_URL: 'https://dunning.example.com',
          }),
          { twilioHttpClient: localTwilioHttpClient(twilio.url), timeoutMs: 2_000 },
        ),
      ),
    });

  it('outside the window: the approved template (Content SID and variables) to whatsapp:<number>', async () => {
    twilio.reset();
    const inst = freshInstallment();
    const delivery = deliveryFor(inst, 'assistant');
    expect(await activities().deliverReminder(delivery)).toMatchObject({ status: 'sent', whatsappMode: 'template' });
    expect(twilio.created).toHaveLength(1);
    const { fields } = twilio.created[0]!;
    expect(fields).toMatchObject({
      To: `whatsapp:${inst.buyer.whatsapp!}`,
      From: 'whatsapp:+14155550100',
      ContentSid: TEMPLATE_SID,
      StatusCallback: `https://dunning.example.com/webhooks/twilio/status?attempt=${encodeURIComponent(delivery.attemptId)}`,
    });
    expect(fields.Body).toBeUndefined();
    expect(JSON.parse(fields.ContentVariables!)).toMatchObject({ '2': inst.product.name });
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([
      { channel: 'assistant', provider: 'twilio', whatsappMode: 'template', providerMessageId: twilio.created[0]!.sid },
    ]);
  });

  it('inside the window the buyer opened on WhatsApp: free-form text with the invite line', async () => {
    twilio.reset();
    const inst = freshInstallment();
    await recordInbound(getDb(), 'whatsapp', `whatsapp:${inst.buyer.whatsapp!}`, new Date(NOW - HOUR));
    expect(await activities().deliverReminder(deliveryFor(inst, 'assistant'))).toMatchObject({
      status: 'sent',
      whatsappMode: 'free_form',
    });
    const { fields } = twilio.created[0]!;
    expect(fields.To).toBe(`whatsapp:${inst.buyer.whatsapp!}`);
    expect(fields.ContentSid).toBeUndefined();
    expect(fields.Body).toContain(INVITE);
  });
});
