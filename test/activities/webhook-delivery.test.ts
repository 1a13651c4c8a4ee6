/**
 * Tier 3: one webhook delivery try, against a local receiver, on PostgreSQL and PGlite. What goes
 * over the wire (headers, body, signatures of the secrets still valid), what a redirect or a
 * refusal does (no redirect is followed; the try is logged and thrown for Temporal to retry), and
 * what is never sent (a delivery already delivered, an endpoint disabled).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { WEBHOOK_USER_AGENT, createWebhookActivities } from '../../activities/webhooks';
import { ForbiddenTargetError, postWebhook } from '../../activities/webhooks/http-post';
import { createWebhookPublisher } from '../../application/webhook-publisher';
import type { Database } from '../../db/client';
import { webhookDeliveries, webhookEndpoints } from '../../db/schema';
import { listDeliveryTries, listEndpointDeliveries } from '../../db/webhook-delivery-repository';
import { requeueWebhookDelivery } from '../../db/webhook-endpoint-repository';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import {
  type Script,
  type WebhookReceiver,
  newWebhookSecret,
  registerEndpoint,
  startWebhookReceiver,
} from '../support/webhook-receiver';

const receivers: WebhookReceiver[] = [];
afterAll(async () => {
  for (const r of receivers) await r.close();
});

const NOW = Date.parse('2026-12-02T10:00:00Z');

/** An endpoint at a fresh receiver with one published event queued for it. */
async function queued(db: Database, secrets: { secret: string; expiresAt?: Date }[], script?: Script) {
  const hooks = await startWebhookReceiver(
    secrets.map((s) => s.secret),
    script,
  );
  receivers.push(hooks);
  const tenantId = uniqueId('tenant');
  const endpointId = await registerEndpoint(db, {
    tenantId,
    url: hooks.url,
    eventTypes: ['payment.recorded'],
    secrets,
  });
  const journeyId = uniqueId('journey');
  const publisher = createWebhookPublisher({ db, waker: { wake: async () => {} } });
  const [published] = await publisher.publish([
    {
      sourceKey: `${journeyId}/event/3`,
      tenantId,
      journeyId,
      installmentId: 'inst-1',
      type: 'payment.recorded',
      occurredAt: NOW - 5_000,
      data: { paymentId: 'pay-1', amountMinor: 4_990, currency: 'USD' },
    },
  ]);
  const [delivery] = await listEndpointDeliveries(db, endpointId);
  return { hooks, endpointId, tenantId, journeyId, eventId: published!.eventId, deliveryId: delivery!.delivery.id };
}

describeEachDatabase('webhook delivery activity', (getDb) => {
  const activities = () =>
    createWebhookActivities({ db: getDb(), now: () => Date.now(), allowPrivateTargets: true, timeoutMs: 5_000 });

  it('posts the payload with Standard Webhooks headers, signed by every secret still valid, and logs the try', async () => {
    const db = getDb();
    const current = newWebhookSecret();
    const expired = newWebhookSecret();
    const q = await queued(db, [{ secret: expired, expiresAt: new Date(Date.now() - 1_000) }, { secret: current }]);
    const outcome = await activities().deliverWebhook({ deliveryId: q.deliveryId });
    expect(outcome.status).toBe('delivered');
    expect(outcome.lagMs).toBeGreaterThan(0);

    const [got] = q.hooks.tries;
    expect(got).toMatchObject({
      id: q.eventId,
      signatures: 1,
      verifiedWith: [false, true],
      userAgent: WEBHOOK_USER_AGENT,
      contentType: 'application/json',
    });
    expect(got!.payload).toEqual({
      id: q.eventId,
      type: 'payment.recorded',
      occurredAt: new Date(NOW - 5_000).toISOString(),
      tenantId: q.tenantId,
      journeyId: q.journeyId,
      installmentId: 'inst-1',
      data: { paymentId: 'pay-1', amountMinor: 4_990, currency: 'USD' },
    });
    const [delivery] = await listEndpointDeliveries(db, q.endpointId);
    expect(delivery!.delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect((await listDeliveryTries(db, q.deliveryId)).map((t) => [t.attempt, t.statusCode, t.error])).toEqual([
      [1, 200, null],
    ]);

    // A later try (an activity retried after its success was lost) sends nothing.
    expect(await activities().deliverWebhook({ deliveryId: q.deliveryId })).toEqual({ status: 'already_settled' });
    expect(q.hooks.tries).toHaveLength(1);
  });

  it('tells a redelivery of a delivered delivery from its first delivery (the lag metric keeps the first)', async () => {
    const db = getDb();
    const q = await queued(db, [{ secret: newWebhookSecret() }]);
    expect(await activities().deliverWebhook({ deliveryId: q.deliveryId })).toMatchObject({ redelivered: false });
    await requeueWebhookDelivery(db, q.tenantId, q.endpointId, q.deliveryId);
    expect(await activities().deliverWebhook({ deliveryId: q.deliveryId })).toMatchObject({
      status: 'delivered',
      redelivered: true,
    });
  });

  it('follows no redirect: a 3xx is a refusal to retry, logged with its status', async () => {
    const db = getDb();
    const q = await queued(db, [{ secret: newWebhookSecret() }], () => 307);
    const failure = await activities()
      .deliverWebhook({ deliveryId: q.deliveryId })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'WebhookRefused', nonRetryable: false });
    expect(q.hooks.tries).toHaveLength(1);
    const [delivery] = await listEndpointDeliveries(db, q.endpointId);
    expect(delivery!.delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 307 });

    await activities().markWebhookFailed({ deliveryId: q.deliveryId });
    expect((await listEndpointDeliveries(db, q.endpointId))[0]!.delivery.status).toBe('failed');
  });

  it('sends nothing to a disabled endpoint, and lists only pending deliveries, oldest first', async () => {
    const db = getDb();
    const q = await queued(db, [{ secret: newWebhookSecret() }]);
    // Four more of the journey's events, the second of them delivered already.
    const publisher = createWebhookPublisher({ db, waker: { wake: async () => {} } });
    for (const n of [4, 5, 6, 7]) {
      await publisher.publish([
        {
          sourceKey: `${q.journeyId}/event/${n}`,
          tenantId: q.tenantId,
          journeyId: q.journeyId,
          installmentId: 'inst-1',
          type: 'payment.recorded',
          occurredAt: NOW - 5_000 + n,
          data: { paymentId: `pay-${n}`, amountMinor: 100, currency: 'USD' },
        },
      ]);
    }
    const log = await listEndpointDeliveries(db, q.endpointId);
    expect(log.map((d) => d.sourceKey)).toEqual([3, 4, 5, 6, 7].map((n) => `${q.journeyId}/event/${n}`));
    const [first, ...later] = log.map((d) => d.delivery.id);
    await db.update(webhookDeliveries).set({ status: 'delivered' }).where(eq(webhookDeliveries.id, later[1]!));
    const pending = [first, later[0], later[2], later[3]];
    expect(
      await activities().pendingWebhookDeliveries({ endpointId: q.endpointId, journeyId: q.journeyId, limit: 10 }),
    ).toEqual(pending);
    expect(
      await activities().pendingWebhookDeliveries({ endpointId: q.endpointId, journeyId: q.journeyId, limit: 2 }),
    ).toEqual(pending.slice(0, 2));
    await db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, q.endpointId));
    expect(await activities().deliverWebhook({ deliveryId: q.deliveryId })).toEqual({ status: 'already_settled' });
    expect(q.hooks.tries).toEqual([]);
  });

  it('closes the connection once the status is read: a receiver streaming an endless body holds nothing', async () => {
    const db = getDb();
    const q = await queued(db, [{ secret: newWebhookSecret() }]);
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const endless = createServer((req, res) => {
      req.resume();
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      res.on('close', closed);
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = endless.address() as AddressInfo;
      await db
        .update(webhookEndpoints)
        .set({ url: `http://127.0.0.1:${port}/hooks` })
        .where(eq(webhookEndpoints.id, q.endpointId));
      expect(await activities().deliverWebhook({ deliveryId: q.deliveryId })).toMatchObject({ status: 'delivered' });
      // Drained rather than closed, the body would flow until the worker stopped.
      await connectionClosed;
    } finally {
      endless.closeAllConnections();
      await new Promise<void>((resolve) => endless.close(() => resolve()));
    }
  });

  it('checks the URL rules again when sending: an http endpoint stops once private targets are not allowed', async () => {
    const db = getDb();
    const q = await queued(db, [{ secret: newWebhookSecret() }]);
    // A public name, so only the scheme is wrong (the address check would never be reached).
    await db
      .update(webhookEndpoints)
      .set({ url: 'http://hooks.example.com/dunning' })
      .where(eq(webhookEndpoints.id, q.endpointId));
    const strict = createWebhookActivities({ db, now: () => Date.now(), allowPrivateTargets: false });
    const failure = await strict.deliverWebhook({ deliveryId: q.deliveryId }).catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: 'WebhookTargetForbidden', nonRetryable: true });
    expect((await listDeliveryTries(db, q.deliveryId)).map((t) => [t.statusCode, t.error])).toEqual([
      [null, 'url_refused:scheme'],
    ]);
  });

  it('refuses a literal private address without connecting when private targets are not allowed', async () => {
    const db = getDb();
    const q = await queued(db, [{ secret: newWebhookSecret() }]);
    await db
      .update(webhookEndpoints)
      .set({ url: q.hooks.url.replace('http:', 'https:') })
      .where(eq(webhookEndpoints.id, q.endpointId));
    const strict = createWebhookActivities({ db, now: () => Date.now(), allowPrivateTargets: false });
    const failure = await strict.deliverWebhook({ deliveryId: q.deliveryId }).catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: 'WebhookTargetForbidden', nonRetryable: true });
    expect(q.hooks.tries).toEqual([]);
    expect((await listDeliveryTries(db, q.deliveryId)).map((t) => t.error)).toEqual(['url_refused:forbidden_address']);
  });

  it('refuses at connect time a name that resolves to loopback, when private targets are not allowed', async () => {
    const hooks = await startWebhookReceiver([newWebhookSecret()]);
    receivers.push(hooks);
    // A name, not an address: only the connection's lookup can see where it leads.
    const failure = await postWebhook(`http://localhost:${hooks.port}/hooks`, {}, '{}', {
      rules: { allowPrivate: false },
      timeoutMs: 5_000,
    }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ForbiddenTargetError);
    expect(failure).toMatchObject({ range: 'loopback' });
    expect(hooks.tries).toEqual([]);
  });
});
