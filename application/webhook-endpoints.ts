/**
 * A tenant's webhook endpoints as use cases (the API's `/v1/webhook-endpoints`): register one
 * (its URL checked against where webhooks may go, its first secret shown once), change or remove
 * it, rotate its secret with a grace period, read its delivery log, and send a delivery again.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/client';
import type { TimeCursor } from '../db/time-cursor';
import {
  type WebhookDeliveryFilter,
  type WebhookEndpointChanges,
  type WebhookEndpointRow,
  deleteWebhookEndpoint,
  findWebhookEndpoint,
  findWebhookDelivery,
  insertWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  pendingJourneysOfEndpoint,
  requeueWebhookDelivery,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from '../db/webhook-endpoint-repository';
import type { WebhookEventType, WebhookWaker } from '../domain/webhook-events';
import { GATEWAY_CONCURRENCY, mapLimit } from './concurrency';
import { encodeTimeCursor, pageOf } from './conversations';
import { newId } from './ids';
import { type WebhookTargetSettings, webhookUrlRefusal } from './webhook-url-check';

export interface WebhookEndpointDeps {
  db: Database;
  now: () => number;
  targets: WebhookTargetSettings;
  /** Wakes a delivery queue after a redelivery; none = redelivery is not served here. */
  waker?: WebhookWaker | undefined;
}

/** The grace period of a rotated secret: a day unless asked otherwise, a week at most. */
export const DEFAULT_GRACE_HOURS = 24;
export const MAX_GRACE_HOURS = 168;

const HOUR_MS = 3_600_000;

/** `whsec_` and 32 random bytes in base64 (Standard Webhooks): the HMAC key is the decoded bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function newSecretRow() {
  return { id: newId('whs'), secret: newWebhookSecret() };
}

export type UrlRefused = { kind: 'url_refused'; message: string };

export interface EndpointInput {
  url: string;
  eventTypes: WebhookEventType[];
  description?: string | undefined;
  enabled?: boolean | undefined;
}

export async function createWebhookEndpoint(
  deps: WebhookEndpointDeps,
  tenantId: string,
  input: EndpointInput,
): Promise<UrlRefused | { kind: 'created'; endpoint: WebhookEndpointRow; secret: string }> {
  const refusal = await webhookUrlRefusal(input.url, deps.targets);
  if (refusal) return { kind: 'url_refused', message: refusal };
  const secret = newSecretRow();
  const endpoint = await insertWebhookEndpoint(deps.db, {
    id: newId('we'),
    tenantId,
    url: input.url,
    description: input.description ?? null,
    eventTypes: input.eventTypes,
    enabled: input.enabled ?? true,
    secret,
    at: new Date(deps.now()),
  });
  return { kind: 'created', endpoint, secret: secret.secret };
}

export async function changeWebhookEndpoint(
  deps: WebhookEndpointDeps,
  tenantId: string,
  endpointId: string,
  changes: WebhookEndpointChanges,
): Promise<UrlRefused | { kind: 'not_found' } | { kind: 'updated'; endpoint: WebhookEndpointRow }> {
  if (!(await findWebhookEndpoint(deps.db, tenantId, endpointId))) return { kind: 'not_found' };
  if (changes.url !== undefined) {
    const refusal = await webhookUrlRefusal(changes.url, deps.targets);
    if (refusal) return { kind: 'url_refused', message: refusal };
  }
  const endpoint = await updateWebhookEndpoint(deps.db, tenantId, endpointId, changes, new Date(deps.now()));
  if (!endpoint) return { kind: 'not_found' };
  if (changes.enabled === true) await wakePendingQueues(deps, tenantId, endpointId);
  return { kind: 'updated', endpoint };
}

/**
 * The queues an endpoint enabled again wakes within the PATCH, a few at a time: an endpoint off
 * for a while may have thousands, and waking them all would time the request out half done.
 */
export const WAKE_IN_REQUEST = 100;

/**
 * A disabled endpoint's deliveries wait in their queues, unsent; enabled again, up to
 * WAKE_IN_REQUEST of its queues are woken so they go out now rather than with the journey's next
 * event. The rest are woken by the reconcile schedule's sweep of pending deliveries (or by their
 * journey's next event). Without a waker (a deployment without delivery) they wait for those.
 */
async function wakePendingQueues(deps: WebhookEndpointDeps, tenantId: string, endpointId: string) {
  const waker = deps.waker;
  if (!waker) return;
  const journeyIds = await pendingJourneysOfEndpoint(deps.db, tenantId, endpointId, WAKE_IN_REQUEST);
  await mapLimit(journeyIds, GATEWAY_CONCURRENCY, (journeyId) => waker.wake([{ endpointId, journeyId }]));
}

export function webhookEndpoint(db: Database, tenantId: string, endpointId: string) {
  return findWebhookEndpoint(db, tenantId, endpointId);
}

export function removeWebhookEndpoint(deps: WebhookEndpointDeps, tenantId: string, endpointId: string) {
  return deleteWebhookEndpoint(deps.db, tenantId, endpointId);
}

/** A new current secret (shown once); the one before it still signs until `previousValidUntil`. */
export async function rotateWebhookEndpointSecret(
  deps: WebhookEndpointDeps,
  tenantId: string,
  endpointId: string,
  graceHours: number = DEFAULT_GRACE_HOURS,
): Promise<{ kind: 'not_found' } | { kind: 'rotated'; secret: string; previousValidUntil: Date }> {
  if (!(await findWebhookEndpoint(deps.db, tenantId, endpointId))) return { kind: 'not_found' };
  const at = new Date(deps.now());
  const previousValidUntil = new Date(at.getTime() + graceHours * HOUR_MS);
  const secret = newSecretRow();
  await rotateWebhookSecret(deps.db, endpointId, { secret, at, previousValidUntil });
  return { kind: 'rotated', secret: secret.secret, previousValidUntil };
}

export function webhookEndpointPage(
  db: Database,
  tenantId: string,
  query: { limit: number; after?: TimeCursor | undefined },
) {
  return pageOf(
    (limit) => listWebhookEndpoints(db, tenantId, { limit, after: query.after }),
    query.limit,
    (row) => encodeTimeCursor({ at: row.createdAt, id: row.id }),
  );
}

/** The delivery log's cursor: the queue position of the last delivery shown. */
export function encodeSeqCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ s: seq })).toString('base64url');
}

/** The position, or null when the cursor is not one of ours (the route answers 400 naming `cursor`). */
export function decodeSeqCursor(raw: string): number | null {
  try {
    const { s } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { s?: unknown };
    return Number.isSafeInteger(s) && (s as number) > 0 ? (s as number) : null;
  } catch {
    return null;
  }
}

/** A page of an endpoint's deliveries, the newest first; null when the tenant has no such endpoint. */
export async function webhookDeliveryPage(
  db: Database,
  tenantId: string,
  endpointId: string,
  query: WebhookDeliveryFilter & { limit: number; beforeSeq?: number | undefined },
) {
  if (!(await findWebhookEndpoint(db, tenantId, endpointId))) return null;
  const { limit, beforeSeq, ...filter } = query;
  return pageOf(
    (rows) => listWebhookDeliveries(db, tenantId, endpointId, filter, { limit: rows, beforeSeq }),
    limit,
    (row) => encodeSeqCursor(row.seq),
  );
}

export function webhookDelivery(db: Database, tenantId: string, endpointId: string, deliveryId: string) {
  return findWebhookDelivery(db, tenantId, endpointId, deliveryId);
}

/**
 * Sends a delivery again: back to `pending` in its queue, which is woken. The receiver gets the
 * same event ID (and deduplicates by it); asking twice is the same as asking once.
 */
export async function redeliverWebhook(
  deps: WebhookEndpointDeps,
  tenantId: string,
  endpointId: string,
  deliveryId: string,
): Promise<{ kind: 'not_found' } | { kind: 'unavailable' } | { kind: 'requeued'; eventId: string }> {
  if (!deps.waker) return { kind: 'unavailable' };
  const requeued = await requeueWebhookDelivery(deps.db, tenantId, endpointId, deliveryId);
  if (!requeued) return { kind: 'not_found' };
  await deps.waker.wake([{ endpointId, journeyId: requeued.journeyId }]);
  return { kind: 'requeued', eventId: requeued.eventId };
}
