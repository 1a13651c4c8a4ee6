/**
 * Tier 4: what the API records on a journey's behalf after its workflow ended (a late payment)
 * is told to the tenant's webhooks even when the first publishing fails after the record
 * committed: the buyer's confirmation is still started, the caller's 5xx is retried, and the
 * retry — which finds the payment on record (a duplicate) — publishes what was lost, once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWebhookPublisher } from '../../application/webhook-publisher';
import { findJourney } from '../../db/journey-repository';
import { listEndpointDeliveries } from '../../db/webhook-delivery-repository';
import type { JourneyWebhookPublisher } from '../../domain/webhook-payloads';
import { journeyWorkflowId } from '../../workflows/messages';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { newWebhookSecret, registerEndpoint } from '../support/webhook-receiver';
import { type ApiHarness, startApi, startBody } from './support';

const NOW = Date.UTC(2026, 11, 2, 12, 0);

describeEachDatabase('a late payment whose publishing failed', (getDb) => {
  let api: ApiHarness;
  let failNextPayment = false;
  let endpointId: string;
  beforeAll(async () => {
    const db = getDb();
    endpointId = await registerEndpoint(db, {
      tenantId: 'tenant-a',
      url: 'https://hooks.example.com/in',
      eventTypes: ['payment.recorded', 'journey.closed'],
      secrets: [{ secret: newWebhookSecret() }],
    });
    const real = createWebhookPublisher({ db, waker: { wake: async () => {} } });
    // The database answers the settlement, then fails the publishing of the payment once.
    const flaky: JourneyWebhookPublisher = {
      ...real,
      publishRecorded: async (batch) => {
        if (failNextPayment && batch.events.some((e) => e.type === 'payment_received')) {
          failNextPayment = false;
          throw new Error('connection terminated');
        }
        return real.publishRecorded(batch);
      },
    };
    api = await startApi(db, () => NOW, { webhookPublisher: flaky });
  });
  afterAll(async () => {
    await api.app.close();
  });

  it('starts the confirmation anyway, and the retry publishes payment.recorded and journey.closed once', async () => {
    const installmentId = uniqueId('inst');
    const ref = { tenantId: 'tenant-a', installmentId };
    expect(
      (await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) })).statusCode,
    ).toBe(201);
    await api.gateway.apply(ref, { type: 'final_action_taken', at: NOW, action: 'write_off' });
    const journeyId = journeyWorkflowId('tenant-a', installmentId);
    const confirmations = () =>
      api.gateway.calls.filter((c) => c.method === 'confirmLatePayment' && c.ref.installmentId === installmentId);
    const pay = () =>
      api.call({
        method: 'POST',
        url: `/v1/journeys/${installmentId}/payments`,
        payload: { paymentId: 'late-1', amountMinor: 19_990, currency: 'BRL' },
      });
    const told = async () =>
      (await listEndpointDeliveries(getDb(), endpointId))
        .filter((d) => d.delivery.journeyId === journeyId)
        .map((d) => d.type);
    const closedBefore = await told();

    failNextPayment = true;
    expect((await pay()).statusCode).toBeGreaterThanOrEqual(500);
    expect(await findJourney(getDb(), 'tenant-a', installmentId)).toMatchObject({ outcome: 'recovered' });
    expect(confirmations()).toHaveLength(1);
    expect(await told()).toEqual(closedBefore);

    expect((await pay()).statusCode).toBe(202);
    const after = await told();
    expect(after.slice(closedBefore.length)).toEqual(['payment.recorded', 'journey.closed']);
    // Asked again (a start Temporal refuses as a duplicate of the first).
    expect(confirmations()).toHaveLength(2);

    // A third report finds everything published: nothing more.
    expect((await pay()).statusCode).toBe(202);
    expect(await told()).toEqual(after);
    expect(confirmations()).toHaveLength(2);
  });
});
