/**
 * Journeys that Temporal ended from outside the product (an operator's terminate, a timeout):
 * the journey could not record it, so the API reconciles — the record closes as canceled with the
 * reason, and a terminated journey's installment can be started again, its events numbered on.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWebhookPublisher } from '../../application/webhook-publisher';
import type { JourneyWebhookPublisher } from '../../domain/webhook-payloads';
import type { Database } from '../../db/client';
import { findJourney, listEvents } from '../../db/journey-repository';
import { listEndpointDeliveries } from '../../db/webhook-delivery-repository';
import { journeyWorkflowId } from '../../workflows/messages';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { newWebhookSecret, registerEndpoint } from '../support/webhook-receiver';
import { type ApiHarness, startApi, startBody } from './support';

/** An endpoint of the tenant that hears of closes. */
const closesEndpoint = (db: Database, tenantId: string) =>
  registerEndpoint(db, {
    tenantId,
    url: 'https://hooks.example.com/in',
    eventTypes: ['journey.closed'],
    secrets: [{ secret: newWebhookSecret() }],
  });

describeEachDatabase('journeys ended from outside the product', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  const start = (installmentId: string) =>
    api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) });

  it('a terminated journey reads as closed (canceled, terminated), and a new start begins it again', async () => {
    const installmentId = uniqueId('inst');
    expect((await start(installmentId)).statusCode).toBe(201);
    await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/pause`, payload: {} });
    api.gateway.terminate({ tenantId: 'tenant-a', installmentId });

    const read = await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` });
    expect(read.json()).toMatchObject({
      source: 'database',
      stage: 'closed',
      outcome: 'canceled',
      cancelReason: 'terminated',
    });

    const again = await start(installmentId);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ journeyId: journeyWorkflowId('tenant-a', installmentId), created: true });
    const row = await findJourney(getDb(), 'tenant-a', installmentId);
    expect(row).toMatchObject({ outcome: null, stage: 'pre_due' });
    const events = await listEvents(getDb(), row!.id);
    expect(events.map((e) => `${e.seq}:${e.type}`)).toEqual(['1:started', '2:paused', '3:canceled', '4:started']);
    expect(events[2]!.payload).toMatchObject({
      reason: 'terminated',
      actor: { kind: 'system', id: 'temporal-operator' },
    });
    // Started again once: the same start now finds it running.
    expect((await start(installmentId)).statusCode).toBe(200);
  });

  it("tells the tenant's webhooks of each close it records, also of a journey started again and ended again", async () => {
    const db = getDb();
    const tenantId = 'tenant-a';
    const endpointId = await closesEndpoint(db, tenantId);
    // A clock that moves: each termination closes at an instant of its own.
    let clock = Date.parse('2026-11-20T12:00:00Z');
    const publishing = await startApi(db, () => (clock += 60_000), {
      webhookPublisher: createWebhookPublisher({ db, waker: { wake: async () => {} } }),
    });
    const installmentId = uniqueId('inst');
    const begin = () => publishing.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) });
    expect((await begin()).statusCode).toBe(201);
    for (let round = 0; round < 2; round++) {
      publishing.gateway.terminate({ tenantId, installmentId });
      expect((await begin()).statusCode).toBe(201);
    }
    await publishing.app.close();
    const journeyId = journeyWorkflowId(tenantId, installmentId);
    const closes = (await listEndpointDeliveries(db, endpointId)).filter((d) => d.delivery.journeyId === journeyId);
    expect(closes.map((d) => d.type)).toEqual(['journey.closed', 'journey.closed']);
    expect(new Set(closes.map((d) => d.delivery.eventId)).size).toBe(2);
  });

  it('a close whose publishing failed is published by the retried start, before the journey begins again', async () => {
    const db = getDb();
    const tenantId = 'tenant-a';
    const endpointId = await closesEndpoint(db, tenantId);
    const real = createWebhookPublisher({ db, waker: { wake: async () => {} } });
    let failures = 1;
    const flaky: JourneyWebhookPublisher = {
      ...real,
      publishRecorded: async (batch) => {
        if (batch.events.some((e) => e.type === 'canceled') && failures-- > 0) throw new Error('connection terminated');
        return real.publishRecorded(batch);
      },
    };
    const publishing = await startApi(db, () => Date.parse('2026-11-20T12:00:00Z'), { webhookPublisher: flaky });
    const installmentId = uniqueId('inst');
    const begin = () => publishing.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) });
    expect((await begin()).statusCode).toBe(201);
    publishing.gateway.terminate({ tenantId, installmentId });
    // The close commits, its publishing fails: the caller gets a 5xx and starts again.
    expect((await begin()).statusCode).toBeGreaterThanOrEqual(500);
    expect((await begin()).statusCode).toBe(201);
    await publishing.app.close();
    const journeyId = journeyWorkflowId(tenantId, installmentId);
    const closes = (await listEndpointDeliveries(db, endpointId)).filter((d) => d.delivery.journeyId === journeyId);
    expect(closes.map((d) => d.type)).toEqual(['journey.closed']);
  });

  it('a start finds the termination by itself, without a read first', async () => {
    const installmentId = uniqueId('inst');
    expect((await start(installmentId)).statusCode).toBe(201);
    api.gateway.terminate({ tenantId: 'tenant-a', installmentId });
    expect((await start(installmentId)).statusCode).toBe(201);
    const events = await listEvents(getDb(), journeyWorkflowId('tenant-a', installmentId));
    expect(events.map((e) => e.type)).toEqual(['started', 'canceled', 'started']);
  });

  it('an operator’s cancel in Temporal closes the record for good: the installment is not started again', async () => {
    const installmentId = uniqueId('inst');
    expect((await start(installmentId)).statusCode).toBe(201);
    api.gateway.terminate({ tenantId: 'tenant-a', installmentId }, 'operator');
    const again = await start(installmentId);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false });
    expect(await findJourney(getDb(), 'tenant-a', installmentId)).toMatchObject({
      outcome: 'canceled',
      stage: 'closed',
    });
    expect((await findJourney(getDb(), 'tenant-a', installmentId))!.status.cancelReason).toBe('operator');
  });

  it('a journey that ended by itself is never started again, and its record is left as it is', async () => {
    const installmentId = uniqueId('inst');
    expect((await start(installmentId)).statusCode).toBe(201);
    await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/cancel`, payload: { reason: 'refund' } });
    const again = await start(installmentId);
    expect(again.statusCode).toBe(200);
    const events = await listEvents(getDb(), journeyWorkflowId('tenant-a', installmentId));
    expect(events.map((e) => e.type)).toEqual(['started', 'canceled']);
  });
});
