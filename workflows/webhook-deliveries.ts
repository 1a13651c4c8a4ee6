/**
 * Delivers one endpoint's webhooks for one journey, in order: each pending delivery is tried
 * (Temporal retries it with backoff for up to three days) before the next is read, so a journey's
 * events never overtake one another at the receiver. A delivery whose retries run out is marked
 * failed and the queue goes on. With nothing left the workflow waits for a wake-up signal, then
 * ends when idle; the next publish starts it again (signal-with-start).
 */
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { WebhookActivities } from '../activities/contracts';
import type { WebhookQueueRef } from '../domain/webhook-events';
import { webhookDeliveriesPendingSignal, webhookTaskQueue } from './webhook-messages';

/** Deliveries read from the queue at a time. */
const BATCH = 50;
/** How long an empty queue's workflow waits for more before it ends. */
const IDLE = '10 minutes';

const DELIVERY: ActivityOptions = {
  // A try has ten seconds to be answered; the rest is the database.
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '3 days',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
};

/** The queue's activities run on the webhooks' task queue (see webhookTaskQueue), not the journeys'. */
const onWebhookQueue = (): string => webhookTaskQueue(workflowInfo().taskQueue);

function queueActivities() {
  return proxyActivities<WebhookActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
    taskQueue: onWebhookQueue(),
  });
}

/** One delivery, under its own readable activity ID; false when it needed no sending (already settled). */
async function deliver(deliveryId: string): Promise<boolean> {
  const { deliverWebhook } = proxyActivities<WebhookActivities>({
    ...DELIVERY,
    activityId: `deliver/${deliveryId}`,
    taskQueue: onWebhookQueue(),
  });
  const { markWebhookFailed } = queueActivities();
  try {
    return (await deliverWebhook({ deliveryId })).status === 'delivered';
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    await markWebhookFailed({ deliveryId });
    return true;
  }
}

export async function webhookDeliveries(queue: WebhookQueueRef): Promise<void> {
  // Started (or continued) to read the queue: its rows are read first, whatever signal started it.
  let woken = true;
  setHandler(webhookDeliveriesPendingSignal, () => {
    woken = true;
  });
  for (;;) {
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof webhookDeliveries>(queue);
    }
    if (woken) {
      woken = false;
      const ids = await queueActivities().pendingWebhookDeliveries({ ...queue, limit: BATCH });
      let moved = false;
      for (const id of ids) moved = (await deliver(id)) || moved;
      // A full batch that moved on may have more behind it; deliveries left pending (a disabled
      // endpoint) wait for the next wake-up rather than being read again and again.
      if (ids.length === BATCH && moved) woken = true;
      continue;
    }
    if (!(await condition(() => woken, IDLE))) {
      await condition(allHandlersFinished);
      if (!woken) return;
    }
  }
}
