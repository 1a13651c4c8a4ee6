/**
 * Every message the journey workflow understands, defined once and imported by both the
 * workflow and the client. `define*` calls are pure, so this module is safe on either side.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { CHANNEL_TABLE, type Channel } from '../domain/channels';
import type { GroupedAnswer } from '../domain/grouping';
import type { Actor, BuyerAction, CancelReason, ContactUpdate } from '../domain/journey';
import type { LocalDate } from '../domain/local-time';
import type { JourneyStatus } from '../domain/status';

export const JOURNEY_WORKFLOW_TYPE = 'dunningJourney';
export const DEFAULT_TASK_QUEUE = 'dunning-journeys';

/**
 * Deliveries on each channel go to their own task queue, polled with that provider's rate limit
 * (`maxTaskQueueActivitiesPerSecond`), so the Temporal server enforces it across all workers.
 */
export function deliveryTaskQueue(journeyTaskQueue: string, channel: Channel): string {
  return `${journeyTaskQueue}-${CHANNEL_TABLE[channel].deliveryQueue}`;
}

/**
 * One journey per installment: the ID is derived from the tenant and installment IDs (both
 * opaque identifiers from the payment system, never personal data), so starting the same
 * installment twice reaches the same journey.
 */
export function journeyWorkflowId(tenantId: string, installmentId: string): string {
  return `dunning/${tenantId}/${installmentId}`;
}

export interface PaymentReceived {
  /** The payment system's ID: a payment reported twice is counted once. */
  paymentId: string;
  amountMinor: number;
  currency: string;
  /** When the buyer paid (ISO 8601); defaults to when the journey hears of it. */
  paidAt?: string;
  actor?: Actor;
}

export interface PauseRequest {
  /** ISO 8601 instant at which the journey resumes by itself; absent = until resumed. */
  until?: string | null;
  actor?: Actor;
}

export interface CancelRequest {
  reason: CancelReason;
  actor?: Actor;
}

export interface ContactChange extends ContactUpdate {
  actor?: Actor;
}

export interface OptOutRequest {
  channel: Channel;
  actor?: Actor;
}

export interface BuyerActionRequest {
  action: BuyerAction;
  /** Pay part: the amount the buyer chose (minor units). */
  amountMinor?: number;
  actor?: Actor;
}

export interface DueDateChangeRequest {
  dueDate: LocalDate;
  actor?: Actor;
}

export interface DueDateChangeAccepted {
  dueDate: LocalDate;
  status: JourneyStatus;
}

export interface PromiseToPayRequest {
  /** YYYY-MM-DD in the buyer's zone. */
  date: LocalDate;
  /** Minor units; absent: everything still owed. */
  amountMinor?: number;
  actor?: Actor;
}

export interface PromiseToPayAccepted {
  date: LocalDate;
  amountMinor: number;
  /** ISO 8601: the ladder holds until then (the promised date plus the policy's grace). */
  holdsUntil: string;
  status: JourneyStatus;
}

/** The failure type with which the update validator refuses a promise to pay (details: the refusal). */
export const PROMISE_REFUSED = 'PromiseToPayRefused';

/** The failure type with which the update validator refuses a due-date change. */
export const DUE_DATE_REFUSED = 'DueDateChangeRefused';

export const paymentReceivedSignal = defineSignal<[PaymentReceived]>('paymentReceived');
export const pauseSignal = defineSignal<[PauseRequest]>('pause');
export const resumeSignal = defineSignal<[{ actor?: Actor }]>('resume');
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');
export const updateContactSignal = defineSignal<[ContactChange]>('updateContact');
export const optOutSignal = defineSignal<[OptOutRequest]>('optOut');
/** The buyer opted back in to a channel (START): only their own word reopens it. */
export const optInSignal = defineSignal<[OptOutRequest]>('optIn');
/** The buyer acted in their payment area (paid, chose an amount, went to change the payment method). */
export const buyerActionSignal = defineSignal<[BuyerActionRequest]>('buyerAction');
export interface HandoffRequest {
  /** The agent task (agent_tasks.id). */
  taskId: string;
  /** `opened`: hold the reminders (for the policy's `assistant.handoffHoldHours`); `closed`: lift the hold. */
  state: 'opened' | 'closed';
  actor?: Actor;
}

/** A person took over (or gave back) the buyer's conversation: the journey holds its reminders meanwhile. */
export const handoffSignal = defineSignal<[HandoffRequest]>('handoff');
/** The buyer's reminder coordinator answers a reminder the journey handed to it (workflows/buyer-reminders.ts). */
export const groupedReminderAnsweredSignal = defineSignal<[GroupedAnswer]>('groupedReminderAnswered');
export const changeDueDateUpdate = defineUpdate<DueDateChangeAccepted, [DueDateChangeRequest]>('changeDueDate');
/** A promise to pay: the ladder holds until its date plus grace; refused (PROMISE_REFUSED) past the policy's limits. */
export const promiseToPayUpdate = defineUpdate<PromiseToPayAccepted, [PromiseToPayRequest]>('promiseToPay');
/**
 * Inside a query the workflow's clock stands still at its last event, which can be days old:
 * callers pass the time the answer should be as of (clamped to never precede the workflow's own).
 */
export interface StatusQueryOptions {
  asOf?: string;
}
export const statusQuery = defineQuery<JourneyStatus, [StatusQueryOptions?]>('status');

/** The workflow that closes the records of journeys Temporal ended from outside, and the schedule that runs it. */
export const RECONCILE_WORKFLOW_TYPE = 'reconcileJourneys';
export const RECONCILE_SCHEDULE_ID = 'dunning-reconcile-ended-journeys';

/** The workflow that confirms a payment reported after the journey's workflow ended. */
export const LATE_PAYMENT_CONFIRMATION_WORKFLOW_TYPE = 'confirmLatePayment';

/**
 * One confirmation per late payment: derived from the journey's ID and the payment system's
 * payment ID (opaque, never personal data), so a repeated start reaches the same workflow.
 */
export function latePaymentConfirmationWorkflowId(tenantId: string, installmentId: string, paymentId: string): string {
  return `${journeyWorkflowId(tenantId, installmentId)}/late-payment/${paymentId}`;
}
