/**
 * A tenant's webhook endpoints, their signing secrets and their delivery log (db/schema.ts). Every
 * read and write names the tenant: another tenant's endpoint is not found. Deleting an endpoint
 * takes its secrets, deliveries and tries with it (the foreign keys cascade); the events stay.
 */
import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { ensureTenant } from './access-repository';
import type { Database } from './client';
import { type TimeCursor, olderThan } from './time-cursor';
import { listDeliveryTries } from './webhook-delivery-repository';
import {
  webhookDeliveries,
  type webhookDeliveryAttempts,
  webhookEndpoints,
  webhookEvents,
  webhookSecrets,
} from './schema';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookSecretRow = typeof webhookSecrets.$inferSelect;
export type WebhookDeliveryAttemptRow = typeof webhookDeliveryAttempts.$inferSelect;
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface NewWebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  enabled: boolean;
  secret: { id: string; secret: string };
  at: Date;
}

/** The endpoint and its first secret, together. */
export async function insertWebhookEndpoint(db: Database, input: NewWebhookEndpoint): Promise<WebhookEndpointRow> {
  await ensureTenant(db, input.tenantId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        id: input.id,
        tenantId: input.tenantId,
        url: input.url,
        description: input.description,
        eventTypes: input.eventTypes,
        enabled: input.enabled,
        // From the caller's clock (milliseconds), so a page cursor names a row's time exactly.
        createdAt: input.at,
        updatedAt: input.at,
      })
      .returning();
    await tx.insert(webhookSecrets).values({ ...input.secret, endpointId: input.id, createdAt: input.at });
    return row!;
  });
}

export async function findWebhookEndpoint(
  db: Database,
  tenantId: string,
  endpointId: string,
): Promise<WebhookEndpointRow | null> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, endpointId)))
    .limit(1);
  return row ?? null;
}

/** A page of a tenant's endpoints, the newest first. */
export function listWebhookEndpoints(
  db: Database,
  tenantId: string,
  page: { limit: number; after?: TimeCursor | undefined },
): Promise<WebhookEndpointRow[]> {
  const conditions = [eq(webhookEndpoints.tenantId, tenantId)];
  if (page.after) conditions.push(olderThan(webhookEndpoints.createdAt, webhookEndpoints.id, page.after));
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(...conditions))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
    .limit(page.limit);
}

export type WebhookEndpointChanges = Partial<
  Pick<WebhookEndpointRow, 'url' | 'description' | 'eventTypes' | 'enabled'>
>;

export async function updateWebhookEndpoint(
  db: Database,
  tenantId: string,
  endpointId: string,
  changes: WebhookEndpointChanges,
  at: Date,
): Promise<WebhookEndpointRow | null> {
  const [row] = await db
    .update(webhookEndpoints)
    .set({ ...changes, updatedAt: at })
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, endpointId)))
    .returning();
  return row ?? null;
}

/** Whether there was such an endpoint. */
export async function deleteWebhookEndpoint(db: Database, tenantId: string, endpointId: string): Promise<boolean> {
  const deleted = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, endpointId)))
    .returning({ id: webhookEndpoints.id });
  return deleted.length > 0;
}

/**
 * Makes `secret` the endpoint's current secret. The one it replaces stays valid until
 * `previousValidUntil`; an older one still in its grace period ends then at the latest (a
 * rotation after a leak should not leave an even older secret valid longer).
 */
export async function rotateWebhookSecret(
  db: Database,
  endpointId: string,
  input: { secret: { id: string; secret: string }; at: Date; previousValidUntil: Date },
): Promise<void> {
  const until = input.previousValidUntil.toISOString();
  await db.transaction(async (tx) => {
    // One rotation of an endpoint at a time: a second one waiting here then sees the first's new
    // secret and gives it its grace period, rather than leaving two secrets with no expiry.
    await tx
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpointId))
      .for('update');
    await tx
      .update(webhookSecrets)
      .set({
        expiresAt: sql`least(coalesce(${webhookSecrets.expiresAt}, ${until}::timestamptz), ${until}::timestamptz)`,
      })
      .where(
        and(
          eq(webhookSecrets.endpointId, endpointId),
          or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, input.at)),
        ),
      );
    await tx.insert(webhookSecrets).values({ ...input.secret, endpointId, createdAt: input.at });
  });
}

const deliveryColumns = {
  id: webhookDeliveries.id,
  seq: webhookDeliveries.seq,
  endpointId: webhookDeliveries.endpointId,
  eventId: webhookDeliveries.eventId,
  eventType: webhookEvents.type,
  journeyId: webhookDeliveries.journeyId,
  installmentId: webhookEvents.installmentId,
  occurredAt: webhookEvents.occurredAt,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  lastAttemptAt: webhookDeliveries.lastAttemptAt,
  lastStatusCode: webhookDeliveries.lastStatusCode,
  lastError: webhookDeliveries.lastError,
  deliveredAt: webhookDeliveries.deliveredAt,
  createdAt: webhookDeliveries.createdAt,
};

/** A delivery as the log shows it: with its event's type, journey and time. */
export interface WebhookDeliveryRow {
  id: string;
  seq: number;
  endpointId: string;
  eventId: string;
  eventType: string;
  journeyId: string;
  installmentId: string;
  occurredAt: Date;
  status: string;
  attempts: number;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface WebhookDeliveryFilter {
  status?: WebhookDeliveryStatus | undefined;
  eventType?: string | undefined;
}

/** A page of an endpoint's deliveries, the newest first (by the order they were queued in). */
export function listWebhookDeliveries(
  db: Database,
  tenantId: string,
  endpointId: string,
  filter: WebhookDeliveryFilter,
  page: { limit: number; beforeSeq?: number | undefined },
): Promise<WebhookDeliveryRow[]> {
  const conditions = [eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.endpointId, endpointId)];
  if (filter.status) conditions.push(eq(webhookDeliveries.status, filter.status));
  if (filter.eventType) conditions.push(eq(webhookEvents.type, filter.eventType));
  if (page.beforeSeq !== undefined) conditions.push(lt(webhookDeliveries.seq, page.beforeSeq));
  return db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(page.limit);
}

export async function findWebhookDelivery(
  db: Database,
  tenantId: string,
  endpointId: string,
  deliveryId: string,
): Promise<{ delivery: WebhookDeliveryRow; attempts: WebhookDeliveryAttemptRow[] } | null> {
  const [delivery] = await db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.id, deliveryId),
      ),
    )
    .limit(1);
  if (!delivery) return null;
  return { delivery, attempts: await listDeliveryTries(db, deliveryId) };
}

/** The journeys with deliveries still pending for the endpoint: its queues to wake. */
export async function pendingJourneysOfEndpoint(
  db: Database,
  tenantId: string,
  endpointId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectDistinct({ journeyId: webhookDeliveries.journeyId })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.status, 'pending'),
      ),
    )
    .limit(limit);
  return rows.map((r) => r.journeyId);
}

/**
 * Puts a delivery back in its queue (`pending`), whatever its status; its tries so far stay on
 * record. Its event and journey (to wake its queue), or null when there is no such delivery.
 */
export async function requeueWebhookDelivery(
  db: Database,
  tenantId: string,
  endpointId: string,
  deliveryId: string,
): Promise<{ journeyId: string; eventId: string } | null> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: 'pending' })
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.id, deliveryId),
      ),
    )
    .returning({ journeyId: webhookDeliveries.journeyId, eventId: webhookDeliveries.eventId });
  return row ?? null;
}
