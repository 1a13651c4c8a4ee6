/**
 * The deliver activity's rules, on a real database: the compliance guard applied at the moment of
 * sending with the buyer's ledger across journeys, the intent row, retries, and what provider
 * refusals do to the buyer's contact points. Providers are doubles of our own `ChannelSender`
 * interface here (their wire formats have their own tests); the last block wires the real
 * Twilio and Resend SDKs to local fake servers to show a retry after a timeout sends once.
 */
import { clearBuyerOptOut, recordBuyerOptOut } from '../../db/buyer-consent-repository';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withOutboxFallback } from '../../activities/channels/outbox';
import { providerConfigFromEnv, sendersFromConfig } from '../../activities/channels/provider-config';
import {
  type ChannelSender,
  type ChannelSenders,
  type OutgoingMessage,
  ProviderOutcomeUnknownError,
  ProviderUnavailableError,
  type SendOutcome,
} from '../../activities/channels/sender';
import type { ReminderDelivery } from '../../activities/contracts';
import { type ActivityDeps, createActivities } from '../../activities/index';
import { createBuyerAreaUrl } from '../../application/buyer-links';
import { linkKeyRing } from '../../application/link-keys';
import { createUnsubscribeUrl } from '../../application/unsubscribe-links';
import {
  advanceAttemptStatus,
  contactPointState,
  recordInbound,
  recordOptOut,
  recordSuppression,
} from '../../db/contact-repository';
import { listAttempts } from '../../db/attempt-repository';
import type { Channel } from '../../domain/channels';
import { defaultPolicy } from '../../domain/policy';
import { describeEachDatabase } from '../support/databases';
import { type FakeResendServer, startFakeResendServer } from '../support/fake-resend-server';
import { type FakeTwilioServer, localTwilioHttpClient, startFakeTwilioServer } from '../support/fake-twilio-server';
import { freshInstallment, reminderDeliveryFor } from '../support/deliveries';

/** Tuesday 2026-12-01, 10:00 in New York. */
const NOW = Date.UTC(2026, 11, 1, 15, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const silent: ActivityDeps['logger'] = { info: () => undefined, warn: () => undefined };

/** A sender that answers from a script and counts what it was asked to send. */
class ScriptedSender implements ChannelSender {
  readonly sent: OutgoingMessage[] = [];
  private readonly script: (() => SendOutcome)[] = [];
  constructor(
    readonly provider = 'scripted',
    readonly idempotent = false,
  ) {}
  then(...answers: (() => SendOutcome)[]): this {
    this.script.push(...answers);
    return this;
  }
  async send(message: OutgoingMessage): Promise<SendOutcome> {
    this.sent.push(message);
    const next = this.script.shift();
    return next ? next() : { kind: 'sent', providerMessageId: `msg-${this.sent.length}` };
  }
}

function sendersWith(channel: Channel, sender: ChannelSender): ChannelSenders {
  return withOutboxFallback({ [channel]: sender } as Partial<ChannelSenders>);
}

const deliveryFor = reminderDeliveryFor;

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (err: unknown) => err,
  );
}

describeEachDatabase('deliver activity: the compliance guard at the moment of sending', (getDb) => {
  const activitiesAt = (now: number, deps: Partial<ActivityDeps> = {}) =>
    createActivities({ db: getDb(), logger: silent, now: () => now, ...deps });

  it('caps contacts per buyer across all their journeys, and holds the next one until a contact ages out', async () => {
    const first = freshInstallment();
    const buyer = first.buyer;
    const journeys = [first, freshInstallment({ buyer }), freshInstallment({ buyer })];
    const sentAt = [NOW - DAY, NOW - 2 * HOUR, NOW - HOUR]; // Monday 10:00, Tuesday 08:00 and 09:00
    for (const [i, inst] of journeys.entries()) {
      expect(await activitiesAt(sentAt[i]!).deliverReminder(deliveryFor(inst))).toMatchObject({ status: 'sent' });
    }
    // A fourth journey of the same buyer, on another channel: the cap (3 per 7 days) is the buyer's.
    const fourth = deliveryFor(freshInstallment({ buyer }), 'sms');
    const held = await activitiesAt(NOW).deliverReminder(fourth);
    expect(held).toEqual({
      status: 'deferred',
      reason: 'frequency_cap',
      until: new Date(sentAt[0]! + 7 * DAY + 1).toISOString(),
    });
    expect(await listAttempts(getDb(), fourth.journeyId)).toEqual([]);
    // Another buyer is not held by this one's ledger.
    expect(await activitiesAt(NOW).deliverReminder(deliveryFor(freshInstallment(), 'sms'))).toMatchObject({
      status: 'sent',
    });
    // Once the oldest contact has aged out, the held reminder goes out.
    expect(await activitiesAt(sentAt[0]! + 7 * DAY + 1).deliverReminder(fourth)).toMatchObject({ status: 'sent' });
  });

  it('two journeys of one buyer racing for the last contact of the week: exactly one is sent', async () => {
    const first = freshInstallment();
    const buyer = first.buyer;
    const activities = activitiesAt(NOW);
    await activitiesAt(NOW - DAY).deliverReminder(deliveryFor(first));
    await activitiesAt(NOW - HOUR).deliverReminder(deliveryFor(freshInstallment({ buyer })));
    const racing = [
      deliveryFor(freshInstallment({ buyer }), 'sms'),
      deliveryFor(freshInstallment({ buyer }), 'whatsapp'),
    ];
    const results = await Promise.all(racing.map((d) => activities.deliverReminder(d)));
    expect(results.map((r) => r.status).sort()).toEqual(['deferred', 'sent']);
  });

  it('holds a reminder on the buyer’s public holiday (US Thanksgiving) until the next morning', async () => {
    const thanksgiving = Date.UTC(2026, 10, 26, 15, 0); // Thursday 10:00 in New York
    const delivery = deliveryFor(freshInstallment());
    expect(await activitiesAt(thanksgiving).deliverReminder(delivery)).toEqual({
      status: 'deferred',
      reason: 'holiday',
      until: '2026-11-27T13:00:00.000Z', // Friday 08:00 in New York, the end of quiet hours
    });
    // Not for a buyer in a country without that holiday, nor under a policy that ignores holidays.
    expect(
      await activitiesAt(thanksgiving).deliverReminder(deliveryFor(freshInstallment({ buyer: { country: 'BR' } }))),
    ).toMatchObject({ status: 'sent' });
    const ignoring = { ...defaultPolicy, holidays: { observePublicHolidays: false } };
    expect(
      await activitiesAt(thanksgiving).deliverReminder(deliveryFor(freshInstallment(), 'email', { policy: ignoring })),
    ).toMatchObject({ status: 'sent' });
  });

  it('never sends to an address that opted out, whichever journey it came from; the step falls through', async () => {
    const inst = freshInstallment();
    await recordOptOut(getDb(), 'sms', inst.buyer.phone!, 'twilio:stop');
    const sms = new ScriptedSender();
    const result = await activitiesAt(NOW, { senders: sendersWith('sms', sms) }).deliverReminder(
      deliveryFor(inst, 'sms'),
    );
    expect(result).toEqual({ status: 'opted_out', source: 'consent' });
    expect(sms.sent).toHaveLength(0);
    // Email is another channel: still allowed.
    expect(await activitiesAt(NOW).deliverReminder(deliveryFor(inst, 'email'))).toMatchObject({ status: 'sent' });
  });

  it('never sends on a channel the buyer asked support to stop, in journeys that start later, until it is lifted', async () => {
    const earlier = freshInstallment();
    const stop = { tenantId: earlier.tenantId, buyerId: earlier.buyer.id, channel: 'sms' as const };
    await recordBuyerOptOut(getDb(), { ...stop, source: 'support', recordedBy: { keyId: 'key_support' } });
    // The buyer's next installment, with a new journey: SMS is refused before the provider is called.
    const next = freshInstallment({ buyer: earlier.buyer });
    const sms = new ScriptedSender();
    const refused = await activitiesAt(NOW, { senders: sendersWith('sms', sms) }).deliverReminder(
      deliveryFor(next, 'sms'),
    );
    expect(refused).toEqual({ status: 'opted_out', source: 'consent' });
    expect(sms.sent).toHaveLength(0);
    // Another channel of this buyer, and the same channel of another buyer, are not affected.
    expect(await activitiesAt(NOW).deliverReminder(deliveryFor(next, 'email'))).toMatchObject({ status: 'sent' });
    expect(await activitiesAt(NOW).deliverReminder(deliveryFor(freshInstallment(), 'sms'))).toMatchObject({
      status: 'sent',
    });
    // A buyer of the same id in another tenant is another person.
    const elsewhere = freshInstallment({ tenantId: 'other-tenant', buyer: { id: earlier.buyer.id } });
    expect(await activitiesAt(NOW).deliverReminder(deliveryFor(elsewhere, 'sms'))).toMatchObject({ status: 'sent' });
    // The buyer said otherwise: the next journey's SMS goes out.
    expect(await clearBuyerOptOut(getDb(), stop)).toBe(true);
    expect(
      await activitiesAt(NOW + HOUR).deliverReminder(deliveryFor(freshInstallment({ buyer: earlier.buyer }), 'sms')),
    ).toMatchObject({ status: 'sent' });
  });

  it('a delivery scheduled by a worker from before the guard (no policy, no buyer) sends nothing and is planned again in a minute', async () => {
    const { policy: _policy, buyerId: _buyer, timeZone: _zone, ...legacy } = deliveryFor(freshInstallment());
    const sender = new ScriptedSender();
    const result = await activitiesAt(NOW, { senders: sendersWith('email', sender) }).deliverReminder(
      legacy as ReminderDelivery,
    );
    expect(result).toEqual({ status: 'deferred', reason: 'replanned', until: new Date(NOW + 60_000).toISOString() });
    expect(sender.sent).toHaveLength(0);
    expect(await listAttempts(getDb(), legacy.journeyId)).toEqual([]);
  });

  it('a suppressed address (hard bounce) makes the channel undeliverable for the buyer', async () => {
    const inst = freshInstallment();
    await recordSuppression(getDb(), 'email', inst.buyer.email!.toUpperCase(), 'resend:bounce');
    expect(await activitiesAt(NOW).deliverReminder(deliveryFor(inst))).toEqual({
      status: 'undeliverable',
      reason: 'suppressed',
    });
  });

  it('WhatsApp: free-form inside 24 h of the buyer’s last message, the approved template outside it, and without one the step falls through', async () => {
    const inst = freshInstallment();
    const whatsapp = new ScriptedSender('twilio');
    const activities = activitiesAt(NOW, {
      senders: sendersWith('whatsapp', whatsapp),
      whatsappTemplateAvailable: (t) => t === 'overdue_early',
    });

    await activities.deliverReminder(deliveryFor(inst, 'whatsapp'));
    await recordInbound(getDb(), 'whatsapp', `whatsapp:${inst.buyer.whatsapp!}`, new Date(NOW - 2 * HOUR));
    await activities.deliverReminder(deliveryFor(inst, 'whatsapp'));
    expect(whatsapp.sent.map((m) => m.channel === 'whatsapp' && m.mode)).toEqual(['template', 'free_form']);
    expect(whatsapp.sent[0]).toMatchObject({ variables: { '1': expect.any(String) as string } });

    const other = freshInstallment();
    const noTemplate = deliveryFor(other, 'whatsapp', { template: 'final_notice' });
    expect(await activities.deliverReminder(noTemplate)).toEqual({
      status: 'undeliverable',
      reason: 'whatsapp_template_unavailable',
      scope: 'step',
    });
    expect(whatsapp.sent).toHaveLength(2);
  });
});

describeEachDatabase('deliver activity: intent rows, retries and provider refusals', (getDb) => {
  const activitiesWith = (channel: Channel, sender: ChannelSender, now = NOW) =>
    createActivities({ db: getDb(), logger: silent, now: () => now, senders: sendersWith(channel, sender) });

  it('429 / 5xx: retried by Temporal (retryable failure, Retry-After honored), not counted as a contact, then sent once', async () => {
    const sender = new ScriptedSender().then(() => {
      throw new ProviderUnavailableError('429 rate_limit_exceeded', 7);
    });
    const activities = activitiesWith('sms', sender);
    const delivery = deliveryFor(freshInstallment(), 'sms');

    const failure = await failureOf(activities.deliverReminder(delivery));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'ProviderUnavailable', nonRetryable: false });
    expect((failure as ApplicationFailure).nextRetryDelay).toBe('7 seconds');
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([{ status: 'retryable' }]);

    expect(await activities.deliverReminder(delivery)).toMatchObject({ status: 'sent' });
    expect(sender.sent).toHaveLength(2);
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([
      { status: 'sent', providerMessageId: 'msg-2' },
    ]);
  });

  it('a timeout with a provider that has no idempotency key (Twilio): reported sent, never sent again', async () => {
    const sender = new ScriptedSender('twilio', false).then(() => {
      throw new ProviderOutcomeUnknownError('timed out after the request went out');
    });
    const activities = activitiesWith('sms', sender);
    const delivery = deliveryFor(freshInstallment(), 'sms');
    expect(await activities.deliverReminder(delivery)).toEqual({
      status: 'sent',
      providerMessageId: `unconfirmed:${delivery.attemptId}`,
    });
    expect(await activities.deliverReminder(delivery)).toMatchObject({ status: 'sent' });
    expect(sender.sent).toHaveLength(1);
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([{ status: 'unconfirmed' }]);
  });

  it('a timeout with an idempotent provider (Resend): retried with the same attempt, so the provider dedupes', async () => {
    const sender = new ScriptedSender('resend', true).then(() => {
      throw new ProviderOutcomeUnknownError('timed out');
    });
    const activities = activitiesWith('email', sender);
    const delivery = deliveryFor(freshInstallment());
    expect(await failureOf(activities.deliverReminder(delivery))).toBeInstanceOf(ProviderOutcomeUnknownError);
    expect(await activities.deliverReminder(delivery)).toMatchObject({ status: 'sent' });
    expect(sender.sent.map((m) => m.attemptId)).toEqual([delivery.attemptId, delivery.attemptId]);
  });

  it('a fault that is not a provider answer (bad parameters): nothing went out, so the retry sends', async () => {
    const sender = new ScriptedSender('twilio', false).then(() => {
      throw new TypeError('statusCallback must be a URL');
    });
    const activities = activitiesWith('sms', sender);
    const delivery = deliveryFor(freshInstallment(), 'sms');
    expect(await failureOf(activities.deliverReminder(delivery))).toBeInstanceOf(TypeError);
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([{ status: 'retryable' }]);
    expect(await activities.deliverReminder(delivery)).toMatchObject({ status: 'sent' });
    expect(sender.sent).toHaveLength(2);
  });

  it('a status callback that lands before the activity settles its row is kept (never moved back to sent)', async () => {
    const delivery = deliveryFor(freshInstallment(), 'sms');
    const sender = new ScriptedSender('twilio').then(() => ({ kind: 'sent', providerMessageId: 'SM-fast' }));
    const racing: ChannelSender = {
      provider: 'twilio',
      idempotent: false,
      async send(message) {
        const outcome = await sender.send(message);
        await advanceAttemptStatus(getDb(), { attemptId: message.attemptId }, 'delivered', {
          providerMessageId: 'SM-fast',
        });
        return outcome;
      },
    };
    expect(await activitiesWith('sms', racing).deliverReminder(delivery)).toEqual({
      status: 'sent',
      providerMessageId: 'SM-fast',
    });
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([
      { status: 'delivered', providerMessageId: 'SM-fast' },
    ]);
  });

  it('after an unknown outcome, a resend keeps the row `sending` through a 429, and is never made to an address that opted out meanwhile', async () => {
    const sender = new ScriptedSender('resend', true).then(
      () => {
        throw new ProviderOutcomeUnknownError('timed out');
      },
      () => {
        throw new ProviderUnavailableError('429 rate_limit_exceeded', 2);
      },
    );
    const activities = activitiesWith('email', sender);
    const inst = freshInstallment();
    const delivery = deliveryFor(inst);
    expect(await failureOf(activities.deliverReminder(delivery))).toBeInstanceOf(ProviderOutcomeUnknownError);
    expect(await failureOf(activities.deliverReminder(delivery))).toMatchObject({ type: 'ProviderUnavailable' });
    // Still `sending`: the first request may have gone out, so the ledger keeps counting it.
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([{ status: 'sending' }]);
    await recordOptOut(getDb(), 'email', inst.buyer.email!, 'link');
    expect(await activities.deliverReminder(delivery)).toEqual({ status: 'opted_out', source: 'consent' });
    expect(sender.sent).toHaveLength(2);
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([{ status: 'unconfirmed' }]);
  });

  it('Twilio 21610 (unsubscribed): an opt-out of that address for every journey, and the step falls through', async () => {
    const inst = freshInstallment();
    const sender = new ScriptedSender('twilio').then(() => ({
      kind: 'refused',
      refusal: 'opted_out',
      code: '21610',
      detail: 'unsubscribed recipient',
    }));
    const activities = activitiesWith('sms', sender);
    const delivery = deliveryFor(inst, 'sms');
    expect(await activities.deliverReminder(delivery)).toEqual({ status: 'opted_out', source: 'twilio:21610' });
    expect(await contactPointState(getDb(), 'sms', inst.buyer.phone!)).toMatchObject({ optedOut: true });
    // A retry reports the same; another journey of the same phone is refused before any send.
    expect(await activities.deliverReminder(delivery)).toEqual({ status: 'opted_out', source: 'twilio:21610' });
    expect(await activities.deliverReminder(deliveryFor(freshInstallment({ buyer: inst.buyer }), 'sms'))).toEqual({
      status: 'opted_out',
      source: 'consent',
    });
    expect(sender.sent).toHaveLength(1);
  });

  it('a refusal of the message, not the address: this step falls through, the address stays usable', async () => {
    const inst = freshInstallment();
    const sender = new ScriptedSender('twilio').then(() => ({
      kind: 'refused',
      refusal: 'rejected',
      code: '21620',
      detail: 'invalid media URL',
    }));
    expect(await activitiesWith('sms', sender).deliverReminder(deliveryFor(inst, 'sms'))).toEqual({
      status: 'undeliverable',
      reason: 'twilio:21620',
      scope: 'step',
    });
    expect(await contactPointState(getDb(), 'sms', inst.buyer.phone!)).toMatchObject({
      suppressed: false,
      optedOut: false,
    });
  });

  it('a permanent refusal (invalid number) suppresses the address; refusals are not contacts', async () => {
    const inst = freshInstallment();
    const sender = new ScriptedSender('twilio').then(() => ({
      kind: 'refused',
      refusal: 'undeliverable',
      code: '21211',
      detail: 'invalid To',
    }));
    const delivery = deliveryFor(inst, 'sms');
    expect(await activitiesWith('sms', sender).deliverReminder(delivery)).toEqual({
      status: 'undeliverable',
      reason: 'twilio:21211',
    });
    expect(await contactPointState(getDb(), 'sms', inst.buyer.phone!)).toMatchObject({ suppressed: true });
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([{ status: 'rejected' }]);
  });
});

describeEachDatabase('deliver activity with the real provider SDKs: a retry after a timeout sends once', (getDb) => {
  let twilio: FakeTwilioServer;
  let resend: FakeResendServer;
  beforeAll(async () => {
    [twilio, resend] = await Promise.all([startFakeTwilioServer(), startFakeResendServer()]);
  });
  afterAll(async () => {
    await Promise.all([twilio.close(), resend.close()]);
  });

  const providers = () =>
    sendersFromConfig(
      providerConfigFromEnv({
        RESEND_API_KEY: 're_test_key',
        RESEND_FROM: 'Acme Billing <billing@acme.example>',
        RESEND_BASE_URL: resend.url,
        TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
        TWILIO_AUTH_TOKEN: 'twilio-test-token',
        TWILIO_SMS_FROM: '+14155550100',
        PUBLIC_BASE_URL: 'https://dunning.example.com',
      }),
      { twilioHttpClient: localTwilioHttpClient(twilio.url), timeoutMs: 200 },
    );

  it('Twilio SMS: the first request times out, the retried activity makes no second request', async () => {
    twilio.reset();
    twilio.script({ delayMs: 600 });
    const activities = createActivities({
      db: getDb(),
      logger: silent,
      now: () => NOW,
      senders: withOutboxFallback(providers()),
    });
    const delivery = deliveryFor(freshInstallment(), 'sms');
    expect(await activities.deliverReminder(delivery)).toMatchObject({ status: 'sent' });
    expect(await activities.deliverReminder(delivery)).toMatchObject({ status: 'sent' });
    expect(twilio.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(twilio.requests[0]!.body).toMatchObject({
      StatusCallback: `https://dunning.example.com/webhooks/twilio/status?attempt=${encodeURIComponent(delivery.attemptId)}`,
    });
  });

  it('Resend: the first request times out, the retry sends the same email with the same Idempotency-Key, and one email goes out', async () => {
    resend.reset();
    resend.script({ delayMs: 600 });
    const links = { keys: linkKeyRing('link-secret-for-tests'), baseUrl: 'https://dunning.example.com' };
    let clock = NOW;
    const activities = createActivities({
      db: getDb(),
      logger: silent,
      now: () => clock,
      senders: withOutboxFallback(providers()),
      unsubscribeUrl: (address, at) => createUnsubscribeUrl({ channel: 'email', address }, { ...links, now: at }),
      buyerAreaUrl: (binding, at, ttlDays) => createBuyerAreaUrl(binding, { ...links, now: at, ttlDays }),
    });
    const delivery = deliveryFor(freshInstallment());
    expect(await failureOf(activities.deliverReminder(delivery))).toBeInstanceOf(ProviderOutcomeUnknownError);
    clock += 90_000; // Temporal retries later: the email (and its links) must not change.
    expect(await activities.deliverReminder(delivery)).toMatchObject({ status: 'sent' });
    expect(resend.requests[1]!.rawBody).toBe(resend.requests[0]!.rawBody);
    expect(resend.requests[0]!.body).toMatchObject({
      headers: { 'List-Unsubscribe': expect.stringContaining('https://dunning.example.com/unsubscribe/') as string },
      text: expect.stringContaining('https://dunning.example.com/pay/') as string,
    });
    const keys = resend.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(1);
    expect(resend.sent).toHaveLength(1);
    expect((await listAttempts(getDb(), delivery.journeyId))[0]).toMatchObject({
      status: 'sent',
      provider: 'resend',
      providerMessageId: resend.sent[0]!.id,
    });
  });
});
