/**
 * Retries, against a local HTTP server that answers from a script: what goes over the wire
 * and what the caller gets. (The real API's answers are in real-api.test.ts.)
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiProblemError, createDunningClient } from '../../packages/api-client/src/index';
import { retryDelayMs } from '../../packages/api-client/src/retry';

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const problemOf = (status: number, title: string) => ({
  type: `https://dunning.dev/problems/${status}`,
  title,
  status,
});
const unavailable = (retryAfter: string): Scripted => ({
  status: 503,
  headers: { 'retry-after': retryAfter, 'content-type': 'application/problem+json' },
  body: problemOf(503, 'Journey service unavailable'),
});
const journey = { installmentId: 'inst-1', created: true };

describe('retries', () => {
  let server: Server;
  let baseUrl: string;
  let script: Scripted[];
  let received: { method: string; key: string | undefined; at: number }[];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      request.resume();
      received.push({ method: request.method!, key: request.headers['idempotency-key'] as string, at: Date.now() });
      const next = script.shift() ?? { status: 500, body: problemOf(500, 'script exhausted') };
      response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      response.end(next.body === undefined ? '' : JSON.stringify(next.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    script = [];
    received = [];
  });

  const client = (attempts = 3, maxDelayMs = 5_000) =>
    createDunningClient({ baseUrl, apiKey: 'k', retry: { attempts, maxDelayMs } });
  const start = (attempts?: number, maxDelayMs?: number) =>
    client(attempts, maxDelayMs).POST('/v1/journeys/{installmentId}/payments', {
      params: { path: { installmentId: 'inst-1' } },
      body: { paymentId: 'pay-1', amountMinor: 100, currency: 'BRL' },
    });

  it('waits as Retry-After says after a 503, then succeeds, with the same Idempotency-Key', async () => {
    script = [unavailable('1'), { status: 202, body: journey }];
    const { data } = await start();
    expect(data).toEqual(journey);
    expect(received).toHaveLength(2);
    expect(received[1]!.key).toBe(received[0]!.key);
    expect(received[1]!.key).toBeTruthy();
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries a 409 "key in use" (the first request still running), and no other 409', async () => {
    const inUse: Scripted = {
      status: 409,
      headers: { 'retry-after': '0', 'content-type': 'application/problem+json' },
      body: { ...problemOf(409, 'in progress'), type: 'https://dunning.dev/problems/idempotency-key-in-use' },
    };
    script = [inUse, { status: 202, body: journey }];
    expect((await start()).data).toEqual(journey);
    expect(received).toHaveLength(2);
    expect(received[1]!.key).toBe(received[0]!.key);

    received = [];
    script = [{ status: 409, body: problemOf(409, 'The journey has already ended') }];
    await expect(start()).rejects.toMatchObject({ status: 409, title: 'The journey has already ended' });
    expect(received).toHaveLength(1);
  });

  it('retries a 429 too, and a GET', async () => {
    script = [
      { status: 429, headers: { 'retry-after': '0' }, body: problemOf(429, 'Rate limited') },
      { status: 200, body: journey },
    ];
    const { data } = await client().GET('/v1/journeys/{installmentId}', {
      params: { path: { installmentId: 'inst-1' } },
    });
    expect(data).toEqual(journey);
    expect(received.map((r) => [r.method, r.key])).toEqual([
      ['GET', undefined],
      ['GET', undefined],
    ]);
  });

  it('never retries a 400: the problem is thrown after one request', async () => {
    script = [
      {
        status: 400,
        headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req-7' },
        body: {
          ...problemOf(400, 'Invalid request'),
          errors: [{ in: 'body', path: 'amountMinor', message: 'too small' }],
        },
      },
      { status: 202, body: journey },
    ];
    const error = await start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect(error).toMatchObject({ status: 400, requestId: 'req-7', errors: [{ path: 'amountMinor' }] });
    expect(received).toHaveLength(1);
  });

  it('gives up after the bounded attempts and throws the last problem', async () => {
    script = [unavailable('0'), unavailable('0'), { ...unavailable('0'), body: problemOf(503, 'the last one') }];
    const error = await start(3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect(error).toMatchObject({ status: 503, title: 'the last one' });
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.key)).size).toBe(1);
  });

  it('makes a problem of an answer that is not one (a proxy’s page)', async () => {
    script = [{ status: 502, headers: { 'content-type': 'text/html' }, body: '<h1>Bad gateway</h1>' }];
    const error = await start().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, type: 'about:blank', detail: expect.stringContaining('Bad gateway') });
  });

  it('retries a network error for a keyed write, with the same key', async () => {
    const keys: (string | null)[] = [];
    let failures = 1;
    const flaky = createDunningClient({
      baseUrl,
      apiKey: 'k',
      retry: { maxDelayMs: 10 },
      fetch: async (request) => {
        keys.push(request.headers.get('idempotency-key'));
        if (failures-- > 0) throw new TypeError('fetch failed');
        return fetch(request);
      },
    });
    script = [{ status: 202, body: journey }];
    await flaky.POST('/v1/journeys/{installmentId}/payments', {
      params: { path: { installmentId: 'inst-1' } },
      body: { paymentId: 'pay-1', amountMinor: 100, currency: 'BRL' },
    });
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });
});

describe('the wait before a retry', () => {
  const options = { attempts: 3, maxDelayMs: 10_000 };
  const now = Date.parse('2026-12-02T10:00:00Z');

  it('is Retry-After’s seconds or date, capped', () => {
    expect(retryDelayMs('2', 1, options, now)).toBe(2_000);
    expect(retryDelayMs('Wed, 02 Dec 2026 10:00:05 GMT', 1, options, now)).toBe(5_000);
    expect(retryDelayMs('Wed, 02 Dec 2026 09:59:00 GMT', 1, options, now)).toBe(0);
    expect(retryDelayMs('3600', 1, options, now)).toBe(10_000);
  });

  it('backs off, doubling, without a readable Retry-After', () => {
    for (const header of [null, 'soon']) {
      expect(retryDelayMs(header, 1, options, now)).toBeLessThanOrEqual(250);
      expect(retryDelayMs(header, 3, options, now)).toBeGreaterThanOrEqual(500);
      expect(retryDelayMs(header, 3, options, now)).toBeLessThanOrEqual(1_000);
    }
  });
});
