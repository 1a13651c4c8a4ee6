/**
 * Where the product's events go out from: each draft recorded once (its ID a hash of tenant and
 * source key, so publishing it again is the same event), one delivery queued for every enabled
 * endpoint of the tenant subscribed to its type, all in one transaction (holding the journey's
 * queues, so they are filled in the order publishers commit); then the queues'
 * delivery workflows are woken. Safe to repeat at any point: a retry finds the rows written and
 * wakes the queues again.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../db/client';
import {
  type NewDelivery,
  type WebhookEventRow,
  anyEnabledEndpoint,
  enabledEndpoints,
  hasSubscribedEndpoint,
  insertDeliveries,
  insertWebhookEvents,
  lockJourneyQueues,
  pendingQueuesOf,
  takePublishedStage,
} from '../db/webhook-delivery-repository';
import type { PublishedEvent, WebhookEventDraft, WebhookWaker } from '../domain/webhook-events';
import {
  type JourneyWebhookPublisher,
  type StageAnnouncement,
  journeyWebhooks,
  stageChangedDraft,
} from '../domain/webhook-payloads';

const hashOf = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 26);

/** The event's ID: the same for the same occurrence in the tenant, and no personal data in it. */
export const webhookEventId = (tenantId: string, sourceKey: string): string => `evt_${hashOf(tenantId, sourceKey)}`;

const deliveryId = (endpointId: string, eventId: string): string => `whd_${hashOf(endpointId, eventId)}`;

export interface WebhookPublisherDeps {
  db: Database;
  waker: WebhookWaker;
  /**
   * How long a tenant found without an enabled endpoint is believed to have none (default 5 s):
   * most tenants have none, and asking on every record would double the recording's round trips.
   * A tenant's first endpoint hears events from at most this long after it was added.
   */
  quietTenantTtlMs?: number;
  now?: () => number;
}

export function createWebhookPublisher({
  db,
  waker,
  quietTenantTtlMs = 5_000,
  now = Date.now,
}: WebhookPublisherDeps): JourneyWebhookPublisher {
  const quietUntil = new Map<string, number>();

  /**
   * Whether any of the tenants has an enabled endpoint. With `trustQuiet`, a tenant found without
   * one in the last `quietTenantTtlMs` is believed still without (the recording's hot path);
   * explicit publishes (in-app notifications, what the API learns) always ask.
   */
  async function anyoneListens(tenantIds: readonly string[], trustQuiet: boolean): Promise<boolean> {
    const at = now();
    if (trustQuiet && tenantIds.every((id) => (quietUntil.get(id) ?? 0) > at)) return false;
    if (await anyEnabledEndpoint(db, tenantIds)) {
      for (const id of tenantIds) quietUntil.delete(id);
      return true;
    }
    // Bounded: entries are dropped as they expire, so the map holds the tenants of the last few seconds.
    for (const [id, until] of quietUntil) if (until <= at) quietUntil.delete(id);
    for (const id of tenantIds) quietUntil.set(id, at + quietTenantTtlMs);
    return false;
  }

  async function record(drafts: readonly WebhookEventDraft[], stage: StageAnnouncement | null) {
    return db.transaction(async (tx) => {
      const all = [...drafts];
      // Before anything of the batch is written: the journeys' deliveries are queued in the order
      // their transactions commit.
      await lockJourneyQueues(tx, [...all.map((d) => d.journeyId), ...(stage ? [stage.ref.journeyId] : [])]);
      if (stage) {
        const published = await takePublishedStage(tx, stage);
        const changed = published === undefined ? null : stageChangedDraft(published, stage);
        // The close stays a journey's last word: a stage change of the same batch goes before it.
        const closing = all.findIndex((d) => d.type === 'journey.closed');
        if (changed) all.splice(closing === -1 ? all.length : closing, 0, changed);
      }
      const rows: WebhookEventRow[] = all.map((draft) => ({
        id: webhookEventId(draft.tenantId, draft.sourceKey),
        tenantId: draft.tenantId,
        sourceKey: draft.sourceKey,
        journeyId: draft.journeyId,
        installmentId: draft.installmentId,
        type: draft.type,
        occurredAt: new Date(draft.occurredAt),
        data: draft.data,
      }));
      await insertWebhookEvents(tx, rows);
      const endpoints = await enabledEndpoints(tx, [...new Set(rows.map((r) => r.tenantId))]);
      const published: PublishedEvent[] = [];
      const deliveries: NewDelivery[] = [];
      for (const row of rows) {
        const subscribed = endpoints.filter((e) => e.tenantId === row.tenantId && e.eventTypes.includes(row.type));
        for (const endpoint of subscribed) {
          deliveries.push({
            id: deliveryId(endpoint.id, row.id),
            tenantId: row.tenantId,
            endpointId: endpoint.id,
            eventId: row.id,
            journeyId: row.journeyId,
          });
        }
        published.push({ eventId: row.id, deliveries: subscribed.length });
      }
      await insertDeliveries(tx, deliveries);
      return published;
    });
  }

  async function publishJourney(
    drafts: readonly WebhookEventDraft[],
    stage: StageAnnouncement | null,
    trustQuiet: boolean,
  ) {
    if (drafts.length === 0 && !stage) return [];
    // Nobody listens: nothing to record or wake. A tenant's first endpoint hears what happens from
    // then on (within quietTenantTtlMs); a journey's stage is announced once it changes after the
    // first record it heard.
    const tenants = new Set([...drafts.map((d) => d.tenantId), ...(stage ? [stage.ref.tenantId] : [])]);
    if (!(await anyoneListens([...tenants], trustQuiet)))
      return drafts.map((d) => ({ eventId: webhookEventId(d.tenantId, d.sourceKey), deliveries: 0 }));
    const published = await record(drafts, stage);
    await waker.wake(
      await pendingQueuesOf(
        db,
        published.filter((p) => p.deliveries > 0).map((p) => p.eventId),
      ),
    );
    return published;
  }

  return {
    publish: (drafts) => publishJourney(drafts, null, false),
    publishRecorded: (batch) => {
      const { drafts, stage } = journeyWebhooks(batch);
      return publishJourney(drafts, stage, true);
    },
    hasSubscriber: (tenantId, type) => hasSubscribedEndpoint(db, tenantId, type),
  };
}
