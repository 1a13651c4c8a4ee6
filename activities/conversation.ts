/**
 * The conversation workflow's side effects: one assistant turn (read the messages, run the
 * assistant with the conversation's tools, record its reply), an agent's reply recorded, a
 * recorded message sent through the channel's provider, and the conversation closed for
 * inactivity. Every one is idempotent by its key: a retried turn finds its reply already
 * recorded, a retried send finds its attempt row.
 */
import { ApplicationFailure } from '@temporalio/common';
import { findAttempt, reserveAttempt } from '../db/attempt-repository';
import { buyerConsentAt } from '../db/contact-repository';
import { findTenant } from '../db/access-repository';
import {
  closeIdleConversation,
  findConversation,
  findMessage,
  findOpenHandoffTask,
  latestBuyer,
  recentMessages,
  recordOutboundMessage,
  setMessageAttempt,
} from '../db/conversation-repository';
import type { AssistantEngine } from '../domain/assistant/engine';
import { handoffOf } from '../domain/assistant/toolbox';
import type { ConversationTools, ToolCallRecord } from '../domain/assistant/tools';
import { normalizeAddress } from '../domain/channels';
import {
  CONVERSATION_REPLY_TEMPLATE,
  type ConversationChannel,
  type TurnMessage,
  replyWindowOpen,
} from '../domain/conversation';
import { instantToZoned } from '../domain/local-time';
import { type Locale, isLocale } from '../domain/locales';
import { firstName } from '../domain/messages';
import { runAssistantTurn } from './assistant/turn';
import type { OutgoingSms, OutgoingWhatsApp } from './channels/sender';
import type {
  ConversationActivities,
  ConversationActivityRef,
  ConversationMessageOutcome,
  ConversationTurnOutput,
} from './contracts';
import { type ProviderSendDeps, createProviderSend, parseRefusal } from './provider-send';

export interface ConversationActivityDeps extends ProviderSendDeps {
  engine: AssistantEngine;
  /**
   * The assistant's tools bound to one conversation (application/conversation-tools.ts): they act
   * through the journeys, their policies, the buyer's links and the agent tasks.
   */
  toolsFor(binding: {
    tenantId: string;
    buyerId: string;
    locale: Locale;
    conversationId: string;
    /** The task a handoff in this turn opens: a retried turn opens the same one. */
    handoffTaskId: string;
    /** The turn's key: a retried turn's due-date request is the same update. */
    turnKey: string;
  }): ConversationTools;
}

/** How much of the conversation the assistant reads before the new messages. */
const HISTORY_MESSAGES = 20;

/** The keys of a conversation's outbound messages and its handoff tasks. */
export const turnReplyId = (conversationId: string, turn: string) => `${conversationId}/turn/${turn}`;
/** A handoff's task id: short (it goes in API paths) and unique (the turn names its workflow chain's first run). */
export const turnHandoffTaskId = (turn: string) => `handoff/${turn}`;

export function createConversationActivities(deps: ConversationActivityDeps): ConversationActivities {
  const { db, now } = deps;
  const provider = createProviderSend(deps);

  async function conversationOf(ref: ConversationActivityRef) {
    const conversation = await findConversation(db, ref.tenantId, ref.conversationId);
    // Written by the webhook before the workflow heard of it: missing means data we cannot fix by retrying.
    if (!conversation)
      throw ApplicationFailure.nonRetryable(
        `conversation ${ref.conversationId} is not on record`,
        'ConversationMissing',
      );
    return conversation;
  }

  return {
    async answerBuyer(input): Promise<ConversationTurnOutput> {
      const replyId = turnReplyId(input.conversationId, input.turn);
      const answered = await findMessage(db, input.tenantId, replyId);
      if (answered)
        return {
          replyMessageId: replyId,
          handoffTaskId: handoffOf((answered.toolCalls ?? []) as ToolCallRecord[])?.taskId ?? null,
        };
      const conversation = await conversationOf(input);
      // A person has this conversation (a handoff still open from before it last closed): stay quiet.
      const heldBy = await findOpenHandoffTask(db, input.tenantId, input.conversationId);
      if (heldBy) return { replyMessageId: null, handoffTaskId: heldBy.id };
      const { history, message } = await turnMessages(input.conversationId, input.messageIds);
      // Messages this conversation does not hold (a provider id reused elsewhere): nothing to answer.
      if (message.trim() === '') return { replyMessageId: null, handoffTaskId: null };
      const at = now();
      const buyer = await latestBuyer(db, input.tenantId, input.buyerId);
      const tenant = await findTenant(db, input.tenantId);
      const locale: Locale = isLocale(conversation.locale) ? conversation.locale : 'en';
      const result = await runAssistantTurn({
        engine: deps.engine,
        context: {
          locale,
          firstName: buyer ? firstName(buyer.name) : '',
          sellerName: tenant?.name ?? input.tenantId,
          today: instantToZoned(at, buyer?.timezone ?? 'UTC').date,
          channel: input.channel,
        },
        history,
        message,
        tools: deps.toolsFor({
          tenantId: input.tenantId,
          buyerId: input.buyerId,
          locale,
          conversationId: input.conversationId,
          handoffTaskId: turnHandoffTaskId(input.turn),
          turnKey: `${input.conversationId}/${input.turn}`,
        }),
      });
      await recordOutboundMessage(db, {
        id: replyId,
        conversationId: input.conversationId,
        tenantId: input.tenantId,
        author: 'assistant',
        text: result.reply,
        engine: result.engine,
        toolCalls: result.toolCalls,
        guardrail: result.guardrail,
        at: new Date(now()),
      });
      deps.logger.info(
        {
          conversationId: input.conversationId,
          turn: input.turn,
          engine: result.engine,
          tools: result.toolCalls.map((c) => c.tool),
          guardrail: result.guardrail,
        },
        'assistant answered',
      );
      return { replyMessageId: replyId, handoffTaskId: result.handoff?.taskId ?? null };
    },

    async recordAgentReply({ messageId, text, actor, ...ref }): Promise<void> {
      await recordOutboundMessage(db, {
        id: messageId,
        conversationId: ref.conversationId,
        tenantId: ref.tenantId,
        author: 'agent',
        authorId: actor.collaboratorId ?? actor.id,
        text,
        at: new Date(now()),
      });
    },

    async sendConversationMessage({ messageId, ...ref }): Promise<ConversationMessageOutcome> {
      const message = await findMessage(db, ref.tenantId, messageId);
      if (!message)
        throw ApplicationFailure.nonRetryable(`message ${messageId} is not on record`, 'ConversationMessageMissing');
      const conversation = await conversationOf(ref);
      // One attempt per message: a retry follows its row and never sends twice through Twilio.
      const attemptId = messageId;
      const earlier = await findAttempt(db, attemptId);
      if (earlier && earlier.status !== 'retryable') {
        return earlier.status === 'rejected'
          ? { status: 'refused', reason: parseRefusal(earlier.error).code }
          : { status: 'sent' };
      }
      const at = now();
      const refusal = await refusalToReply(
        ref,
        conversation.address,
        conversation.lastInboundAt?.getTime() ?? null,
        at,
      );
      if (refusal) {
        deps.logger.info({ conversationId: ref.conversationId, messageId, reason: refusal }, 'reply not sent');
        return { status: 'refused', reason: refusal };
      }
      const outgoing = replyMessage(ref, conversation, message.text, attemptId);
      const reserved = await reserveAttempt(db, attemptId, {
        journeyId: ref.conversationId,
        tenantId: ref.tenantId,
        buyerId: ref.buyerId,
        planRevision: 0,
        // Not a step of any ladder.
        stepIndex: -1,
        channel: ref.channel,
        requestedChannel: ref.channel,
        template: CONVERSATION_REPLY_TEMPLATE,
        provider: deps.senders[ref.channel].provider,
        recipient: normalizeAddress(ref.channel, conversation.address),
        subject: null,
        body: message.text,
        whatsappMode: ref.channel === 'whatsapp' ? 'free_form' : null,
        status: 'sending',
        error: null,
        sentAt: new Date(at),
        updatedAt: new Date(at),
      });
      if (!reserved)
        throw ApplicationFailure.create({ type: 'AttemptInProgress', message: `reply ${attemptId} is being sent` });
      const outcome = await provider.send(
        {
          attemptId,
          journeyId: ref.conversationId,
          channel: ref.channel,
          template: CONVERSATION_REPLY_TEMPLATE,
          to: conversation.address,
          what: 'reply',
        },
        outgoing,
      );
      await setMessageAttempt(db, messageId, attemptId);
      switch (outcome.status) {
        case 'sent':
          return { status: 'sent' };
        case 'opted_out':
          return { status: 'refused', reason: 'opted_out' };
        case 'undeliverable':
          return { status: 'refused', reason: outcome.reason };
        case 'deferred':
          return { status: 'refused', reason: outcome.reason };
      }
    },

    async closeConversation({ conversationId, at }): Promise<void> {
      await closeIdleConversation(db, conversationId, new Date(at));
    },
  };

  /** The turn's new messages as one text, and what came before them. */
  async function turnMessages(conversationId: string, messageIds: readonly string[]) {
    const recent = await recentMessages(db, conversationId, HISTORY_MESSAGES + messageIds.length);
    const asked = new Set(messageIds);
    const history: TurnMessage[] = recent
      .filter((m) => !asked.has(m.id))
      .map((m) => ({ author: m.author as TurnMessage['author'], text: m.text }));
    const message = recent
      .filter((m) => asked.has(m.id))
      .map((m) => m.text)
      .join('\n');
    return { history: history.slice(-HISTORY_MESSAGES), message };
  }

  /** Why a free-form reply cannot go out now: the buyer's stop, an unreachable address, WhatsApp's closed window. */
  async function refusalToReply(
    ref: ConversationActivityRef,
    address: string,
    lastInboundAt: number | null,
    at: number,
  ): Promise<string | null> {
    const point = await buyerConsentAt(db, { ...ref, address });
    if (point.optedOut) return 'opted_out';
    if (point.suppressed) return 'suppressed';
    const lastWrote = Math.max(lastInboundAt ?? -Infinity, point.lastInboundAt ?? -Infinity);
    return replyWindowOpen(ref.channel, Number.isFinite(lastWrote) ? lastWrote : null, at) ? null : 'window_closed';
  }
}

/** A free-form reply on the buyer's channel, from the number they wrote to. */
function replyMessage(
  ref: ConversationActivityRef & { channel: ConversationChannel },
  conversation: { address: string; replyFrom: string | null; locale: string },
  text: string,
  attemptId: string,
): OutgoingSms | OutgoingWhatsApp {
  const base = {
    attemptId,
    to: conversation.address,
    locale: isLocale(conversation.locale) ? conversation.locale : ('en' as Locale),
    template: CONVERSATION_REPLY_TEMPLATE,
    from: conversation.replyFrom ?? undefined,
    tags: { tenant: ref.tenantId, journey: ref.conversationId, step: 'reply' },
    body: text,
  };
  return ref.channel === 'whatsapp'
    ? { ...base, channel: 'whatsapp', mode: 'free_form', variables: {} }
    : { ...base, channel: 'sms' };
}
