/**
 * A buyer's conversation with the collections assistant (and, when needed, a person): its
 * identity, the messages it is made of, and what one assistant turn produces. Pure: shared by the
 * conversation workflow, its activities, the API and the evaluation.
 */
import type { Channel } from './channels';
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
