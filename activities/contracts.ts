/**
 * The shapes the journey workflow exchanges with its activities. Types only, so the workflow
 * bundle imports nothing from the activity side.
 */
import type { Channel } from '../domain/channels';
import type { InstallmentInput } from '../domain/installment';
import type { RecordedEvent } from '../domain/journey';
import type { MessageFacts } from '../domain/messages';
import type { JourneyStatus } from '../domain/status';

/** A reminder to deliver: the facts its message is rendered from, plus where and under which key. */
export interface ReminderDelivery extends MessageFacts {
  journeyId: string;
  /** Idempotency key of this attempt: a retried activity finds its earlier row instead of sending again. */
  attemptId: string;
  tenantId: string;
  installmentId: string;
  planRevision: number;
  stepIndex: number;
  requestedChannel: Channel;
  /** The buyer's address on `channel` (email or E.164 number). */
  to: string;
  /**
   * ISO instant from which this reminder must not go out (quiet hours or a disallowed day
   * begin): a delivery retried past it is deferred, and the workflow plans it again.
   */
  sendBefore: string;
}

export type DeliveryResult =
  | { status: 'sent'; providerMessageId: string }
  /** The provider says this address can never be reached: the step falls through to another channel. */
  | { status: 'undeliverable'; reason: string }
  /** Not sent: the contact window closed before this attempt ran. Nothing was written. */
  | { status: 'deferred'; reason: 'contact_window_closed' };

export interface JourneyRecord {
  journeyId: string;
  runId: string;
  installment: InstallmentInput;
  status: JourneyStatus;
  events: RecordedEvent[];
}

export interface JourneyActivities {
  deliverReminder(delivery: ReminderDelivery): Promise<DeliveryResult>;
  /** Appends events (idempotent by sequence number) and updates the journey projection, in one transaction. */
  recordJourney(record: JourneyRecord): Promise<void>;
}
