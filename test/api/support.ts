import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type App, type AppDeps } from '../../api/app';
import { databaseKeyStore } from '../../application/key-stores';
import { envKeyStore, firstOf } from '../../application/key-stores';
import { databasePolicies } from '../../application/policy-catalog';
import { startJourneyExample } from '../../api/schemas/journeys';
import type { Database } from '../../db/client';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';
import { testLogger } from '../support/test-log';

export const TENANT_A_KEY = 'key-tenant-a-secret';
export const TENANT_B_KEY = 'key-tenant-b-secret';

export interface ApiHarness {
  app: App;
  gateway: InMemoryJourneyGateway;
  /** `app.inject` with tenant A's key unless the options say otherwise. */
  call(options: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
}

export interface StartApiOptions {
  /** Sees every route as it registers (the authorization matrix collects them). */
  onRoute?: AppDeps['onRoute'];
  /** Failed authentications per address per minute; tests that send many bad keys on purpose get room. */
  failedAuthPerMinute?: number;
  /** Provider webhooks and buyer links (link keys, public URL); none by default. */
  webhooks?: AppDeps['webhooks'];
  /** The conversations' gateway (a double); none by default (agent replies answer 503). */
  conversations?: AppDeps['conversations'];
  /** Where the API publishes to the tenants' webhooks; none by default. */
  webhookPublisher?: AppDeps['webhookPublisher'];
}

export async function startApi(
  db: Database,
  now: () => number = () => Date.now(),
  options: StartApiOptions = {},
): Promise<ApiHarness> {
  const gateway = new InMemoryJourneyGateway(db, now);
  const app = await buildApp({
    ...(options.onRoute && { onRoute: options.onRoute }),
    ...(options.webhooks && { webhooks: options.webhooks }),
    ...(options.conversations && { conversations: options.conversations }),
    ...(options.webhookPublisher && { webhookPublisher: options.webhookPublisher }),
    now,
    failedAuthPerMinute: options.failedAuthPerMinute ?? 1_000_000,
    logger: testLogger(),
    db,
    gateway,
    policies: databasePolicies(db),
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
  return {
    ...startJourneyExample,
    installmentId,
    paymentUrl: `https://pay.example.com/i/${installmentId}`,
    ...overrides,
  };
}

export interface CollaboratorKey {
  collaboratorId: string;
  keyId: string;
  secret: string;
}

/**
 * Through the API, as the owner of `ownerKey`'s tenant (tenant A by default): a collaborator with
 * the given profile, and a key for it.
 */
export async function createCollaboratorKey(
  api: ApiHarness,
  profileId: string,
  ownerKey: string = TENANT_A_KEY,
): Promise<CollaboratorKey> {
  const collaborator = await api.call({
    method: 'POST',
    url: '/v1/collaborators',
    key: ownerKey,
    payload: { name: `collaborator ${profileId}`, profileId },
  });
  if (collaborator.statusCode !== 201)
    throw new Error(`creating a ${profileId} collaborator: ${collaborator.statusCode} ${collaborator.body}`);
  const collaboratorId = (collaborator.json() as { id: string }).id;
  const key = await api.call({
    method: 'POST',
    url: '/v1/keys',
    key: ownerKey,
    payload: { name: `key of ${collaboratorId}`, collaboratorId },
  });
  if (key.statusCode !== 201) throw new Error(`creating a key for ${collaboratorId}: ${key.statusCode} ${key.body}`);
  const { id: keyId, secret } = key.json() as { id: string; secret: string };
  return { collaboratorId, keyId, secret };
}
