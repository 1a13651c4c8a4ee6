/**
 * Shared by the webhook and unsubscribe tests: an app with webhook settings, journeys seeded
 * through the API for a given address, attempts written as the deliver activity would, and a
 * fingerprint of everything a refused request must leave alone.
 */
import { asc } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildApp, type App } from '../../api/app';
import type { JourneyWebhookPublisher } from '../../domain/webhook-payloads';
import { createWebhookPublisher } from '../../application/webhook-publisher';
import { recordJourney } from '../../db/journey-repository';
import { listEndpointDeliveries } from '../../db/webhook-delivery-repository';
import { simulateJourney } from '../db/journey-sim';
import { newWebhookSecret, registerEndpoint } from '../support/webhook-receiver';
import type { JourneyRef } from '../../application/journey-gateway';
import { databaseKeyStore } from '../../application/key-stores';
import { envKeyStore, firstOf } from '../../application/key-stores';
import { databasePolicies } from '../../application/policy-catalog';
import type { WebhookSettings } from '../../api/routes/webhooks/index';
import type { Database } from '../../db/client';
import { attempts, contactPoints, events, journeys } from '../../db/schema';
import type { Channel } from '../../domain/channels';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { testLogger } from '../support/test-log';
import { linkKeyRing } from '../../application/link-keys';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';
import type { ConversationGateway } from '../../application/conversation-gateway';
import { TENANT_A_KEY, TENANT_B_KEY, startBody } from './support';

export const PUBLIC_BASE_URL = 'https://api.example.com';
export const TWILIO_AUTH_TOKEN = 'twilio-auth-token-for-tests';
/** `whsec_` + base64 of 32 bytes, as Resend shows it. */
export const RESEND_WEBHOOK_SECRET = `whsec_${Buffer.from('resend-webhook-secret-32-bytes!!').toString('base64')}`;
export const LINK_SIGNING_SECRET = 'link-signing-secret-for-tests-0123456789';
export const LINK_KEYS = linkKeyRing(LINK_SIGNING_SECRET);

export const ALL_SETTINGS: WebhookSettings = {
  publicBaseUrl: PUBLIC_BASE_URL,
  twilioAuthToken: TWILIO_AUTH_TOKEN,
  resendWebhookSecret: RESEND_WEBHOOK_SECRET,
  linkKeys: LINK_KEYS,
};

export interface WebhookHarness {
  app: App;
  gateway: InMemoryJourneyGateway;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export async function startWebhookApi(
  db: Database,
  settings: WebhookSettings = ALL_SETTINGS,
  gateway = new InMemoryJourneyGateway(db),
  /** Buyers' conversations: without one, a message that is no keyword is not taken. */
  conversations?: ConversationGateway,
  /** Where providers' reports go out to the tenants' webhooks: none = not published. */
  webhookPublisher?: JourneyWebhookPublisher,
): Promise<WebhookHarness> {
  const app = await buildApp({
    db,
    gateway,
    ...(conversations && { conversations }),
    ...(webhookPublisher && { webhookPublisher }),
    policies: databasePolicies(db),
    keys: firstOf(envKeyStore(`tenant-a:${TENANT_A_KEY},tenant-b:${TENANT_B_KEY}`), databaseKeyStore(db)),
    webhooks: settings,
    failedAuthPerMinute: 1_000_000,
    logger: testLogger(),
  });
  await app.ready();
  return { app, gateway, inject: (options) => app.inject(options) };
}

let phoneCounter = 0;
/** A fresh E.164 number for this file (each test file has its own database). */
export function uniquePhone(): string {
  phoneCounter += 1;
  return `+1555${String(1_000_000 + phoneCounter * 7919 + Math.floor(Math.random() * 1000)).slice(-7)}`;
}

export interface SeededJourney extends JourneyRef {
  journeyId: string;
}

/** Starts a journey through the API in the given tenant, its buyer reachable at the given addresses. */
export async function seedJourney(
  harness: WebhookHarness,
  buyer: { id?: string; phone?: string; whatsapp?: string; email?: string; locale?: string },
  tenant: 'tenant-a' | 'tenant-b' = 'tenant-a',
): Promise<SeededJourney> {
  const installmentId = uniqueId('inst');
  const base = startBody(installmentId);
  const { phone: _p, email: _e, ...rest } = base.buyer;
  const response = await harness.inject({
    method: 'POST',
    url: '/v1/journeys',
    headers: { authorization: `Bearer ${tenant === 'tenant-a' ? TENANT_A_KEY : TENANT_B_KEY}` },
    payload: { ...base, buyer: { ...rest, id: uniqueId('buyer'), ...buyer } },
  });
  expect(response.statusCode, response.body).toBe(201);
  return { tenantId: tenant, installmentId, journeyId: (response.json() as { journeyId: string }).journeyId };
}

/** An attempt row as the deliver activity leaves it once the provider took the message. */
export async function insertAttempt(
  db: Database,
  values: {
    channel: Channel;
    recipient: string;
    status?: string;
    providerMessageId?: string | null;
    /** Whose attempt (default tenant-a / buyer-1, a journey of its own). */
    tenantId?: string;
    journeyId?: string;
    buyerId?: string;
    sentAt?: Date;
  },
): Promise<string> {
  const id = uniqueId('att');
  await db.insert(attempts).values({
    id,
    journeyId: values.journeyId ?? uniqueId('journey'),
    tenantId: values.tenantId ?? 'tenant-a',
    buyerId: values.buyerId ?? 'buyer-1',
    planRevision: 1,
    stepIndex: 0,
    channel: values.channel,
    requestedChannel: values.channel,
    template: 'pre_due',
    provider: values.channel === 'email' ? 'resend' : 'twilio',
    recipient: values.recipient,
    body: 'Reminder',
    status: values.status ?? 'sent',
    providerMessageId: values.providerMessageId ?? null,
    sentAt: values.sentAt ?? new Date(),
  });
  return id;
}

/** Everything a refused webhook must leave as it was: contact state, attempts, journeys, events and the gateway. */
export async function fingerprint(db: Database, gateway: InMemoryJourneyGateway): Promise<string> {
  const [points, attemptRows, journeyRows, eventRows] = await Promise.all([
    db.select().from(contactPoints).orderBy(asc(contactPoints.channel), asc(contactPoints.address)),
    db.select().from(attempts).orderBy(asc(attempts.id)),
    db.select().from(journeys).orderBy(asc(journeys.id)),
    db.select().from(events),
  ]);
  return JSON.stringify({
    points,
    attemptRows,
    journeyRows,
    events: eventRows.length,
    calls: gateway.calls.length,
    writes: gateway.writes,
  });
}

/** Each request is refused with its status, as problem+json, and leaves everything as it was. */
export async function expectRefusedWithoutChange(
  db: Database,
  api: WebhookHarness,
  cases: readonly [label: string, request: InjectOptions, status: number][],
): Promise<void> {
  for (const [label, request, status] of cases) {
    const before = await fingerprint(db, api.gateway);
    const response = await api.inject(request);
    expect(response.statusCode, label).toBe(status);
    expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
    expect(await fingerprint(db, api.gateway), label).toBe(before);
  }
}

/** The gateway's consent calls, as `method tenant/installment channel actor`. */
export function consentCalls(gateway: InMemoryJourneyGateway, refs: readonly JourneyRef[]): string[] {
  const wanted = new Set(refs.map((r) => `${r.tenantId}/${r.installmentId}`));
  return gateway.calls
    .filter(
      (c) => (c.method === 'optOut' || c.method === 'optIn') && wanted.has(`${c.ref.tenantId}/${c.ref.installmentId}`),
    )
    .map((c) => {
      const arg = c.argument as { channel: string; actor?: { kind: string; id: string } };
      return `${c.method} ${c.ref.tenantId}/${c.ref.installmentId} ${arg.channel} ${arg.actor?.kind}:${arg.actor?.id}`;
    })
    .sort();
}

/**
 * An API that publishes providers' reports to the tenants' webhooks, and a journey on record of a
 * tenant of its own whose endpoint hears of its reminders; `told()` lists what was queued for it.
 */
export async function withReminderWebhooks(db: Database, options: { publishFails?: boolean } = {}) {
  const tenantId = uniqueId('tenant');
  const endpointId = await registerEndpoint(db, {
    tenantId,
    url: 'https://hooks.example.com/in',
    eventTypes: ['reminder.delivered', 'reminder.failed'],
    secrets: [{ secret: newWebhookSecret() }],
  });
  const record = simulateJourney(makeInstallment({ tenantId }), Date.parse('2026-11-26T18:00:00Z')).flush();
  await recordJourney(db, record);
  const working = createWebhookPublisher({ db, waker: { wake: async () => {} } });
  // A database or network failure while publishing, after the callback's own writes.
  const publisher: JourneyWebhookPublisher = options.publishFails
    ? {
        ...working,
        publish: () => Promise.reject(new Error('publishing failed')),
      }
    : working;
  const harness = await startWebhookApi(db, ALL_SETTINGS, undefined, undefined, publisher);
  return {
    harness,
    tenantId,
    journeyId: record.journeyId,
    told: async () => (await listEndpointDeliveries(db, endpointId)).map((d) => [d.type, d.sourceKey]),
  };
}
