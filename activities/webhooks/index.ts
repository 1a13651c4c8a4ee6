/**
 * The webhook delivery workflow's side effects (workflows/webhook-deliveries.ts): which deliveries
 * wait in a queue, one signed HTTP try of a delivery, and giving a delivery up. A try is logged
 * whatever came of it; a delivery is marked delivered once, whichever try got the 2xx.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../../db/client';
import {
  deliveryToSend,
  markDeliveryFailed,
  pendingDeliveryIds,
  recordDeliveryTry,
} from '../../db/webhook-delivery-repository';
import type { WebhookEventType, WebhookPayload } from '../../domain/webhook-events';
import { webhookUrlProblem } from '../../domain/webhook-targets';
import type { WebhookActivities, WebhookDeliveryOutcome } from '../contracts';
import { ForbiddenTargetError, WebhookTimeoutError, postWebhook } from './http-post';
import { webhookSignature } from './signature';

export const WEBHOOK_USER_AGENT = 'dunning-orchestrator-webhooks/1';
/** How long a receiver has to answer one try. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookActivityDeps {
  db: Database;
  /** The clock of the signature's timestamp and of the log: the receiver checks it against its own. */
  now: () => number;
  /** WEBHOOKS_ALLOW_PRIVATE_TARGETS: loopback, link-local and private addresses allowed. */
  allowPrivateTargets: boolean;
  timeoutMs?: number | undefined;
}

type Found = NonNullable<Awaited<ReturnType<typeof deliveryToSend>>>;

function payloadOf(event: Found['event']): WebhookPayload {
  return {
    id: event.id,
    type: event.type as WebhookEventType,
    occurredAt: event.occurredAt.toISOString(),
    tenantId: event.tenantId,
    journeyId: event.journeyId,
    installmentId: event.installmentId,
    data: event.data,
  };
}

/** What the log keeps of a try that got no answer: the error's class or code, never a message that could quote data. */
function errorClassOf(err: unknown): string {
  if (err instanceof ForbiddenTargetError) return `forbidden_address:${err.range}`;
  if (err instanceof WebhookTimeoutError) return 'timeout';
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.name : 'unknown';
}

export function createWebhookActivities({
  db,
  now,
  allowPrivateTargets,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
}: WebhookActivityDeps): WebhookActivities {
  const rules = { allowPrivate: allowPrivateTargets };

  async function deliverWebhook({ deliveryId }: { deliveryId: string }): Promise<WebhookDeliveryOutcome> {
    const at = now();
    const found = await deliveryToSend(db, deliveryId, new Date(at));
    // Removed endpoints take their deliveries with them; a disabled one is not sent to.
    if (!found || found.delivery.status === 'delivered' || !found.endpoint.enabled)
      return { status: 'already_settled' };
    // The URL's rules as they are now, not as they were when it was registered: an http:// or
    // literal private endpoint accepted while private targets were allowed stops once they are not.
    const urlProblem = webhookUrlProblem(found.endpoint.url, rules);
    if (urlProblem) {
      await recordDeliveryTry(db, {
        deliveryId,
        at: new Date(at),
        statusCode: null,
        error: `url_refused:${urlProblem}`,
        durationMs: 0,
        delivered: false,
      });
      throw ApplicationFailure.nonRetryable(`the endpoint's URL is refused (${urlProblem})`, 'WebhookTargetForbidden');
    }
    const body = JSON.stringify(payloadOf(found.event));
    const timestamp = Math.floor(at / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': found.event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature(found.secrets, found.event.id, timestamp, body),
    };
    const started = performance.now();
    let statusCode: number | null = null;
    let failure: unknown = null;
    try {
      statusCode = await postWebhook(found.endpoint.url, headers, body, { rules, timeoutMs });
    } catch (err) {
      failure = err;
    }
    const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const answeredAt = now();
    await recordDeliveryTry(db, {
      deliveryId,
      at: new Date(at),
      statusCode,
      error: failure === null ? null : errorClassOf(failure),
      durationMs: Math.round(performance.now() - started),
      delivered,
    });
    if (delivered)
      return {
        status: 'delivered',
        lagMs: Math.max(0, answeredAt - found.event.occurredAt.getTime()),
        // Delivered before and put back in its queue by POST …/redeliver.
        redelivered: found.delivery.deliveredAt !== null,
      };
    if (failure instanceof ForbiddenTargetError) {
      throw ApplicationFailure.nonRetryable(failure.message, 'WebhookTargetForbidden');
    }
    if (failure !== null) {
      throw ApplicationFailure.retryable(
        `the endpoint did not answer (${errorClassOf(failure)})`,
        'WebhookUnreachable',
      );
    }
    throw ApplicationFailure.retryable(`the endpoint answered ${statusCode}`, 'WebhookRefused');
  }

  return {
    pendingWebhookDeliveries: ({ limit, ...queue }) => pendingDeliveryIds(db, queue, limit),
    deliverWebhook,
    markWebhookFailed: ({ deliveryId }) => markDeliveryFailed(db, deliveryId),
  };
}
