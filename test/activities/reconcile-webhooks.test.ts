/**
 * Tier 3: the reconcile schedule's sweep of webhook queues, on PostgreSQL and PGlite. A publisher
 * commits its deliveries and then wakes their queue; when that wake fails, nothing else would
 * ever read them. The sweep wakes each queue holding a delivery pending for more than a few
 * minutes on an enabled endpoint, the longest waiting first, a bounded number per run.
 */
import type { Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { expect, it } from 'vitest';
import { STRANDED_AFTER_MS, STRANDED_QUEUES_PER_RUN, createReconcileEndedJourneys } from '../../activities/reconcile';
import type { Database } from '../../db/client';
import { createWebhookPublisher } from '../../application/webhook-publisher';
import { recordJourney } from '../../db/journey-repository';
import { webhookDeliveries, webhookEndpoints } from '../../db/schema';
import { listEndpointDeliveries } from '../../db/webhook-delivery-repository';
import type { JourneyWebhookPublisher } from '../../domain/webhook-payloads';
import { simulateJourney } from '../db/journey-sim';
import type { WebhookQueueRef } from '../../domain/webhook-events';
import { describeEachDatabase } from '../support/databases';
import { quietClient } from '../support/quiet-client';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { insertWebhookDelivery } from '../support/webhook-deliveries';
import { newWebhookSecret, registerEndpoint } from '../support/webhook-receiver';

async function endpoint(db: Database, tenantId: string) {
  return registerEndpoint(db, {
    tenantId,
    url: 'https://hooks.example.com/in',
    eventTypes: ['journey.closed'],
    secrets: [{ secret: newWebhookSecret() }],
  });
}

/** A delivery queued `ageMs` ago. */
async function delivery(db: Database, tenantId: string, endpointId: string, ageMs: number, status = 'pending') {
  const row = await insertWebhookDelivery(db, {
    tenantId,
    endpointId,
    at: Date.now() - ageMs,
    status: status as 'pending',
  });
  await db
    .update(webhookDeliveries)
    .set({ createdAt: new Date(Date.now() - ageMs) })
    .where(eq(webhookDeliveries.id, row.deliveryId));
  return row;
}

/** The reconcile activity with nothing ended from outside to find, waking through `wake`. */
const reconcileWith = (db: Database, wake: (queues: readonly WebhookQueueRef[]) => Promise<void>) =>
  createReconcileEndedJourneys({
    db,
    client: quietClient,
    logger: pino({ level: 'silent' }),
    now: Date.now,
    waker: { wake },
  });

describeEachDatabase('reconcile: stranded webhook queues', (getDb) => {
  it('wakes the queues whose deliveries waited too long on enabled endpoints, the longest waiting first', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const enabled = await endpoint(db, tenantId);
    const disabled = await endpoint(db, tenantId);
    await db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, disabled));
    const minutes = (n: number) => n * 60_000;
    // Far in the past, so no other test's rows come before them.
    const older = await delivery(db, tenantId, enabled, minutes(60 * 24 * 400 + 10));
    const oldest = await delivery(db, tenantId, enabled, minutes(60 * 24 * 400 + 20));
    await delivery(db, tenantId, disabled, minutes(60 * 24 * 400 + 30));
    await delivery(db, tenantId, enabled, minutes(60 * 24 * 400 + 40), 'delivered');
    await delivery(db, tenantId, enabled, minutes(60 * 24 * 400 + 50), 'failed');
    const fresh = await delivery(db, tenantId, enabled, STRANDED_AFTER_MS / 2);

    const woken: WebhookQueueRef[] = [];
    const reconcile = reconcileWith(db, async (queues) => void woken.push(...queues));
    const result = await reconcile({ lookbackHours: 48 });

    const ours = woken.filter((q) => q.endpointId === enabled || q.endpointId === disabled);
    expect(ours).toEqual([
      { endpointId: enabled, journeyId: oldest.journeyId },
      { endpointId: enabled, journeyId: older.journeyId },
    ]);
    expect(ours.some((q) => q.journeyId === fresh.journeyId)).toBe(false);
    expect(result).toMatchObject({ seen: 0, closed: 0 });
    expect(result.woken).toBe(woken.length);
    expect(woken.length).toBeLessThanOrEqual(STRANDED_QUEUES_PER_RUN);
  });

  it('wakes each queue once however many deliveries wait in it, and goes on past a queue it cannot wake', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const enabled = await endpoint(db, tenantId);
    const first = await delivery(db, tenantId, enabled, 60 * 60_000);
    // A second delivery of the same journey, older still.
    const second = await delivery(db, tenantId, enabled, 61 * 60_000);
    await db
      .update(webhookDeliveries)
      .set({ journeyId: first.journeyId })
      .where(eq(webhookDeliveries.id, second.deliveryId));
    const other = await delivery(db, tenantId, enabled, 59 * 60_000);

    const tried: WebhookQueueRef[] = [];
    const reconcile = reconcileWith(db, async (queues) => {
      tried.push(...queues);
      if (queues.some((q) => q.journeyId === first.journeyId)) throw new Error('Temporal unreachable');
    });
    const result = await reconcile({ lookbackHours: 48 });
    const ours = tried.filter((q) => q.endpointId === enabled);
    expect(ours).toEqual([
      { endpointId: enabled, journeyId: first.journeyId },
      { endpointId: enabled, journeyId: other.journeyId },
    ]);
    expect(result.woken).toBe(tried.length - 1);
  });

  it('publishes again the journey.closed of a close whose publishing failed after it committed', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const endpointId = await registerEndpoint(db, {
      tenantId,
      url: 'https://hooks.example.com/in',
      eventTypes: ['journey.closed'],
      secrets: [{ secret: newWebhookSecret() }],
    });
    const sim = simulateJourney(makeInstallment({ tenantId }), Date.parse('2026-11-26T18:00:00Z'));
    const record = sim.flush();
    await recordJourney(db, record);
    const terminated = {
      workflowId: record.journeyId,
      status: { name: 'TERMINATED' },
      closeTime: new Date('2026-11-27T10:00:00Z'),
    };
    const client = {
      workflow: {
        list: () => ({
          async *[Symbol.asyncIterator]() {
            yield terminated;
          },
        }),
      },
    } as unknown as Client;
    const real = createWebhookPublisher({ db, waker: { wake: async () => {} } });
    let failures = 1;
    const publisher: JourneyWebhookPublisher = {
      ...real,
      publishRecorded: async (batch) => {
        if (failures-- > 0) throw new Error('connection terminated');
        return real.publishRecorded(batch);
      },
    };
    const reconcile = createReconcileEndedJourneys({
      db,
      client,
      logger: pino({ level: 'silent' }),
      now: Date.now,
      publisher,
    });
    // The first try closes the record, then fails to publish; Temporal retries the activity.
    await expect(reconcile({ lookbackHours: 48 })).rejects.toThrow('connection terminated');
    expect(await reconcile({ lookbackHours: 48 })).toMatchObject({ seen: 1, closed: 0 });
    const closes = async () =>
      (await listEndpointDeliveries(db, endpointId)).filter((d) => d.type === 'journey.closed');
    expect(await closes()).toHaveLength(1);
    // Published once: a later run finds it on record and adds nothing.
    await reconcile({ lookbackHours: 48 });
    expect(await closes()).toHaveLength(1);
  });
});
