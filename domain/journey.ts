import type { Channel, ChannelAvailability, ChannelUnavailableReason } from './channels';
import type { DeferralReason } from './compliance';
import {
  type ConfirmationEvent,
  type PendingConfirmation,
  confirmationIsDue,
  confirmationOwed,
  pendingConfirmations,
  reduceConfirmations,
} from './confirmations';
import type { InstallmentInput } from './installment';
import { isLocale } from './locales';
import {
  type LocalDate,
  MS_PER_DAY,
  addDays,
  daysBetween,
  instantToZoned,
  isLocalDate,
  isTimeZone,
  zonedToInstant,
} from './local-time';
import { allocatePayment } from './money';
import { type Plan, type PlannedStep, computePlan, planExtraStep } from './plan';
import type { FinalAction, Policy } from './policy';
import type { JourneyRouting } from './segments';
import {
  BROKEN_PROMISE_STEP_INDEX,
  NO_PROMISES,
  type PromiseLedger,
  type PromiseRefusal,
  type PromiseRequest,
  breakPromise,
  brokenStepDone,
  checkPromise,
  isOvertakenByBrokenPromise,
  keepPromise,
  openPromise,
  promiseDeadline,
  promiseMove,
  promiseRules,
} from './promises';

/**
 * The journey state machine: state × event → state, and state × now → next action.
 * Pure and serializable (plain JSON), so a workflow can carry it across continue-as-new and
 * tests can drive it without Temporal.
 */

export const OUTCOMES = [
  'paid_before_due',
  'recovered',
  'partially_recovered',
  'canceled',
  'written_off',
  'handed_over',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What a buyer does in their payment area besides asking for a new due date: each is recorded. */
export const BUYER_ACTIONS = ['pay_now', 'pay_part', 'payment_method'] as const;
export type BuyerAction = (typeof BUYER_ACTIONS)[number];

/** Why a client of the API cancels a journey. */
export const CANCEL_REASONS = ['refund', 'subscription_canceled', 'manual'] as const;
/**
 * Why a journey ended from outside the product, in Temporal itself: `operator` — its workflow was
 * canceled (UI, CLI) and the journey recorded that; `terminated` — it was terminated, timed out
 * or failed, with no chance to record anything, and reconciliation closed the record.
 */
export const ENDED_OUTSIDE_REASONS = ['operator', 'terminated'] as const;
export type EndedOutsideReason = (typeof ENDED_OUTSIDE_REASONS)[number];
export type CancelReason = (typeof CANCEL_REASONS)[number] | EndedOutsideReason;

/** The actor of what happens in Temporal outside the product (an operator's cancel, a termination). */
export const TEMPORAL_OPERATOR: Actor = { kind: 'system', id: 'temporal-operator' };

export const STAGES = ['pre_due', 'overdue', 'paused', 'closed'] as const;
export type Stage = (typeof STAGES)[number];

export type { DeferralReason } from './compliance';

export interface ContactUpdate {
  email?: string | null | undefined;
  phone?: string | null | undefined;
  whatsapp?: string | null | undefined;
  locale?: InstallmentInput['buyer']['locale'] | undefined;
  timezone?: string | undefined;
}

export interface Actor {
  /**
   * Who asked: an API key id, a person signed in to the seller app (`user`, `id` = their user
   * id), `system`, a provider webhook, or the buyer through their payment area (`id` = the
   * buyer's id in the tenant). Never personal data.
   */
  kind: 'api_key' | 'user' | 'system' | 'provider' | 'buyer';
  id: string;
  /** For a collaborator's key: who, and through which permission profile. */
  collaboratorId?: string;
  profileId?: string;
}

export type JourneyEvent =
  | { type: 'started'; at: number; actor?: Actor }
  | {
      type: 'step_sent';
      at: number;
      revision: number;
      stepIndex: number;
      channel: Channel;
      requestedChannel: Channel;
      attemptId: string;
    }
  | {
      type: 'step_failed';
      at: number;
      revision: number;
      stepIndex: number;
      channel: Channel;
      reason: string;
      /**
       * `step`: this message could not go out on this channel (no approved template, a content
       * refusal), but the channel stays usable for later steps. Absent: the address itself cannot
       * be reached, for the rest of the journey.
       */
      scope?: 'step';
    }
  | {
      type: 'step_skipped';
      at: number;
      revision: number;
      stepIndex: number;
      reason: 'superseded' | 'no_channel' | 'delivery_failed';
      channels?: { channel: Channel; reason: ChannelUnavailableReason }[];
    }
  /** The contact window closed before the reminder could go out: nothing is sent before `until`. */
  | { type: 'step_deferred'; at: number; revision: number; stepIndex: number; until: number; reason?: DeferralReason }
  | { type: 'payment_received'; at: number; paymentId: string; amountMinor: number; currency: string; actor?: Actor }
  | { type: 'due_date_changed'; at: number; from: LocalDate; to: LocalDate; actor?: Actor }
  | { type: 'paused'; at: number; until: number | null; actor?: Actor }
  | { type: 'resumed'; at: number; actor?: Actor }
  | { type: 'canceled'; at: number; reason: CancelReason; actor?: Actor }
  | { type: 'contact_updated'; at: number; changes: ContactUpdate; actor?: Actor }
  | { type: 'opted_out'; at: number; channel: Channel; actor?: Actor }
  | { type: 'opted_in'; at: number; channel: Channel; actor?: Actor }
  | { type: 'final_action_taken'; at: number; action: FinalAction }
  /** The buyer acted in their payment area (a due-date change is its own event). */
  | { type: 'buyer_action'; at: number; action: BuyerAction; amountMinor?: number; actor?: Actor }
  /**
   * A person took over the buyer's conversation (agent task `taskId`): the ladder holds its
   * reminders until `until` or the task's close, whichever comes first. A manual pause is left as it is.
   */
  | { type: 'handoff_opened'; at: number; taskId: string; until: number; actor?: Actor }
  /** The agent task closed: the hold it put on the ladder is lifted (never a manual pause). */
  | { type: 'handoff_closed'; at: number; taskId: string; actor?: Actor }
  /** A promise to pay: the ladder holds until `until` (the promised date plus the policy's grace). */
  | { type: 'promise_made'; at: number; date: LocalDate; amountMinor: number; until: number; actor?: Actor }
  /** The payments since the promise cover its amount. */
  | { type: 'promise_kept'; at: number }
  /** The promised date and its grace passed without the payment: the ladder resumes. */
  | { type: 'promise_broken'; at: number }
  | ConfirmationEvent;

/**
 * An event as it goes to the audit log: numbered, and with personal data reduced to the names
 * of the fields that changed (the current contact lives in the journey row, not in history).
 */
export type AuditEvent =
  | Exclude<JourneyEvent, { type: 'contact_updated' }>
  | { type: 'contact_updated'; at: number; fields: (keyof ContactUpdate)[]; actor?: Actor };
export type RecordedEvent = AuditEvent & { seq: number };

export interface JourneyState {
  installment: InstallmentInput;
  policy: Policy;
  originalDueDate: LocalDate;
  dueDate: LocalDate;
  /** Bumped on every due-date change: the ladder restarts and step ids stay unique. */
  planRevision: number;
  nextStepIndex: number;
  startedAt: number;
  paidMinor: number;
  overpaidMinor: number;
  payments: { paymentId: string; amountMinor: number; at: number }[];
  /**
   * `heldBy: 'handoff'`: the pause is the hold of open agent tasks (see `handoffTasks`), lifted
   * when the last of them closes; absent: a manual pause, which only a resume (or its `until`) lifts.
   */
  paused: { since: number; until: number | null; heldBy?: 'handoff' } | null;
  /** Agent tasks open on this journey's buyer (handoff_opened, not yet closed). Absent in older state. */
  handoffTasks?: string[];
  optedOut: Channel[];
  undeliverable: Channel[];
  /** Channels the current step could not use (absent in state from before it existed). */
  stepExcluded?: { revision: number; stepIndex: number; channels: Channel[] } | null;
  /**
   * No reminder before this instant (set when a delivery was deferred because the contact window
   * closed). Absent in state carried over from before it existed.
   */
  notBefore?: number | null;
  /** Instants of reminders sent in the last 7 days (older ones age out), for the frequency cap. */
  recentContacts: number[];
  attempts: { sent: number; failed: number; skipped: number };
  reschedules: number;
  outcome: Outcome | null;
  finalAction: FinalAction | null;
  closedAt: number | null;
  cancelReason: CancelReason | null;
  /** Sequence number of the last recorded event: the idempotency key of each audit row. */
  lastSeq: number;
  /**
   * Confirmations owed to the buyer, oldest first (see confirmations.ts). Carried across
   * continue-as-new with the rest of the state; absent in state from before they existed.
   */
  confirmations?: PendingConfirmation[];
  /**
   * How the policy was chosen (segment rule, experiment arm); absent in state from before
   * routing, and for journeys started straight on Temporal.
   */
  routing?: JourneyRouting;
  /** Promises to pay (see promises.ts); absent in state from before they existed. */
  promises?: PromiseLedger;
}

/**
 * A new journey. `afterSeq`: the last sequence number already on record for this installment
 * (a journey started again after it was terminated): its events continue the numbering.
 */
export function startJourney(
  installment: InstallmentInput,
  policy: Policy,
  now: number,
  actor?: Actor,
  afterSeq = 0,
  routing?: JourneyRouting,
): { state: JourneyState; recorded: RecordedEvent } {
  const state: JourneyState = {
    installment,
    policy,
    originalDueDate: installment.dueDate,
    dueDate: installment.dueDate,
    planRevision: 0,
    nextStepIndex: 0,
    startedAt: now,
    paidMinor: 0,
    overpaidMinor: 0,
    payments: [],
    paused: null,
    optedOut: [],
    undeliverable: [],
    stepExcluded: null,
    notBefore: null,
    recentContacts: [],
    attempts: { sent: 0, failed: 0, skipped: 0 },
    reschedules: 0,
    outcome: null,
    finalAction: null,
    closedAt: null,
    cancelReason: null,
    lastSeq: 0,
    ...(routing && { routing }),
  };
  const result = dispatch(state, { type: 'started', at: now, ...(actor && { actor }) });
  const seq = afterSeq + 1;
  return { state: { ...result.state, lastSeq: seq }, recorded: { ...result.recorded!, seq } };
}

export function isClosed(state: JourneyState): boolean {
  return state.outcome !== null;
}

/** A step of a plan revision. */
export interface StepRef {
  revision: number;
  stepIndex: number;
}

/** Whether the journey, as it stands at `now`, would send this step (a delivery in flight may go on). */
export function isStepDue(state: JourneyState, step: StepRef, now: number): boolean {
  const action = nextAction(state, now);
  return action.kind === 'send' && state.planRevision === step.revision && action.step.stepIndex === step.stepIndex;
}

export function outstandingMinor(state: JourneyState): number {
  return Math.max(0, state.installment.amount.amountMinor - state.paidMinor);
}

/** First instant after the buyer's due date (local midnight ending it). */
export function endOfDueDay(state: Pick<JourneyState, 'installment'>, dueDate: LocalDate): number {
  return zonedToInstant(addDays(dueDate, 1), '00:00', state.installment.buyer.timezone);
}

export function stageAt(state: JourneyState, now: number): Stage {
  if (isClosed(state)) return 'closed';
  if (state.paused || promiseMove(state.promises, state.paidMinor, now)?.kind === 'hold') return 'paused';
  return now < endOfDueDay(state, state.dueDate) ? 'pre_due' : 'overdue';
}

/** Days past the current due date in the buyer's zone (0 before or on it). */
export function daysOverdue(state: JourneyState, now: number): number {
  const today = instantToZoned(now, state.installment.buyer.timezone).date;
  return Math.max(0, daysBetween(state.dueDate, today));
}

/**
 * The ladder from the current step on. A holdout journey has none: it sends no reminder, and
 * still waits for payment until the policy's final action.
 */
export function planOf(state: JourneyState, now: number): Plan {
  const plan = computePlan({
    policy: state.policy,
    dueDate: state.dueDate,
    timeZone: state.installment.buyer.timezone,
    now: Math.max(now, state.notBefore ?? now),
    fromStep: state.nextStepIndex,
    recentContacts: state.recentContacts,
  });
  return sendsReminders(state) ? plan : { ...plan, steps: [] };
}

/** A holdout journey of an experiment sends no reminder: no ladder step, no broken-promise step. */
function sendsReminders(state: JourneyState): boolean {
  return !state.routing?.holdout;
}

/** The policy's promise rules as this journey applies them. */
function promiseRulesOf(state: JourneyState) {
  const rules = promiseRules(state.policy);
  return sendsReminders(state) ? rules : { ...rules, brokenPromiseStep: undefined };
}

/** Which channels can reach the buyer for the current step: the journey's view, for resolveChannel. */
export function channelAvailability(state: JourneyState): ChannelAvailability {
  const excluded = state.stepExcluded && isCurrentStep(state, state.stepExcluded) ? state.stepExcluded.channels : [];
  return {
    contact: state.installment.buyer,
    optedOut: state.optedOut,
    undeliverable: [...state.undeliverable, ...excluded],
  };
}

export type NextAction =
  | { kind: 'done'; outcome: Outcome }
  | { kind: 'wait'; until: number | null; reason: 'paused' | 'promise' | 'next_step' | 'final_action' }
  | { kind: 'resume' }
  | { kind: 'promise_kept' }
  | { kind: 'promise_broken' }
  | { kind: 'send'; step: PlannedStep }
  | { kind: 'skip'; step: PlannedStep }
  | { kind: 'final'; action: FinalAction };

export function nextAction(state: JourneyState, now: number): NextAction {
  // A promise is settled on record first: a payment that closes the journey also keeps it.
  const promise = promiseMove(state.promises, state.paidMinor, now);
  if (promise?.kind === 'promise_kept') return promise;
  if (state.outcome !== null) return { kind: 'done', outcome: state.outcome };
  if (promise?.kind === 'promise_broken') return promise;
  if (state.paused) {
    if (state.paused.until !== null && now >= state.paused.until) return { kind: 'resume' };
    return { kind: 'wait', until: state.paused.until, reason: 'paused' };
  }
  if (promise) return { kind: 'wait', until: promise.until, reason: 'promise' };
  if (state.promises?.brokenStepOwed) return brokenPromiseAction(state, now);
  const plan = planOf(state, now);
  const head = plan.steps[0];
  if (head && isOvertakenByBrokenPromise(state.promises, state.planRevision, head.nominalAt))
    return { kind: 'skip', step: head };
  if (head?.status === 'superseded') return { kind: 'skip', step: head };
  if (head)
    return head.at <= now ? { kind: 'send', step: head } : { kind: 'wait', until: head.at, reason: 'next_step' };
  if (now >= plan.finalActionAt) return { kind: 'final', action: state.policy.finalAction.action };
  return { kind: 'wait', until: plan.finalActionAt, reason: 'final_action' };
}

/** The policy's broken-promise step, as soon as the rules of contact allow it. */
function brokenPromiseAction(state: JourneyState, now: number): NextAction {
  const step = planExtraStep({
    policy: state.policy,
    step: { ...promiseRules(state.policy).brokenPromiseStep!, template: 'promise_broken' },
    stepIndex: BROKEN_PROMISE_STEP_INDEX,
    timeZone: state.installment.buyer.timezone,
    now: Math.max(now, state.notBefore ?? now),
    recentContacts: state.recentContacts,
  });
  return step.at <= now ? { kind: 'send', step } : { kind: 'wait', until: step.at, reason: 'next_step' };
}

/** What the workflow does next: a confirmation owed, or else the ladder's next action. */
export type JourneyMove =
  | Exclude<NextAction, { kind: 'wait' }>
  | { kind: 'wait'; until: number | null; reason: Extract<NextAction, { kind: 'wait' }>['reason'] | 'confirmation' }
  | { kind: 'confirm'; confirmation: PendingConfirmation };

/**
 * Confirmations first: one owed goes out before any reminder, and the journey does not end
 * while one is owed. One held by quiet hours is waited for (never longer: its instant is set).
 */
export function nextMove(state: JourneyState, now: number): JourneyMove {
  const owed = pendingConfirmations(state)[0];
  if (owed && confirmationIsDue(owed, now)) return { kind: 'confirm', confirmation: owed };
  const action = nextAction(state, now);
  if (!owed) return action;
  const until = owed.notBefore!;
  const sooner = action.kind === 'done' || (action.kind === 'wait' && (action.until === null || until < action.until));
  return sooner ? { kind: 'wait', until, reason: 'confirmation' } : action;
}

/**
 * The state without confirmations owed: a journey whose history was written before they existed
 * never sends one (see the send-confirmations patch).
 */
export function withoutConfirmations(state: JourneyState): JourneyState {
  return pendingConfirmations(state).length === 0 ? state : { ...state, confirmations: [] };
}

/** The actions that only record something: no delivery, no waiting. */
export type BookkeepingAction = Extract<
  NextAction,
  { kind: 'resume' | 'skip' | 'final' | 'promise_kept' | 'promise_broken' }
>;

/** The event a bookkeeping action records at `now` — the same in the workflow and in its model. */
export function eventOfAction(state: JourneyState, action: BookkeepingAction, now: number): JourneyEvent {
  switch (action.kind) {
    case 'resume':
      return { type: 'resumed', at: now };
    case 'skip':
      return {
        type: 'step_skipped',
        at: now,
        revision: state.planRevision,
        stepIndex: action.step.stepIndex,
        reason: 'superseded',
      };
    case 'final':
      return { type: 'final_action_taken', at: now, action: action.action };
    case 'promise_kept':
    case 'promise_broken':
      return { type: action.kind, at: now };
  }
}

/** Whether a promise to pay could be accepted now; `null` when it would. */
export function checkPromiseOn(state: JourneyState, request: PromiseRequest, now: number): PromiseRefusal | null {
  return checkPromise(
    {
      closed: isClosed(state),
      timeZone: state.installment.buyer.timezone,
      outstandingMinor: outstandingMinor(state),
      rules: promiseRules(state.policy),
      ledger: state.promises ?? NO_PROMISES,
    },
    request,
    now,
  );
}

/** The event an accepted promise records: the whole outstanding when it names no amount. */
export function promiseMadeEvent(
  state: JourneyState,
  request: PromiseRequest,
  now: number,
  actor?: Actor,
): Extract<JourneyEvent, { type: 'promise_made' }> {
  return {
    type: 'promise_made',
    at: now,
    date: request.date,
    amountMinor: request.amountMinor ?? outstandingMinor(state),
    until: promiseDeadline(request.date, promiseRules(state.policy).graceDays, state.installment.buyer.timezone),
    ...(actor && { actor }),
  };
}

/** Why a due-date change is refused; `null` when it is accepted. */
export type DueDateRefusal =
  'invalid_date' | 'journey_closed' | 'in_the_past' | 'unchanged' | 'beyond_limit' | 'too_many_changes';

export const DUE_DATE_REFUSAL_MESSAGES: Record<DueDateRefusal, string> = {
  journey_closed: 'the journey has already ended',
  invalid_date: 'the new due date is not a calendar date (YYYY-MM-DD)',
  in_the_past: "the new due date is before today in the buyer's time zone",
  unchanged: 'the new due date is the current due date',
  beyond_limit: 'the new due date is further from the original due date than the policy allows',
  too_many_changes: 'the due date has already been changed as many times as the policy allows',
};

export function checkDueDateChange(state: JourneyState, newDueDate: LocalDate, now: number): DueDateRefusal | null {
  // Messages can come from any Temporal client, not only our API: never trust the shape.
  if (typeof newDueDate !== 'string' || !isLocalDate(newDueDate)) return 'invalid_date';
  if (isClosed(state)) return 'journey_closed';
  const today = instantToZoned(now, state.installment.buyer.timezone).date;
  if (newDueDate < today) return 'in_the_past';
  if (newDueDate === state.dueDate) return 'unchanged';
  if (daysBetween(state.originalDueDate, newDueDate) > state.policy.reschedule.maxDaysBeyondOriginalDue)
    return 'beyond_limit';
  if (state.reschedules >= state.policy.reschedule.maxTimes) return 'too_many_changes';
  return null;
}

/**
 * The dates a buyer may choose from for a new due date, as a date picker's bounds: from today
 * (in the buyer's zone) to as far past the original due date as the policy allows; null when no
 * change could be accepted (closed, no changes left, or the limit already behind). Every date in
 * the window except the current due date passes {@link checkDueDateChange}.
 */
export function dueDateWindow(
  journey: { originalDueDate: LocalDate; reschedules: number; closed: boolean },
  reschedule: Policy['reschedule'],
  today: LocalDate,
): { min: LocalDate; max: LocalDate } | null {
  if (journey.closed || journey.reschedules >= reschedule.maxTimes) return null;
  const max = addDays(journey.originalDueDate, reschedule.maxDaysBeyondOriginalDue);
  return max < today ? null : { min: today, max };
}

/**
 * Applies an event. Returns the new state and the event as recorded (with its sequence
 * number), or `recorded: null` when the event changes nothing — a payment already counted, a
 * pause of a paused journey, anything after the journey closed (except a late payment, which
 * still settles the record).
 */
export function dispatch(
  state: JourneyState,
  event: JourneyEvent,
): { state: JourneyState; recorded: RecordedEvent | null } {
  const next = reduce(state, event);
  if (next === state) return { state, recorded: null };
  const seq = state.lastSeq + 1;
  const owed = confirmationOwed(state, next, event, { seq, outstandingMinor: outstandingMinor(next) });
  const confirmations = owed ? [...pendingConfirmations(next), owed] : next.confirmations;
  return {
    state: { ...next, lastSeq: seq, ...(confirmations && { confirmations }) },
    recorded: { ...redact(event, state), seq } as RecordedEvent,
  };
}

function redact(event: JourneyEvent, before: JourneyState): AuditEvent {
  if (event.type !== 'contact_updated') return event;
  const { changes, ...rest } = event;
  return { ...rest, fields: changedContactFields(before, changes) };
}

const CONTACT_FIELDS = ['email', 'phone', 'whatsapp', 'locale', 'timezone'] as const;

/** Contact changes can come from any Temporal client: a value the journey could not use is ignored. */
function isUsableContactValue(key: (typeof CONTACT_FIELDS)[number], value: unknown): boolean {
  if (value === null) return key !== 'locale' && key !== 'timezone';
  if (typeof value !== 'string') return false;
  if (key === 'timezone') return isTimeZone(value);
  if (key === 'locale') return isLocale(value);
  return value.length > 0;
}

function changedContactFields(state: JourneyState, changes: ContactUpdate): (keyof ContactUpdate)[] {
  const buyer = state.installment.buyer;
  return CONTACT_FIELDS.filter(
    (key) =>
      changes[key] !== undefined &&
      isUsableContactValue(key, changes[key]) &&
      (changes[key] ?? undefined) !== buyer[key],
  );
}

function pruneContacts(contacts: readonly number[], now: number): number[] {
  return contacts.filter((c) => c > now - 7 * MS_PER_DAY);
}

function close(state: JourneyState, outcome: Outcome, at: number): JourneyState {
  return { ...state, outcome, closedAt: at, paused: null };
}

function reduce(state: JourneyState, event: JourneyEvent): JourneyState {
  const closed = isClosed(state);
  switch (event.type) {
    case 'started':
      return state.lastSeq === 0 ? { ...state } : state;
    case 'step_sent': {
      // A message that went out always counts (audit, attempts, frequency cap), even when the
      // plan moved on while it was in flight; only a send of the current step advances the ladder.
      const counted: JourneyState = {
        ...state,
        recentContacts: [...pruneContacts(state.recentContacts, event.at), event.at],
        attempts: { ...state.attempts, sent: state.attempts.sent + 1 },
      };
      return !closed && isCurrentStep(state, event) ? passStep(counted, event.stepIndex) : counted;
    }
    case 'step_failed':
      if (closed) return state;
      if (event.scope === 'step') {
        // Only this step moves on to another channel; a stale step's failure changes nothing else.
        const failed = { ...state.attempts, failed: state.attempts.failed + 1 };
        if (!isCurrentStep(state, event)) return { ...state, attempts: failed };
        const earlier =
          state.stepExcluded && isCurrentStep(state, state.stepExcluded) ? state.stepExcluded.channels : [];
        return {
          ...state,
          stepExcluded: { revision: event.revision, stepIndex: event.stepIndex, channels: [...earlier, event.channel] },
          attempts: failed,
        };
      }
      // A permanent failure means the channel cannot reach this buyer, whichever step found out:
      // the current step falls through to the next channel.
      return {
        ...state,
        undeliverable: state.undeliverable.includes(event.channel)
          ? state.undeliverable
          : [...state.undeliverable, event.channel],
        attempts: { ...state.attempts, failed: state.attempts.failed + 1 },
      };
    case 'step_deferred':
      if (closed || !isCurrentStep(state, event) || event.until <= (state.notBefore ?? Number.NEGATIVE_INFINITY))
        return state;
      return { ...state, notBefore: event.until };
    case 'step_skipped':
      if (closed || !isCurrentStep(state, event)) return state;
      return passStep(
        { ...state, attempts: { ...state.attempts, skipped: state.attempts.skipped + 1 } },
        event.stepIndex,
      );
    case 'payment_received':
      return applyPayment(state, event);
    case 'due_date_changed':
      if (closed || event.to === state.dueDate) return state;
      return {
        ...state,
        dueDate: event.to,
        planRevision: state.planRevision + 1,
        nextStepIndex: 0,
        reschedules: state.reschedules + 1,
      };
    case 'paused':
      if (closed) return state;
      // A manual pause over a handoff's hold replaces it: closing the task will not lift it.
      if (state.paused && !state.paused.heldBy && state.paused.until === event.until) return state;
      return { ...state, paused: { since: state.paused?.since ?? event.at, until: event.until } };
    case 'resumed':
      if (closed || !state.paused) return state;
      return { ...state, paused: null };
    case 'canceled':
      if (closed) return state;
      return { ...close(state, 'canceled', event.at), cancelReason: event.reason };
    case 'contact_updated':
      return closed ? state : applyContactUpdate(state, event);
    case 'opted_out':
      if (closed || state.optedOut.includes(event.channel)) return state;
      return { ...state, optedOut: [...state.optedOut, event.channel] };
    case 'opted_in':
      if (closed || !state.optedOut.includes(event.channel)) return state;
      return { ...state, optedOut: state.optedOut.filter((c) => c !== event.channel) };
    case 'final_action_taken': {
      if (closed) return state;
      const outcome: Outcome =
        state.paidMinor > 0 ? 'partially_recovered' : event.action === 'hand_to_agency' ? 'handed_over' : 'written_off';
      return { ...close(state, outcome, event.at), finalAction: event.action };
    }
    case 'buyer_action':
      // Nothing changes but the record: what the buyer did, for the audit trail and attribution.
      return closed || !(BUYER_ACTIONS as readonly string[]).includes(event.action) ? state : { ...state };
    case 'handoff_opened':
      return closed ? state : applyHandoffOpened(state, event);
    case 'handoff_closed':
      return closed ? state : applyHandoffClosed(state, event);
    case 'promise_made':
      if (closed || state.promises?.open || !Number.isFinite(event.until)) return state;
      return { ...state, promises: openPromise(state.promises ?? NO_PROMISES, event, state.paidMinor) };
    case 'promise_kept':
      return state.promises?.open ? { ...state, promises: keepPromise(state.promises) } : state;
    case 'promise_broken':
      if (closed || !state.promises?.open) return state;
      return {
        ...state,
        promises: breakPromise(state.promises, event.at, state.planRevision, promiseRulesOf(state)),
      };
    case 'confirmation_sent':
    case 'confirmation_deferred':
    case 'confirmation_failed':
    case 'confirmation_skipped': {
      // Owed also after the journey closed: a payment that closes it is confirmed before it ends.
      const owed = pendingConfirmations(state);
      const confirmations = reduceConfirmations(owed, event);
      return confirmations === owed ? state : { ...state, confirmations: [...confirmations] };
    }
  }
}

/**
 * A handoff holds the ladder until `until`: a journey not paused is paused by the hold, a hold
 * already there lasts to the later `until`, a manual pause stays as it is (it was decided by
 * someone, and only they lift it). A task already open changes nothing (a redelivered signal).
 */
function applyHandoffOpened(
  state: JourneyState,
  event: Extract<JourneyEvent, { type: 'handoff_opened' }>,
): JourneyState {
  const open = state.handoffTasks ?? [];
  if (typeof event.taskId !== 'string' || !Number.isFinite(event.until) || open.includes(event.taskId)) return state;
  const handoffTasks = [...open, event.taskId];
  const paused = state.paused;
  if (paused && !paused.heldBy) return { ...state, handoffTasks };
  if (paused) {
    const until = paused.until === null ? null : Math.max(paused.until, event.until);
    return { ...state, handoffTasks, paused: { ...paused, until } };
  }
  if (event.until <= event.at) return { ...state, handoffTasks };
  return { ...state, handoffTasks, paused: { since: event.at, until: event.until, heldBy: 'handoff' } };
}

/** The task's hold ends; the ladder resumes when no other open task holds it and the pause was the hold. */
function applyHandoffClosed(
  state: JourneyState,
  event: Extract<JourneyEvent, { type: 'handoff_closed' }>,
): JourneyState {
  const open = state.handoffTasks ?? [];
  if (!open.includes(event.taskId)) return state;
  const handoffTasks = open.filter((id) => id !== event.taskId);
  const lift = handoffTasks.length === 0 && state.paused?.heldBy === 'handoff';
  return { ...state, handoffTasks, ...(lift && { paused: null }) };
}

/** The step the journey is on: the broken-promise step while it is owed, else the ladder's next. */
function currentStepIndex(state: JourneyState): number {
  return state.promises?.brokenStepOwed ? BROKEN_PROMISE_STEP_INDEX : state.nextStepIndex;
}

function isCurrentStep(state: JourneyState, event: { revision: number; stepIndex: number }): boolean {
  return event.revision === state.planRevision && event.stepIndex === currentStepIndex(state);
}

/** The current step is done with (sent or skipped): the journey moves to the next one. */
function passStep(state: JourneyState, stepIndex: number): JourneyState {
  if (stepIndex === BROKEN_PROMISE_STEP_INDEX && state.promises)
    return { ...state, promises: brokenStepDone(state.promises) };
  return { ...state, nextStepIndex: stepIndex + 1 };
}

/**
 * When a payment counts as made: the payer's `paidAt`, never later than now (a clock ahead of
 * ours cannot make a payment early or late in the future); now when absent or unreadable.
 */
export function paymentInstant(paidAt: string | undefined, now: number): number {
  const at = paidAt ? Date.parse(paidAt) : Number.NaN;
  return Number.isNaN(at) ? now : Math.min(at, now);
}

/**
 * A payment after the journey ended still settles the record: in full it is recovered, in part
 * partially recovered (as if it had come before the final action). A canceled journey, or one
 * already paid, keeps its outcome.
 */
export function outcomeAfterLatePayment(
  outcome: Outcome,
  split: { appliedMinor: number; outstandingMinor: number },
): Outcome {
  if (outcome === 'canceled' || split.appliedMinor === 0) return outcome;
  return split.outstandingMinor === 0 ? 'recovered' : 'partially_recovered';
}

function applyPayment(state: JourneyState, event: Extract<JourneyEvent, { type: 'payment_received' }>): JourneyState {
  if (state.payments.some((p) => p.paymentId === event.paymentId)) return state;
  // Minor units are whole numbers: a fractional, zero or negative amount is not a payment we can count.
  if (
    event.currency !== state.installment.amount.currency ||
    !Number.isSafeInteger(event.amountMinor) ||
    event.amountMinor <= 0
  )
    return state;
  const split = allocatePayment(outstandingMinor(state), event.amountMinor);
  const paid: JourneyState = {
    ...state,
    paidMinor: state.paidMinor + split.appliedMinor,
    overpaidMinor: state.overpaidMinor + split.overpaidMinor,
    payments: [...state.payments, { paymentId: event.paymentId, amountMinor: event.amountMinor, at: event.at }],
  };
  const settledNow = split.outstandingMinor === 0 && split.appliedMinor > 0;
  if (state.outcome !== null) return { ...paid, outcome: outcomeAfterLatePayment(state.outcome, split) };
  if (!settledNow) return paid;
  const onTime = event.at < endOfDueDay(state, state.originalDueDate);
  return close(paid, onTime ? 'paid_before_due' : 'recovered', event.at);
}

function applyContactUpdate(
  state: JourneyState,
  event: Extract<JourneyEvent, { type: 'contact_updated' }>,
): JourneyState {
  const fields = changedContactFields(state, event.changes);
  if (fields.length === 0) return state;
  const buyer: Record<string, unknown> = { ...state.installment.buyer };
  for (const key of fields) buyer[key] = event.changes[key] ?? undefined;
  // A new address is a new chance to reach the buyer: forget earlier permanent failures on it.
  const reopened = new Set<Channel>();
  if (fields.includes('email')) reopened.add('email');
  if (fields.includes('phone')) reopened.add('sms');
  if (fields.includes('whatsapp')) reopened.add('whatsapp');
  return {
    ...state,
    installment: { ...state.installment, buyer: buyer as InstallmentInput['buyer'] },
    undeliverable: state.undeliverable.filter((c) => !reopened.has(c)),
  };
}
