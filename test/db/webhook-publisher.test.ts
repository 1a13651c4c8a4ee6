/**
 * Tier 3: publishing webhooks on PostgreSQL and PGlite, through the recordJourney activity as the
 * worker runs it. Every event is recorded once per occurrence and queued once per subscribed,
 * enabled endpoint of its tenant, in the journey's order; a retried record (or a repeated publish)
 * adds nothing and wakes the same queues; the stage is announced when it changes, once.
 */
import { setTimeout } from 'node:timers/promises';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createWebhookPublisher, webhookEventId } from '../../application/webhook-publisher';
import type { Database } from '../../db/client';
import { recordJourney } from '../../db/journey-repository';
import { webhookEndpoints, webhookEvents } from '../../db/schema';
import { listEndpointDeliveries, pendingDeliveryIds } from '../../db/webhook-delivery-repository';
import type { WebhookQueueRef } from '../../domain/webhook-events';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events';
import { describeEachDatabase } from '../support/databases';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { newWebhookSecret, registerEndpoint } from '../support/webhook-receiver';
import { DAY, HOUR, simulateJourney } from './journey-sim';

/** Five days before the fixture's due date (2026-12-01). */
const T0 = Date.parse('2026-11-26T18:00:00Z');

function recordingWaker() {
  const woken: WebhookQueueRef[][] = [];
  return { woken, wake: async (queues: readonly WebhookQueueRef[]) => void woken.push([...queues]) };
}

async function endpoint(db: Database, tenantId: string, eventTypes: readonly string[], enabled = true) {
  const id = await registerEndpoint(db, {
    tenantId,
    url: 'https://hooks.example.com/in',
    eventTypes: eventTypes as (typeof WEBHOOK_EVENT_TYPES)[number][],
    secrets: [{ secret: newWebhookSecret() }],
  });
  if (!enabled) await db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, id));
  return id;
}

const typesOf = async (db: Database, endpointId: string) =>
  (await listEndpointDeliveries(db, endpointId)).map((d) => d.type);

describeEachDatabase('webhook publisher', (getDb, { kind }) => {
  it("queues a journey's events once per subscribed endpoint, in order, however often a record is retried", async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const everything = await endpoint(db, tenantId, WEBHOOK_EVENT_TYPES);
    const paymentsOnly = await endpoint(db, tenantId, ['payment.recorded']);
    const disabled = await endpoint(db, tenantId, WEBHOOK_EVENT_TYPES, false);
    const otherTenant = await endpoint(db, uniqueId('tenant'), WEBHOOK_EVENT_TYPES);
    const waker = recordingWaker();
    const activities = createActivities({
      db,
      logger: pino({ level: 'silent' }),
      publisher: createWebhookPublisher({ db, waker }),
    });

    const inst = makeInstallment({ tenantId });
    const sim = simulateJourney(inst, T0);
    const records = [sim.flush()];
    sim.apply({
      type: 'step_sent',
      at: T0 + HOUR,
      revision: 0,
      stepIndex: 0,
      channel: 'email',
      requestedChannel: 'email',
      attemptId: 'att-0',
    });
    sim.apply({ type: 'paused', at: T0 + 2 * HOUR, until: null, actor: { kind: 'api_key', id: 'key-1' } });
    records.push(sim.flush());
    sim.apply({ type: 'resumed', at: T0 + DAY });
    sim.apply({ type: 'payment_received', at: T0 + DAY, paymentId: 'pay-1', amountMinor: 4_990, currency: 'USD' });
    records.push(sim.flush());
    // Each record twice, as an activity retried after its commit would.
    for (const record of records) {
      await activities.recordJourney(record);
      await activities.recordJourney(record);
    }

    expect(await typesOf(db, everything)).toEqual([
      'journey.started',
      'reminder.sent',
      'journey.paused',
      'journey.stage_changed',
      'journey.resumed',
      'payment.recorded',
      'journey.stage_changed',
      'journey.closed',
    ]);
    expect(await typesOf(db, paymentsOnly)).toEqual(['payment.recorded']);
    expect(await typesOf(db, disabled)).toEqual([]);
    expect(await typesOf(db, otherTenant)).toEqual([]);

    const events = await db.select().from(webhookEvents).where(eq(webhookEvents.journeyId, sim.journeyId));
    expect(events).toHaveLength(8);
    const stages = events.filter((e) => e.type === 'journey.stage_changed').map((e) => e.data);
    expect(stages).toEqual(
      expect.arrayContaining([
        { from: 'pre_due', to: 'paused' },
        { from: 'paused', to: 'closed' },
      ]),
    );
    const closed = events.find((e) => e.type === 'journey.closed')!;
    const closedAt = new Date(T0 + DAY).toISOString();
    expect(closed.id).toBe(webhookEventId(tenantId, `${sim.journeyId}/closed/${closedAt}/paid_before_due`));
    expect(closed.data).toMatchObject({ outcome: 'paid_before_due', amountPaidMinor: 4_990, outstandingMinor: 0 });
    // IDs and amounts only.
    const text = JSON.stringify(events);
    for (const personal of [inst.buyer.email, inst.buyer.phone, inst.buyer.name]) expect(text).not.toContain(personal!);

    // Every publish (retries too) wakes the queues it left pending, and only those.
    const queue = (endpointId: string) => ({ endpointId, journeyId: sim.journeyId });
    const wokenQueues = new Set(waker.woken.flat().map((q) => `${q.endpointId} ${q.journeyId}`));
    expect(wokenQueues).toEqual(new Set([everything, paymentsOnly].map((e) => `${e} ${queue(e).journeyId}`)));
  });

  it('writes and wakes nothing for a tenant with no enabled endpoint; its first endpoint hears what happens next', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    await endpoint(db, tenantId, WEBHOOK_EVENT_TYPES, false);
    const waker = recordingWaker();
    let clock = T0;
    const activities = createActivities({
      db,
      logger: pino({ level: 'silent' }),
      publisher: createWebhookPublisher({ db, waker, now: () => clock }),
    });
    const sim = simulateJourney(makeInstallment({ tenantId }), T0);
    await activities.recordJourney(sim.flush());
    sim.apply({ type: 'paused', at: T0 + HOUR, until: null, actor: { kind: 'api_key', id: 'key-1' } });
    await activities.recordJourney(sim.flush());

    expect(await db.select().from(webhookEvents).where(eq(webhookEvents.tenantId, tenantId))).toEqual([]);
    expect(waker.woken).toEqual([]);

    // The tenant is believed quiet a few seconds (no query per record), then asked again.
    const listener = await endpoint(db, tenantId, WEBHOOK_EVENT_TYPES);
    sim.apply({ type: 'resumed', at: T0 + DAY });
    const resumed = sim.flush();
    await activities.recordJourney(resumed);
    expect(await typesOf(db, listener)).toEqual([]);
    // The first record it hears (a retry, here) sets the stage it knows; the close is announced from there.
    clock += 5_001;
    await activities.recordJourney(resumed);
    sim.apply({ type: 'payment_received', at: T0 + DAY, paymentId: 'pay-1', amountMinor: 4_990, currency: 'USD' });
    await activities.recordJourney(sim.flush());
    expect(await typesOf(db, listener)).toEqual([
      'journey.resumed',
      'payment.recorded',
      'journey.stage_changed',
      'journey.closed',
    ]);
    const announced = await db.select().from(webhookEvents).where(eq(webhookEvents.type, 'journey.stage_changed'));
    expect(announced.filter((e) => e.tenantId === tenantId).map((e) => e.data)).toEqual([
      { from: 'pre_due', to: 'closed' },
    ]);
  });

  it('publishes a draft again as the same event and delivery, and tells whether a tenant has a subscriber', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const endpointId = await endpoint(db, tenantId, ['in_app_notification']);
    const publisher = createWebhookPublisher({ db, waker: recordingWaker() });
    const draft = {
      sourceKey: `${uniqueId('journey')}/in-app/1`,
      tenantId,
      journeyId: uniqueId('journey'),
      installmentId: 'inst-1',
      type: 'in_app_notification' as const,
      occurredAt: T0,
      data: { title: 'Your installment is due' },
    };
    const first = await publisher.publish([draft]);
    const again = await publisher.publish([{ ...draft, data: { title: 'changed on a retry' } }]);
    expect(again).toEqual(first);
    expect(first).toEqual([{ eventId: webhookEventId(tenantId, draft.sourceKey), deliveries: 1 }]);
    expect(first[0]!.eventId).toMatch(/^evt_[A-Za-z0-9_-]+$/);
    // Another tenant's occurrence with the same key is another event.
    expect(webhookEventId(uniqueId('tenant'), draft.sourceKey)).not.toBe(first[0]!.eventId);
    const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, first[0]!.eventId));
    expect(row!.data).toEqual({ title: 'Your installment is due' });
    expect(await listEndpointDeliveries(db, endpointId)).toHaveLength(1);

    expect(await publisher.hasSubscriber(tenantId, 'in_app_notification')).toBe(true);
    expect(await publisher.hasSubscriber(tenantId, 'payment.recorded')).toBe(false);
    expect(await publisher.hasSubscriber(uniqueId('tenant'), 'in_app_notification')).toBe(false);
  });

  it('announces no old stage from a record that committed after a newer one', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const endpointId = await endpoint(db, tenantId, ['journey.stage_changed']);
    const activities = createActivities({
      db,
      logger: pino({ level: 'silent' }),
      publisher: createWebhookPublisher({ db, waker: recordingWaker() }),
    });
    const sim = simulateJourney(makeInstallment({ tenantId }), T0);
    await activities.recordJourney(sim.flush());
    sim.apply({ type: 'paused', at: T0 + HOUR, until: null });
    const paused = sim.flush();
    sim.apply({ type: 'resumed', at: T0 + 2 * HOUR });
    const resumed = sim.flush();
    // The newer record lands first (recorded without publishing), then the older attempt's.
    await recordJourney(db, resumed);
    await activities.recordJourney(paused);
    expect(await typesOf(db, endpointId)).toEqual([]);
    await activities.recordJourney(resumed);
    expect(await typesOf(db, endpointId)).toEqual([]);
  });

  // PGlite has one connection: its transactions cannot interleave.
  // PGlite is one connection: publishers cannot interleave there, so only PostgreSQL can show the order holds.
  if (kind === 'postgres')
    it("queues a journey's deliveries in the order their publishers commit", async () => {
      const db = getDb();
      const tenantId = uniqueId('tenant');
      const endpointId = await endpoint(db, tenantId, ['payment.recorded']);
      const journeyId = uniqueId('journey');
      const draft = (n: number) => ({
        sourceKey: `${journeyId}/event/${n}`,
        tenantId,
        journeyId,
        installmentId: 'inst-1',
        type: 'payment.recorded' as const,
        occurredAt: T0 + n,
        data: { paymentId: `pay-${n}`, amountMinor: 100, currency: 'USD' },
      });
      // The first publish stays open a second after queueing its delivery (its seq taken, not
      // committed), as a slow provider callback's transaction would.
      const slow = webhookEventId(tenantId, draft(1).sourceKey);
      const trigger = `slow_${slow.replace(/[^A-Za-z0-9]/g, '')}`.toLowerCase();
      await db.execute(
        sql.raw(`create function ${trigger}() returns trigger language plpgsql as $$
        begin if new.event_id = '${slow}' then perform pg_sleep(1); end if; return new; end $$;
        create trigger ${trigger} after insert on webhook_deliveries for each row execute function ${trigger}();`),
      );
      try {
        const publisher = createWebhookPublisher({ db, waker: recordingWaker() });
        const queue = () => pendingDeliveryIds(db, { endpointId, journeyId }, 10);
        const seen: string[][] = [];
        const first = publisher.publish([draft(1)]).then(async () => void seen.push(await queue()));
        await setTimeout(300);
        const second = publisher.publish([draft(2)]).then(async () => void seen.push(await queue()));
        await Promise.all([first, second]);
        const final = await queue();
        expect(final).toHaveLength(2);
        // Whatever the queue's workflow read at any moment is the start of the final order: nothing
        // it sent could be overtaken by a delivery appearing before it.
        for (const read of seen) expect(final.slice(0, read.length)).toEqual(read);
      } finally {
        await db.execute(sql.raw(`drop trigger ${trigger} on webhook_deliveries; drop function ${trigger}();`));
      }
    });
});
