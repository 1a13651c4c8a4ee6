/**
 * Every message the buyer-conversation workflow understands, defined once and imported by both
 * the workflow and the client. `define*` calls are pure, so this module is safe on either side.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ConversationChannel, ConversationStatus } from '../domain/conversation';
import type { Actor } from '../domain/journey';

export const CONVERSATION_WORKFLOW_TYPE = 'buyerConversation';

export interface ConversationInput {
  tenantId: string;
  buyerId: string;
  channel: ConversationChannel;
  /** Present after continue-as-new. */
  carried?: ConversationState;
}

/** What the workflow keeps between turns (plain JSON: carried across continue-as-new). */
export interface ConversationState {
  status: Exclude<ConversationStatus, 'closed'>;
  /** Buyer messages recorded but not yet answered, oldest first (conversation_messages ids). */
  pending: string[];
  /** Every buyer message id already taken in (a redelivered signal is one message). */
  seen: string[];
  /** The open handoff's task, while a person has the conversation. */
  handoffTaskId: string | null;
  /** The buyer's last message (ms): the inactivity timeout and the reply window count from it. */
  lastInboundAt: number | null;
  lastActivityAt: number;
  /** Turns answered so far, over every run: numbers the outbound messages' keys. */
  turns: number;
  /** Agent replies sent so far, over every run. */
  agentReplies: number;
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
