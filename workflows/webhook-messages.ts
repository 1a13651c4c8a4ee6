/**
 * What the webhook delivery workflow understands, defined once and imported by the workflow and
 * the client that wakes it. `define*` calls are pure, so this module is safe on either side.
 */
import { defineSignal } from '@temporalio/workflow';
import type { WebhookQueueRef } from '../domain/webhook-events';

export const WEBHOOK_DELIVERIES_WORKFLOW_TYPE = 'webhookDeliveries';

/**
 * One workflow per endpoint and journey: deliveries of one journey reach an endpoint in order,
 * and an endpoint that fails holds back only its own queue. IDs only.
 */
export function webhookDeliveriesWorkflowId({ endpointId, journeyId }: WebhookQueueRef): string {
  return `webhooks/${endpointId}/${journeyId}`;
}

/**
 * The webhook activities' own task queue, beside the journeys' one: a tenant's receiver that hangs
 * for its whole timeout on every try, retried for days, takes only this queue's worker slots,
 * never those the journeys record and converse with.
 */
export function webhookTaskQueue(journeyTaskQueue: string): string {
  return `${journeyTaskQueue}-webhooks`;
}

/** New (or redelivered) deliveries wait in the queue's table rows: the workflow reads them in order. */
export const webhookDeliveriesPendingSignal = defineSignal('webhookDeliveriesPending');
