/**
 * The in-app channel: its sender against our own WebhookPublisher interface (an in-memory one),
 * and the deliver activity on a real database — an in-app step publishes one
 * `in_app_notification` event per attempt, with the localized title and body and the link, under
 * every rule of contact; without an endpoint for it the step is refused `no_endpoint` and falls
 * through; the attempt row names the buyer by ID.
 */
import { describe, expect, it } from 'vitest';
import { NO_ENDPOINT, createInAppSender, inAppSourceKey } from '../../activities/channels/in-app';
import { withOutboxFallback } from '../../activities/channels/outbox';
import { type OutgoingInApp, ProviderOutcomeUnknownError } from '../../activities/channels/sender';
import { type ActivityDeps, createActivities } from '../../activities/index';
import { listAttempts } from '../../db/attempt-repository';
import { recordBuyerOptOut } from '../../db/buyer-consent-repository';
import type { InstallmentInput } from '../../domain/installment';
import { renderInApp } from '../../domain/messages';
import type { WebhookPublisher } from '../../domain/webhook-events';
import { describeEachDatabase } from '../support/databases';
import { reminderDeliveryFor as deliveryFor, freshInstallment } from '../support/deliveries';
import { InMemoryWebhookPublisher } from '../support/in-memory-webhook-publisher';

/** Tuesday 2026-12-01, 10:00 in New York. */
const NOW = Date.UTC(2026, 11, 1, 15, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const silent: ActivityDeps['logger'] = { info: () => undefined, warn: () => undefined };

const notification = (over: Partial<OutgoingInApp> = {}): OutgoingInApp => ({
  channel: 'in_app',
  attemptId: 'dunning/tenant-a/inst-1/r0/s2/in_app/9',
  to: 'buyer-1',
  locale: 'es',
  template: 'overdue_early',
  tags: { tenant: 'tenant-a', journey: 'dunning/tenant-a/inst-1', step: 'r0-s2' },
  tenantId: 'tenant-a',
  journeyId: 'dunning/tenant-a/inst-1',
  installmentId: 'inst-1',
  buyerId: 'buyer-1',
  step: { revision: 0, index: 2 },
  at: NOW,
  title: 'Tu pago está pendiente',
  body: 'No hemos visto el pago.',
  action: 'Pagar ahora',
  link: 'https://dunning.example.com/pay/abc',
  ...over,
});

describe('the in-app sender', () => {
  it('publishes one in_app_notification event per attempt: IDs, the words and the link, and its ID is the message id', async () => {
    const publisher = new InMemoryWebhookPublisher().subscribe('tenant-a', 'in_app_notification');
    const sender = createInAppSender(publisher);
    expect(sender).toMatchObject({ provider: 'webhook', idempotent: true });
    const first = await sender.send(notification());
    expect(first).toEqual({ kind: 'sent', providerMessageId: 'evt_1' });
    // A retried activity publishes the same event again: found by its source key, not a second one.
    expect(await sender.send(notification())).toEqual(first);
    expect(publisher.publishCalls).toBe(2);
    expect(publisher.events).toEqual([
      {
        eventId: 'evt_1',
        sourceKey: inAppSourceKey(notification().attemptId),
        tenantId: 'tenant-a',
        journeyId: 'dunning/tenant-a/inst-1',
        installmentId: 'inst-1',
        type: 'in_app_notification',
        occurredAt: NOW,
        data: {
          attemptId: notification().attemptId,
          buyerId: 'buyer-1',
          locale: 'es',
          template: 'overdue_early',
          title: 'Tu pago está pendiente',
          body: 'No hemos visto el pago.',
          action: 'Pagar ahora',
          link: 'https://dunning.example.com/pay/abc',
          step: { revision: 0, index: 2 },
        },
      },
    ]);
  });

  it('refuses no_endpoint, publishing nothing, when no endpoint of the tenant subscribes or there is no publisher', async () => {
    const refused = { kind: 'refused', refusal: 'rejected', code: NO_ENDPOINT };
    // Another tenant's endpoint, and this tenant's endpoint for other events, are not this one's.
    const publisher = new InMemoryWebhookPublisher()
      .subscribe('tenant-b', 'in_app_notification')
      .subscribe('tenant-a', 'reminder.sent', 'journey.closed');
    expect(await createInAppSender(publisher).send(notification())).toMatchObject(refused);
    expect(await createInAppSender().send(notification())).toMatchObject(refused);
    expect(publisher.publishCalls).toBe(0);
  });

  it('refuses no_endpoint when the endpoint was disabled between the question and the publishing', async () => {
    const raced: WebhookPublisher = {
      hasSubscriber: async () => true,
      publish: async () => [{ eventId: 'evt_9', deliveries: 0 }],
    };
    expect(await createInAppSender(raced).send(notification())).toMatchObject({ kind: 'refused', code: NO_ENDPOINT });
  });

  it('a publisher that cannot read its endpoints: retried later, nothing published', async () => {
    const broken: WebhookPublisher = {
      hasSubscriber: () => Promise.reject(new Error('database unavailable')),
      publish: () => Promise.reject(new Error('not reached')),
    };
    await expect(createInAppSender(broken).send(notification())).rejects.toMatchObject({
      name: 'ProviderUnavailableError',
    });
  });
});

describeEachDatabase('deliver activity: the in-app channel', (getDb) => {
  const activitiesAt = (now: number, publisher?: WebhookPublisher, deps: Partial<ActivityDeps> = {}) =>
    createActivities({
      db: getDb(),
      logger: silent,
      now: () => now,
      senders: withOutboxFallback({ in_app: createInAppSender(publisher) }),
      ...deps,
    });
  const subscribed = (inst: InstallmentInput) =>
    new InMemoryWebhookPublisher().subscribe(inst.tenantId, 'in_app_notification');

  it('publishes the notification in the buyer’s language with the payment-area link; the row names the buyer by ID', async () => {
    const inst = freshInstallment({ buyer: { locale: 'pt-BR' } });
    const publisher = subscribed(inst);
    const links: string[] = [];
    const buyerAreaUrl = (binding: { purchaseId: string }, at: number, ttlDays: number) => {
      const link = `https://dunning.example.com/pay/${binding.purchaseId}-${at}-${ttlDays}`;
      links.push(link);
      return link;
    };
    const delivery = deliveryFor(inst, 'in_app');
    expect(delivery.to).toBe(inst.buyer.id);
    const outcome = await activitiesAt(NOW, publisher, { buyerAreaUrl }).deliverReminder(delivery);
    expect(outcome).toEqual({ status: 'sent', providerMessageId: 'evt_1' });

    const words = renderInApp({ ...delivery, locale: 'pt-BR' });
    expect(words.title).toMatch(/Intro to Pottery/);
    const [event] = publisher.events;
    expect(event).toMatchObject({
      tenantId: inst.tenantId,
      journeyId: delivery.journeyId,
      installmentId: inst.installmentId,
      type: 'in_app_notification',
      occurredAt: NOW,
      data: {
        attemptId: delivery.attemptId,
        buyerId: inst.buyer.id,
        locale: 'pt-BR',
        template: delivery.template,
        title: words.title,
        body: words.body,
        action: words.action,
        link: links[0],
        step: { revision: delivery.planRevision, index: delivery.stepIndex },
      },
    });
    // IDs, the words and the link: none of the buyer's contact data or name.
    const published = JSON.stringify(event);
    for (const personal of [inst.buyer.email!, inst.buyer.phone!, inst.buyer.name, 'Alex'])
      expect(published).not.toContain(personal);

    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([
      {
        channel: 'in_app',
        requestedChannel: 'in_app',
        provider: 'webhook',
        recipient: inst.buyer.id,
        subject: words.title,
        body: words.body,
        status: 'sent',
        providerMessageId: 'evt_1',
      },
    ]);
  });

  it('without link keys the link is the payment URL, as on the other channels', async () => {
    const inst = freshInstallment();
    const publisher = subscribed(inst);
    await activitiesAt(NOW, publisher).deliverReminder(deliveryFor(inst, 'in_app'));
    expect(publisher.events[0]!.data.link).toBe(inst.paymentUrl);
  });

  it('a retried activity, or one whose publish answer was lost, publishes one event', async () => {
    const inst = freshInstallment();
    const publisher = subscribed(inst).failAfterRecording();
    const activities = activitiesAt(NOW, publisher);
    const delivery = deliveryFor(inst, 'in_app');
    await expect(activities.deliverReminder(delivery)).rejects.toBeInstanceOf(ProviderOutcomeUnknownError);
    // It may have been published: the row counts it as a contact meanwhile.
    expect(await listAttempts(getDb(), delivery.journeyId)).toMatchObject([{ status: 'sending' }]);
    expect(await activities.deliverReminder(delivery)).toEqual({ status: 'sent', providerMessageId: 'evt_1' });
    expect(await activities.deliverReminder(delivery)).toEqual({ status: 'sent', providerMessageId: 'evt_1' });
    expect(publisher.events).toHaveLength(1);
  });

  it('no endpoint for it: refused no_endpoint, this step only falls through, and the row says so', async () => {
    const inst = freshInstallment();
    const publisher = new InMemoryWebhookPublisher();
    const delivery = deliveryFor(inst, 'in_app');
    const refused = { status: 'undeliverable', reason: `webhook:${NO_ENDPOINT}`, scope: 'step' };
    expect(await activitiesAt(NOW, publisher).deliverReminder(delivery)).toEqual(refused);
    // A retry reports the same from the row, without asking again.
    expect(await activitiesAt(NOW, publisher).deliverReminder(delivery)).toEqual(refused);
    const [row] = await listAttempts(getDb(), delivery.journeyId);
    expect(row).toMatchObject({ channel: 'in_app', provider: 'webhook', status: 'rejected' });
    expect(JSON.parse(row!.error!)).toMatchObject({ refusal: 'rejected', code: NO_ENDPOINT });
    expect(publisher.events).toHaveLength(0);

    // Once the tenant adds an endpoint, a later in-app step is published.
    publisher.subscribe(inst.tenantId, 'in_app_notification');
    const later = deliveryFor(freshInstallment({ buyer: inst.buyer }), 'in_app');
    expect(await activitiesAt(NOW, publisher).deliverReminder(later)).toMatchObject({ status: 'sent' });
  });

  it('a refused in-app step is no contact: the cap does not count it', async () => {
    const inst = freshInstallment();
    for (const at of [NOW - 3 * HOUR, NOW - 2 * HOUR, NOW - HOUR])
      await activitiesAt(at).deliverReminder(deliveryFor(freshInstallment({ buyer: inst.buyer }), 'in_app'));
    expect(await activitiesAt(NOW).deliverReminder(deliveryFor(inst, 'email'))).toMatchObject({ status: 'sent' });
  });

  it('an in-app notification is a contact: held by quiet hours and by the cap, and counted by the cap', async () => {
    // 23:00 in New York: the seller's app shows nothing at night either.
    const night = Date.UTC(2026, 11, 2, 4, 0);
    const dark = freshInstallment();
    const unseen = subscribed(dark);
    expect(await activitiesAt(night, unseen).deliverReminder(deliveryFor(dark, 'in_app'))).toMatchObject({
      status: 'deferred',
      reason: 'quiet_hours',
    });
    expect(unseen.publishCalls).toBe(0);

    // Three contacts this week (default cap 3): the notification waits.
    const capped = freshInstallment();
    const held = subscribed(capped);
    const sentAt = [NOW - DAY, NOW - 2 * HOUR, NOW - HOUR];
    for (const at of sentAt)
      await activitiesAt(at).deliverReminder(deliveryFor(freshInstallment({ buyer: capped.buyer }), 'email'));
    expect(await activitiesAt(NOW, held).deliverReminder(deliveryFor(capped, 'in_app'))).toEqual({
      status: 'deferred',
      reason: 'frequency_cap',
      until: new Date(sentAt[0]! + 7 * DAY + 1).toISOString(),
    });
    expect(held.publishCalls).toBe(0);

    // A notification counts: one in-app and two messages fill the week, and the next message waits.
    const shown = freshInstallment();
    await activitiesAt(NOW - DAY, subscribed(shown)).deliverReminder(deliveryFor(shown, 'in_app'));
    for (const at of [NOW - 2 * HOUR, NOW - HOUR])
      await activitiesAt(at).deliverReminder(deliveryFor(freshInstallment({ buyer: shown.buyer }), 'sms'));
    expect(await activitiesAt(NOW).deliverReminder(deliveryFor(shown, 'email'))).toMatchObject({
      status: 'deferred',
      reason: 'frequency_cap',
    });
  });

  it('the buyer’s in-app opt-out, recorded by support, stops it; other channels stay open', async () => {
    const inst = freshInstallment();
    const publisher = subscribed(inst);
    const stop = { tenantId: inst.tenantId, buyerId: inst.buyer.id, channel: 'in_app' as const };
    await recordBuyerOptOut(getDb(), { ...stop, source: 'support', recordedBy: { keyId: 'key_support' } });
    expect(await activitiesAt(NOW, publisher).deliverReminder(deliveryFor(inst, 'in_app'))).toEqual({
      status: 'opted_out',
      source: 'consent',
    });
    expect(publisher.publishCalls).toBe(0);
    expect(await activitiesAt(NOW).deliverReminder(deliveryFor(inst, 'email'))).toMatchObject({ status: 'sent' });
  });
});
