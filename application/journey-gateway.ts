import type { JourneyRouting } from '../domain/segments';
import type { InstallmentInput } from '../domain/installment';
import type { JourneyExecution } from '../client';
import type { Actor, DueDateRefusal } from '../domain/journey';
import type { Policy } from '../domain/policy';
import type { JourneyStatus } from '../domain/status';
import type {
  BuyerActionRequest,
  CancelRequest,
  ContactChange,
  DueDateChangeAccepted,
  DueDateChangeRequest,
  HandoffRequest,
  OptOutRequest,
  PauseRequest,
  PaymentReceived,
  PromiseToPayAccepted,
  PromiseToPayRequest,
} from '../workflows/messages';
import type { PromiseRefusal } from '../domain/promises';
import type { LatePaymentConfirmationInput } from '../workflows/late-payment-confirmation';

export type { JourneyExecution };

/** Identifies a journey from the API's side: the tenant (from the API key) and its installment ID. */
export interface JourneyRef {
  tenantId: string;
  installmentId: string;
}

/** `not_running`: no journey, or one that has already ended — the route decides which from the database. */
export type Delivery = 'delivered' | 'not_running';

/** What an update that the journey's policy may refuse answers. */
export type RefusableResult<Answer, Reason extends string> =
  { kind: 'accepted'; result: Answer } | { kind: 'refused'; reason: Reason; message: string } | { kind: 'not_running' };

export type DueDateChangeResult = RefusableResult<DueDateChangeAccepted, DueDateRefusal>;

export type PromiseToPayResult = RefusableResult<PromiseToPayAccepted, PromiseRefusal>;

export interface StartOptions {
  /** Who started the journey (recorded with the `started` event). */
  startedBy?: Actor;
  /**
   * The last event sequence number on record: a journey started again after it was terminated continues the numbering.
   */
  afterSeq?: number;
  /** How the policy was chosen (segment rule, experiment arm), recorded on the journey. */
  routing?: JourneyRouting;
}

/**
 * What the API needs from Temporal, and nothing more: the routes depend on this small
 * interface so API tests can use a double of our own instead of mocking the SDK.
 */
export interface JourneyGateway {
  /**
   * Starts the journey unless one exists for this installment: running, or ended by itself. One
   * that Temporal ended from outside (terminated) may be started again.
   */
  start(
    installment: InstallmentInput,
    policy: Policy,
    options?: StartOptions,
  ): Promise<{ journeyId: string; created: boolean }>;
  status(ref: JourneyRef): Promise<JourneyStatus | null>;
  /** Where the journey's workflow stands, or null when Temporal knows none (never started, or past retention). */
  execution(ref: JourneyRef): Promise<JourneyExecution | null>;
  reportPayment(ref: JourneyRef, payment: PaymentReceived): Promise<Delivery>;
  /** `idempotencyKey`: a caller's retry with the same key gets the first attempt's answer. */
  changeDueDate(
    ref: JourneyRef,
    request: DueDateChangeRequest,
    options?: { idempotencyKey?: string },
  ): Promise<DueDateChangeResult>;
  /** Records a promise to pay; `idempotencyKey` as for changeDueDate. */
  promiseToPay(
    ref: JourneyRef,
    request: PromiseToPayRequest,
    options?: { idempotencyKey?: string },
  ): Promise<PromiseToPayResult>;
  pause(ref: JourneyRef, request: PauseRequest): Promise<Delivery>;
  resume(ref: JourneyRef, request: { actor?: PauseRequest['actor'] }): Promise<Delivery>;
  cancel(ref: JourneyRef, request: CancelRequest): Promise<Delivery>;
  updateContact(ref: JourneyRef, change: ContactChange): Promise<Delivery>;
  optOut(ref: JourneyRef, request: OptOutRequest): Promise<Delivery>;
  optIn(ref: JourneyRef, request: OptOutRequest): Promise<Delivery>;
  /** Records what the buyer did in their payment area on the journey. */
  recordBuyerAction(ref: JourneyRef, request: BuyerActionRequest): Promise<Delivery>;
  /** A person took over the buyer's conversation (`opened`: hold the reminders) or gave it back (`closed`). */
  handoff(ref: JourneyRef, request: HandoffRequest): Promise<Delivery>;
  /**
   * Confirms a payment recorded after the journey ended (its workflow is gone), in a workflow of
   * its own. Idempotent: a second start for the same payment does nothing.
   */
  confirmLatePayment(input: LatePaymentConfirmationInput): Promise<void>;
}

/**
 * Temporal could not be reached or did not answer in time (gRPC UNAVAILABLE or
 * DEADLINE_EXCEEDED). The request may or may not have taken effect; every gateway call is safe
 * to repeat (deterministic workflow and update IDs, payment IDs counted once), so the API
 * answers 503 with Retry-After and the client retries.
 */
export class JourneyServiceUnavailableError extends Error {
  override readonly name = 'JourneyServiceUnavailableError';
  constructor(
    message: string,
    /** Seconds the client should wait before retrying. */
    readonly retryAfterSeconds = 5,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
