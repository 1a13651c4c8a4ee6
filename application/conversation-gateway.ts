/**
 * What the webhook, the API and the agent tasks need from the buyer-conversation workflow, and
 * nothing more: routes depend on this small interface, tests use a double of our own.
 */
import type { ConversationChannel } from '../domain/conversation';
import type { Actor } from '../domain/journey';
import type { AgentReplySent } from '../workflows/conversation-messages';

export interface ConversationRef {
  tenantId: string;
  buyerId: string;
  channel: ConversationChannel;
}

export type AgentReplyResult =
  | { kind: 'sent'; result: AgentReplySent }
  /** The workflow's validator refused it: `reason` says why (no handoff open, window closed…). */
  | { kind: 'refused'; reason: string }
  | { kind: 'not_running' };

export interface ConversationGateway {
  /** Hands a recorded buyer message to the conversation, starting it when none runs (signal-with-start). */
  buyerWrote(ref: ConversationRef, message: { messageId: string; receivedAt: string }): Promise<void>;
  /**
   * An agent's reply, sent through the conversation (its update answers sent or refused).
   * `idempotencyKey`: a retry with the same key attaches to the first reply, never sends a second.
   */
  agentReply(
    ref: ConversationRef,
    request: { text: string; actor: Actor },
    options?: { idempotencyKey?: string },
  ): Promise<AgentReplyResult>;
  /** The agent closed the handoff: the assistant answers the next message again. */
  handoffClosed(ref: ConversationRef, request: { taskId: string; actor: Actor }): Promise<'delivered' | 'not_running'>;
}
