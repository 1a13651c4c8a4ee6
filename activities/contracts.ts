/**
 * The shapes the journey workflow exchanges with its activities. Types only, so the workflow
 * bundle imports nothing from the activity side.
 */
import type { Channel } from '../domain/channels';
import type { JourneyRecord } from '../domain/journey-record';
import type { DeliveryOutcome } from '../domain/delivery';
import type { MessageFacts } from '../domain/messages';
import type { Policy } from '../domain/policy';

/** A reminder to deliver: the facts its message is rendered from, plus where and under which key. */
export interface ReminderDelivery extends MessageFacts {
  journeyId: string;
  /** Idempotency key of this attempt: a retried activity finds its earlier row instead of sending again. */
  attemptId: string;
  tenantId: string;
  installmentId: string;
  /** The buyer's id in the tenant: the contact ledger and the cap are per buyer, across journeys. */
  buyerId: string;
  planRevision: number;
  stepIndex: number;
  channel: Channel;
  requestedChannel: Channel;
  /** The buyer's address on `channel` (email or E.164 number). */
  to: string;
  /** The buyer's time zone and country: the guard's quiet hours and public holidays. */
  timeZone: string;
  country?: string | undefined;
  /** The journey's policy: its rules of contact are applied again at the moment of sending. */
  policy: Policy;
}

export type DeliveryResult = DeliveryOutcome;

export type { JourneyRecord };

export interface JourneyActivities {
  deliverReminder(delivery: ReminderDelivery): Promise<DeliveryResult>;
  /** Appends events (idempotent by sequence number) and updates the journey projection, in one transaction. */
  recordJourney(record: JourneyRecord): Promise<void>;
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
}

export interface ReconcileActivities {
  reconcileEndedJourneys(input: ReconcileInput): Promise<ReconcileResult>;
}
