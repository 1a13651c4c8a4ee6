/**
 * Unauthenticated floods: an address that keeps failing to authenticate — guessing API keys,
 * forging Twilio or Resend signatures, forging unsubscribe tokens — is answered 429 with
 * Retry-After before any key lookup, while valid callers are never slowed by their own traffic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../api/app';
import { FailedAuthBudget } from '../../api/plugins/failed-auth-limit';
import { databaseKeyStore, envKeyStore, firstOf, type ApiKeyStore } from '../../application/key-stores';
import { databasePolicies } from '../../application/policy-catalog';
import { describeEachDatabase } from '../support/databases';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';
import { TENANT_A_KEY } from './support';
import { ALL_SETTINGS } from './webhooks-support';

const BUDGET = 5;

describe('the budget of failed authentications', () => {
  it('opens after the window, one address at a time', () => {
    let now = 1_000_000;
    const budget = new FailedAuthBudget(2, () => now);
    budget.recordFailure('10.0.0.1');
    expect(budget.retryAfterSeconds('10.0.0.1')).toBe(0);
    budget.recordFailure('10.0.0.1');
    expect(budget.retryAfterSeconds('10.0.0.1')).toBe(60);
    expect(budget.retryAfterSeconds('10.0.0.2')).toBe(0);
    now += 45_000;
    expect(budget.retryAfterSeconds('10.0.0.1')).toBe(15);
    now += 15_000;
    expect(budget.retryAfterSeconds('10.0.0.1')).toBe(0);
  });

  it('refuses a budget that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new FailedAuthBudget(bad)).toThrow(/AUTH_FAILURES/);
  });
});

describeEachDatabase('unauthenticated floods', (getDb) => {
  let app: App;
  let lookups = 0;
  beforeAll(async () => {
    const db = getDb();
    const keys = firstOf(envKeyStore(`tenant-a:${TENANT_A_KEY}`), databaseKeyStore(db));
    const counted: ApiKeyStore = {
      authenticate: async (secret) => {
        lookups += 1;
        return keys.authenticate(secret);
      },
    };
    app = await buildApp({
      db,
      gateway: new InMemoryJourneyGateway(db),
      policies: databasePolicies(db),
      keys: counted,
      webhooks: ALL_SETTINGS,
      failedAuthPerMinute: BUDGET,
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  const fromAddress = (remoteAddress: string, key: string | null, url = '/v1/journeys?limit=1') =>
    app.inject({
      method: 'GET',
      url,
      remoteAddress,
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
    });

  it('bad or missing keys: 401 up to the budget, then 429 with Retry-After and no key lookup', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET; i++)
      statuses.push((await fromAddress('198.51.100.1', i % 2 ? null : `guess-${i}`)).statusCode);
    expect(statuses).toEqual(Array(BUDGET).fill(401));
    const before = lookups;
    const limited = await fromAddress('198.51.100.1', 'guess-again');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(lookups).toBe(before);
    // Another address is not affected.
    expect((await fromAddress('198.51.100.2', 'guess')).statusCode).toBe(401);
  });

  it('valid keys never spend the budget', async () => {
    for (let i = 0; i < BUDGET * 3; i++) expect((await fromAddress('198.51.100.3', TENANT_A_KEY)).statusCode).toBe(200);
    expect((await fromAddress('198.51.100.3', 'guess')).statusCode).toBe(401);
  });

  it('forged webhooks and unsubscribe tokens share the address’s budget', async () => {
    const address = '198.51.100.4';
    const forged = [
      () =>
        app.inject({
          method: 'POST',
          url: '/webhooks/twilio/status',
          remoteAddress: address,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
          payload: 'MessageSid=SM1&MessageStatus=delivered',
        }),
      () =>
        app.inject({
          method: 'POST',
          url: '/webhooks/resend',
          remoteAddress: address,
          headers: {
            'content-type': 'application/json',
            'svix-id': 'msg_1',
            'svix-timestamp': '1',
            'svix-signature': 'v1,x',
          },
          payload: '{}',
        }),
      () => app.inject({ method: 'GET', url: '/unsubscribe/forged-token', remoteAddress: address }),
    ];
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET; i++) statuses.push((await forged[i % forged.length]!()).statusCode);
    expect(
      statuses.every((s) => s === 401 || s === 403),
      String(statuses),
    ).toBe(true);
    for (const send of forged) {
      const limited = await send();
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    // The same address's API calls wait too: it is one address that keeps failing.
    expect((await fromAddress(address, TENANT_A_KEY)).statusCode).toBe(429);
  });
});
