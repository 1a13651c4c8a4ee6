/**
 * Rows of the delivery log as the delivery pipeline writes them, for tests of what reads them:
 * an event on a fresh journey, its delivery to one endpoint, and `tries` tries on record (every
 * one answered 500 but the last, which timed out).
 */
import type { Database } from '../../db/client';
import { webhookDeliveries, webhookDeliveryAttempts, webhookEvents } from '../../db/schema';
import { journeyWorkflowId } from '../../workflows/messages';
import { uniqueId } from './fixtures';

export interface DeliveryRowOptions {
  tenantId: string;
  endpointId: string;
  /** Epoch milliseconds of the event; tries follow 10 s apart. */
  at: number;
  status?: 'pending' | 'delivered' | 'failed';
  type?: string;
  tries?: number;
}

export async function insertWebhookDelivery(db: Database, options: DeliveryRowOptions) {
  const { tenantId, endpointId, at } = options;
  const installmentId = uniqueId('inst');
  const journeyId = journeyWorkflowId(tenantId, installmentId);
  const eventId = `evt_${uniqueId('e').replace(/-/g, '')}`;
  const deliveryId = `whd_${uniqueId('d').replace(/-/g, '')}`;
  const tries = options.tries ?? 0;
  await db.insert(webhookEvents).values({
    id: eventId,
    tenantId,
    sourceKey: `${journeyId}/event/1`,
    journeyId,
    installmentId,
    type: options.type ?? 'journey.closed',
    occurredAt: new Date(at),
    data: { outcome: 'recovered', amountPaidMinor: 4990, currency: 'BRL' },
  });
  await db.insert(webhookDeliveries).values({
    id: deliveryId,
    tenantId,
    endpointId,
    eventId,
    journeyId,
    status: options.status ?? 'pending',
    attempts: tries,
    ...(tries > 0 && {
      lastAttemptAt: new Date(at + tries * 10_000),
      lastStatusCode: null,
      lastError: 'timed out after 10 s',
    }),
  });
  for (let attempt = 1; attempt <= tries; attempt++) {
    const last = attempt === tries;
    await db.insert(webhookDeliveryAttempts).values({
      deliveryId,
      attempt,
      at: new Date(at + attempt * 10_000),
      statusCode: last ? null : 500,
      error: last ? 'timed out after 10 s' : 'HTTP 500',
      durationMs: 100 * attempt,
    });
  }
  return { deliveryId, eventId, journeyId, installmentId };
}
