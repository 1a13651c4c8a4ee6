/**
 * Writes that touch many journeys never turn one item's failure into a 500 for all (the others
 * were done), and an answer with items still to do is not replayed for the same Idempotency-Key.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { JourneyServiceUnavailableError } from '../../application/journey-gateway';
import { PENDING_RUN_ID } from '../../application/journey-starter';
import { findJourney } from '../../db/journey-repository';
import { idempotencyKeys } from '../../db/schema';
import { startJourney } from '../../domain/journey';
import { journeyWorkflowId } from '../../workflows/messages';
import { describeEachDatabase } from '../support/databases';
import { defaultPolicy } from '../../domain/policy';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, startApi, startBody } from './support';

describeEachDatabase('partial failures in multi-journey writes', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  it('reports an unexpected failure of one bulk item as that item’s 500, the others started', async () => {
    const ids = [uniqueId('ok'), uniqueId('boom'), uniqueId('ok')];
    const realStart = api.gateway.start.bind(api.gateway);
    const start = vi.spyOn(api.gateway, 'start').mockImplementation(async (installment, policy) => {
      if (installment.installmentId === ids[1]) throw new Error('RESOURCE_EXHAUSTED: namespace rate limit');
      return realStart(installment, policy);
    });
    const response = await api.call({
      method: 'POST',
      url: '/v1/journeys/bulk',
      payload: { items: ids.map((id) => startBody(id)) },
    });
    start.mockRestore();
    expect(response.statusCode).toBe(207);
    expect(response.json().results.map((r: { status: number }) => r.status)).toEqual([201, 500, 201]);
  });

  it('does not replay an answer with items the journey service could not take: the retry does them', async () => {
    const key = uniqueId('idem');
    const payload = { items: [startBody(uniqueId('inst')), startBody(uniqueId('inst'))] };
    const realStart = api.gateway.start.bind(api.gateway);
    const start = vi.spyOn(api.gateway, 'start').mockImplementation(async (installment, policy) => {
      if (installment.installmentId === payload.items[1]!.installmentId)
        throw new JourneyServiceUnavailableError('temporal down');
      return realStart(installment, policy);
    });
    const first = await api.call({
      method: 'POST',
      url: '/v1/journeys/bulk',
      payload,
      headers: { 'idempotency-key': key },
    });
    start.mockRestore();
    expect(first.json().results.map((r: { status: number }) => r.status)).toEqual([201, 503]);
    expect(first.headers['x-idempotency-retryable']).toBeUndefined();
    const retry = await api.call({
      method: 'POST',
      url: '/v1/journeys/bulk',
      payload,
      headers: { 'idempotency-key': key },
    });
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.json().results.map((r: { status: number }) => r.status)).toEqual([200, 201]);
  });

  it('takes over a key whose first request died without answering', async () => {
    const payload = { items: [startBody(uniqueId('inst'))] };
    const fresh = uniqueId('idem');
    const done = await api.call({
      method: 'POST',
      url: '/v1/journeys/bulk',
      payload,
      headers: { 'idempotency-key': fresh },
    });
    const [row] = await getDb()
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, 'tenant-a'), eq(idempotencyKeys.key, fresh)));
    // Pretend this request died before answering, an hour ago.
    await getDb()
      .update(idempotencyKeys)
      .set({ statusCode: 0, responseBody: {}, createdAt: new Date(Date.now() - 60 * 60_000) })
      .where(and(eq(idempotencyKeys.tenantId, 'tenant-a'), eq(idempotencyKeys.key, fresh)));
    expect(row?.statusCode).toBe(done.statusCode);
    const retried = await api.call({
      method: 'POST',
      url: '/v1/journeys/bulk',
      payload,
      headers: { 'idempotency-key': fresh },
    });
    expect(retried.statusCode).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.json().results[0].status).toBe(200);
  });

  it('creates a policy version and a collaborator once per Idempotency-Key', async () => {
    const { id: _id, version: _version, ...document } = defaultPolicy;
    const policyId = uniqueId('pol').toLowerCase();
    expect(
      (await api.call({ method: 'POST', url: '/v1/policies', payload: { ...document, id: policyId } })).statusCode,
    ).toBe(201);
    const key = uniqueId('idem');
    const version = () =>
      api.call({
        method: 'POST',
        url: `/v1/policies/${policyId}/versions`,
        payload: document,
        headers: { 'idempotency-key': key },
      });
    const [first, second] = [await version(), await version()];
    expect(first.json().version).toBe(2);
    expect(second.json().version).toBe(2);
    expect(second.headers['idempotent-replayed']).toBe('true');

    const collaboratorKey = uniqueId('idem');
    const add = () =>
      api.call({
        method: 'POST',
        url: '/v1/collaborators',
        payload: { name: 'Night agent', profileId: 'support_agent' },
        headers: { 'idempotency-key': collaboratorKey },
      });
    const [a, b] = [await add(), await add()];
    expect(b.json().id).toBe(a.json().id);
  });

  it('keeps a journey whose start failed on record as pending, and starts it on the next try', async () => {
    const installmentId = uniqueId('inst');
    const start = vi
      .spyOn(api.gateway, 'start')
      .mockRejectedValueOnce(new JourneyServiceUnavailableError('temporal down'));
    const failed = await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) });
    expect(failed.statusCode).toBe(503);
    expect(await findJourney(getDb(), 'tenant-a', installmentId)).toMatchObject({
      runId: PENDING_RUN_ID,
      stage: 'pre_due',
    });
    const retried = await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) });
    start.mockRestore();
    expect(retried.statusCode).toBe(201);
    expect((await findJourney(getDb(), 'tenant-a', installmentId))?.runId).not.toBe(PENDING_RUN_ID);
  });

  it('lets a refund reach a journey whose workflow has not recorded anything yet', async () => {
    const installmentId = uniqueId('inst');
    const purchaseId = uniqueId('pur');
    // A workflow that is running but whose worker is behind: started, nothing recorded yet.
    const start = vi.spyOn(api.gateway, 'start').mockImplementationOnce(async (installment, policy, options) => {
      const journeyId = journeyWorkflowId(installment.tenantId, installment.installmentId);
      api.gateway.journeys.set(journeyId, startJourney(installment, policy, Date.now(), options?.startedBy).state);
      return { journeyId, created: true };
    });
    expect(
      (await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId, { purchaseId }) }))
        .statusCode,
    ).toBe(201);
    start.mockRestore();
    const refund = await api.call({ method: 'POST', url: `/v1/purchases/${purchaseId}/refund` });
    expect(refund.statusCode).toBe(200);
    expect(refund.json()).toMatchObject({ count: 1, affected: [{ installmentId, result: 'applied' }] });
    expect(api.gateway.journeys.get(journeyWorkflowId('tenant-a', installmentId))?.outcome).toBe('canceled');
  });
});
