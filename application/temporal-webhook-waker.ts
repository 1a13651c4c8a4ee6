import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { WebhookQueueRef, WebhookWaker } from '../domain/webhook-events';
import {
  WEBHOOK_DELIVERIES_WORKFLOW_TYPE,
  webhookDeliveriesPendingSignal,
  webhookDeliveriesWorkflowId,
} from '../workflows/webhook-messages';
import { callTemporal } from './temporal-journey-gateway';

/**
 * Wakes delivery workflows with signal-with-start: a queue whose workflow ended (idle) or never
 * ran starts one, a running one reads its new rows. Waking twice is harmless.
 */
export class TemporalWebhookWaker implements WebhookWaker {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async wake(queues: readonly WebhookQueueRef[]): Promise<void> {
    for (const queue of queues) {
      try {
        await this.signalWithStart(queue);
      } catch (err) {
        // The queue's run ended (idle, or continued as new) in the very moment of the signal: a
        // second try reaches the next run, or starts one.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        await this.signalWithStart(queue);
      }
    }
  }

  private async signalWithStart(queue: WebhookQueueRef): Promise<void> {
    await callTemporal(this.client, this.timeoutMs, () =>
      this.client.workflow.signalWithStart(WEBHOOK_DELIVERIES_WORKFLOW_TYPE, {
        workflowId: webhookDeliveriesWorkflowId(queue),
        // On the journeys' queue: the worker that runs journeys delivers their webhooks too.
        taskQueue: this.taskQueue,
        args: [queue],
        signal: webhookDeliveriesPendingSignal,
        signalArgs: [],
      }),
    );
  }
}
