/**
 * A scenario DSL for `dunningJourney` replay histories (tier 2 of DESIGN.md section 6), built on
 * ./history-builder.ts. A scenario reads like what happened to the installment:
 *
 *   const h = new JourneyHistory({ installment, startAt: '2026-11-20T14:00:00Z' })
 *     .reminder('email')                                   // step 0 goes out
 *     .reminder('email')                                   // step 1 goes out
 *     .payment(2_000, { at: '2026-12-03T15:00:00Z' })      // partial payment signal
 *     .finish();                                           // runs to the end: completed(status)
 *   await replay(bundle, h.build());
 *
 * HOW IT KNOWS WHAT THE WORKFLOW DOES
 * The builder mirrors the loop of workflows/journey.ts, one activation at a time, and takes every
 * decision from the real domain functions (startJourney, dispatch, nextAction, resolveChannel)
 * evaluated at the activation's time (= the WorkflowTaskStarted event time, which is what
 * `Date.now()` returns in the workflow). So it predicts the timer durations, which step comes
 * next, which channel a step falls through to, and which activities are scheduled with which ids:
 *
 *   loop: unrecorded events? -> upsertSearchAttributes + activity `recordJourney` id record/<n>
 *         nextAction:  send   -> activity `deliverReminder` id deliver/r<rev>/s<step>/<channel>
 *                      skip / final / resume -> apply the event, loop
 *                      wait   -> timer (condition with timeout), or no command when paused
 *                               indefinitely; continue-as-new instead when suggested
 *                      done   -> completed(status)
 *   a signal/update that changes the state while waiting cancels the timer (TimerCanceled) and
 *   loops; one that changes nothing (a payment reported twice) leaves the task without commands.
 *
 * Replay then checks that the real workflow issues exactly these commands (kinds, activity ids
 * and types, timer ids). This module is a second, independent reading of the workflow's loop:
 * if the two disagree, replay fails and one of them is wrong. Tests should still assert the
 * predicted ids against hard-coded expectations (`deliveries`), and capture real values during
 * replay (test/replay/fixtures/capture-interceptors.ts).
 *
 * Between DSL calls the journey is idle — waiting on a timer, paused, or closed (pending
 * recordJourney activities are completed before a call returns) — except after
 * `reminderInFlight()`, which leaves a delivery pending until `delivered()`.
 */
import type { temporal } from '@temporalio/proto';
import type { DeliveryResult } from '../../activities/contracts';
import { type Channel, resolveChannel } from '../../domain/channels';
import { type PendingConfirmation, confirmationKey, confirmationRoute } from '../../domain/confirmations';
import type { InstallmentInput } from '../../domain/installment';
import {
  type CancelReason,
  TEMPORAL_OPERATOR,
  type ContactUpdate,
  type JourneyEvent,
  type JourneyState,
  type RecordedEvent,
  channelAvailability,
  checkDueDateChange,
  dispatch,
  nextMove,
  stageAt,
  startJourney,
  withoutConfirmations,
} from '../../domain/journey';
import { type LocalDate, zonedToInstant } from '../../domain/local-time';
import { eventForConfirmation, eventForDelivery } from '../../domain/delivery';
import { contactWindowEnd } from '../../domain/plan';
import { type Policy, defaultPolicy } from '../../domain/policy';
import { type JourneyStatus, journeyStatus, nextActionInstant } from '../../domain/status';
import type { JourneyInput } from '../../workflows/journey';
import {
  JOURNEY_WORKFLOW_TYPE,
  cancelSignal,
  changeDueDateUpdate,
  deliveryTaskQueue,
  optOutSignal,
  pauseSignal,
  paymentReceivedSignal,
  resumeSignal,
  updateContactSignal,
} from '../../workflows/messages';
import { CANCEL_DELIVERY_ON_CLOSE, RECORD_OPERATOR_CANCEL, SEND_CONFIRMATIONS } from '../../workflows/patches';
import { DUE_DATE, NEXT_ACTION_AT, OUTCOME, STAGE } from '../../workflows/search-attributes';
import { HistoryBuilder } from './history-builder';

type IHistory = temporal.api.history.v1.IHistory;

export const RECORD_JOURNEY = 'recordJourney';
export const DELIVER_REMINDER = 'deliverReminder';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export type Instant = string | number | Date;

export function toMs(at: Instant): number {
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(at)}`);
  return ms;
}

/** An activity as it is written into the history; `tamper` may change it (negative tests). */
export interface ScheduledActivity {
  activityId: string;
  activityType: string;
}

export interface JourneyHistoryOptions {
  installment: InstallmentInput;
  /** @default defaultPolicy */
  policy?: Policy;
  /** When the run starts (WorkflowExecutionStarted). */
  startAt: Instant;
  /** State carried over by continue-as-new: this history is then the run that continues. */
  carried?: JourneyInput['carried'];
  workflowId?: string;
  runId?: string;
  continuedFromRunId?: string;
  taskQueue?: string;
  /** Write the history as a worker from before these patches did (no marker, the old behavior). */
  withoutPatches?: readonly string[];
  /** Time from scheduling `deliverReminder` to its completion. @default 1.5 s */
  deliveryLatencyMs?: number;
  /** Time from scheduling `recordJourney` to its completion. @default 40 ms */
  recordLatencyMs?: number;
  /** Time from the event that triggers a workflow task to the task starting. @default 15 ms */
  taskLatencyMs?: number;
  /**
   * What each confirmation's delivery answers (`fails`: its retries run out), by activity id.
   * @default sent
   */
  confirmationResult?: (activityId: string) => DeliveryResult | 'fails';
  /**
   * Rewrites activities as they are written into the history (the simulation itself goes on
   * with the real ones): for histories that must NOT replay.
   */
  tamper?: (activity: ScheduledActivity) => ScheduledActivity;
}

export interface SignalOptions {
  /** When the message arrives. @default one hour after the current time */
  at?: Instant;
}

type Blocked =
  | { kind: 'record'; activityId: string }
  | {
      kind: 'deliver';
      activityId: string;
      revision: number;
      stepIndex: number;
      channel: Channel;
      requestedChannel: Channel;
      attemptId: string;
      /** The contact window's end, which a legacy deferral (no `until`) falls back to. */
      sendBefore: number;
      /** The journey closed meanwhile and asked to cancel it: canceled unless it had started. */
      cancelRequested?: boolean;
    }
  /** A confirmation's delivery: completed as soon as the scenario goes on (see `confirmationResult`). */
  | { kind: 'confirm'; activityId: string; confirmation: PendingConfirmation; channel: Channel; attemptId: string }
  | { kind: 'timer'; timerId: number; fireAt: number }
  /** condition() without a timeout: paused until resumed. */
  | { kind: 'paused' }
  | { kind: 'closed'; how: 'completed' | 'continuedAsNew' | 'canceled' };

export class JourneyHistory {
  readonly builder: HistoryBuilder;
  readonly input: JourneyInput;
  readonly workflowId: string;
  /** Every activity the workflow schedules, in order (real ids, before any tampering). */
  readonly activities: ScheduledActivity[] = [];
  /** The ids of the deliverReminder activities, in order. */
  readonly deliveries: string[] = [];
  /** The ids of the confirmations' deliverReminder activities, in order. */
  readonly confirmations: string[] = [];
  /** One line per decision, for failure messages. */
  readonly log: string[] = [];

  private current: JourneyState;
  private readonly unrecorded: RecordedEvent[] = [];
  private blocked: Blocked = { kind: 'paused' };
  private batches = 0;
  private timers = 0;
  private suggestFromTask: number | null = null;
  private tasks = 0;
  private readonly suggestedStartedEventIds: number[] = [];
  private readonly writtenIds = new Map<string, string>();
  private completedWith: JourneyStatus | undefined;
  private continuedWith: JourneyInput | undefined;
  private readonly deliveryLatencyMs: number;
  private readonly recordLatencyMs: number;
  private readonly taskLatencyMs: number;
  private readonly tamper: ((activity: ScheduledActivity) => ScheduledActivity) | undefined;
  private readonly confirmationResult: (activityId: string) => DeliveryResult | 'fails';

  /** `patched()` ids this run has recorded (a marker is written on the first use only). */
  private readonly patchesUsed = new Set<string>();
  private readonly withoutPatches: ReadonlySet<string>;
  /** The journey's task queue (deliveries go to their channel's queue beside it). */
  readonly taskQueue: string;

  constructor(options: JourneyHistoryOptions) {
    const policy = options.policy ?? defaultPolicy;
    this.input = { installment: options.installment, policy, ...(options.carried && { carried: options.carried }) };
    this.workflowId =
      options.workflowId ?? `dunning/${options.installment.tenantId}/${options.installment.installmentId}`;
    this.deliveryLatencyMs = options.deliveryLatencyMs ?? 1_500;
    this.recordLatencyMs = options.recordLatencyMs ?? 40;
    this.taskLatencyMs = options.taskLatencyMs ?? 15;
    this.tamper = options.tamper;
    this.confirmationResult =
      options.confirmationResult ?? ((id) => ({ status: 'sent', providerMessageId: `outbox:${id}` }));
    this.withoutPatches = new Set(options.withoutPatches ?? []);
    this.taskQueue = options.taskQueue ?? 'dunning-journeys';
    this.builder = new HistoryBuilder({
      workflowType: JOURNEY_WORKFLOW_TYPE,
      taskQueue: this.taskQueue,
      args: [this.input],
      startTime: toMs(options.startAt),
      ...(options.runId && { runId: options.runId }),
      ...(options.continuedFromRunId && { continuedFromRunId: options.continuedFromRunId }),
    });

    const now = this.task();
    if (options.carried) {
      this.current = options.carried.state;
      this.unrecorded.push(...options.carried.unrecorded);
    } else {
      const started = startJourney(options.installment, policy, now);
      this.current = started.state;
      this.unrecorded.push(started.recorded);
    }
    this.loop(now);
    this.settle();
  }

  // ------------------------------------------------------------------------------- reading

  /** The journey state the workflow holds now (as predicted by the domain). */
  get state(): JourneyState {
    return this.current;
  }

  /** Current history time (ms). */
  get now(): number {
    return this.builder.now;
  }

  get closed(): boolean {
    return this.blocked.kind === 'closed';
  }

  /** The status the workflow returned (completed histories only). */
  get result(): JourneyStatus {
    if (!this.completedWith) throw new Error(`the journey has not completed\n${this.trace()}`);
    return this.completedWith;
  }

  /** The input of the next run (continued-as-new histories only). */
  get continuedAsNewInput(): JourneyInput {
    if (!this.continuedWith) throw new Error(`the journey has not continued as new\n${this.trace()}`);
    return this.continuedWith;
  }

  /** When the pending timer fires (throws unless the journey waits on one). */
  get nextTimerAt(): number {
    if (this.blocked.kind !== 'timer')
      throw new Error(`not waiting on a timer (${this.blocked.kind})\n${this.trace()}`);
    return this.blocked.fireAt;
  }

  /** The history, with `suggestContinueAsNew` set on the tasks that carry it. */
  build(): IHistory {
    const events = this.builder.build().events ?? [];
    const suggested = new Set(this.suggestedStartedEventIds);
    return {
      events: events.map((event) =>
        suggested.has(Number(event.eventId))
          ? {
              ...event,
              workflowTaskStartedEventAttributes: {
                ...event.workflowTaskStartedEventAttributes,
                suggestContinueAsNew: true,
              },
            }
          : event,
      ),
    };
  }

  trace(): string {
    return this.log.join('\n');
  }

  // ------------------------------------------------------------------------------- scenario steps

  /**
   * Lets time pass until the next reminder is scheduled, delivers it (`sent`, unless `result`
   * says otherwise) and lets the journey record it. `channel`, when given, is the channel the
   * scenario expects the reminder to go out on; a different prediction throws.
   */
  reminder(channel?: Channel, result?: DeliveryResult): this {
    const pending = this.runUntilDelivery();
    if (channel !== undefined && pending.channel !== channel) {
      throw new Error(
        `expected the next reminder on ${channel}, the journey uses ${pending.activityId}\n${this.trace()}`,
      );
    }
    this.completeDelivery(result ?? { status: 'sent', providerMessageId: `outbox:${pending.attemptId}` });
    this.settle();
    return this;
  }

  /**
   * Lets time pass until the next reminder is scheduled and stops there, with the delivery in
   * flight: messages sent now reach the workflow while it awaits the activity. Then `delivered()`.
   */
  reminderInFlight(channel?: Channel): this {
    const pending = this.runUntilDelivery();
    if (channel !== undefined && pending.channel !== channel) {
      throw new Error(
        `expected the next reminder on ${channel}, the journey uses ${pending.activityId}\n${this.trace()}`,
      );
    }
    return this;
  }

  /**
   * An operator cancels the workflow itself (Temporal UI or CLI; not the journey's `cancel`
   * signal). A reminder in flight is canceled first, a waiting timer with it. Then the journey
   * records the cancellation (patch record-operator-cancel: canceled, reason `operator`), and the
   * workflow ends canceled. Without that patch it ends canceled with nothing more recorded.
   */
  workflowCanceled(): this {
    const pending = this.blocked;
    if (pending.kind === 'closed' || pending.kind === 'record')
      throw new Error(`workflowCanceled(): the journey is ${pending.kind}\n${this.trace()}`);
    this.builder.cancelRequested({ advanceMs: 100 });
    let now = this.task();
    this.log.push(`${iso(now)} the workflow is canceled`);
    if (pending.kind === 'deliver') {
      this.builder.activityCancelRequested({ activityId: this.written(pending.activityId) });
      this.builder.activityCanceled({ activityId: this.written(pending.activityId), advanceMs: 50 });
      now = this.task();
    } else if (pending.kind === 'timer') {
      this.builder.timerCanceled(pending.timerId);
    }
    if (!this.withoutPatches.has(RECORD_OPERATOR_CANCEL)) {
      this.builder.patchMarker(RECORD_OPERATOR_CANCEL);
      this.patchesUsed.add(RECORD_OPERATOR_CANCEL);
      this.apply({ type: 'canceled', at: now, reason: 'operator', actor: TEMPORAL_OPERATOR });
      this.flush(now);
      const record = this.blocked as Extract<Blocked, { kind: 'record' }>;
      this.builder.activityCompleted(undefined, {
        activityId: this.written(record.activityId),
        advanceMs: this.recordLatencyMs,
      });
      this.task();
    }
    this.builder.canceled();
    this.blocked = { kind: 'closed', how: 'canceled' };
    return this;
  }

  /** The server cancels the reminder whose cancellation the journey asked for (no worker had started it). */
  canceledBeforeStart(): this {
    const pending = this.blocked;
    if (pending.kind !== 'deliver' || !pending.cancelRequested)
      throw new Error(`canceledBeforeStart(): no reminder being canceled (${pending.kind})\n${this.trace()}`);
    this.builder.activityCanceled({ activityId: this.written(pending.activityId), advanceMs: 50 });
    const now = this.task();
    this.log.push(`${iso(now)} ${pending.activityId} canceled`);
    this.loop(now);
    this.settle();
    return this;
  }

  /** Completes the reminder left in flight by `reminderInFlight()` (also one being canceled that had started). */
  delivered(result?: DeliveryResult): this {
    if (this.blocked.kind !== 'deliver')
      throw new Error(`delivered(): no reminder in flight (${this.blocked.kind})\n${this.trace()}`);
    this.completeDelivery(result ?? { status: 'sent', providerMessageId: `outbox:${this.blocked.attemptId}` });
    this.settle();
    return this;
  }

  /** Lets time pass until the next reminder, whose activity then fails for good (retries exhausted). */
  reminderFails(message = 'provider unavailable'): this {
    const pending = this.runUntilDelivery();
    this.builder.activityFailed(
      { message, type: 'ProviderUnavailable' },
      { activityId: this.written(pending.activityId), advanceMs: this.deliveryLatencyMs },
    );
    const now = this.task();
    this.log.push(`${iso(now)} ${pending.activityId} failed`);
    this.apply({
      type: 'step_skipped',
      at: now,
      revision: pending.revision,
      stepIndex: pending.stepIndex,
      reason: 'delivery_failed',
    });
    this.loop(now);
    this.settle();
    return this;
  }

  /** Lets time pass (firing timers, delivering reminders) until the journey ends. */
  finish(): this {
    for (;;) {
      switch (this.blocked.kind) {
        case 'closed':
          return this;
        case 'record':
          this.completeRecord();
          break;
        case 'confirm':
          this.completeConfirmation();
          break;
        case 'timer':
          this.fireTimer();
          break;
        case 'deliver':
          if (this.blocked.cancelRequested) this.canceledBeforeStart();
          else this.completeDelivery({ status: 'sent', providerMessageId: `outbox:${this.blocked.attemptId}` });
          break;
        case 'paused':
          throw new Error(`finish(): the journey is paused with no end; resume it first\n${this.trace()}`);
      }
    }
  }

  /** Lets the pending timer fire (e.g. a pause with an end, or the wait before a reminder). */
  fireTimer(): this {
    if (this.blocked.kind !== 'timer')
      throw new Error(`fireTimer(): not waiting on a timer (${this.blocked.kind})\n${this.trace()}`);
    this.builder.timerFired(this.blocked.timerId);
    const now = this.task();
    this.log.push(`${iso(now)} timer ${this.blocked.timerId} fired`);
    this.loop(now);
    this.settle();
    return this;
  }

  /**
   * A signal whose payload the workflow cannot use (sent by some other Temporal client): it must
   * change nothing — no event, no command.
   */
  malformedSignal(name: string, args: unknown[], options: SignalOptions = {}): this {
    const ms = this.messageTime(options.at);
    this.builder.signal(name, args, { advanceMs: ms - this.builder.now });
    const now = this.task();
    this.log.push(`${iso(now)} malformed signal ${name}`);
    return this;
  }

  /** The paymentReceived signal. */
  payment(amountMinor: number, options: SignalOptions & { paymentId?: string; currency?: string } = {}): this {
    const paymentId = options.paymentId ?? `pay-${amountMinor}`;
    const currency = options.currency ?? this.current.installment.amount.currency;
    return this.signal(paymentReceivedSignal, [{ paymentId, amountMinor, currency }], options.at, (now) => ({
      type: 'payment_received',
      at: now,
      paymentId,
      amountMinor,
      currency,
    }));
  }

  /** The pause signal; `until` absent = until resumed. */
  pause(options: SignalOptions & { until?: Instant } = {}): this {
    const until = options.until === undefined ? null : toMs(options.until);
    return this.signal(
      pauseSignal,
      [{ until: until === null ? null : new Date(until).toISOString() }],
      options.at,
      (now) => ({
        type: 'paused',
        at: now,
        until,
      }),
    );
  }

  resume(options: SignalOptions = {}): this {
    return this.signal(resumeSignal, [{}], options.at, (now) => ({ type: 'resumed', at: now }));
  }

  cancel(reason: CancelReason, options: SignalOptions = {}): this {
    return this.signal(cancelSignal, [{ reason }], options.at, (now) => ({ type: 'canceled', at: now, reason }));
  }

  optOut(channel: Channel, options: SignalOptions = {}): this {
    return this.signal(optOutSignal, [{ channel }], options.at, (now) => ({ type: 'opted_out', at: now, channel }));
  }

  updateContact(changes: ContactUpdate, options: SignalOptions = {}): this {
    return this.signal(updateContactSignal, [changes], options.at, (now) => ({
      type: 'contact_updated',
      at: now,
      changes,
    }));
  }

  /**
   * The changeDueDate update, accepted (validators do not run on replay, so the builder checks
   * the domain's rule itself and throws for a change the real workflow would refuse: a refused
   * update leaves no trace in history).
   */
  changeDueDate(dueDate: LocalDate, options: SignalOptions & { updateId?: string } = {}): this {
    const at = this.messageTime(options.at);
    this.builder.advance(at - this.builder.now);
    const now = this.task();
    const refusal = checkDueDateChange(this.current, dueDate, now);
    if (refusal) throw new Error(`changeDueDate(${dueDate}) would be refused: ${refusal}\n${this.trace()}`);
    const updateId = options.updateId ?? `due-date-${this.tasks}`;
    this.builder.updateAccepted({ updateId, update: changeDueDateUpdate, args: [{ dueDate }] });
    const changed = this.apply({ type: 'due_date_changed', at: now, from: this.current.dueDate, to: dueDate });
    this.builder.updateCompleted(
      { dueDate: this.current.dueDate, status: journeyStatus(this.current, now) },
      { updateId },
    );
    this.log.push(`${iso(now)} update changeDueDate ${dueDate}`);
    this.wake(now, changed);
    this.settle();
    return this;
  }

  /**
   * From the next workflow task on, the server suggests continue-as-new (history too long): the
   * workflow continues as new the next time it would wait.
   */
  suggestContinueAsNew(): this {
    this.suggestFromTask = this.tasks + 1;
    return this;
  }

  // ------------------------------------------------------------------------------- the loop

  /** A workflow task starts; returns its time (what `Date.now()` is in the workflow). */
  private task(): number {
    this.builder.workflowTask({ advanceMs: this.tasks === 0 ? 0 : this.taskLatencyMs });
    this.tasks++;
    if (this.suggestFromTask !== null && this.tasks >= this.suggestFromTask) {
      // workflowTask() wrote Scheduled, Started, Completed: Started is the one before last.
      this.suggestedStartedEventIds.push(this.builder.lastEventId - 1);
    }
    return this.builder.now;
  }

  private suggested(): boolean {
    return this.suggestFromTask !== null && this.tasks >= this.suggestFromTask;
  }

  private apply(event: JourneyEvent): boolean {
    const result = dispatch(this.current, event);
    if (!result.recorded) {
      this.log.push(`${iso(event.at)}   (${event.type}: no change)`);
      return false;
    }
    this.current = result.state;
    this.unrecorded.push(result.recorded);
    this.log.push(`${iso(event.at)}   event ${result.recorded.seq} ${event.type}`);
    return true;
  }

  /** The workflow's main loop from `now` until it blocks (mirrors workflows/journey.ts). */
  private loop(now: number): void {
    for (;;) {
      if (this.unrecorded.length > 0) {
        this.flush(now);
        return;
      }
      const action = nextMove(this.current, now);
      switch (action.kind) {
        case 'confirm': {
          if (this.withoutPatches.has(SEND_CONFIRMATIONS)) {
            this.current = withoutConfirmations(this.current);
            this.log.push(`${iso(now)} confirmations dropped (no patch)`);
            break;
          }
          if (!this.patchesUsed.has(SEND_CONFIRMATIONS)) {
            this.builder.patchMarker(SEND_CONFIRMATIONS);
            this.patchesUsed.add(SEND_CONFIRMATIONS);
          }
          const owed = action.confirmation;
          const route = confirmationRoute(this.current, owed);
          if (route.kind === 'none') {
            this.apply({
              type: 'confirmation_skipped',
              at: now,
              confirms: owed.confirms,
              template: owed.template,
              reason: 'no_channel',
              channels: route.skipped,
            });
            break;
          }
          const key = confirmationKey(owed.confirms, route.channel);
          const tries = this.confirmations.filter((id) => id === key || id.startsWith(`${key}#`)).length + 1;
          const activityId = tries === 1 ? key : `${key}#${tries}`;
          this.schedule(activityId, DELIVER_REMINDER, deliveryTaskQueue(this.taskQueue, route.channel));
          this.confirmations.push(activityId);
          this.blocked = {
            kind: 'confirm',
            activityId,
            confirmation: owed,
            channel: route.channel,
            attemptId: `${this.workflowId}/${key}`,
          };
          this.log.push(`${iso(now)} schedule ${activityId}`);
          return;
        }
        case 'done': {
          this.completedWith = journeyStatus(this.current, now);
          this.builder.completed(this.completedWith);
          this.blocked = { kind: 'closed', how: 'completed' };
          this.log.push(`${iso(now)} completed: ${this.current.outcome}`);
          return;
        }
        case 'resume':
          this.apply({ type: 'resumed', at: now });
          break;
        case 'skip':
          this.apply({
            type: 'step_skipped',
            at: now,
            revision: this.current.planRevision,
            stepIndex: action.step.stepIndex,
            reason: 'superseded',
          });
          break;
        case 'final':
          this.apply({ type: 'final_action_taken', at: now, action: action.action });
          break;
        case 'promise_kept':
        case 'promise_broken':
          this.apply({ type: action.kind, at: now });
          break;
        case 'send': {
          const buyer = this.current.installment.buyer;
          const revision = this.current.planRevision;
          const { stepIndex } = action.step;
          const route = resolveChannel(action.step.channel, channelAvailability(this.current));
          if (route.kind === 'none') {
            this.apply({
              type: 'step_skipped',
              at: now,
              revision,
              stepIndex,
              reason: 'no_channel',
              channels: route.skipped,
            });
            break;
          }
          const stepKey = `r${revision}/s${stepIndex}/${route.channel}`;
          const tries =
            this.deliveries.filter((id) => id === `deliver/${stepKey}` || id.startsWith(`deliver/${stepKey}#`)).length +
            1;
          const activityId = tries === 1 ? `deliver/${stepKey}` : `deliver/${stepKey}#${tries}`;
          this.schedule(activityId, DELIVER_REMINDER, deliveryTaskQueue(this.taskQueue, route.channel));
          this.deliveries.push(activityId);
          this.blocked = {
            kind: 'deliver',
            activityId,
            revision,
            stepIndex,
            channel: route.channel,
            requestedChannel: action.step.channel,
            attemptId: `${this.workflowId}/${stepKey}/${this.current.lastSeq}`,
            sendBefore: contactWindowEnd(this.current.policy, now, buyer.timezone),
          };
          this.log.push(`${iso(now)} schedule ${activityId}`);
          return;
        }
        case 'wait': {
          if (this.suggested()) {
            this.continuedWith = { ...this.input, carried: { state: this.current, unrecorded: [] } };
            this.builder.continuedAsNew([this.continuedWith]);
            this.blocked = { kind: 'closed', how: 'continuedAsNew' };
            this.log.push(`${iso(now)} continued as new`);
            return;
          }
          if (action.until === null) {
            this.blocked = { kind: 'paused' };
            this.log.push(`${iso(now)} wait (no timer)`);
            return;
          }
          this.timers++;
          this.builder.timerStarted(this.timers, action.until - now);
          this.blocked = { kind: 'timer', timerId: this.timers, fireAt: now + Math.max(1, action.until - now) };
          this.log.push(`${iso(now)} timer ${this.timers} until ${iso(action.until)} (${action.reason})`);
          return;
        }
      }
    }
  }

  private flush(now: number): void {
    const state = this.current;
    const nextAt = nextActionInstant(state, now);
    this.builder.upsertSearchAttributes([
      { key: STAGE, value: stageAt(state, now) },
      { key: NEXT_ACTION_AT, value: nextAt === null ? null : new Date(nextAt) },
      { key: DUE_DATE, value: new Date(zonedToInstant(state.dueDate, '00:00', state.installment.buyer.timezone)) },
      ...(state.outcome ? [{ key: OUTCOME, value: state.outcome }] : []),
    ]);
    this.batches++;
    const activityId = `record/${this.batches}`;
    const events = this.unrecorded.splice(0);
    this.schedule(activityId, RECORD_JOURNEY);
    this.blocked = { kind: 'record', activityId };
    this.log.push(`${iso(now)} schedule ${activityId} [${events.map((e) => e.type).join(', ')}]`);
  }

  private schedule(activityId: string, activityType: string, taskQueue = this.taskQueue): void {
    const real = { activityId, activityType };
    this.activities.push(real);
    const written = this.tamper ? this.tamper(real) : real;
    this.writtenIds.set(activityId, written.activityId);
    this.builder.activityScheduled({ activityId: written.activityId, activityType: written.activityType, taskQueue });
  }

  private written(activityId: string): string {
    return this.writtenIds.get(activityId) ?? activityId;
  }

  private completeRecord(): void {
    if (this.blocked.kind !== 'record') throw new Error('no recordJourney pending');
    this.builder.activityCompleted(undefined, {
      activityId: this.written(this.blocked.activityId),
      advanceMs: this.recordLatencyMs,
    });
    this.loop(this.task());
  }

  private completeDelivery(result: DeliveryResult): void {
    const pending = this.blocked;
    if (pending.kind !== 'deliver') throw new Error('no deliverReminder pending');
    this.builder.activityCompleted(result, {
      activityId: this.written(pending.activityId),
      advanceMs: this.deliveryLatencyMs,
    });
    const now = this.task();
    this.apply(
      eventForDelivery(result, {
        at: now,
        revision: pending.revision,
        stepIndex: pending.stepIndex,
        channel: pending.channel,
        requestedChannel: pending.requestedChannel,
        attemptId: pending.attemptId,
        fallbackUntil: pending.sendBefore,
      }),
    );
    this.loop(now);
  }

  private completeConfirmation(): void {
    const pending = this.blocked;
    if (pending.kind !== 'confirm') throw new Error('no confirmation pending');
    const result = this.confirmationResult(pending.activityId);
    const activityId = this.written(pending.activityId);
    if (result === 'fails') {
      this.builder.activityFailed(
        { message: 'provider unavailable', type: 'ProviderUnavailable' },
        {
          activityId,
          advanceMs: this.deliveryLatencyMs,
        },
      );
    } else {
      this.builder.activityCompleted(result, { activityId, advanceMs: this.deliveryLatencyMs });
    }
    const now = this.task();
    const { confirms, template } = pending.confirmation;
    this.apply(
      result === 'fails'
        ? { type: 'confirmation_skipped', at: now, confirms, template, reason: 'delivery_failed' }
        : eventForConfirmation(result, {
            at: now,
            confirmation: pending.confirmation,
            channel: pending.channel,
            attemptId: pending.attemptId,
          }),
    );
    this.loop(now);
  }

  /** Completes pending recordJourney activities until the journey waits (or ends). */
  private holdRecords = false;

  /**
   * Messages sent inside `during` reach the workflow while it is still recording the previous
   * batch (recordJourney in flight); afterwards the journey goes on as usual.
   */
  whileRecording(during: (h: this) => void): this {
    this.holdRecords = true;
    try {
      during(this);
    } finally {
      this.holdRecords = false;
    }
    this.settle();
    return this;
  }

  private settle(): void {
    if (this.holdRecords) return;
    for (;;) {
      if (this.blocked.kind === 'record') this.completeRecord();
      else if (this.blocked.kind === 'confirm') this.completeConfirmation();
      else return;
    }
  }

  private runUntilDelivery(): Extract<Blocked, { kind: 'deliver' }> {
    for (;;) {
      const blocked = this.blocked;
      switch (blocked.kind) {
        case 'deliver':
          return blocked;
        case 'record':
          this.completeRecord();
          break;
        case 'confirm':
          this.completeConfirmation();
          break;
        case 'timer': {
          this.builder.timerFired(blocked.timerId);
          const now = this.task();
          this.log.push(`${iso(now)} timer ${blocked.timerId} fired`);
          this.loop(now);
          break;
        }
        case 'paused':
          throw new Error(`no reminder comes while the journey is paused with no end\n${this.trace()}`);
        case 'closed':
          throw new Error(`no reminder comes: the journey ${blocked.how}\n${this.trace()}`);
      }
    }
  }

  private messageTime(at: Instant | undefined): number {
    if (this.blocked.kind === 'closed') throw new Error(`the journey already ${this.blocked.how}\n${this.trace()}`);
    // Default: an hour later, or half a second while a reminder is in flight (it completes after).
    const inFlight =
      this.blocked.kind === 'deliver'
        ? 500
        : this.blocked.kind === 'record'
          ? Math.max(1, Math.floor(this.recordLatencyMs / 4))
          : HOUR_MS;
    const ms = at === undefined ? this.builder.now + inFlight : toMs(at);
    if (ms < this.builder.now)
      throw new Error(`a message at ${iso(ms)} would arrive before the current time ${iso(this.builder.now)}`);
    if (this.blocked.kind === 'deliver' && ms - this.builder.now >= this.deliveryLatencyMs) {
      throw new Error(`a message at ${iso(ms)} arrives after the reminder in flight completes\n${this.trace()}`);
    }
    if (this.blocked.kind === 'record' && ms - this.builder.now >= this.recordLatencyMs) {
      throw new Error(`a message at ${iso(ms)} arrives after the recording in flight completes\n${this.trace()}`);
    }
    if (this.blocked.kind === 'timer' && ms >= this.blocked.fireAt) {
      throw new Error(
        `a message at ${iso(ms)} arrives after timer ${this.blocked.timerId} fires (${iso(this.blocked.fireAt)}): let the journey get there first\n${this.trace()}`,
      );
    }
    return ms;
  }

  private signal<Args extends unknown[]>(
    definition: { name: string },
    args: Args,
    at: Instant | undefined,
    event: (now: number) => JourneyEvent,
  ): this {
    const ms = this.messageTime(at);
    this.builder.signal(definition.name, args, { advanceMs: ms - this.builder.now });
    const now = this.task();
    this.log.push(`${iso(now)} signal ${definition.name}`);
    this.wake(now, this.apply(event(now)));
    this.settle();
    return this;
  }

  /** After a handler ran: a changed state ends the wait (cancelling its timer) and the loop goes on. */
  private wake(now: number, changed: boolean): void {
    if (!changed) return;
    const blocked = this.blocked;
    if (blocked.kind === 'timer') {
      this.builder.timerCanceled(blocked.timerId);
      this.log.push(`${iso(now)} timer ${blocked.timerId} canceled`);
      this.loop(now);
    } else if (blocked.kind === 'paused') {
      this.loop(now);
    } else if (blocked.kind === 'deliver' && this.current.outcome !== null) {
      // Paid or canceled while the reminder waited: the workflow cancels it (TRY_CANCEL: at once).
      if (this.withoutPatches.has(CANCEL_DELIVERY_ON_CLOSE)) return;
      if (!this.patchesUsed.has(CANCEL_DELIVERY_ON_CLOSE)) {
        this.builder.patchMarker(CANCEL_DELIVERY_ON_CLOSE);
        this.patchesUsed.add(CANCEL_DELIVERY_ON_CLOSE);
      }
      this.builder.activityCancelRequested({ activityId: this.written(blocked.activityId) });
      this.log.push(`${iso(now)} cancel ${blocked.activityId}`);
      // WAIT_CANCELLATION_COMPLETED: the workflow waits for the server's answer.
      blocked.cancelRequested = true;
    }
    // Waiting on an activity: the new events are recorded when it completes and the loop runs.
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
