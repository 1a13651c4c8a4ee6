import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { idempotencyKeys } from '../../db/schema';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, TENANT_A_KEY, TENANT_B_KEY, startApi, startBody } from './support';

describeEachDatabase('Idempotency-Key and rate limits', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  describe('Idempotency-Key', () => {
    it('makes every write safe to retry: a new API key and a new policy version are made once', async () => {
      // A new key's answer holds its secret: its replay is a 409 (webhook-endpoints.test.ts).
      const secretShownOnce = (url: string) => url === '/v1/keys';
      const retried = async (url: string, payload: object) => {
        const key = uniqueId('idem');
        const first = await api.call({ method: 'POST', url, payload, headers: { 'idempotency-key': key } });
        const again = await api.call({ method: 'POST', url, payload, headers: { 'idempotency-key': key } });
        expect(again.headers['idempotent-replayed'], url).toBe('true');
        if (secretShownOnce(url)) expect(again.statusCode, url).toBe(409);
        else expect(again.json(), url).toEqual(first.json());
        return first;
      };
      const keysBefore = (await api.call({ method: 'GET', url: '/v1/keys' })).json().keys.length;
      expect((await retried('/v1/keys', { name: uniqueId('laptop') })).statusCode).toBe(201);
      expect((await api.call({ method: 'GET', url: '/v1/keys' })).json().keys).toHaveLength(keysBefore + 1);

      const { schemas } = (await api.call({ method: 'GET', url: '/docs/json', key: null })).json().components;
      const id = uniqueId('policy').toLowerCase();
      expect(
        (await api.call({ method: 'POST', url: '/v1/policies', payload: { ...schemas.CreatePolicy.example, id } }))
          .statusCode,
      ).toBe(201);
      const version = await retried(`/v1/policies/${id}/versions`, schemas.NewPolicyVersion.example);
      expect(version.json().version).toBe(2);
      expect((await api.call({ method: 'GET', url: `/v1/policies/${id}` })).json().version).toBe(2);
    });

    it('replays the stored answer to the same request, without doing it again', async () => {
      const key = uniqueId('idem');
      const payload = { items: [startBody(uniqueId('inst')), { broken: true }] };
      const first = await api.call({
        method: 'POST',
        url: '/v1/journeys/bulk',
        payload,
        headers: { 'idempotency-key': key },
      });
      expect(first.statusCode).toBe(207);
      expect(first.json().summary.started).toBe(1);
      const calls = api.gateway.calls.length;
      // Same request, keys of the body in another order: the same request.
      const reordered = { items: payload.items.map((item) => Object.fromEntries(Object.entries(item).reverse())) };
      const replay = await api.call({
        method: 'POST',
        url: '/v1/journeys/bulk',
        payload: reordered,
        headers: { 'idempotency-key': key },
      });
      expect(replay.statusCode).toBe(207);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual(first.json());
      expect(api.gateway.calls.length).toBe(calls);
      // Without the header the route runs again (and, being idempotent per installment, answers 200 for the item).
      const fresh = await api.call({ method: 'POST', url: '/v1/journeys/bulk', payload });
      expect(fresh.json().summary).toMatchObject({ started: 0, existing: 1 });
    });

    it('replays a refusal the handler gave (4xx) as problem+json', async () => {
      const key = uniqueId('idem');
      const payload = startBody(uniqueId('inst'), { policyId: 'missing-policy' });
      const url = `/v1/subscriptions/${uniqueId('sub')}/reactivate`;
      const first = await api.call({ method: 'POST', url, payload, headers: { 'idempotency-key': key } });
      expect(first.statusCode).toBe(422);
      const replay = await api.call({ method: 'POST', url, payload, headers: { 'idempotency-key': key } });
      expect(replay.statusCode).toBe(422);
      expect(replay.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual(first.json());
    });

    it('refuses the same key with a different request (422 naming the header), and scopes keys by tenant', async () => {
      const key = uniqueId('idem');
      const purchaseId = uniqueId('pur');
      const first = await api.call({
        method: 'POST',
        url: `/v1/purchases/${purchaseId}/refund`,
        headers: { 'idempotency-key': key },
      });
      expect(first.statusCode).toBe(200);
      const calls = api.gateway.calls.length;
      for (const request of [
        { method: 'POST' as const, url: `/v1/purchases/${uniqueId('pur')}/refund` },
        { method: 'POST' as const, url: '/v1/journeys/pause', payload: { filter: { productId: 'x' } } },
      ]) {
        const conflict = await api.call({ ...request, headers: { 'idempotency-key': key } });
        expect(conflict.statusCode).toBe(422);
        expect(conflict.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(conflict.json().errors).toEqual([expect.objectContaining({ in: 'header', path: 'idempotency-key' })]);
      }
      expect(api.gateway.calls.length).toBe(calls);
      // Tenant B's key space is its own.
      const other = await api.call({
        method: 'POST',
        url: `/v1/purchases/${uniqueId('pur')}/refund`,
        key: TENANT_B_KEY,
        headers: { 'idempotency-key': key },
      });
      expect(other.statusCode).toBe(200);
      expect(other.headers['idempotent-replayed']).toBeUndefined();
      const rows = await getDb().select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
      expect(rows.map((r) => [r.tenantId, r.statusCode]).sort()).toEqual([
        ['tenant-a', 200],
        ['tenant-b', 200],
      ]);
    });

    it('stores nothing for a request refused before the handler, and refuses a malformed key', async () => {
      const key = uniqueId('idem');
      const invalid = await api.call({
        method: 'POST',
        url: '/v1/journeys/bulk',
        payload: { items: [] },
        headers: { 'idempotency-key': key },
      });
      expect(invalid.statusCode).toBe(400);
      const rows = await getDb()
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.tenantId, 'tenant-a'), eq(idempotencyKeys.key, key)));
      expect(rows).toEqual([]);
      // The corrected request with the same key then runs.
      const ok = await api.call({
        method: 'POST',
        url: '/v1/journeys/bulk',
        payload: { items: [startBody(uniqueId('inst'))] },
        headers: { 'idempotency-key': key },
      });
      expect(ok.statusCode).toBe(200);

      const bad = await api.call({
        method: 'POST',
        url: '/v1/journeys/bulk',
        payload: { items: [startBody(uniqueId('inst'))] },
        headers: { 'idempotency-key': 'has spaces in it' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0]).toMatchObject({ in: 'headers', path: 'idempotency-key' });
    });
  });

  it('a key whose request failed while the database was away is freed once it is back, not held for minutes', async () => {
    let down = false;
    const outage = () => Object.assign(new Error('the database system is starting up'), { code: '57P03' });
    // The database as the plugin sees it: every delete fails while `down`.
    const flaky = new Proxy(getDb(), {
      get(target, property, receiver) {
        if (property === 'delete' && down)
          return () => {
            throw outage();
          };
        return Reflect.get(target, property, receiver);
      },
    });
    const outageApi = await startApi(flaky);
    try {
      const installmentId = uniqueId('inst');
      expect(
        (await outageApi.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) })).statusCode,
      ).toBe(201);
      const change = () =>
        outageApi.call({
          method: 'PUT',
          url: `/v1/journeys/${installmentId}/due-date`,
          payload: { dueDate: '2026-12-20' },
          headers: { 'idempotency-key': `outage-${installmentId}` },
        });
      const spy = vi.spyOn(outageApi.gateway, 'changeDueDate').mockImplementationOnce(async () => {
        down = true;
        throw outage();
      });
      const failed = await change();
      expect(failed.statusCode).toBe(503);
      expect(failed.headers['retry-after']).toBeDefined();
      down = false;
      spy.mockRestore();
      // The background release runs a second after the failure: a client retrying every half
      // second gets its work done within seconds, not after the 5-minute abandonment.
      let retried = await change();
      for (let tries = 0; retried.statusCode === 409 && tries < 20; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        retried = await change();
      }
      expect(retried.statusCode, retried.body).toBe(200);
      const status = await outageApi.call({ method: 'GET', url: `/v1/journeys/${installmentId}` });
      expect(status.json().dueDate).toBe('2026-12-20');
    } finally {
      await outageApi.app.close();
    }
  });

  describe('rate limits', () => {
    it('answers 429 problem+json with Retry-After past the limit of a key, and counts each key apart', async () => {
      const previous = process.env.RATE_LIMIT_PER_MINUTE;
      process.env.RATE_LIMIT_PER_MINUTE = '3';
      let limited: ApiHarness;
      try {
        limited = await startApi(getDb());
      } finally {
        if (previous === undefined) delete process.env.RATE_LIMIT_PER_MINUTE;
        else process.env.RATE_LIMIT_PER_MINUTE = previous;
      }
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++)
          statuses.push((await limited.call({ method: 'GET', url: '/v1/journeys?limit=1' })).statusCode);
        expect(statuses).toEqual([200, 200, 200, 429]);
        const refused = await limited.call({ method: 'GET', url: '/v1/journeys?limit=1', key: TENANT_A_KEY });
        expect(refused.statusCode).toBe(429);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect(refused.json()).toMatchObject({ status: 429, type: expect.stringContaining('rate-limited') });
        expect((await limited.call({ method: 'GET', url: '/v1/journeys?limit=1', key: TENANT_B_KEY })).statusCode).toBe(
          200,
        );
      } finally {
        await limited.app.close();
      }
    });
  });
});
