/**
 * The shapes the journey workflow exchanges with its activities. Types only, so the workflow
 * bundle imports nothing from the activity side.
 */
import type { AuditEvent } from '../domain/journey';
import type { JourneyRecord } from '../domain/journey-record';
import type { DeliveryOutcome, ReminderDelivery } from '../domain/delivery';

export type { ReminderDelivery };

export type DeliveryResult = DeliveryOutcome;

export type { JourneyRecord };

export interface JourneyActivities {
  deliverReminder(delivery: ReminderDelivery): Promise<DeliveryResult>;
  /** Appends events (idempotent by sequence number) and updates the journey projection, in one transaction. */
  recordJourney(record: JourneyRecord): Promise<void>;
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
}

export interface ReconcileActivities {
  reconcileEndedJourneys(input: ReconcileInput): Promise<ReconcileResult>;
}
