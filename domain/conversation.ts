/**
 * A buyer's conversation with the collections assistant (and, when needed, a person): its
 * identity, the messages it is made of, and what one assistant turn produces. Pure: shared by the
 * conversation workflow, its activities, the API and the evaluation.
 */
import { type Channel, replyWindowMs } from './channels';
import { isWhatsAppWindowOpen } from './compliance';
import type { LocalDate } from './local-time';
import type { Locale } from './locales';
import type { HandoffReason, ToolCallRecord } from './assistant/tools';

/** The channels a buyer can write to us on. */
export const CONVERSATION_CHANNELS = ['whatsapp', 'sms'] as const satisfies readonly Channel[];
export type ConversationChannel = (typeof CONVERSATION_CHANNELS)[number];

/**
 * One conversation per buyer and channel in a tenant. The ID carries the tenant's and the buyer's
 * opaque IDs, never the phone number: workflow IDs are not encrypted.
 */
export function conversationWorkflowId(tenantId: string, buyerId: string, channel: ConversationChannel): string {
  return `conversation/${tenantId}/${buyerId}/${channel}`;
}

export type ConversationStatus = 'open' | 'handoff' | 'closed';
export type MessageAuthor = 'buyer' | 'assistant' | 'agent' | 'system';

/** A message as the assistant reads the conversation's history. */
export interface TurnMessage {
  author: MessageAuthor;
  text: string;
}

/** What the assistant knows about whom it talks to: no email, no phone, the first name only. */
export interface AssistantContext {
  locale: Locale;
  firstName: string;
  /** The tenant's name: who the buyer owes. */
  sellerName: string;
  /** Today in the buyer's time zone: the assistant resolves "the 20th" against it. */
  today: LocalDate;
  channel: ConversationChannel;
}

/** Which engine wrote a reply: the model, the menu (no key), or a template a guardrail put in its place. */
export type ReplyEngine = 'openai' | 'menu' | 'template';

/** Why a guardrail refused the model's reply (the templated reply went out instead). */
export type GuardrailRefusal = 'amount_not_from_tools' | 'date_not_from_tools' | 'card_data' | 'empty' | 'model_error';

/** What one assistant turn produced: the reply to send, and everything it did to write it. */
export interface AssistantTurnResult {
  reply: string;
  engine: ReplyEngine;
  toolCalls: ToolCallRecord[];
  /** Set when a guardrail replaced the model's words. */
  guardrail: GuardrailRefusal | null;
  /** Set when the turn handed the conversation to a person (the tool, or the buyer's words). */
  handoff: { reason: HandoffReason; taskId: string } | null;
}

/**
 * The attempt rows of a conversation's replies name this template: free text the buyer asked for
 * by writing, so it is not a contact the frequency cap counts.
 */
export const CONVERSATION_REPLY_TEMPLATE = 'conversation_reply' as const;

/** A conversation with no message either way for this long closes (the buyer's next message reopens it). */
export const CONVERSATION_IDLE_MS = 24 * 3_600_000;
/** Buyer message ids a conversation remembers to take a redelivered webhook once (older ones cannot come back). */
export const SEEN_MESSAGES_KEPT = 200;
/** The longest reply an agent may send: Twilio's body limit for one message. */
export const MAX_AGENT_REPLY_LENGTH = 1600;

/** What the conversation workflow keeps between turns (plain JSON: carried across continue-as-new). */
export interface ConversationState {
  status: Exclude<ConversationStatus, 'closed'>;
  /** Buyer messages recorded but not yet answered, oldest first (conversation_messages ids). */
  pending: string[];
  /** The latest buyer message ids taken in (a redelivered signal is one message). */
  seen: string[];
  /** The open handoff's task, while a person has the conversation. */
  handoffTaskId: string | null;
  /** The buyer's last message (ms): the reply window counts from it. */
  lastInboundAt: number | null;
  /** The last message either way (ms): the inactivity timeout counts from it. */
  lastActivityAt: number;
  /** Turns answered so far, over every run: numbers the outbound messages' keys. */
  turns: number;
  /** Agent replies sent so far, over every run. */
  agentReplies: number;
}

export function newConversation(now: number): ConversationState {
  return {
    status: 'open',
    pending: [],
    seen: [],
    handoffTaskId: null,
    lastInboundAt: null,
    lastActivityAt: now,
    turns: 0,
    agentReplies: 0,
  };
}

/** A buyer's message taken in: queued for an answer, once, however often the signal comes. */
export function takeBuyerMessage(
  state: ConversationState,
  message: { messageId: string; receivedAt: number },
  now: number,
): ConversationState {
  if (typeof message.messageId !== 'string' || state.seen.includes(message.messageId)) return state;
  const receivedAt = Number.isFinite(message.receivedAt) ? Math.min(message.receivedAt, now) : now;
  return {
    ...state,
    pending: [...state.pending, message.messageId],
    seen: [...state.seen, message.messageId].slice(-SEEN_MESSAGES_KEPT),
    lastInboundAt: Math.max(state.lastInboundAt ?? receivedAt, receivedAt),
    lastActivityAt: Math.max(state.lastActivityAt, now),
  };
}

/** The assistant handed the conversation to a person: it stops answering until the task closes. */
export function handedOff(state: ConversationState, taskId: string): ConversationState {
  return { ...state, status: 'handoff', handoffTaskId: taskId };
}

/** The agent closed the handoff: the assistant answers again. A stale task's close changes nothing. */
export function handoffClosed(state: ConversationState, taskId: string): ConversationState {
  if (state.status !== 'handoff' || state.handoffTaskId !== taskId) return state;
  return { ...state, status: 'open', handoffTaskId: null };
}

/** When the conversation closes for inactivity. */
export function idleDeadline(state: ConversationState): number {
  return state.lastActivityAt + CONVERSATION_IDLE_MS;
}

export type AgentReplyRefusal = 'empty' | 'too_long' | 'no_handoff' | 'window_closed';

/**
 * Why an agent's reply cannot go out now, or null: only while the conversation is handed to a
 * person (an open handoff), and free-form text goes out only within the
 * channel's window of the buyer's last message (WhatsApp: 24 hours; SMS: any time).
 */
export function agentReplyRefusal(
  state: ConversationState,
  text: unknown,
  windowOpen: (lastInboundAt: number | null) => boolean,
): AgentReplyRefusal | null {
  if (typeof text !== 'string' || text.trim() === '') return 'empty';
  if (text.length > MAX_AGENT_REPLY_LENGTH) return 'too_long';
  // A person writes while they have the conversation: otherwise the assistant answers too.
  if (state.status !== 'handoff') return 'no_handoff';
  return windowOpen(state.lastInboundAt) ? null : 'window_closed';
}

/** Whether free-form text may go out now on the buyer's channel (WhatsApp's window; SMS at any time). */
export function replyWindowOpen(channel: ConversationChannel, lastInboundAt: number | null, now: number): boolean {
  return replyWindowMs(channel) === null || isWhatsAppWindowOpen(lastInboundAt, now);
}
