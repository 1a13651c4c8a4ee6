/**
 * The in-app channel: a delivery publishes an `in_app_notification` webhook event to the tenant's
 * endpoints, for the seller's app or members area to show the buyer. The event's source key is
 * the attempt id, so a retried activity (or a resend after an unknown outcome) publishes the same
 * event, never a second one. No endpoint subscribed to it (or no publisher at all): refused, and
 * only this step falls through; a later in-app step asks again.
 */
import type { WebhookEventDraft, WebhookEventType, WebhookPublisher } from '../../domain/webhook-events';
import { NO_ENDPOINT } from '../contracts';
import {
  type ChannelSender,
  type OutgoingInApp,
  ProviderOutcomeUnknownError,
  ProviderUnavailableError,
  type SendOutcome,
} from './sender';

export const IN_APP_EVENT = 'in_app_notification' satisfies WebhookEventType;

export { NO_ENDPOINT };

/** The event's source key: one event per attempt. */
export function inAppSourceKey(attemptId: string): string {
  return `attempt/${attemptId}/in_app`;
}

/** What the seller's app receives: IDs, the localized words and the link; the buyer's name and addresses stay out. */
export function inAppDraft(message: OutgoingInApp): WebhookEventDraft {
  return {
    sourceKey: inAppSourceKey(message.attemptId),
    tenantId: message.tenantId,
    journeyId: message.journeyId,
    installmentId: message.installmentId,
    type: IN_APP_EVENT,
    occurredAt: message.at,
    data: {
      attemptId: message.attemptId,
      buyerId: message.buyerId,
      locale: message.locale,
      template: message.template,
      title: message.title,
      body: message.body,
      action: message.action,
      link: message.link,
      step: message.step,
    },
  };
}

export function createInAppSender(publisher?: WebhookPublisher): ChannelSender<OutgoingInApp> {
  return {
    provider: 'webhook',
    // Publishing is keyed by the attempt id: publishing again is the same event.
    idempotent: true,
    async send(message: OutgoingInApp): Promise<SendOutcome> {
      if (!publisher || !(await subscribed(publisher, message.tenantId))) return noEndpoint;
      const [published] = await publish(publisher, inAppDraft(message));
      if (!published) throw new ProviderOutcomeUnknownError('the webhook publisher answered no event');
      // The endpoint was disabled between the question and the publishing: nobody will show it.
      if (published.deliveries === 0) return noEndpoint;
      return { kind: 'sent', providerMessageId: published.eventId };
    },
  };
}

const noEndpoint: SendOutcome = {
  kind: 'refused',
  refusal: 'rejected',
  code: NO_ENDPOINT,
  detail: `no enabled webhook endpoint of the tenant subscribes to ${IN_APP_EVENT}`,
};

/** Nothing was published yet: the activity retries, and the guard judges the send again. */
async function subscribed(publisher: WebhookPublisher, tenantId: string): Promise<boolean> {
  try {
    return await publisher.hasSubscriber(tenantId, IN_APP_EVENT);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ProviderUnavailableError(`the webhook endpoints could not be read: ${reason}`, undefined, { cause: err });
  }
}

/**
 * The event may have been recorded before the failure: the retry publishes it again under the
 * same source key, which finds that event rather than making a second one.
 */
async function publish(publisher: WebhookPublisher, draft: WebhookEventDraft) {
  try {
    return await publisher.publish([draft]);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ProviderOutcomeUnknownError(`the webhook event could not be confirmed: ${reason}`, { cause: err });
  }
}
