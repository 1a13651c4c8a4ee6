import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { conversationWorkflowId } from '../domain/conversation';
import type { Actor } from '../domain/journey';
import type { buyerConversation } from '../workflows/conversation';
import {
  AGENT_REPLY_REFUSED,
  CONVERSATION_WORKFLOW_TYPE,
  agentReplyUpdate,
  buyerMessageSignal,
  handoffClosedSignal,
} from '../workflows/conversation-messages';
import { TENANT } from '../workflows/search-attributes';
import type { AgentReplyResult, ConversationGateway, ConversationRef } from './conversation-gateway';
import { callTemporal } from './temporal-journey-gateway';

/** The conversation workflows through the Temporal client, under the same deadline as the journeys'. */
export class TemporalConversationGateway implements ConversationGateway {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly timeoutMs = 10_000,
  ) {}

  private handle(ref: ConversationRef) {
    return this.client.workflow.getHandle<typeof buyerConversation>(
      conversationWorkflowId(ref.tenantId, ref.buyerId, ref.channel),
    );
  }

  async buyerWrote(ref: ConversationRef, message: { messageId: string; receivedAt: string }): Promise<void> {
    try {
      await this.signalWithStart(ref, message);
    } catch (err) {
      // The conversation's run ended (continued as new, or closed) in the very moment of the
      // signal: a second try reaches the next run, or starts one.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      await this.signalWithStart(ref, message);
    }
  }

  private async signalWithStart(ref: ConversationRef, message: { messageId: string; receivedAt: string }) {
    await callTemporal(this.client, this.timeoutMs, () =>
      this.client.workflow.signalWithStart<typeof buyerConversation, [typeof message]>(CONVERSATION_WORKFLOW_TYPE, {
        workflowId: conversationWorkflowId(ref.tenantId, ref.buyerId, ref.channel),
        // On the journeys' queue: the worker that runs journeys runs conversations too.
        taskQueue: this.taskQueue,
        args: [{ tenantId: ref.tenantId, buyerId: ref.buyerId, channel: ref.channel }],
        signal: buyerMessageSignal,
        signalArgs: [message],
        typedSearchAttributes: [{ key: TENANT, value: ref.tenantId }],
      }),
    );
  }

  async agentReply(
    ref: ConversationRef,
    request: { text: string; actor: Actor },
    options: { idempotencyKey?: string } = {},
  ): Promise<AgentReplyResult> {
    try {
      const result = await callTemporal(this.client, this.timeoutMs, () =>
        this.handle(ref).executeUpdate(agentReplyUpdate, {
          args: [request],
          ...(options.idempotencyKey && { updateId: `agent-reply:${options.idempotencyKey}` }),
        }),
      );
      return { kind: 'sent', result };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { kind: 'not_running' };
      if (
        err instanceof WorkflowUpdateFailedError &&
        err.cause instanceof ApplicationFailure &&
        err.cause.type === AGENT_REPLY_REFUSED
      )
        return { kind: 'refused', reason: err.cause.message };
      throw err;
    }
  }

  async handoffClosed(
    ref: ConversationRef,
    request: { taskId: string; actor: Actor },
  ): Promise<'delivered' | 'not_running'> {
    try {
      await callTemporal(this.client, this.timeoutMs, () => this.handle(ref).signal(handoffClosedSignal, request));
      return 'delivered';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'not_running';
      throw err;
    }
  }
}
