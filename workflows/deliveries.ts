/**
 * Deliveries as workflows schedule them, shared by the journey and the confirmation of a payment
 * that arrives after it ended: one rule for how a message goes out, whichever workflow sends it.
 * Moving code here must not change the commands of histories already written (the replay tests
 * hold it to that): same activity IDs, types, task queues and options.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  isCancellation,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { JourneyActivities } from '../activities/contracts';
import type { Channel } from '../domain/channels';
import {
  type ConfirmationAudience,
  type ConfirmationEvent,
  type PendingConfirmation,
  confirmationKey,
  confirmationRoute,
} from '../domain/confirmations';
import { type SendOutcome, type DeliverySubject, confirmationDelivery, eventForConfirmation } from '../domain/delivery';
import { deliveryTaskQueue } from './messages';

/**
 * What became of a reminder's delivery for the journey to record: the outcome under the attempt
 * that carried it (a grouped message's is the lead reminder's), `failed` when the activity gave
 * up, or `unsent` when nothing went out because the journey closed (or changed, and plans again).
 */
export type SendResult = { attemptId: string; outcome: SendOutcome } | 'unsent';

const DELIVERY_RETRY = {
  // Provider hiccups are retried with backoff; after this the step is skipped, never retried forever.
  initialInterval: '30 seconds',
  backoffCoefficient: 2,
  maximumInterval: '30 minutes',
  maximumAttempts: 8,
} as const;

export function deliverReminderAs(activityId: string, channel: Channel): JourneyActivities['deliverReminder'] {
  return proxyActivities<JourneyActivities>({
    activityId,
    // One task queue per provider channel: the server enforces each provider's rate limit
    // across all workers (see worker.ts).
    taskQueue: deliveryTaskQueue(workflowInfo().taskQueue, channel),
    // Canceled when the journey closes: one no worker has started never runs; one already
    // running finishes, and what it did is recorded.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    startToCloseTimeout: '1 minute',
    retry: DELIVERY_RETRY,
  }).deliverReminder;
}

/**
 * Activity IDs stay unique in a run when a delivery is tried again on the same channel
 * (deferred past quiet hours, or a fixed address): the second try is `…/email#2`.
 */
export function activityTries(): (activityId: string) => string {
  const triesPerActivity = new Map<string, number>();
  return (activityId) => {
    const tries = (triesPerActivity.get(activityId) ?? 0) + 1;
    triesPerActivity.set(activityId, tries);
    return tries === 1 ? activityId : `${activityId}#${tries}`;
  };
}

/**
 * One try of a confirmation owed: on the first channel that reaches the buyer, through the same
 * delivery activity as reminders (task queue per channel, retries, intent row). Returns what
 * became of it (sent, deferred, failed on this channel, or skipped) for the caller to record.
 */
export async function tryConfirmation(
  subject: DeliverySubject & ConfirmationAudience,
  owed: PendingConfirmation,
  journeyId: string,
  nthTry: (activityId: string) => string,
): Promise<ConfirmationEvent> {
  const { confirms, template } = owed;
  const route = confirmationRoute(subject, owed);
  if (route.kind === 'none')
    return {
      type: 'confirmation_skipped',
      at: Date.now(),
      confirms,
      template,
      reason: 'no_channel',
      channels: route.skipped,
    };
  const { channel } = route;
  const delivery = confirmationDelivery(subject, owed, channel, journeyId);
  try {
    const result = await deliverReminderAs(nthTry(confirmationKey(confirms, channel)), channel)(delivery);
    return eventForConfirmation(result, { at: Date.now(), confirmation: owed, channel, attemptId: delivery.attemptId });
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
    return { type: 'confirmation_skipped', at: Date.now(), confirms, template, reason: 'delivery_failed' };
  }
}
