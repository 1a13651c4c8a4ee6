import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type App, type AppDeps } from '../../api/app';
import { databaseKeyStore } from '../../application/key-stores';
import { envKeyStore, firstOf } from '../../application/key-stores';
import { databasePolicies } from '../../application/policy-catalog';
import { startJourneyExample } from '../../api/schemas/journeys';
import type { Database } from '../../db/client';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';
import { testLogger } from '../support/test-log';
import type { WebhookQueueRef, WebhookWaker } from '../../domain/webhook-events';
import type { HostResolver, WebhookTargetSettings } from '../../application/webhook-url-check';

export const TENANT_A_KEY = 'key-tenant-a-secret';
export const TENANT_B_KEY = 'key-tenant-b-secret';

export interface ApiHarness {
  app: App;
  gateway: InMemoryJourneyGateway;
  /** The delivery queues the API woke (redeliveries). */
  waker: RecordingWebhookWaker;
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
  /** Latency per route and /metrics; none by default. */
  metrics?: AppDeps['metrics'];
  /** Request spans; none by default. */
  tracing?: AppDeps['tracing'];
  /** Where webhook endpoints may point; by default public targets only, every name resolving to a public address. */
  webhookTargets?: WebhookTargetSettings;
  /** Where the API publishes to the tenants' webhooks; none by default. */
  webhookPublisher?: AppDeps['webhookPublisher'];
  /** The Temporal UI the payment details link to; none by default. */
  temporalUi?: AppDeps['temporalUi'];
  /** Sends collaborators' invites (a recording double); none by default (inviting by email answers 503). */
  invitations?: AppDeps['invitations'];
  /** The seller app under /app (sessions, sign-in, pages); none by default. */
  sellerApp?: AppDeps['sellerApp'];
  /** Which proxies to believe (tests of https behind a proxy); none by default. */
  trustProxy?: AppDeps['trustProxy'];
  /** The rate limits and holidays simulations plan against; none by default. */
  simulation?: AppDeps['simulation'];
}

/** Our waker's interface, recording the queues instead of signalling Temporal. */
export class RecordingWebhookWaker implements WebhookWaker {
  readonly woken: WebhookQueueRef[] = [];
  /** How long a wake takes (as a signal to Temporal would), and the most wakes seen at once. */
  delayMs = 0;
  mostAtOnce = 0;
  private atOnce = 0;
  async wake(queues: readonly WebhookQueueRef[]): Promise<void> {
    this.atOnce += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.atOnce);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.atOnce -= 1;
    this.woken.push(...queues);
  }
}

/** A public address (example.com's): what every name resolves to unless `names` says otherwise. */
export const PUBLIC_ADDRESS = '93.184.215.14';

/** A DNS double: `names` maps a host to its addresses (an empty list: the name does not resolve). */
export function fakeResolver(names: Record<string, string[]> = {}): HostResolver {
  return async (host) => {
    const addresses = names[host] ?? [PUBLIC_ADDRESS];
    if (addresses.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses;
  };
}

export async function startApi(
  db: Database,
  now: () => number = () => Date.now(),
  options: StartApiOptions = {},
): Promise<ApiHarness> {
  const gateway = new InMemoryJourneyGateway(db, now);
  const waker = new RecordingWebhookWaker();
  const app = await buildApp({
    webhookEndpoints: {
      targets: options.webhookTargets ?? { allowPrivate: false, resolveHost: fakeResolver() },
      waker,
    },
    ...(options.onRoute && { onRoute: options.onRoute }),
    ...(options.webhooks && { webhooks: options.webhooks }),
    ...(options.conversations && { conversations: options.conversations }),
    ...(options.metrics && { metrics: options.metrics }),
    ...(options.tracing && { tracing: options.tracing }),
    ...(options.webhookPublisher && { webhookPublisher: options.webhookPublisher }),
    ...(options.temporalUi && { temporalUi: options.temporalUi }),
    ...(options.invitations && { invitations: options.invitations }),
    ...(options.sellerApp && { sellerApp: options.sellerApp }),
    ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
    ...(options.simulation && { simulation: options.simulation }),
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
    waker,
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
