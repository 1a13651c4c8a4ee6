/**
 * A fast-check fuzz of every endpoint the OpenAPI document lists: malformed bodies (near-valid
 * mutations of each route's example, random JSON, broken JSON), path parameters, query strings
 * and headers. Whatever arrives: no 5xx, every 4xx is problem+json, and a refused request writes
 * nothing (journeys, events, payments, purchases and their payments, webhook endpoints, secrets
 * and deliveries, and the gateway's calls, are unchanged).
 */
import { count } from 'drizzle-orm';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  events,
  journeys,
  payments,
  purchasePayments,
  purchases,
  webhookDeliveries,
  webhookEndpoints,
  webhookSecrets,
} from '../../db/schema';
import { insertWebhookDelivery } from '../support/webhook-deliveries';
import { describeEachDatabase } from '../support/databases';
import { type ApiHarness, TENANT_A_KEY, TENANT_B_KEY, startApi, startBody } from './support';

const RUNS_PER_ENDPOINT = 12;

const EARLY_REFUSALS = new Set([400, 401, 403, 413, 415, 429]);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Endpoint {
  method: string;
  path: string;
  example: unknown;
}

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});
const weirdSegment = fc.oneof(
  printable.map(encodeURIComponent),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom(
    '%',
    '%zz',
    '..',
    '%2F',
    '%00',
    'x'.repeat(129),
    'x'.repeat(300),
    '-',
    'a b',
    '%E2%80%AE',
    'null',
    '0',
  ),
);

/** `depth` arrays, one inside the other, around a string. */
const nested = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

/**
 * What an attacker sends: text that is not well-formed Unicode (lone surrogates, as JSON escapes),
 * C1 controls and bidirectional overrides, and absurd nesting.
 */
const hostile = fc.oneof(
  fc
    .tuple(fc.string({ maxLength: 6 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 6 }))
    .map(([before, unit, after]) => `${before}${String.fromCharCode(unit)}${after}`),
  fc.constantFrom('\ud800', 'Ana \udc00 Souza', 'x\u0085y', 'Evil\u202etxt.exe', '\u2066a\u2069'),
  fc.integer({ min: 33, max: 1_500 }).map(nested),
  fc.dictionary(fc.constantFrom('\ud800', 'k\udfff'), fc.string({ maxLength: 3 }), { minKeys: 1, maxKeys: 1 }),
);

/** The example with one field (at any depth) replaced by junk, removed, or the whole thing swapped. */
function mutate(example: unknown): fc.Arbitrary<unknown> {
  const junk = fc.oneof(
    { weight: 3, arbitrary: hostile },
    fc.constant(null),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    printable,
    fc.string(),
    fc.constant('\u0000'),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.object({ maxDepth: 1 }),
  );
  const paths: string[][] = [];
  const walk = (value: unknown, at: string[]) => {
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        paths.push([...at, k]);
        if (at.length < 3) walk(v, [...at, k]);
      }
    }
  };
  walk(example, []);
  const replaced = paths.length
    ? fc.tuple(fc.constantFrom(...paths), junk, fc.boolean()).map(([path, value, remove]) => {
        const copy = structuredClone(example) as Record<string, unknown>;
        let node = copy;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
        if (remove) delete node[path.at(-1)!];
        else node[path.at(-1)!] = value;
        return copy;
      })
    : junk;
  return fc.oneof(
    { weight: 4, arbitrary: replaced },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: junk },
  );
}

describeEachDatabase('fuzz of every endpoint', (getDb) => {
  let api: ApiHarness;
  let endpoints: Endpoint[] = [];
  const knownIds = ['fuzz-known-1', 'fuzz-known-2'];
  /** A webhook endpoint of tenant A and a delivery in its log, as path parameters. */
  const webhookIds: string[] = [];
  let cases = 0;

  beforeAll(async () => {
    const previous = process.env.RATE_LIMIT_PER_MINUTE;
    process.env.RATE_LIMIT_PER_MINUTE = '1000000';
    try {
      api = await startApi(getDb());
    } finally {
      if (previous === undefined) delete process.env.RATE_LIMIT_PER_MINUTE;
      else process.env.RATE_LIMIT_PER_MINUTE = previous;
    }
    for (const id of knownIds) {
      const started = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(id, { purchaseId: 'fuzz-pur', subscriptionId: 'fuzz-sub' }),
      });
      expect(started.statusCode).toBe(201);
    }
    const endpoint = await api.call({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url: 'https://hooks.example.com/fuzz', eventTypes: ['journey.closed'] },
    });
    expect(endpoint.statusCode, endpoint.body).toBe(201);
    const endpointId = (endpoint.json() as { id: string }).id;
    const delivery = await insertWebhookDelivery(getDb(), { tenantId: 'tenant-a', endpointId, at: Date.now() });
    webhookIds.push(endpointId, delivery.deliveryId);
    const docs = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content?: Record<string, { schema?: { example?: unknown }; example?: unknown }> } }
        >
      >;
    };
    // Provider webhooks authenticate by signature, not by key, and have their own tests.
    endpoints = Object.entries(docs.paths)
      .filter(([path]) => !path.startsWith('/webhooks/'))
      .flatMap(([path, operations]) =>
        METHODS.flatMap((method) => {
          const operation = operations[method];
          if (!operation) return [];
          const media = operation.requestBody?.content?.['application/json'];
          return [{ method: method.toUpperCase(), path, example: media?.example ?? media?.schema?.example ?? {} }];
        }),
      );
  });
  afterAll(async () => {
    console.log(`fuzz: ${cases} cases over ${endpoints.length} endpoints`);
    await api?.app.close();
  });

  const snapshot = async () => {
    const db = getDb();
    const [[j], [e], [p], [pu], [pp], [we], [ws], [wd]] = await Promise.all([
      db.select({ n: count() }).from(journeys),
      db.select({ n: count() }).from(events),
      db.select({ n: count() }).from(payments),
      db.select({ n: count() }).from(purchases),
      db.select({ n: count() }).from(purchasePayments),
      db.select({ n: count() }).from(webhookEndpoints),
      db.select({ n: count() }).from(webhookSecrets),
      db.select({ n: count() }).from(webhookDeliveries),
    ]);
    return {
      journeys: j!.n,
      events: e!.n,
      payments: p!.n,
      purchases: pu!.n,
      purchasePayments: pp!.n,
      webhookEndpoints: we!.n,
      webhookSecrets: ws!.n,
      webhookDeliveries: wd!.n,
      gatewayWrites: api.gateway.writes,
      calls: api.gateway.calls.length,
    };
  };

  it('discovers the endpoints from /docs/json', () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(16);
    expect(endpoints.map((e) => `${e.method} ${e.path}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/journeys/bulk',
        'GET /v1/journeys',
        'POST /v1/journeys/pause',
        'POST /v1/purchases/{purchaseId}/refund',
        'PUT /v1/purchases/{purchaseId}',
        'POST /v1/purchases/{purchaseId}/payments',
        'POST /v1/buyers/{buyerId}/contact',
        'GET /v1/reports/payments',
        'GET /v1/reports/attribution/export',
      ]),
    );
  });

  it('answers every malformed request with a 4xx problem, never a 5xx, and writes nothing when it refuses', async () => {
    for (const endpoint of endpoints) {
      const request = fc.record({
        params: fc.array(
          fc.oneof(
            { weight: 2, arbitrary: fc.constantFrom(...knownIds, ...webhookIds, 'fuzz-pur', 'fuzz-sub', 'buyer_77') },
            { weight: 3, arbitrary: weirdSegment },
          ),
          { minLength: 4, maxLength: 4 },
        ),
        query: fc.oneof(
          fc.constant(''),
          fc
            .dictionary(
              fc.constantFrom(
                'limit',
                'cursor',
                'stage',
                'outcome',
                'dueFrom',
                'dueTo',
                'daysOverdueMin',
                'daysOverdueMax',
                'buyerId',
                'productId',
                'status',
                'eventType',
                'x',
                'stage[]',
              ),
              weirdSegment,
              { maxKeys: 3 },
            )
            .map((q) =>
              Object.entries(q)
                .map(([k, v]) => `${k}=${v}`)
                .join('&'),
            ),
          printable.map((s) => encodeURI(s)),
        ),
        body: fc.oneof(
          {
            weight: 6,
            arbitrary: fc
              .oneof(
                { weight: 5, arbitrary: mutate(endpoint.example).map((v) => JSON.stringify(v) ?? 'null') },
                { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
              )
              .map((payload): { payload?: string; type?: string } => ({ payload, type: 'application/json' })),
          },
          {
            weight: 1,
            arbitrary: fc
              .tuple(
                printable,
                fc.constantFrom(
                  'text/plain',
                  'application/x-www-form-urlencoded',
                  'multipart/form-data',
                  'application/json; charset=latin1',
                  'garbage',
                ),
              )
              .map(([payload, type]): { payload?: string; type?: string } => ({ payload, type })),
          },
          { weight: 1, arbitrary: fc.constant<{ payload?: string; type?: string }>({}) },
        ),
        authorization: fc.oneof(
          { weight: 6, arbitrary: fc.constant(`Bearer ${TENANT_A_KEY}`) },
          { weight: 1, arbitrary: fc.constant(`Bearer ${TENANT_B_KEY}`) },
          { weight: 1, arbitrary: printable },
          { weight: 1, arbitrary: printable.map((s) => `Bearer ${s}`) },
        ),
        idempotencyKey: fc.option(printable, { nil: undefined }),
        requestId: fc.option(printable, { nil: undefined }),
      });

      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          let i = 0;
          const url = endpoint.path.replace(/\{[^}]+\}/g, () => r.params[i++]!) + (r.query ? `?${r.query}` : '');
          const headers: Record<string, string> = { authorization: r.authorization };
          if (r.body.type) headers['content-type'] = r.body.type;
          if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
          if (r.requestId !== undefined) headers['x-request-id'] = r.requestId;
          const options: InjectOptions = {
            method: endpoint.method as InjectOptions['method'],
            url,
            headers,
            ...(r.body.payload !== undefined && { payload: r.body.payload }),
          };
          const before = await snapshot();
          const response = await api.app.inject(options);
          cases++;
          const where = `${endpoint.method} ${url} → ${response.statusCode} ${response.body.slice(0, 300)}`;
          expect(response.statusCode, where).toBeLessThan(500);
          if (response.statusCode >= 400) {
            expect(response.headers['content-type'], where).toMatch(/^application\/problem\+json/);
            expect(response.json(), where).toMatchObject({
              status: response.statusCode,
              type: expect.any(String),
              title: expect.any(String),
            });
            const after = await snapshot();
            // Refused before the handler (schema, auth, size, type, rate): the gateway was not even asked.
            // Refused by the handler (404 no journey, 409 ended, 422 policy): it may have asked, but nothing changed.
            if (!EARLY_REFUSALS.has(response.statusCode)) {
              after.calls = before.calls;
            }
            expect(after, where).toEqual(before);
          }
        }),
        { numRuns: RUNS_PER_ENDPOINT },
      );
    }
  });
});
