import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../../api/app';
import { databaseKeyStore } from '../../api/key-stores';
import { envKeyStore, firstOf } from '../../api/plugins/auth';
import { builtInPolicies } from '../../api/policies';
import { startJourneyExample } from '../../api/schemas';
import type { Database } from '../../db/client';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';

export const TENANT_A_KEY = 'key-tenant-a-secret';
export const TENANT_B_KEY = 'key-tenant-b-secret';

export interface ApiHarness {
  app: App;
  gateway: InMemoryJourneyGateway;
  /** `app.inject` with tenant A's key unless the options say otherwise. */
  call(options: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
}

export async function startApi(db: Database, now: () => number = () => Date.now()): Promise<ApiHarness> {
  const gateway = new InMemoryJourneyGateway(db, now);
  const app = await buildApp({
    db,
    gateway,
    policies: builtInPolicies,
    keys: firstOf(envKeyStore(`tenant-a:${TENANT_A_KEY},tenant-b:${TENANT_B_KEY}`), databaseKeyStore(db)),
  });
  await app.ready();
  return {
    app,
    gateway,
    call: ({ key = TENANT_A_KEY, headers, ...options }) =>
      app.inject({ ...options, headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers } }),
  };
}

/** A valid start body (the installment without tenant), as a payment system would send it. */
export function startBody(installmentId: string, overrides: Record<string, unknown> = {}) {
  return { ...startJourneyExample, installmentId, paymentUrl: `https://pay.example.com/i/${installmentId}`, ...overrides };
}
