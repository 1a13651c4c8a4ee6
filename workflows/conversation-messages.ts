/**
 * Every message the buyer-conversation workflow understands, defined once and imported by both
 * the workflow and the client. `define*` calls are pure, so this module is safe on either side.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ConversationChannel, ConversationState } from '../domain/conversation';
import type { Actor } from '../domain/journey';

export const CONVERSATION_WORKFLOW_TYPE = 'buyerConversation';

export interface ConversationInput {
  tenantId: string;
  buyerId: string;
  channel: ConversationChannel;
  /** Present after continue-as-new. */
  carried?: ConversationState;
}

/** A buyer's message, already recorded in conversation_messages by the webhook. */
export interface BuyerMessageSignal {
  messageId: string;
  /** When the provider received it (ISO 8601). */
  receivedAt: string;
}

export interface AgentReplyRequest {
  text: string;
  actor: Actor;
}

export interface AgentReplySent {
  messageId: string;
  status: 'sent' | 'refused';
  /** Why the channel refused it (opted out, window closed…), when it did. */
  reason?: string;
}

/** The failure type with which the update validator refuses an agent's reply. */
export const AGENT_REPLY_REFUSED = 'AgentReplyRefused';

export const buyerMessageSignal = defineSignal<[BuyerMessageSignal]>('buyerMessage');
/** The agent closed the handoff: the assistant answers again. */
export const handoffClosedSignal = defineSignal<[{ taskId: string; actor?: Actor }]>('handoffClosed');
export const agentReplyUpdate = defineUpdate<AgentReplySent, [AgentReplyRequest]>('agentReply');
export const conversationStateQuery = defineQuery<ConversationState>('conversationState');
