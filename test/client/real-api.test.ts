/**
 * The typed client against the real app listening on a port (routes, schemas, the
 * Idempotency-Key store and a real database; journeys in the in-memory gateway).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiProblemError, type DunningClient, createDunningClient } from '../../packages/api-client/src/index';
import { type ApiHarness, TENANT_A_KEY, startApi, startBody } from '../api/support';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';

describeEachDatabase('the typed API client', (getDb) => {
  let api: ApiHarness;
  let baseUrl: string;
  let client: DunningClient;
  beforeAll(async () => {
    api = await startApi(getDb());
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
    client = createDunningClient({ baseUrl, apiKey: TENANT_A_KEY });
  });
  afterAll(async () => {
    await api.app.close();
  });

  it('starts a journey and reads it back', async () => {
    const installmentId = uniqueId('inst');
    const started = await client.POST('/v1/journeys', { body: startBody(installmentId) });
    expect(started.response.status).toBe(201);
    expect(started.data).toMatchObject({ installmentId, created: true });

    const { data: status } = await client.GET('/v1/journeys/{installmentId}', {
      params: { path: { installmentId } },
    });
    expect(status).toMatchObject({ installmentId, stage: 'pre_due', amountDueMinor: 19_990, currency: 'BRL' });
  });

  it('throws the server’s problem, naming the field, for a body it refuses', async () => {
    const refused = client.POST('/v1/journeys', { body: startBody(uniqueId('inst'), { dueDate: '2101-01-01' }) });
    const problem = await refused.catch((error: unknown) => error);
    expect(problem).toBeInstanceOf(ApiProblemError);
    expect(problem).toMatchObject({ status: 400, type: expect.stringContaining('/problems/') });
    expect((problem as ApiProblemError).errors.map((e) => e.path)).toContain('dueDate');
    expect((problem as ApiProblemError).requestId).toBeTruthy();
  });

  it('throws a 404 as a problem too, with the server’s request id', async () => {
    const missing = await client
      .GET('/v1/journeys/{installmentId}', { params: { path: { installmentId: uniqueId('absent') } } })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ApiProblemError);
    expect(missing).toMatchObject({ status: 404, requestId: expect.any(String) });
  });

  it('lists with a filter of several values, as the document types it', async () => {
    const installmentId = uniqueId('inst');
    const body = startBody(installmentId, { buyer: { ...startBody(installmentId).buyer, id: uniqueId('buyer') } });
    await client.POST('/v1/journeys', { body });

    const { data } = await client.GET('/v1/journeys', {
      params: { query: { stage: ['overdue', 'pre_due'], buyerId: body.buyer.id } },
    });
    expect(data.items.map((journey) => journey.installmentId)).toEqual([installmentId]);
  });

  /** A client whose network drops the first answer after the server has acted on the request. */
  const lossyClient = () => {
    const sent: Request[] = [];
    const lossyFetch = async (request: Request) => {
      sent.push(request.clone());
      const response = await fetch(request);
      if (sent.length === 1) throw new TypeError('fetch failed: the connection was reset');
      return response;
    };
    return { sent, client: createDunningClient({ baseUrl, apiKey: TENANT_A_KEY, fetch: lossyFetch }) };
  };
  const keysOf = (sent: Request[]) => sent.map((request) => request.headers.get('idempotency-key'));
  const startsOf = (installmentId: string) =>
    api.gateway.calls.filter((call) => call.method === 'start' && call.ref.installmentId === installmentId);

  it('retries a bulk start whose answer was lost with the same Idempotency-Key: the first answer comes back', async () => {
    const { sent, client: lossy } = lossyClient();
    const installmentId = uniqueId('inst');

    const { data, response } = await lossy.POST('/v1/journeys/bulk', { body: { items: [startBody(installmentId)] } });

    const keys = keysOf(sent);
    expect(keys).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), keys[0]]);
    // The server answered the retry from its Idempotency-Key store: the first start's 201, not a second one's 200.
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(data).toMatchObject({ results: [{ installmentId, status: 201 }] });
    expect(startsOf(installmentId)).toHaveLength(1);
  });

  it('retries a single start whose answer was lost with the same key: one journey, found again', async () => {
    const { sent, client: lossy } = lossyClient();
    const installmentId = uniqueId('inst');

    const { data, response } = await lossy.POST('/v1/journeys', { body: startBody(installmentId) });

    const keys = keysOf(sent);
    expect(keys).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), keys[0]]);
    // The retry carries the lost request's key: it gets that request's answer back, and the
    // installment was started once.
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(data).toMatchObject({ installmentId, created: true });
    expect(startsOf(installmentId)).toHaveLength(1);
  });

  it('gives every call its own key and keeps one the caller chose', async () => {
    const keys: (string | null)[] = [];
    const recording = async (request: Request) => {
      keys.push(request.headers.get('idempotency-key'));
      return fetch(request);
    };
    const watched = createDunningClient({ baseUrl, apiKey: TENANT_A_KEY, fetch: recording });
    const installmentId = uniqueId('inst');
    await watched.POST('/v1/journeys', { body: startBody(installmentId) });
    await watched.POST('/v1/journeys', { body: startBody(installmentId) });
    await watched.POST('/v1/journeys', {
      body: startBody(installmentId),
      headers: { 'Idempotency-Key': 'chosen-by-caller' },
    });
    await watched.GET('/v1/journeys/{installmentId}', { params: { path: { installmentId } } });
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys.slice(2)).toEqual(['chosen-by-caller', null]);
  });
});
