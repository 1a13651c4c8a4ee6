/**
 * The database unreachable (nothing listens where DATABASE_URL points, as during a restart or a
 * failover): every call that needs it answers 503 with Retry-After — a clear "try again", never a
 * 500 a payment system would take as final — and the API recovers by itself once it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../api/app';
import { databaseKeyStore, envKeyStore, firstOf } from '../../application/key-stores';
import { databasePolicies } from '../../application/policy-catalog';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { freePort } from '../../scripts/temporal-dev-server';
import { uniqueId } from '../support/fixtures';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';
import { TENANT_A_KEY, startBody } from './support';

describe('the database unreachable', () => {
  let app: App;
  let down: DatabaseHandle;
  beforeAll(async () => {
    down = openDatabase({ url: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`, maxConnections: 2 });
    app = await buildApp({
      db: down.db,
      gateway: new InMemoryJourneyGateway(down.db),
      policies: databasePolicies(down.db),
      keys: firstOf(envKeyStore(`tenant-a:${TENANT_A_KEY}`), databaseKeyStore(down.db)),
      failedAuthPerMinute: 1_000,
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await down?.close();
  });

  it('answers 503 with Retry-After on every route that needs it', async () => {
    const id = uniqueId('inst');
    const auth = { authorization: `Bearer ${TENANT_A_KEY}` };
    const calls = [
      { method: 'POST' as const, url: '/v1/journeys', payload: startBody(id), headers: auth },
      { method: 'GET' as const, url: '/v1/journeys?limit=5', headers: auth },
      { method: 'GET' as const, url: `/v1/journeys/${id}`, headers: auth },
      { method: 'GET' as const, url: '/v1/policies', headers: auth },
      // An unknown key is looked up in the database, which is down: not a 401 (it might be valid).
      { method: 'GET' as const, url: '/v1/journeys', headers: { authorization: 'Bearer dk_live_unknown' } },
    ];
    for (const call of calls) {
      const response = await app.inject(call);
      expect(response.statusCode, `${call.method} ${call.url}: ${response.body}`).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      expect(response.json()).toMatchObject({ status: 503, type: expect.stringContaining('service-unavailable') });
    }
  });
});
