/**
 * Outbound webhooks on record: the events published, one delivery per subscribed endpoint, and
 * every HTTP try of a delivery. Writes are keyed (an event by its source, a delivery by endpoint
 * and event, a try by its number), so a retried publish or activity changes nothing twice.
 */
import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { WebhookQueueRef } from '../domain/webhook-events';
import { type RecordedBatch, type StageAnnouncement, recordedEventSourceKey } from '../domain/webhook-payloads';
import type { Database } from './client';
import {
  journeys,
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  webhookEvents,
  webhookSecrets,
} from './schema';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
type Executor = Database | Transaction;

export type WebhookEventRow = typeof webhookEvents.$inferInsert & { id: string };
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/** Records events not yet on record (by tenant and source key); an event already there keeps its first form. */
export async function insertWebhookEvents(tx: Executor, rows: readonly WebhookEventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(webhookEvents)
    .values([...rows])
    .onConflictDoNothing();
}

/**
 * Whether a batch recorded outside the workflow was published: its last event's webhook event is
 * on record (publishing writes a batch's events in one transaction, whatever endpoints they go to).
 */
export async function batchPublished(db: Executor, { ref, events }: RecordedBatch): Promise<boolean> {
  const last = events.at(-1);
  if (!last) return true;
  const [row] = await db
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.tenantId, ref.tenantId),
        eq(webhookEvents.sourceKey, recordedEventSourceKey(ref.journeyId, last.seq)),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** The enabled endpoints of these tenants, with the event types each subscribes to. */
export async function enabledEndpoints(tx: Executor, tenantIds: readonly string[]) {
  if (tenantIds.length === 0) return [];
  return tx
    .select({ id: webhookEndpoints.id, tenantId: webhookEndpoints.tenantId, eventTypes: webhookEndpoints.eventTypes })
    .from(webhookEndpoints)
    .where(and(inArray(webhookEndpoints.tenantId, [...tenantIds]), eq(webhookEndpoints.enabled, true)))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

/** Whether any of these tenants has an enabled endpoint at all (most have none: publishing is then free). */
export async function anyEnabledEndpoint(db: Executor, tenantIds: readonly string[]): Promise<boolean> {
  if (tenantIds.length === 0) return false;
  const [row] = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(inArray(webhookEndpoints.tenantId, [...tenantIds]), eq(webhookEndpoints.enabled, true)))
    .limit(1);
  return row !== undefined;
}

/** Whether an enabled endpoint of the tenant subscribes to this event type. */
export async function hasSubscribedEndpoint(db: Executor, tenantId: string, type: string): Promise<boolean> {
  const [row] = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.tenantId, tenantId),
        eq(webhookEndpoints.enabled, true),
        sql`${webhookEndpoints.eventTypes} @> jsonb_build_array(${type}::text)`,
      ),
    )
    .limit(1);
  return row !== undefined;
}

export interface NewDelivery {
  id: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  journeyId: string;
}

/**
 * Queues deliveries in the given order (their `seq` follows it: the order a journey's events reach
 * an endpoint); a delivery already queued for the endpoint and event is left as it is.
 */
export async function insertDeliveries(tx: Executor, rows: readonly NewDelivery[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(webhookDeliveries)
    .values([...rows])
    .onConflictDoNothing();
}

/**
 * Holds these journeys' delivery queues until the transaction ends. A delivery's `seq` is taken
 * at insert, not at commit: without the lock, two publishers of one journey (a provider's
 * callback and the worker's record) could commit a higher seq first, and its queue would send it
 * before the lower one appeared. Taken in sorted order, so two publishers never wait on each other.
 */
export async function lockJourneyQueues(tx: Transaction, journeyIds: readonly string[]): Promise<void> {
  for (const journeyId of [...new Set(journeyIds)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${journeyId}, 0))`);
  }
}

/** The queues (endpoint and journey) of these events' deliveries still waiting to be sent. */
export async function pendingQueuesOf(db: Executor, eventIds: readonly string[]): Promise<WebhookQueueRef[]> {
  if (eventIds.length === 0) return [];
  return db
    .selectDistinct({ endpointId: webhookDeliveries.endpointId, journeyId: webhookDeliveries.journeyId })
    .from(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.eventId, [...eventIds]), eq(webhookDeliveries.status, 'pending')));
}

/**
 * Takes the journey's stage as announced when `next` is the newest record of it (an older activity
 * attempt committing late must not announce an old stage). Returns the stage announced before, or
 * undefined when nothing changes.
 */
export async function takePublishedStage(tx: Transaction, next: StageAnnouncement): Promise<string | null | undefined> {
  const [row] = await tx
    .select({ publishedStage: journeys.publishedStage, lastSeq: journeys.lastSeq })
    .from(journeys)
    .where(eq(journeys.id, next.ref.journeyId))
    .for('update');
  if (!row || next.seq < row.lastSeq || row.publishedStage === next.stage) return undefined;
  await tx.update(journeys).set({ publishedStage: next.stage }).where(eq(journeys.id, next.ref.journeyId));
  return row.publishedStage;
}

/**
 * The queues (endpoint and journey) with a delivery pending since before `before` on an enabled
 * endpoint, the longest waiting first, at most `limit`: those whose wake-up may have been lost.
 */
export async function strandedQueues(db: Executor, before: Date, limit: number): Promise<WebhookQueueRef[]> {
  const oldest = sql`min(${webhookDeliveries.createdAt})`;
  return db
    .select({ endpointId: webhookDeliveries.endpointId, journeyId: webhookDeliveries.journeyId })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(
        eq(webhookDeliveries.status, 'pending'),
        lt(webhookDeliveries.createdAt, before),
        eq(webhookEndpoints.enabled, true),
      ),
    )
    .groupBy(webhookDeliveries.endpointId, webhookDeliveries.journeyId)
    .orderBy(asc(oldest), asc(webhookDeliveries.endpointId), asc(webhookDeliveries.journeyId))
    .limit(limit);
}

/** The ids of one queue's pending deliveries, oldest first. */
export async function pendingDeliveryIds(db: Executor, queue: WebhookQueueRef, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, queue.endpointId),
        eq(webhookDeliveries.journeyId, queue.journeyId),
        eq(webhookDeliveries.status, 'pending'),
      ),
    )
    .orderBy(asc(webhookDeliveries.seq))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** A delivery with what sending it needs: its event, its endpoint and the secrets valid at `at`. */
export async function deliveryToSend(db: Executor, deliveryId: string, at: Date) {
  const [row] = await db
    .select({ delivery: webhookDeliveries, event: webhookEvents, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId))
    .limit(1);
  if (!row) return null;
  const secrets = await db
    .select({ secret: webhookSecrets.secret })
    .from(webhookSecrets)
    .where(
      and(
        eq(webhookSecrets.endpointId, row.endpoint.id),
        or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, at)),
      ),
    )
    .orderBy(asc(webhookSecrets.createdAt));
  return { ...row, secrets: secrets.map((s) => s.secret) };
}

export interface DeliveryTry {
  deliveryId: string;
  at: Date;
  statusCode: number | null;
  /** Why there was no answer (an error's class or code), or the answer's status line; never the body. */
  error: string | null;
  durationMs: number;
  delivered: boolean;
}

/** Logs one try under the next number and moves the delivery on (to `delivered` only from `pending`). */
export async function recordDeliveryTry(db: Database, tried: DeliveryTry): Promise<void> {
  await db.transaction(async (tx) => {
    const [counted] = await tx
      .update(webhookDeliveries)
      .set({
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        lastAttemptAt: tried.at,
        lastStatusCode: tried.statusCode,
        lastError: tried.error,
      })
      .where(eq(webhookDeliveries.id, tried.deliveryId))
      .returning({ attempts: webhookDeliveries.attempts });
    if (!counted) return;
    await tx.insert(webhookDeliveryAttempts).values({
      deliveryId: tried.deliveryId,
      attempt: counted.attempts,
      at: tried.at,
      statusCode: tried.statusCode,
      error: tried.error,
      durationMs: tried.durationMs,
    });
    if (tried.delivered) {
      await tx
        .update(webhookDeliveries)
        .set({ status: 'delivered', deliveredAt: tried.at })
        .where(and(eq(webhookDeliveries.id, tried.deliveryId), eq(webhookDeliveries.status, 'pending')));
    }
  });
}

/** The retries ran out: `failed` until someone redelivers it (a delivered one stays delivered). */
export async function markDeliveryFailed(db: Executor, deliveryId: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: 'failed' })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'pending')));
}

/** A delivery's tries, first first (the delivery log). */
export async function listDeliveryTries(db: Executor, deliveryId: string) {
  return db
    .select()
    .from(webhookDeliveryAttempts)
    .where(eq(webhookDeliveryAttempts.deliveryId, deliveryId))
    .orderBy(asc(webhookDeliveryAttempts.attempt));
}

/** An endpoint's deliveries in queue order, with their events' IDs and types. */
export async function listEndpointDeliveries(db: Executor, endpointId: string) {
  return db
    .select({ delivery: webhookDeliveries, type: webhookEvents.type, sourceKey: webhookEvents.sourceKey })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(asc(webhookDeliveries.seq));
}

/** A journey's IDs (what every webhook event names), or null when it is not on record. */
export async function findJourneyRef(db: Executor, journeyId: string) {
  const [row] = await db
    .select({ tenantId: journeys.tenantId, journeyId: journeys.id, installmentId: journeys.installmentId })
    .from(journeys)
    .where(eq(journeys.id, journeyId))
    .limit(1);
  return row ?? null;
}
