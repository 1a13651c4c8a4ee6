/**
 * The shapes the journey workflow exchanges with its activities. Types only, so the workflow
 * bundle imports nothing from the activity side.
 */
import type { ConversationChannel } from '../domain/conversation';
import type { Actor, AuditEvent } from '../domain/journey';
import type { JourneyRecord } from '../domain/journey-record';
import type { DeliveryOutcome, ReminderDelivery } from '../domain/delivery';
import type { BuyerRemindersDueQuery, GroupedReminder } from '../domain/grouping';
import type { WebhookQueueRef } from '../domain/webhook-events';

export type { ReminderDelivery };

export type DeliveryResult = DeliveryOutcome;

export type { JourneyRecord };

export interface JourneyActivities {
  deliverReminder(delivery: ReminderDelivery): Promise<DeliveryResult>;
  /** Appends events (idempotent by sequence number) and updates the journey projection, in one transaction. */
  recordJourney(record: JourneyRecord): Promise<void>;
  /** Hands a reminder that came due to the buyer's coordinator (signal-with-start); handing it twice is harmless. */
  handOverReminder(reminder: GroupedReminder): Promise<void>;
}

/** The activities of a buyer's reminder coordinator (besides deliverReminder). */
export interface BuyerReminderActivities {
  /**
   * How many of the buyer's other open journeys, under a policy that groups (or one not on
   * record), have a reminder as their next action, due by `until`, as last recorded.
   */
  buyerRemindersDue(query: BuyerRemindersDueQuery): Promise<number>;
}

/** What the confirmation of a late payment records on the journey it confirms for. */
export interface LatePaymentConfirmationActivities {
  /** Appends events after the journey's last sequence number; an event already on record is not appended again. */
  appendJourneyEvents(input: { journeyId: string; events: AuditEvent[] }): Promise<void>;
}

export interface ReconcileInput {
  /** How far back to look for journeys that ended from outside; more than the schedule's interval. */
  lookbackHours: number;
}

export interface ReconcileResult {
  /** Journeys found that Temporal ended from outside in the window. */
  seen: number;
  /** Of those, the ones whose record was still open and is now closed. */
  closed: number;
  /** Webhook queues woken because their deliveries had waited too long (absent from runs before this was added). */
  woken?: number;
  /** Purchases whose report ledger rows were caught up with the writes since the last run (absent before). */
  reportPurchasesRefreshed?: number;
}

export interface ReconcileActivities {
  reconcileEndedJourneys(input: ReconcileInput): Promise<ReconcileResult>;
}

/** Which conversation an activity works on: its workflow ID (= its row's id) and whose it is. */
export interface ConversationActivityRef {
  conversationId: string;
  tenantId: string;
  buyerId: string;
  channel: ConversationChannel;
}

export interface ConversationTurnInput extends ConversationActivityRef {
  /** The buyer's messages this turn answers (conversation_messages ids), oldest first. */
  messageIds: string[];
  /** The turn's key, unique over the conversation's life (its workflow chain and number): its reply's key. */
  turn: string;
}

export interface ConversationTurnOutput {
  /** The reply recorded for this turn (conversation_messages id), to send; null when there is none to send. */
  replyMessageId: string | null;
  /** The task a handoff opened in this turn. */
  handoffTaskId: string | null;
}

/** What became of an outbound conversation message on its channel. */
export interface ConversationMessageOutcome {
  status: 'sent' | 'refused';
  /** Why the channel refused it: `opted_out`, `suppressed`, `window_closed`, or the provider's code. */
  reason?: string;
}

export interface ConversationActivities {
  /**
   * One assistant turn: reads the messages and the history, runs the assistant, records its reply.
   * Idempotent by turn: a retry finds the reply already recorded.
   */
  answerBuyer(input: ConversationTurnInput): Promise<ConversationTurnOutput>;
  /** Records an agent's reply as the conversation's next outbound message (idempotent by `messageId`). */
  recordAgentReply(input: ConversationActivityRef & { messageId: string; text: string; actor: Actor }): Promise<void>;
  /** Sends a recorded outbound message through the channel's delivery path (runs on its delivery queue). */
  sendConversationMessage(input: ConversationActivityRef & { messageId: string }): Promise<ConversationMessageOutcome>;
  /** Marks the conversation closed (inactivity). */
  closeConversation(input: ConversationActivityRef & { at: number }): Promise<void>;
}

export type { WebhookQueueRef };

/** The refusal code of an in-app step whose tenant has no endpoint for it (the metrics read it too). */
export const NO_ENDPOINT = 'no_endpoint';

/** What became of one HTTP delivery of an event to an endpoint. */
export interface WebhookDeliveryOutcome {
  /**
   * `delivered`: the receiver answered 2xx now; `already_settled`: a try before this one delivered
   * it, or the endpoint is gone or disabled (nothing sent); a failed try throws instead, for
   * Temporal to retry with backoff.
   */
  status: 'delivered' | 'already_settled';
  /** From the event's occurrence to the receiver's answer (ms); absent when nothing was sent. */
  lagMs?: number;
  /** Sent again by hand after it had been delivered (its lag says nothing of the pipeline's). */
  redelivered?: boolean;
}

export interface WebhookActivities {
  /** The ids of the queue's pending deliveries, oldest first (at most `limit`). */
  pendingWebhookDeliveries(input: WebhookQueueRef & { limit: number }): Promise<string[]>;
  /** One signed HTTP delivery (a try is logged whatever its result); throws when the receiver did not take it. */
  deliverWebhook(input: { deliveryId: string }): Promise<WebhookDeliveryOutcome>;
  /** The retries ran out: the delivery is `failed` in the log, until someone redelivers it. */
  markWebhookFailed(input: { deliveryId: string }): Promise<void>;
}
