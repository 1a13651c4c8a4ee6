/**
 * Tier 5, time-skipping: outbound webhooks end to end. A journey's events reach the tenant's
 * receiver in order and verified by an independent implementation of the signature scheme; a
 * receiver that fails (500s, a hang past the time limit) gets the event again with backoff, in
 * server time, until it takes it — once per event ID, and never ahead of the journey's earlier
 * events, on the webhooks' own task queue; an http://localhost endpoint is refused at send time
 * once private targets are not allowed.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportJourneyPayment } from '../../../application/journey-payments';
import { builtInPolicies } from '../../../application/policy-catalog';
import { TemporalJourneyGateway } from '../../../application/temporal-journey-gateway';
import { TemporalWebhookWaker } from '../../../application/temporal-webhook-waker';
import { createWebhookPublisher, webhookEventId } from '../../../application/webhook-publisher';
import { listDeliveryTries, listEndpointDeliveries } from '../../../db/webhook-delivery-repository';
import type { WebhookEventDraft, WebhookEventType } from '../../../domain/webhook-events';
import type { webhookDeliveries } from '../../../workflows/webhook-deliveries';
import { latePaymentConfirmationWorkflowId } from '../../../workflows/messages';
import { webhookDeliveriesWorkflowId, webhookTaskQueue } from '../../../workflows/webhook-messages';
import { uniqueId } from '../../support/fixtures';
import { exportHistory } from '../../support/history-export';
import {
  type WebhookReceiver,
  newWebhookSecret,
  registerEndpoint,
  startWebhookReceiver,
} from '../../support/webhook-receiver';
import { eventually } from '../eventually';
import { skipWithout, timeSkipping } from '../servers';
import { type RunningWorkers, useTimeSkippingHarness } from './harness';

/** Short enough for a test to outwait, long enough for a loaded machine's local answer. */
const TRY_TIMEOUT_MS = 2_000;

describe.skipIf(skipWithout(timeSkipping, 'outbound webhooks on the time-skipping server'))(
  'outbound webhooks (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();
    // The receiver runs on 127.0.0.1: these workers are allowed private targets (as an operator
    // would allow them), the harness's own worker is not.
    const allowedQueue = `${h.taskQueue}-private-ok`;
    let allowed: RunningWorkers;
    const receivers: WebhookReceiver[] = [];

    beforeAll(async () => {
      allowed = await h.startWorkers({
        taskQueue: allowedQueue,
        allowPrivateWebhookTargets: true,
        webhookTimeoutMs: TRY_TIMEOUT_MS,
      });
    });
    afterAll(async () => {
      await allowed?.stop();
      for (const r of receivers) await r.close();
    });

    async function receiver(secrets: string[], script?: Parameters<typeof startWebhookReceiver>[1]) {
      const started = await startWebhookReceiver(secrets, script);
      receivers.push(started);
      return started;
    }

    const publisherOn = (taskQueue: string) =>
      createWebhookPublisher({ db: h.db, waker: new TemporalWebhookWaker(h.env.client, taskQueue) });

    /** Drafts of a journey that needs no workflow: the delivery queue is all these tests drive. */
    function drafts(tenantId: string, journeyId: string, count: number): WebhookEventDraft[] {
      return Array.from({ length: count }, (_, i) => ({
        sourceKey: `${journeyId}/event/${i + 1}`,
        tenantId,
        journeyId,
        installmentId: `inst-of-${journeyId}`,
        type: 'payment.recorded' as const,
        occurredAt: Date.parse('2026-12-01T12:00:00Z') + i * 1000,
        data: { paymentId: `pay-${i + 1}`, amountMinor: 1_000 * (i + 1), currency: 'USD' },
      }));
    }

    /** A tenant of its own whose endpoint (at a fresh receiver) hears of these types, and a gateway to its journeys. */
    async function subscribedTenant(eventTypes: WebhookEventType[]) {
      const tenantId = uniqueId('tenant');
      const secret = newWebhookSecret();
      const hooks = await receiver([secret]);
      await registerEndpoint(h.db, { tenantId, url: hooks.url, eventTypes, secrets: [{ secret }] });
      return { tenantId, hooks, gateway: new TemporalJourneyGateway(h.env.client, allowedQueue) };
    }

    /** Awaiting the queue's workflow lets the server skip its backoff and its idle wait. */
    const queueDone = (endpointId: string, journeyId: string) =>
      h.env.client.workflow
        .getHandle<typeof webhookDeliveries>(webhookDeliveriesWorkflowId({ endpointId, journeyId }))
        .result();

    it('tells the receiver of a journey start, its reminder, the payment and the close, in order and verified', async () => {
      const { tenantId, hooks, gateway } = await subscribedTenant([
        'journey.started',
        'reminder.sent',
        'payment.recorded',
        'journey.closed',
      ]);
      const { installment, journeyId, handle } = await h.startJourney({ tenantId }, gateway);
      await h.untilSent(handle, 1);
      const payment = { paymentId: uniqueId('pay'), amountMinor: installment.amount.amountMinor, currency: 'USD' };
      expect(await gateway.reportPayment(h.ref(installment), payment)).toBe('delivered');
      expect(await handle.result()).toMatchObject({ outcome: 'paid_before_due' });

      // The payment that closes the journey is confirmed to the buyer after the close.
      const taken = await eventually('the confirmation delivered', async () => {
        const ofJourney = hooks.taken().filter((p) => p.journeyId === journeyId);
        return ofJourney.some((p) => p.data.kind === 'confirmation') ? ofJourney : undefined;
      });
      expect(taken.map((p) => [p.type, p.data.kind ?? null])).toEqual([
        ['journey.started', null],
        ['reminder.sent', 'reminder'],
        ['payment.recorded', null],
        ['journey.closed', null],
        ['reminder.sent', 'confirmation'],
      ]);
      expect(taken[2]).toMatchObject({
        tenantId,
        installmentId: installment.installmentId,
        data: { paymentId: payment.paymentId, amountMinor: installment.amount.amountMinor, currency: 'USD' },
      });
      expect(taken[3]!.data).toMatchObject({ outcome: 'paid_before_due', outstandingMinor: 0 });
      for (const t of hooks.tries) {
        expect(t.verifiedWith).toEqual([true]);
        expect(t.contentType).toBe('application/json');
        expect(t.userAgent).toMatch(/dunning-orchestrator/);
      }
      // IDs and amounts only: nothing of the buyer's contact or name goes out.
      const sent = JSON.stringify(hooks.tries.map((t) => t.payload));
      for (const personal of [installment.buyer.email, installment.buyer.phone, installment.buyer.name]) {
        expect(sent).not.toContain(personal!);
      }
    });

    it("tells of a payment after the journey ended: the payment, the new outcome, then the buyer's confirmation", async () => {
      const { tenantId, hooks, gateway } = await subscribedTenant([
        'reminder.sent',
        'payment.recorded',
        'journey.closed',
      ]);
      const { installment, journeyId, handle } = await h.startJourney({ tenantId }, gateway);
      expect(await handle.result()).toMatchObject({ outcome: 'written_off' });
      await h.closedJourney(installment);
      // The API's path for a payment reported after the end, with the API's publisher.
      const deps = {
        db: h.db,
        gateway,
        policies: builtInPolicies,
        logger: pino({ level: 'silent' }),
        publisher: publisherOn(allowedQueue),
      };
      const payment = { paymentId: uniqueId('late'), amountMinor: installment.amount.amountMinor, currency: 'USD' };
      expect(await reportJourneyPayment(deps, h.ref(installment), payment)).toEqual({ kind: 'accepted' });
      // Awaiting it lets the server skip time, should quiet hours hold the confirmation.
      await h.env.client.workflow
        .getHandle(
          latePaymentConfirmationWorkflowId(installment.tenantId, installment.installmentId, payment.paymentId),
        )
        .result();

      const taken = await eventually('the confirmation told', async () => {
        const ofJourney = hooks.taken().filter((p) => p.journeyId === journeyId);
        return ofJourney.some((p) => p.data.kind === 'confirmation') ? ofJourney : undefined;
      });
      const afterEnd = taken.slice(taken.findIndex((p) => p.type === 'journey.closed'));
      expect(afterEnd.map((p) => [p.type, p.data.outcome ?? p.data.kind ?? null])).toEqual([
        ['journey.closed', 'written_off'],
        ['payment.recorded', null],
        ['journey.closed', 'recovered'],
        ['reminder.sent', 'confirmation'],
      ]);
      expect(afterEnd[1]!.data).toMatchObject({ paymentId: payment.paymentId, amountMinor: payment.amountMinor });
      expect(taken.filter((p) => p.type === 'reminder.sent' && p.data.kind === 'reminder').length).toBeGreaterThan(0);
    });

    it('retries after 500s and a hang, delivers once per event ID, keeps the journey order, and signs with the rotated secret too', async () => {
      const tenantId = uniqueId('tenant');
      const journeyId = uniqueId('journey');
      const [previous, current, stranger] = [newWebhookSecret(), newWebhookSecret(), newWebhookSecret()];
      // The first event fails twice, hangs once, then is taken; the second is taken at once.
      const firstId = webhookEventId(tenantId, `${journeyId}/event/1`);
      // The first event fails twice, hangs once, then is taken; the second is taken at once.
      const hooks = await receiver([previous, current, stranger], (id, n) =>
        id !== firstId ? 200 : n <= 2 ? 500 : n === 3 ? 'hang' : 200,
      );
      const endpointId = await registerEndpoint(h.db, {
        tenantId,
        url: hooks.url,
        eventTypes: ['payment.recorded'],
        secrets: [{ secret: previous, expiresAt: new Date(Date.now() + 24 * 3_600_000) }, { secret: current }],
      });
      const publisher = publisherOn(allowedQueue);
      const [first, second] = await publisher.publish(drafts(tenantId, journeyId, 2));
      // Published again (an activity's retry): the same events, no second delivery.
      expect(await publisher.publish(drafts(tenantId, journeyId, 2))).toEqual([first, second]);
      await queueDone(endpointId, journeyId);

      const ids = hooks.tries.map((t) => t.id);
      expect(first!.eventId).toBe(firstId);
      // The second event waits behind the first: the journey's order holds through the retries.
      expect(ids).toEqual([firstId, firstId, firstId, firstId, second!.eventId]);
      expect(hooks.taken().map((p) => p.id)).toEqual([first!.eventId, second!.eventId]);
      // Both secrets valid in the grace period sign every try; a secret the endpoint never had verifies nothing.
      for (const t of hooks.tries) {
        expect(t.signatures).toBe(2);
        expect(t.verifiedWith).toEqual([true, true, false]);
      }
      const deliveries = await listEndpointDeliveries(h.db, endpointId);
      expect(deliveries.map((d) => [d.delivery.eventId, d.delivery.status])).toEqual([
        [first!.eventId, 'delivered'],
        [second!.eventId, 'delivered'],
      ]);
      const tries = await listDeliveryTries(h.db, deliveries[0]!.delivery.id);
      expect(tries.map((t) => [t.attempt, t.statusCode, t.error])).toEqual([
        [1, 500, null],
        [2, 500, null],
        [3, null, 'timeout'],
        [4, 200, null],
      ]);
      // Every try and read of the queue ran on the webhooks' task queue, not the journeys' slots.
      const history = await h.env.client.workflow
        .getHandle(webhookDeliveriesWorkflowId({ endpointId, journeyId }))
        .fetchHistory();
      const queues = history.events!.flatMap((e) => e.activityTaskScheduledEventAttributes?.taskQueue?.name ?? []);
      expect(queues.length).toBeGreaterThan(0);
      expect(new Set(queues)).toEqual(new Set([webhookTaskQueue(allowedQueue)]));
      await exportHistory(
        'time-skipping/webhook-deliveries-retried',
        h.env.client.workflow.getHandle(webhookDeliveriesWorkflowId({ endpointId, journeyId })),
      );
    });

    it('refuses at send time an endpoint on http://localhost once private targets are not allowed', async () => {
      const tenantId = uniqueId('tenant');
      const journeyId = uniqueId('journey');
      const secret = newWebhookSecret();
      const hooks = await receiver([secret]);
      // Registered while private targets were allowed (the URL check would refuse it now).
      const endpointId = await registerEndpoint(h.db, {
        tenantId,
        url: `http://localhost:${hooks.port}/hooks`,
        eventTypes: ['payment.recorded'],
        secrets: [{ secret }],
      });
      // The harness's worker keeps the default: no private targets.
      await publisherOn(h.taskQueue).publish(drafts(tenantId, journeyId, 1));
      await queueDone(endpointId, journeyId);

      expect(hooks.tries).toEqual([]);
      const [delivery] = await listEndpointDeliveries(h.db, endpointId);
      expect(delivery!.delivery.status).toBe('failed');
      const tries = await listDeliveryTries(h.db, delivery!.delivery.id);
      expect(tries.map((t) => [t.statusCode, t.error])).toEqual([[null, 'url_refused:scheme']]);
      await exportHistory(
        'time-skipping/webhook-deliveries-refused',
        h.env.client.workflow.getHandle(webhookDeliveriesWorkflowId({ endpointId, journeyId })),
      );
    });
  },
);
