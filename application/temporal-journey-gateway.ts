import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { executionOf } from '../client';
import type { InstallmentInput } from '../domain/installment';
import { DUE_DATE_REFUSAL_MESSAGES } from '../domain/journey';
import { PROMISE_REFUSAL_MESSAGES } from '../domain/promises';
import { zonedToInstant } from '../domain/local-time';
import type { Policy } from '../domain/policy';
import type { JourneyStatus } from '../domain/status';
import type { dunningJourney } from '../workflows/journey';
import type { LatePaymentConfirmationInput, confirmLatePayment } from '../workflows/late-payment-confirmation';
import {
  DUE_DATE_REFUSED,
  JOURNEY_WORKFLOW_TYPE,
  PROMISE_REFUSED,
  LATE_PAYMENT_CONFIRMATION_WORKFLOW_TYPE,
  buyerActionSignal,
  cancelSignal,
  changeDueDateUpdate,
  handoffSignal,
  journeyWorkflowId,
  latePaymentConfirmationWorkflowId,
  optInSignal,
  optOutSignal,
  pauseSignal,
  paymentReceivedSignal,
  promiseToPayUpdate,
  resumeSignal,
  statusQuery,
  updateContactSignal,
} from '../workflows/messages';
import { DUE_DATE, STAGE, TENANT } from '../workflows/search-attributes';
import {
  type Delivery,
  type DueDateChangeResult,
  type JourneyGateway,
  type JourneyRef,
  JourneyServiceUnavailableError,
  type PromiseToPayResult,
  type RefusableResult,
  type StartOptions,
} from './journey-gateway';

function isNotRunning(err: unknown): boolean {
  // Signalling a finished workflow answers NotFound ("workflow execution already completed").
  return err instanceof WorkflowNotFoundError;
}

/** gRPC status codes (grpc.status) that mean "Temporal is not there right now". */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/**
 * The typed error for an unreachable or unanswering Temporal, or null for any other error. The
 * client rarely throws the gRPC error itself: it wraps it (ServiceError, or
 * WorkflowUpdateRPCTimeoutOrCancelledError for updates) with the gRPC error as `cause`, so the
 * whole cause chain is searched.
 */
export function serviceUnavailable(err: unknown): JourneyServiceUnavailableError | null {
  // The SDK's own verdict on an update it could not complete: timed out, or canceled by the
  // server (seen when the worker that would run it is killed under load). Repeating it is safe:
  // its update ID dedupes it.
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
    return new JourneyServiceUnavailableError(`Temporal did not complete the update: ${err.message}`, 5, {
      cause: err,
    });
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    if (isGrpcServiceError(current) && (current.code === GRPC_UNAVAILABLE || current.code === GRPC_DEADLINE_EXCEEDED)) {
      const what = current.code === GRPC_UNAVAILABLE ? 'unavailable' : 'did not answer in time';
      return new JourneyServiceUnavailableError(`Temporal ${what}: ${current.details}`, 5, { cause: err });
    }
    current = current.cause;
  }
  return null;
}

/** Runs Temporal calls under a deadline; an outage leaves as JourneyServiceUnavailableError. */
export async function callTemporal<T>(client: Client, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + timeoutMs, fn);
  } catch (err) {
    throw serviceUnavailable(err) ?? err;
  }
}

export interface TemporalJourneyGatewayOptions {
  /**
   * How long one API request may wait for Temporal. Without a deadline a gRPC call can wait
   * forever (a query with no worker polling, a partitioned frontend) and hold the request open.
   */
  timeoutMs?: number;
  /**
   * How long a status query may wait for a worker. Shorter: the API answers from the database
   * when no worker does, and a reader should not wait the full deadline for that.
   */
  queryTimeoutMs?: number;
}

export class TemporalJourneyGateway implements JourneyGateway {
  private readonly timeoutMs: number;
  private readonly queryTimeoutMs: number;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    options: TemporalJourneyGatewayOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.queryTimeoutMs = options.queryTimeoutMs ?? Math.min(3_000, this.timeoutMs);
  }

  private call<T>(fn: () => Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
    return callTemporal(this.client, timeoutMs, fn);
  }

  private handle(ref: JourneyRef) {
    return this.client.workflow.getHandle<typeof dunningJourney>(journeyWorkflowId(ref.tenantId, ref.installmentId));
  }

  private async deliver(send: () => Promise<void>): Promise<Delivery> {
    try {
      await this.call(send);
      return 'delivered';
    } catch (err) {
      if (isNotRunning(err)) return 'not_running';
      throw err;
    }
  }

  async start(installment: InstallmentInput, policy: Policy, { startedBy, afterSeq, routing }: StartOptions = {}) {
    const journeyId = journeyWorkflowId(installment.tenantId, installment.installmentId);
    try {
      await this.call(() =>
        this.client.workflow.start<typeof dunningJourney>(JOURNEY_WORKFLOW_TYPE, {
          workflowId: journeyId,
          taskQueue: this.taskQueue,
          args: [
            {
              installment,
              policy,
              ...(startedBy && { startedBy }),
              ...(afterSeq && { afterSeq }),
              ...(routing && { routing }),
            },
          ],
          // One journey per installment: a journey that ended by itself (paid, canceled, written
          // off) is never started again; one Temporal terminated may be.
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: [
            { key: TENANT, value: installment.tenantId },
            { key: STAGE, value: 'pre_due' },
            {
              key: DUE_DATE,
              value: new Date(zonedToInstant(installment.dueDate, '00:00', installment.buyer.timezone)),
            },
          ],
        }),
      );
      return { journeyId, created: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { journeyId, created: false };
      throw err;
    }
  }

  async status(ref: JourneyRef): Promise<JourneyStatus | null> {
    const handle = this.handle(ref);
    try {
      return await this.call(async () => {
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') return null;
        // Inside a query the workflow's clock stands at its last event: give it ours.
        return await handle.query(statusQuery, { asOf: new Date().toISOString() });
      }, this.queryTimeoutMs);
    } catch (err) {
      if (isNotRunning(err)) return null;
      throw err;
    }
  }

  async execution(ref: JourneyRef) {
    try {
      const { status, closeTime } = await this.call(() => this.handle(ref).describe(), this.queryTimeoutMs);
      return executionOf(status.name, closeTime?.getTime() ?? Date.now());
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }

  reportPayment(ref: JourneyRef, payment: Parameters<JourneyGateway['reportPayment']>[1]) {
    return this.deliver(() => this.handle(ref).signal(paymentReceivedSignal, payment));
  }

  changeDueDate(
    ref: JourneyRef,
    request: Parameters<JourneyGateway['changeDueDate']>[1],
    options: Parameters<JourneyGateway['changeDueDate']>[2] = {},
  ): Promise<DueDateChangeResult> {
    // With the caller's Idempotency-Key, a retry after a timeout (503) attaches to the update
    // already in flight or done. Not derived from the date: A → B → A must really move back.
    const updateId = options.idempotencyKey && `due-date:${options.idempotencyKey}`;
    return this.refusableUpdate(
      ref,
      changeDueDateUpdate,
      request,
      updateId,
      DUE_DATE_REFUSED,
      DUE_DATE_REFUSAL_MESSAGES,
    );
  }

  promiseToPay(
    ref: JourneyRef,
    request: Parameters<JourneyGateway['promiseToPay']>[1],
    options: Parameters<JourneyGateway['promiseToPay']>[2] = {},
  ): Promise<PromiseToPayResult> {
    const updateId = options.idempotencyKey && `promise:${options.idempotencyKey}`;
    return this.refusableUpdate(ref, promiseToPayUpdate, request, updateId, PROMISE_REFUSED, PROMISE_REFUSAL_MESSAGES);
  }

  /** An update whose validator may refuse it (failure type `refusedType`, the reason in its details). */
  private async refusableUpdate<Request, Answer, Reason extends string>(
    ref: JourneyRef,
    update: UpdateDefinition<Answer, [Request]>,
    request: Request,
    updateId: string | undefined,
    refusedType: string,
    messages: Record<Reason, string>,
  ): Promise<RefusableResult<Answer, Reason>> {
    try {
      const result = await this.call(() =>
        this.handle(ref).executeUpdate(update, { args: [request], ...(updateId && { updateId }) }),
      );
      return { kind: 'accepted', result };
    } catch (err) {
      if (isNotRunning(err)) return { kind: 'not_running' };
      if (
        err instanceof WorkflowUpdateFailedError &&
        err.cause instanceof ApplicationFailure &&
        err.cause.type === refusedType
      ) {
        const reason = err.cause.details?.[0] as Reason;
        return { kind: 'refused', reason, message: messages[reason] ?? err.cause.message };
      }
      throw err;
    }
  }

  pause(ref: JourneyRef, request: Parameters<JourneyGateway['pause']>[1]) {
    return this.deliver(() => this.handle(ref).signal(pauseSignal, request));
  }

  resume(ref: JourneyRef, request: Parameters<JourneyGateway['resume']>[1]) {
    return this.deliver(() => this.handle(ref).signal(resumeSignal, request));
  }

  cancel(ref: JourneyRef, request: Parameters<JourneyGateway['cancel']>[1]) {
    return this.deliver(() => this.handle(ref).signal(cancelSignal, request));
  }

  updateContact(ref: JourneyRef, change: Parameters<JourneyGateway['updateContact']>[1]) {
    return this.deliver(() => this.handle(ref).signal(updateContactSignal, change));
  }

  optOut(ref: JourneyRef, request: Parameters<JourneyGateway['optOut']>[1]) {
    return this.deliver(() => this.handle(ref).signal(optOutSignal, request));
  }

  optIn(ref: JourneyRef, request: Parameters<JourneyGateway['optIn']>[1]) {
    return this.deliver(() => this.handle(ref).signal(optInSignal, request));
  }

  recordBuyerAction(ref: JourneyRef, request: Parameters<JourneyGateway['recordBuyerAction']>[1]) {
    return this.deliver(() => this.handle(ref).signal(buyerActionSignal, request));
  }

  handoff(ref: JourneyRef, request: Parameters<JourneyGateway['handoff']>[1]) {
    return this.deliver(() => this.handle(ref).signal(handoffSignal, request));
  }

  async confirmLatePayment(input: LatePaymentConfirmationInput): Promise<void> {
    const { tenantId, installmentId } = input.installment;
    try {
      await this.call(() =>
        this.client.workflow.start<typeof confirmLatePayment>(LATE_PAYMENT_CONFIRMATION_WORKFLOW_TYPE, {
          workflowId: latePaymentConfirmationWorkflowId(tenantId, installmentId, input.paymentId),
          // On the journey's queue: the worker that runs journeys runs this too.
          taskQueue: this.taskQueue,
          args: [input],
          // A payment is confirmed once: a second start is refused whether the first still runs
          // or has closed, and the refusal is a no-op here.
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: TENANT, value: tenantId }],
        }),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}
