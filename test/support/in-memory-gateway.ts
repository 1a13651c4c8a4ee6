/**
 * A test double of our own JourneyGateway interface (not of the Temporal SDK): it runs the
 * real domain state machine in memory and, like the workflow's recordJourney activity, writes
 * each change to the database, so API tests exercise real routes, schemas and db.
 */
import type {
  Delivery,
  DueDateChangeResult,
  JourneyExecution,
  JourneyGateway,
  JourneyRef,
  PromiseToPayResult,
  StartOptions,
} from '../../application/journey-gateway';
import { PROMISE_REFUSAL_MESSAGES } from '../../domain/promises';
import { isoInstant } from '../../domain/local-time';
import type { Database } from '../../db/client';
import { recordJourney } from '../../db/journey-repository';
import type { InstallmentInput } from '../../domain/installment';
import {
  DUE_DATE_REFUSAL_MESSAGES,
  type JourneyEvent,
  type JourneyState,
  type RecordedEvent,
  checkDueDateChange,
  checkPromiseOn,
  dispatch,
  paymentInstant,
  isClosed,
  promiseMadeEvent,
  startJourney,
} from '../../domain/journey';
import { type Policy, handoffHoldHours } from '../../domain/policy';
import { type JourneyStatus, journeyStatus } from '../../domain/status';
import { journeyWorkflowId } from '../../workflows/messages';

export interface GatewayCall {
  method: keyof JourneyGateway;
  ref: JourneyRef;
  argument: unknown;
}

export class InMemoryJourneyGateway implements JourneyGateway {
  readonly journeys = new Map<string, JourneyState>();
  /** Journeys Temporal ended from outside (see `terminate`). */
  readonly endedOutside = new Map<string, Extract<JourneyExecution, { state: 'ended_outside' }>>();
  readonly calls: GatewayCall[] = [];
  /** Messages that changed a journey, and journeys started: what a refused request must never add to. */
  writes = 0;

  constructor(
    private readonly db: Database,
    /** The journeys' clock; tests move it to reach a point of the ladder. */
    public now: () => number = () => Date.now(),
  ) {}

  private key(ref: JourneyRef) {
    return journeyWorkflowId(ref.tenantId, ref.installmentId);
  }

  private async persist(journeyId: string, state: JourneyState, events: RecordedEvent[]) {
    await recordJourney(this.db, {
      journeyId,
      runId: 'in-memory',
      installment: state.installment,
      status: journeyStatus(state, this.now()),
      events,
    });
  }

  /** Applies an event to a running journey, as the workflow's signal handler would. */
  async apply(ref: JourneyRef, event: JourneyEvent): Promise<Delivery> {
    const journeyId = this.key(ref);
    const state = this.journeys.get(journeyId);
    if (!state || isClosed(state) || this.endedOutside.has(journeyId)) return 'not_running';
    const result = dispatch(state, event);
    this.writes++;
    this.journeys.set(journeyId, result.state);
    if (result.recorded) await this.persist(journeyId, result.state, [result.recorded]);
    return 'delivered';
  }

  async start(installment: InstallmentInput, policy: Policy, { startedBy, afterSeq, routing }: StartOptions = {}) {
    const journeyId = journeyWorkflowId(installment.tenantId, installment.installmentId);
    this.calls.push({ method: 'start', ref: installment, argument: policy });
    // Like ALLOW_DUPLICATE_FAILED_ONLY: only a journey ended from outside may start again.
    if (this.journeys.has(journeyId) && !this.endedOutside.has(journeyId)) return { journeyId, created: false };
    this.endedOutside.delete(journeyId);
    const { state, recorded } = startJourney(installment, policy, this.now(), startedBy, afterSeq, routing);
    this.writes++;
    this.journeys.set(journeyId, state);
    await this.persist(journeyId, state, [recorded]);
    return { journeyId, created: true };
  }

  async status(ref: JourneyRef): Promise<JourneyStatus | null> {
    const state = this.journeys.get(this.key(ref));
    // Like the Temporal gateway: only a running journey answers the query.
    return state && !isClosed(state) && !this.endedOutside.has(this.key(ref)) ? journeyStatus(state, this.now()) : null;
  }

  async execution(ref: JourneyRef): Promise<JourneyExecution | null> {
    const journeyId = this.key(ref);
    const ended = this.endedOutside.get(journeyId);
    if (ended) return ended;
    const state = this.journeys.get(journeyId);
    if (!state) return null;
    return isClosed(state) ? { state: 'completed' } : { state: 'running' };
  }

  /** What `temporal workflow terminate` does: the workflow ends, and the journey records nothing. */
  terminate(ref: JourneyRef, reason: 'operator' | 'terminated' = 'terminated'): void {
    this.endedOutside.set(this.key(ref), { state: 'ended_outside', reason, closedAt: this.now() });
  }

  async reportPayment(ref: JourneyRef, payment: Parameters<JourneyGateway['reportPayment']>[1]) {
    this.calls.push({ method: 'reportPayment', ref, argument: payment });
    const at = paymentInstant(payment.paidAt, this.now());
    return this.apply(ref, {
      type: 'payment_received',
      at,
      paymentId: payment.paymentId,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      ...(payment.actor && { actor: payment.actor }),
    });
  }

  async changeDueDate(
    ref: JourneyRef,
    request: Parameters<JourneyGateway['changeDueDate']>[1],
    _options?: Parameters<JourneyGateway['changeDueDate']>[2],
  ): Promise<DueDateChangeResult> {
    this.calls.push({ method: 'changeDueDate', ref, argument: request });
    const state = this.journeys.get(this.key(ref));
    if (!state || isClosed(state)) return { kind: 'not_running' };
    const refusal = checkDueDateChange(state, request.dueDate, this.now());
    if (refusal) return { kind: 'refused', reason: refusal, message: DUE_DATE_REFUSAL_MESSAGES[refusal] };
    await this.apply(ref, {
      type: 'due_date_changed',
      at: this.now(),
      from: state.dueDate,
      to: request.dueDate,
      ...(request.actor && { actor: request.actor }),
    });
    const updated = this.journeys.get(this.key(ref))!;
    return { kind: 'accepted', result: { dueDate: updated.dueDate, status: journeyStatus(updated, this.now()) } };
  }

  async promiseToPay(
    ref: JourneyRef,
    request: Parameters<JourneyGateway['promiseToPay']>[1],
  ): Promise<PromiseToPayResult> {
    this.calls.push({ method: 'promiseToPay', ref, argument: request });
    const state = this.journeys.get(this.key(ref));
    if (!state || isClosed(state)) return { kind: 'not_running' };
    const refusal = checkPromiseOn(state, request, this.now());
    if (refusal) return { kind: 'refused', reason: refusal, message: PROMISE_REFUSAL_MESSAGES[refusal] };
    const event = promiseMadeEvent(state, request, this.now(), request.actor);
    await this.apply(ref, event);
    const updated = this.journeys.get(this.key(ref))!;
    return {
      kind: 'accepted',
      result: {
        date: event.date,
        amountMinor: event.amountMinor,
        holdsUntil: isoInstant(event.until),
        status: journeyStatus(updated, this.now()),
      },
    };
  }

  async pause(ref: JourneyRef, request: Parameters<JourneyGateway['pause']>[1]) {
    this.calls.push({ method: 'pause', ref, argument: request });
    return this.apply(ref, {
      type: 'paused',
      at: this.now(),
      until: request.until ? Date.parse(request.until) : null,
      ...(request.actor && { actor: request.actor }),
    });
  }

  async resume(ref: JourneyRef, request: Parameters<JourneyGateway['resume']>[1]) {
    this.calls.push({ method: 'resume', ref, argument: request });
    return this.apply(ref, { type: 'resumed', at: this.now(), ...(request.actor && { actor: request.actor }) });
  }

  async cancel(ref: JourneyRef, request: Parameters<JourneyGateway['cancel']>[1]) {
    this.calls.push({ method: 'cancel', ref, argument: request });
    return this.apply(ref, {
      type: 'canceled',
      at: this.now(),
      reason: request.reason,
      ...(request.actor && { actor: request.actor }),
    });
  }

  async updateContact(ref: JourneyRef, change: Parameters<JourneyGateway['updateContact']>[1]) {
    this.calls.push({ method: 'updateContact', ref, argument: change });
    const { actor, ...changes } = change;
    return this.apply(ref, { type: 'contact_updated', at: this.now(), changes, ...(actor && { actor }) });
  }

  async recordBuyerAction(ref: JourneyRef, request: Parameters<JourneyGateway['recordBuyerAction']>[1]) {
    this.calls.push({ method: 'recordBuyerAction', ref, argument: request });
    return this.apply(ref, {
      type: 'buyer_action',
      at: this.now(),
      action: request.action,
      ...(request.amountMinor !== undefined && { amountMinor: request.amountMinor }),
      ...(request.actor && { actor: request.actor }),
    });
  }

  async optOut(ref: JourneyRef, request: Parameters<JourneyGateway['optOut']>[1]) {
    this.calls.push({ method: 'optOut', ref, argument: request });
    return this.apply(ref, {
      type: 'opted_out',
      at: this.now(),
      channel: request.channel,
      ...(request.actor && { actor: request.actor }),
    });
  }

  async handoff(ref: JourneyRef, request: Parameters<JourneyGateway['handoff']>[1]) {
    this.calls.push({ method: 'handoff', ref, argument: request });
    const state = this.journeys.get(this.key(ref));
    const at = this.now();
    const actor = request.actor && { actor: request.actor };
    if (request.state === 'opened') {
      const until = at + handoffHoldHours(state?.policy ?? {}) * 3_600_000;
      return this.apply(ref, { type: 'handoff_opened', at, taskId: request.taskId, until, ...actor });
    }
    return this.apply(ref, { type: 'handoff_closed', at, taskId: request.taskId, ...actor });
  }

  /** Records the request only: the confirmation workflow itself runs on Temporal (see the time-skipping tests). */
  async confirmLatePayment(input: Parameters<JourneyGateway['confirmLatePayment']>[0]) {
    const { tenantId, installmentId } = input.installment;
    this.calls.push({ method: 'confirmLatePayment', ref: { tenantId, installmentId }, argument: input });
  }

  async optIn(ref: JourneyRef, request: Parameters<JourneyGateway['optIn']>[1]) {
    this.calls.push({ method: 'optIn', ref, argument: request });
    return this.apply(ref, {
      type: 'opted_in',
      at: this.now(),
      channel: request.channel,
      ...(request.actor && { actor: request.actor }),
    });
  }
}
