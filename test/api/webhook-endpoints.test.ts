/**
 * Webhook endpoints through the API (real routes, schemas and database; DNS and the delivery
 * queues' waker are doubles behind our own interfaces): a secret shown once, URLs refused where
 * webhooks must not go (and allowed by the operator's switch), changes and removal, secret
 * rotation with its grace period, the delivery log's pages and filters, redelivery, and another
 * tenant's endpoint answered 404.
 */
import { and, count, eq, gt, isNull, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  idempotencyKeys,
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  webhookEvents,
  webhookSecrets,
} from '../../db/schema';
import { GATEWAY_CONCURRENCY } from '../../application/concurrency';
import { WAKE_IN_REQUEST } from '../../application/webhook-endpoints';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type DeliveryRowOptions, insertWebhookDelivery } from '../support/webhook-deliveries';
import { type ApiHarness, TENANT_B_KEY, createCollaboratorKey, fakeResolver, startApi } from './support';

/** Wednesday 2026-12-02 12:00 UTC. */
const START = Date.UTC(2026, 11, 2, 12, 0);
const HOUR = 3_600_000;

interface Problem {
  status: number;
  errors?: { in?: string; path: string; message: string }[];
}

interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  enabled: boolean;
  secret?: string;
}

/** What the test resolver answers for each name (anything else resolves to a public address). */
const NAMES: Record<string, string[]> = {
  'loopback.example.com': ['127.0.0.1'],
  'internal.example.com': ['10.1.2.3'],
  'metadata.example.com': ['169.254.169.254'],
  'v6-loopback.example.com': ['::1'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
  'split.example.com': ['93.184.215.14', '192.168.1.20'],
  'nowhere.example.com': [],
};

const body = (overrides: Record<string, unknown> = {}) => ({
  url: `https://hooks.example.com/${uniqueId('in')}`,
  eventTypes: ['journey.closed', 'payment.recorded'],
  ...overrides,
});

describeEachDatabase('webhook endpoints API', (getDb) => {
  let api: ApiHarness;
  let now = START;

  beforeAll(async () => {
    api = await startApi(getDb(), () => now, {
      webhookTargets: { allowPrivate: false, resolveHost: fakeResolver(NAMES) },
    });
  });
  afterAll(async () => {
    await api.app.close();
  });

  const create = async (overrides: Record<string, unknown> = {}) => {
    const response = await api.call({ method: 'POST', url: '/v1/webhook-endpoints', payload: body(overrides) });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as Endpoint & { secret: string };
  };
  const insertDelivery = (
    endpointId: string,
    options: Omit<DeliveryRowOptions, 'tenantId' | 'endpointId' | 'at'> = {},
  ) => insertWebhookDelivery(getDb(), { tenantId: 'tenant-a', endpointId, at: now, ...options });

  const endpointCount = async () => (await getDb().select({ n: count() }).from(webhookEndpoints))[0]!.n;
  const secretsOf = (endpointId: string) =>
    getDb().select().from(webhookSecrets).where(eq(webhookSecrets.endpointId, endpointId));
  /** The secrets a delivery at `at` is signed with: the current one and those in their grace period. */
  const validAt = async (endpointId: string, at: number) =>
    (
      await getDb()
        .select({ secret: webhookSecrets.secret })
        .from(webhookSecrets)
        .where(
          and(
            eq(webhookSecrets.endpointId, endpointId),
            or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, new Date(at))),
          ),
        )
    ).map((r) => r.secret);

  describe('creating an endpoint', () => {
    it('answers its signing secret once: a whsec_ secret of 32 random bytes, never in a read or the audit log', async () => {
      const created = await create({ description: 'Billing system' });
      expect(created.id).toMatch(/^we_/);
      expect(created).toMatchObject({ description: 'Billing system', enabled: true });
      expect(created.eventTypes).toEqual(['journey.closed', 'payment.recorded']);
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      expect(Buffer.from(created.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
      expect((await create()).secret).not.toBe(created.secret);

      const [stored] = await secretsOf(created.id);
      expect(stored).toMatchObject({ secret: created.secret, expiresAt: null });

      const got = await api.call({ method: 'GET', url: `/v1/webhook-endpoints/${created.id}` });
      expect(got.statusCode).toBe(200);
      expect(got.json()).toMatchObject({ id: created.id, url: created.url });
      const listed = await api.call({ method: 'GET', url: '/v1/webhook-endpoints?limit=200' });
      expect(listed.json().items.map((e: Endpoint) => e.id)).toContain(created.id);
      const audit = await getDb().select().from(auditLog).where(eq(auditLog.tenantId, 'tenant-a'));
      expect(audit.some((row) => row.action === 'webhook_endpoint.created')).toBe(true);
      for (const text of [got.body, listed.body, JSON.stringify(audit)]) {
        expect(text).not.toContain(created.secret);
        expect(text).not.toContain('whsec_');
      }
    });

    const refusals: [string, Record<string, unknown>, string, RegExp][] = [
      ['a URL that is not one', { url: 'not a url' }, 'url', /absolute URL/],
      ['plain http', { url: 'http://hooks.example.com/in' }, 'url', /must use https/],
      ['credentials in the URL', { url: 'https://user:pw@hooks.example.com/in' }, 'url', /user name or password/],
      ['a loopback IP literal', { url: 'https://127.0.0.1/in' }, 'url', /private address \(loopback\)/],
      ['localhost', { url: 'https://localhost:8443/in' }, 'url', /private address \(loopback\)/],
      [
        'a host resolving to 127.0.0.1',
        { url: 'https://loopback.example.com/in' },
        'url',
        /resolves to a private address \(loopback\)/,
      ],
      [
        'a host resolving to 10.x',
        { url: 'https://internal.example.com/in' },
        'url',
        /resolves to a private address \(private network\)/,
      ],
      [
        'a host resolving to the metadata service',
        { url: 'https://metadata.example.com/' },
        'url',
        /resolves to a private address \(link-local/,
      ],
      [
        'a host resolving to ::1',
        { url: 'https://v6-loopback.example.com/in' },
        'url',
        /resolves to a private address \(loopback\)/,
      ],
      [
        'a host resolving to an IPv4-mapped loopback',
        { url: 'https://mapped.example.com/in' },
        'url',
        /resolves to a private address \(loopback\)/,
      ],
      [
        'a host with one private address among public ones',
        { url: 'https://split.example.com/in' },
        'url',
        /private network/,
      ],
      ['a host that does not resolve', { url: 'https://nowhere.example.com/in' }, 'url', /does not resolve/],
      ['an unknown event type', { eventTypes: ['journey.closed', 'journey.exploded'] }, 'eventTypes.1', /./],
      ['no event type', { eventTypes: [] }, 'eventTypes', /at least one/],
      ['an event type twice', { eventTypes: ['journey.closed', 'journey.closed'] }, 'eventTypes', /twice/],
      ['a control character in the description', { description: 'a\u0000b' }, 'description', /control/],
      ['an unknown field', { secret: 'whsec_mine' }, 'secret', /./],
    ];
    for (const [what, overrides, field, message] of refusals) {
      it(`refuses ${what}: 400 naming ${field}, nothing written`, async () => {
        const before = await endpointCount();
        const response = await api.call({ method: 'POST', url: '/v1/webhook-endpoints', payload: body(overrides) });
        expect(response.statusCode, response.body).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        const problem = response.json() as Problem;
        const error = problem.errors?.find((e) => e.path === field);
        expect(error, JSON.stringify(problem.errors)).toBeDefined();
        expect(error!.message).toMatch(message);
        expect(await endpointCount()).toBe(before);
      });
    }

    it('tells which address range refused, never the address a name resolved to', async () => {
      const response = await api.call({
        method: 'POST',
        url: '/v1/webhook-endpoints',
        payload: body({ url: 'https://internal.example.com/in' }),
      });
      expect(response.body).not.toContain('10.1.2.3');
      expect(response.body).toContain('WEBHOOKS_ALLOW_PRIVATE_TARGETS');
    });
  });

  describe('where the operator allows private targets', () => {
    let privateApi: ApiHarness;
    beforeAll(async () => {
      privateApi = await startApi(getDb(), () => now, {
        webhookTargets: { allowPrivate: true, resolveHost: fakeResolver(NAMES) },
      });
    });
    afterAll(async () => {
      await privateApi.app.close();
    });

    for (const url of [
      'http://internal.example.com/in',
      'https://loopback.example.com/in',
      'https://metadata.example.com/in',
      'https://v6-loopback.example.com/in',
      'https://mapped.example.com/in',
      'http://127.0.0.1:9000/in',
      'http://localhost:9000/in',
    ]) {
      it(`accepts ${url}`, async () => {
        const response = await privateApi.call({
          method: 'POST',
          url: '/v1/webhook-endpoints',
          payload: body({ url }),
        });
        expect(response.statusCode, response.body).toBe(201);
      });
    }

    it('still refuses credentials, a name that does not resolve, and addresses nobody receives on', async () => {
      for (const [url, message] of [
        ['https://user:pw@internal.example.com/in', /user name or password/],
        ['https://nowhere.example.com/in', /does not resolve/],
        ['https://224.0.0.1/in', /cannot receive webhooks \(multicast\)/],
        ['ftp://internal.example.com/in', /must use https or http/],
      ] as const) {
        const response = await privateApi.call({
          method: 'POST',
          url: '/v1/webhook-endpoints',
          payload: body({ url }),
        });
        expect(response.statusCode, url).toBe(400);
        expect((response.json() as Problem).errors?.find((e) => e.path === 'url')?.message, url).toMatch(message);
      }
    });
  });

  describe('changing and removing an endpoint', () => {
    it('changes the URL (checked again), event types, description and whether it is enabled', async () => {
      const created = await create({ description: 'old' });
      const path = `/v1/webhook-endpoints/${created.id}`;
      const refused = await api.call({
        method: 'PATCH',
        url: path,
        payload: { url: 'https://internal.example.com/x' },
      });
      expect(refused.statusCode).toBe(400);
      expect((refused.json() as Problem).errors?.[0]?.path).toBe('url');
      expect((await api.call({ method: 'GET', url: path })).json().url).toBe(created.url);

      now += 1000;
      const changed = await api.call({
        method: 'PATCH',
        url: path,
        payload: {
          url: 'https://hooks.example.com/v2',
          eventTypes: ['in_app_notification'],
          description: null,
          enabled: false,
        },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      const expected = {
        url: 'https://hooks.example.com/v2',
        eventTypes: ['in_app_notification'],
        description: null,
        enabled: false,
      };
      expect(changed.json()).toMatchObject(expected);
      expect((await api.call({ method: 'GET', url: path })).json()).toMatchObject({
        ...expected,
        updatedAt: new Date(now).toISOString(),
      });
      const unknown = await api.call({ method: 'PATCH', url: path, payload: { eventTypes: ['nope'] } });
      expect((unknown.json() as Problem).errors?.[0]?.path).toBe('eventTypes.0');
      expect(
        (await api.call({ method: 'PATCH', url: '/v1/webhook-endpoints/we_missing', payload: {} })).statusCode,
      ).toBe(404);
    });

    it('enabled again, wakes the queues of the deliveries that waited while it was disabled', async () => {
      const created = await create({ enabled: false });
      const waiting = [await insertDelivery(created.id), await insertDelivery(created.id)];
      await insertDelivery(created.id, { status: 'failed', tries: 1 });
      const path = `/v1/webhook-endpoints/${created.id}`;
      const wokenBefore = api.waker.woken.length;
      expect((await api.call({ method: 'PATCH', url: path, payload: { description: 'still off' } })).statusCode).toBe(
        200,
      );
      expect(api.waker.woken.length).toBe(wokenBefore);
      const enabled = await api.call({ method: 'PATCH', url: path, payload: { enabled: true } });
      expect(enabled.statusCode, enabled.body).toBe(200);
      const woken = api.waker.woken.slice(wokenBefore);
      expect(woken.map((q) => q.journeyId).sort()).toEqual(waiting.map((d) => d.journeyId).sort());
      expect(woken.every((q) => q.endpointId === created.id)).toBe(true);
    });

    it('enabled again with many queues waiting, wakes a bounded number within the request, a few at a time', async () => {
      const created = await create({ enabled: false });
      for (let i = 0; i < WAKE_IN_REQUEST + 5; i++) await insertDelivery(created.id);
      const wokenBefore = api.waker.woken.length;
      api.waker.delayMs = 2;
      api.waker.mostAtOnce = 0;
      try {
        const enabled = await api.call({
          method: 'PATCH',
          url: `/v1/webhook-endpoints/${created.id}`,
          payload: { enabled: true },
        });
        expect(enabled.statusCode, enabled.body).toBe(200);
      } finally {
        api.waker.delayMs = 0;
      }
      const woken = api.waker.woken.slice(wokenBefore);
      expect(woken).toHaveLength(WAKE_IN_REQUEST);
      expect(new Set(woken.map((q) => q.journeyId)).size).toBe(WAKE_IN_REQUEST);
      expect(api.waker.mostAtOnce).toBeGreaterThan(1);
      expect(api.waker.mostAtOnce).toBeLessThanOrEqual(GATEWAY_CONCURRENCY);
    });

    it('removes an endpoint with its secrets, deliveries and tries; the event stays', async () => {
      const created = await create();
      const { deliveryId, eventId } = await insertDelivery(created.id, { status: 'failed', tries: 2 });
      const path = `/v1/webhook-endpoints/${created.id}`;
      const deleted = await api.call({ method: 'DELETE', url: path });
      expect(deleted.statusCode, deleted.body).toBe(200);
      expect(deleted.json()).toMatchObject({ id: created.id, deleted: true });
      expect((await api.call({ method: 'GET', url: path })).statusCode).toBe(404);
      expect((await api.call({ method: 'DELETE', url: path })).statusCode).toBe(404);
      expect(await secretsOf(created.id)).toEqual([]);
      const db = getDb();
      expect(await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId))).toEqual([]);
      expect(
        await db.select().from(webhookDeliveryAttempts).where(eq(webhookDeliveryAttempts.deliveryId, deliveryId)),
      ).toEqual([]);
      expect(await db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId))).toHaveLength(1);
    });
  });

  describe('a secret shown once and an Idempotency-Key', () => {
    const routes: [string, () => Promise<string>, string][] = [
      ['creating an endpoint', async () => '/v1/webhook-endpoints', 'id'],
      ['rotating its secret', async () => `/v1/webhook-endpoints/${(await create()).id}/rotate-secret`, 'endpointId'],
      ['creating an API key', async () => '/v1/keys', 'id'],
    ];
    for (const [what, urlOf, idField] of routes) {
      it(`${what}: the stored answer holds no secret, and a replay is a 409 naming what was made`, async () => {
        const url = await urlOf();
        const key = uniqueId('idem');
        const payload = url === '/v1/keys' ? { name: uniqueId('ci') } : url.endsWith('rotate-secret') ? {} : body();
        const first = await api.call({ method: 'POST', url, payload, headers: { 'idempotency-key': key } });
        expect(first.statusCode, first.body).toBeLessThan(300);
        const { secret, [idField]: made } = first.json() as Record<string, string>;
        expect(secret).toBeTruthy();

        const [stored] = await getDb().select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
        expect(stored?.statusCode).toBe(first.statusCode);
        expect(JSON.stringify(stored?.responseBody)).not.toContain(secret!);
        expect(stored?.responseBody).toMatchObject({ [idField]: made });

        const before = await endpointCount();
        const again = await api.call({ method: 'POST', url, payload, headers: { 'idempotency-key': key } });
        expect(again.statusCode, again.body).toBe(409);
        expect(again.body).not.toContain(secret!);
        expect(again.json()).toMatchObject({
          type: 'https://dunning.dev/problems/idempotency-key-secret-shown-once',
          errors: [{ in: 'header', path: 'idempotency-key' }],
        });
        expect(again.json().detail).toContain(made);
        expect(await endpointCount()).toBe(before);
      });
    }
  });

  describe('rotating the secret', () => {
    it('signs with both secrets until the grace period ends, then with the new one alone', async () => {
      const created = await create();
      const rotated = await api.call({
        method: 'POST',
        url: `/v1/webhook-endpoints/${created.id}/rotate-secret`,
        payload: { graceHours: 2 },
      });
      expect(rotated.statusCode, rotated.body).toBe(200);
      const { secret, previousSecretValidUntil } = rotated.json() as {
        secret: string;
        previousSecretValidUntil: string;
      };
      expect(secret).toMatch(/^whsec_/);
      expect(secret).not.toBe(created.secret);
      expect(previousSecretValidUntil).toBe(new Date(now + 2 * HOUR).toISOString());

      expect((await validAt(created.id, now + HOUR)).sort()).toEqual([created.secret, secret].sort());
      expect(await validAt(created.id, now + 2 * HOUR)).toEqual([secret]);
      const rows = await secretsOf(created.id);
      expect(rows.find((r) => r.secret === created.secret)?.expiresAt?.toISOString()).toBe(previousSecretValidUntil);
      expect(rows.find((r) => r.secret === secret)?.expiresAt).toBeNull();
      const got = await api.call({ method: 'GET', url: `/v1/webhook-endpoints/${created.id}` });
      expect(got.body).not.toContain(secret);
    });

    it('a day by default; a second rotation ends every older secret no later than its own grace period', async () => {
      const created = await create();
      const path = `/v1/webhook-endpoints/${created.id}/rotate-secret`;
      const first = await api.call({ method: 'POST', url: path });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().previousSecretValidUntil).toBe(new Date(now + 24 * HOUR).toISOString());
      const second = await api.call({ method: 'POST', url: path, payload: { graceHours: 0 } });
      expect(second.statusCode, second.body).toBe(200);
      expect(await validAt(created.id, now)).toEqual([second.json().secret]);
      expect(await secretsOf(created.id)).toHaveLength(3);
    });

    it('two rotations at once leave one current secret, the others in their grace period', async () => {
      for (let round = 0; round < 5; round++) {
        const created = await create();
        const path = `/v1/webhook-endpoints/${created.id}/rotate-secret`;
        const rotations = await Promise.all([1, 2].map(() => api.call({ method: 'POST', url: path })));
        expect(rotations.map((r) => r.statusCode)).toEqual([200, 200]);
        const rows = await secretsOf(created.id);
        expect(rows).toHaveLength(3);
        expect(rows.filter((r) => r.expiresAt === null)).toHaveLength(1);
      }
    });

    it('refuses a grace period beyond a week (400 naming graceHours) and an unknown endpoint (404)', async () => {
      const created = await create();
      const path = `/v1/webhook-endpoints/${created.id}/rotate-secret`;
      for (const graceHours of [169, -1, 1.5, '2']) {
        const response = await api.call({ method: 'POST', url: path, payload: { graceHours } });
        expect(response.statusCode, String(graceHours)).toBe(400);
        expect((response.json() as Problem).errors?.[0]?.path).toBe('graceHours');
      }
      expect(await secretsOf(created.id)).toHaveLength(1);
      const missing = await api.call({ method: 'POST', url: '/v1/webhook-endpoints/we_missing/rotate-secret' });
      expect(missing.statusCode).toBe(404);
    });
  });

  describe('the delivery log', () => {
    it('pages an endpoint’s deliveries newest first, filtered by status and event type', async () => {
      const { id } = await create();
      const kinds = [
        { status: 'delivered', type: 'journey.started' },
        { status: 'failed', type: 'payment.recorded' },
        { status: 'pending', type: 'payment.recorded' },
        { status: 'delivered', type: 'journey.closed' },
        { status: 'failed', type: 'journey.closed' },
      ] as const;
      const inserted = [];
      for (const kind of kinds) inserted.push({ ...kind, ...(await insertDelivery(id, kind)) });
      const other = await create();
      await insertDelivery(other.id);
      const newestFirst = inserted.map((d) => d.deliveryId).reverse();

      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `limit=2&cursor=${cursor}` : 'limit=2';
        const page = await api.call({ method: 'GET', url: `/v1/webhook-endpoints/${id}/deliveries?${query}` });
        expect(page.statusCode, page.body).toBe(200);
        const json = page.json() as { items: { deliveryId: string }[]; nextCursor: string | null };
        pages.push(json.items.map((d) => d.deliveryId));
        cursor = json.nextCursor;
      } while (cursor);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(newestFirst);

      const list = async (query: string) =>
        (
          (await api.call({ method: 'GET', url: `/v1/webhook-endpoints/${id}/deliveries?${query}` })).json() as {
            items: { deliveryId: string; status: string; eventType: string }[];
          }
        ).items;
      const failed = await list('status=failed');
      expect(failed.map((d) => d.deliveryId)).toEqual([inserted[4]!.deliveryId, inserted[1]!.deliveryId]);
      const payments = await list('eventType=payment.recorded');
      expect(payments.map((d) => d.deliveryId)).toEqual([inserted[2]!.deliveryId, inserted[1]!.deliveryId]);
      const both = await list('status=failed&eventType=journey.closed');
      expect(both.map((d) => d.deliveryId)).toEqual([inserted[4]!.deliveryId]);
    });

    it('answers 400 naming the field for a bad cursor, status or event type, and 404 for an unknown endpoint', async () => {
      const { id } = await create();
      for (const [query, field] of [
        ['cursor=bm90LW91cnM', 'cursor'],
        ['status=lost', 'status'],
        ['eventType=journey.exploded', 'eventType'],
        ['limit=0', 'limit'],
      ]) {
        const response = await api.call({ method: 'GET', url: `/v1/webhook-endpoints/${id}/deliveries?${query}` });
        expect(response.statusCode, query).toBe(400);
        expect((response.json() as Problem).errors?.[0]?.path, query).toBe(field);
      }
      expect((await api.call({ method: 'GET', url: '/v1/webhook-endpoints/we_missing/deliveries' })).statusCode).toBe(
        404,
      );
    });

    it('shows one delivery with its event and every try', async () => {
      const { id } = await create();
      const { deliveryId, eventId, journeyId, installmentId } = await insertDelivery(id, {
        status: 'failed',
        tries: 3,
      });
      const response = await api.call({ method: 'GET', url: `/v1/webhook-endpoints/${id}/deliveries/${deliveryId}` });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        deliveryId,
        eventId,
        eventType: 'journey.closed',
        journeyId,
        installmentId,
        occurredAt: new Date(now).toISOString(),
        status: 'failed',
        attempts: 3,
        lastStatusCode: null,
        lastError: 'timed out after 10 s',
      });
      expect(response.json().tries).toEqual([
        { attempt: 1, at: new Date(now + 10_000).toISOString(), statusCode: 500, error: 'HTTP 500', durationMs: 100 },
        { attempt: 2, at: new Date(now + 20_000).toISOString(), statusCode: 500, error: 'HTTP 500', durationMs: 200 },
        {
          attempt: 3,
          at: new Date(now + 30_000).toISOString(),
          statusCode: null,
          error: 'timed out after 10 s',
          durationMs: 300,
        },
      ]);
      const other = await create();
      const elsewhere = await api.call({
        method: 'GET',
        url: `/v1/webhook-endpoints/${other.id}/deliveries/${deliveryId}`,
      });
      expect(elsewhere.statusCode).toBe(404);
    });
  });

  describe('redelivering', () => {
    it('puts a failed or delivered delivery back in its queue and wakes it; asking twice is asking once', async () => {
      const { id } = await create();
      for (const status of ['failed', 'delivered', 'pending'] as const) {
        const { deliveryId, eventId, journeyId } = await insertDelivery(id, { status, tries: 2 });
        const wokenBefore = api.waker.woken.length;
        const path = `/v1/webhook-endpoints/${id}/deliveries/${deliveryId}/redeliver`;
        for (const _ of [1, 2]) {
          const response = await api.call({ method: 'POST', url: path });
          expect(response.statusCode, response.body).toBe(202);
          expect(response.json()).toMatchObject({ deliveryId, eventId, status: 'pending' });
        }
        const [row] = await getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
        expect(row).toMatchObject({ status: 'pending', attempts: 2, eventId });
        expect(api.waker.woken.slice(wokenBefore)).toEqual([
          { endpointId: id, journeyId },
          { endpointId: id, journeyId },
        ]);
      }
      const audit = await getDb().select().from(auditLog).where(eq(auditLog.action, 'webhook_delivery.redelivered'));
      expect(audit.length).toBeGreaterThanOrEqual(6);
    });

    it('answers 404 for a delivery of another endpoint and wakes nothing', async () => {
      const { id } = await create();
      const other = await create();
      const { deliveryId } = await insertDelivery(other.id, { status: 'failed' });
      const wokenBefore = api.waker.woken.length;
      const response = await api.call({
        method: 'POST',
        url: `/v1/webhook-endpoints/${id}/deliveries/${deliveryId}/redeliver`,
      });
      expect(response.statusCode).toBe(404);
      expect(api.waker.woken.length).toBe(wokenBefore);
      const [row] = await getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
      expect(row?.status).toBe('failed');
    });
  });

  describe('who may do what', () => {
    it('another tenant’s endpoint is not found, whatever the route, and stays as it was', async () => {
      const created = await create();
      const { deliveryId } = await insertDelivery(created.id, { status: 'failed' });
      const before = await getDb().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.id));
      const base = `/v1/webhook-endpoints/${created.id}`;
      for (const [method, url, payload] of [
        ['GET', base],
        ['PATCH', base, { enabled: false }],
        ['DELETE', base],
        ['POST', `${base}/rotate-secret`, { graceHours: 0 }],
        ['GET', `${base}/deliveries`],
        ['GET', `${base}/deliveries/${deliveryId}`],
        ['POST', `${base}/deliveries/${deliveryId}/redeliver`],
      ] as const) {
        const response = await api.call({ method, url, key: TENANT_B_KEY, ...(payload && { payload }) });
        expect(response.statusCode, `${method} ${url}`).toBe(404);
      }
      const listed = await api.call({ method: 'GET', url: '/v1/webhook-endpoints?limit=200', key: TENANT_B_KEY });
      expect(listed.body).not.toContain(created.id);
      expect(await getDb().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.id))).toEqual(before);
      expect(await secretsOf(created.id)).toHaveLength(1);
      const [delivery] = await getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
      expect(delivery?.status).toBe('failed');
    });

    it('webhooks:read reads endpoints and the log; changing them needs webhooks:write', async () => {
      const profileId = uniqueId('hooks-reader')
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '');
      const profile = await api.call({
        method: 'POST',
        url: '/v1/profiles',
        payload: { id: profileId, name: 'Hooks reader', permissions: ['webhooks:read'] },
      });
      expect(profile.statusCode, profile.body).toBe(201);
      const reader = await createCollaboratorKey(api, profileId);
      const created = await create();
      const base = `/v1/webhook-endpoints/${created.id}`;
      expect((await api.call({ method: 'GET', url: base, key: reader.secret })).statusCode).toBe(200);
      expect((await api.call({ method: 'GET', url: `${base}/deliveries`, key: reader.secret })).statusCode).toBe(200);
      const write = await api.call({
        method: 'POST',
        url: '/v1/webhook-endpoints',
        payload: body(),
        key: reader.secret,
      });
      expect(write.statusCode).toBe(403);
      expect((await api.call({ method: 'DELETE', url: base, key: reader.secret })).statusCode).toBe(403);
    });
  });

  it('pages the endpoint list newest first, each endpoint once', async () => {
    const mine = [];
    for (let i = 0; i < 3; i++) {
      now += 1;
      mine.push((await create()).id);
    }
    // Two endpoints in the same millisecond are ordered by id.
    mine.push((await create()).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=2&cursor=${cursor}` : 'limit=2';
      const page = await api.call({ method: 'GET', url: `/v1/webhook-endpoints?${query}` });
      expect(page.statusCode, page.body).toBe(200);
      const json = page.json() as { items: Endpoint[]; nextCursor: string | null };
      seen.push(...json.items.map((e) => e.id));
      cursor = json.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const newest = [...mine.slice(0, 3).reverse()];
    const sameMs = [mine[2]!, mine[3]!].sort().reverse();
    expect(seen.slice(0, 2)).toEqual(sameMs);
    expect(seen.slice(2, 4)).toEqual(newest.slice(1));
    const bad = await api.call({ method: 'GET', url: '/v1/webhook-endpoints?cursor=bm90LW91cnM' });
    expect((bad.json() as Problem).errors?.[0]?.path).toBe('cursor');
  });
});
