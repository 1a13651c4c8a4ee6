/**
 * A buyer's message that is not a consent keyword, taken into their conversation: found the buyer
 * it comes from (the conversation already open at that address, else the buyer we last wrote to
 * there among those with a running journey), recorded once by the provider's id, and handed to the
 * conversation workflow — which the assistant, or a person, answers.
 */
import { buyersLastContactedAt } from '../db/attempt-repository';
import type { Database } from '../db/client';
import type { JourneyAtAddress } from '../db/contact-repository';
import { activeConversationsAt, recordInboundMessage, upsertConversation } from '../db/conversation-repository';
import { CHANNELS, carrierOf, normalizeAddress } from '../domain/channels';
import { type ConversationChannel, conversationWorkflowId } from '../domain/conversation';
import type { ConversationGateway } from './conversation-gateway';

export interface BuyerMessageDeps {
  db: Database;
  conversations: ConversationGateway;
  now: () => number;
}

export interface BuyerMessage {
  channel: ConversationChannel;
  /** The buyer's address (`whatsapp:+…` or `+…`). */
  from: string;
  /** Our number the buyer wrote to: the reply goes out from it. */
  to: string | undefined;
  text: string;
  /** The provider's message id: a redelivered webhook is one message. */
  providerMessageId: string;
}

export type BuyerMessageTaken = { kind: 'taken'; conversationId: string } | { kind: 'unknown_buyer' };

export async function takeBuyerMessage(
  deps: BuyerMessageDeps,
  message: BuyerMessage,
  journeysAtAddress: readonly JourneyAtAddress[],
): Promise<BuyerMessageTaken> {
  const address = normalizeAddress(message.channel, message.from);
  const buyer = await buyerWriting(deps.db, message.channel, address, journeysAtAddress);
  if (!buyer) return { kind: 'unknown_buyer' };
  const at = new Date(deps.now());
  const ref = { tenantId: buyer.tenantId, buyerId: buyer.buyerId, channel: message.channel };
  const conversationId = conversationWorkflowId(ref.tenantId, ref.buyerId, ref.channel);
  await upsertConversation(deps.db, {
    id: conversationId,
    ...ref,
    address,
    ...(message.to && { replyFrom: normalizeAddress(message.channel, message.to) }),
    locale: buyer.locale,
    at,
  });
  const { messageId } = await recordInboundMessage(deps.db, {
    conversationId,
    tenantId: ref.tenantId,
    providerMessageId: message.providerMessageId,
    text: message.text,
    at,
  });
  // Also for a redelivered message: the first delivery may have failed before the signal. The
  // workflow takes each message id once.
  await deps.conversations.buyerWrote(ref, { messageId, receivedAt: at.toISOString() });
  return { kind: 'taken', conversationId };
}

/**
 * Who writes from this address, and in which language to answer: among the buyers at this address
 * — with a conversation open there, or a running journey — the one we last wrote to (the message
 * most likely answers it: a buyer chatting with one seller may be replying to another's
 * reminder); else the open conversation; else the first journey.
 */
async function buyerWriting(
  db: Database,
  channel: ConversationChannel,
  address: string,
  journeys: readonly JourneyAtAddress[],
): Promise<{ tenantId: string; buyerId: string; locale: string } | null> {
  const candidates = [...(await activeConversationsAt(db, channel, address)), ...journeys].map(
    ({ tenantId, buyerId, locale }) => ({ tenantId, buyerId, locale }),
  );
  if (candidates.length === 0) return null;
  // Several sellers may write to one number: the one who wrote last is the one answered.
  const carried = CHANNELS.filter((c) => carrierOf(c) === channel);
  const contacted = await buyersLastContactedAt(db, carried, address);
  const latest = contacted
    .map((b) => candidates.find((c) => c.tenantId === b.tenantId && c.buyerId === b.buyerId))
    .find((c) => c !== undefined);
  return latest ?? candidates[0]!;
}
