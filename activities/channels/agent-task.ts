/**
 * The human agent's channel: a delivery opens a task for the seller's team ("call this buyer")
 * instead of sending a message. The task id is the attempt id, so a retried activity (or a resend
 * after an unknown outcome) opens the same task, never a second one: `openCallTask` must treat a
 * task id it has seen as done.
 */
import { type ChannelSender, type OutgoingAgentTask, ProviderOutcomeUnknownError, type SendOutcome } from './sender';

/** What the agent's task needs: whose journey, which buyer, and why to call. No personal data beyond the ids. */
export interface CallTaskRequest {
  tenantId: string;
  buyerId: string;
  journeyId: string;
  /** The attempt id: the same task for every try of one delivery. */
  taskId: string;
  /** The summary for the agent (product, installment, amount due, due date). */
  reason: string;
}

/** Opens a call task; idempotent by `taskId`. */
export type OpenCallTask = (task: CallTaskRequest) => Promise<void>;

/** The provider-message id of the task an attempt opened. */
export function agentTaskMessageId(attemptId: string): string {
  return `task:${attemptId}`;
}

export function createAgentTaskSender(openCallTask: OpenCallTask): ChannelSender<OutgoingAgentTask> {
  return {
    provider: 'agent',
    // The task id is the attempt id: opening it again is harmless.
    idempotent: true,
    async send(task: OutgoingAgentTask): Promise<SendOutcome> {
      try {
        await openCallTask({
          tenantId: task.tenantId,
          buyerId: task.buyerId,
          journeyId: task.journeyId,
          taskId: task.attemptId,
          reason: task.summary,
        });
      } catch (err) {
        // The task may have been written before the failure: the retry opens the same task id.
        throw new ProviderOutcomeUnknownError(
          `the call task could not be confirmed: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      return { kind: 'sent', providerMessageId: agentTaskMessageId(task.attemptId) };
    },
  };
}
