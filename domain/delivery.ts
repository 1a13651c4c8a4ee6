import { type Channel, recipientOn } from './channels';
import type { SendDecision } from './compliance';
import { type ConfirmationEvent, type PendingConfirmation, confirmationKey } from './confirmations';
import type { DeferralReason, JourneyEvent, JourneyState } from './journey';
import type { MessageFacts } from './messages';
import type { PlannedStep } from './plan';
import type { Policy } from './policy';
import { purchaseIdOf } from './purchase';

/**
 * What became of one reminder delivery, as the deliver activity reports it, and what the
 * journey makes of it. Every decision the compliance guard or a provider takes becomes an
 * event with its reason: nothing is dropped silently.
 */
export type DeliveryOutcome =
  | { status: 'sent'; providerMessageId: string; whatsappMode?: 'free_form' | 'template' }
  /**
   * This channel cannot reach the buyer (invalid address, hard bounce): fall through, and do not
   * use it again. With `scope: 'step'` (no approved template, the provider refused this message)
   * only this step falls through.
   */
  | { status: 'undeliverable'; reason: string; scope?: 'step' }
  /** The buyer opted out of this channel (a STOP, a complaint, the provider's unsubscribe list): fall through. */
  | { status: 'opted_out'; source: string }
  /**
   * Not now: a rule of contact forbids it until `until` (ISO 8601). Nothing was sent. Histories
   * from before the guard carry `contact_window_closed` without `until`.
   */
  | { status: 'deferred'; reason: DeferralReason; until?: string };

/** What a workflow makes of a delivery: the activity's outcome, or `failed` when its retries ran out. */
export type SendOutcome = DeliveryOutcome | { status: 'failed' };

/**
 * The shortest wait after a deferral. The guard's instant is always later than the activity's
 * clock, but the workflow's clock can run ahead of it (clock skew between hosts, a test server
 * skipping time): without a floor, the journey would ask again at once, and again.
 */
export const MIN_DEFERRAL_MS = 60_000;

/** The delivery's place in the ladder (the fields of its step_sent event), and what a deferral falls back to. */
export type DeliveryContext = Omit<Extract<JourneyEvent, { type: 'step_sent' }>, 'type'> & {
  /** When a deferral names no instant: the end of the contact window the delivery carried. */
  fallbackUntil: number;
};

/** The instant a deferral holds a delivery until: always later than now, so a deferral never makes the journey spin. */
function deferredUntil(
  outcome: Extract<DeliveryOutcome, { status: 'deferred' }>,
  at: number,
  fallback: number,
): number {
  const until = outcome.until ? Date.parse(outcome.until) : Number.NaN;
  return Math.max(Number.isNaN(until) ? fallback : until, at + MIN_DEFERRAL_MS);
}

export function eventForDelivery(outcome: DeliveryOutcome, ctx: DeliveryContext): JourneyEvent {
  const target = { revision: ctx.revision, stepIndex: ctx.stepIndex };
  switch (outcome.status) {
    case 'sent':
      return {
        type: 'step_sent',
        at: ctx.at,
        ...target,
        channel: ctx.channel,
        requestedChannel: ctx.requestedChannel,
        attemptId: ctx.attemptId,
      };
    case 'undeliverable':
      return {
        type: 'step_failed',
        at: ctx.at,
        ...target,
        channel: ctx.channel,
        reason: outcome.reason,
        ...(outcome.scope && { scope: outcome.scope }),
      };
    case 'opted_out':
      return { type: 'opted_out', at: ctx.at, channel: ctx.channel, actor: { kind: 'provider', id: outcome.source } };
    case 'deferred':
      return {
        type: 'step_deferred',
        at: ctx.at,
        ...target,
        until: deferredUntil(outcome, ctx.at, ctx.fallbackUntil),
        reason: outcome.reason,
      };
  }
}

/**
 * What the journey makes of a confirmation's delivery: sent; held by quiet hours; or refused on
 * this channel, which it then falls through (a confirmation never changes what reminders use).
 */
export function eventForConfirmation(
  outcome: DeliveryOutcome,
  ctx: { at: number; confirmation: PendingConfirmation; channel: Channel; attemptId: string },
): ConfirmationEvent {
  const { at, channel } = ctx;
  const { confirms, template } = ctx.confirmation;
  switch (outcome.status) {
    case 'sent':
      return { type: 'confirmation_sent', at, confirms, template, channel, attemptId: ctx.attemptId };
    case 'deferred':
      return {
        type: 'confirmation_deferred',
        at,
        confirms,
        until: deferredUntil(outcome, at, at),
        reason: outcome.reason,
      };
    case 'opted_out':
      return { type: 'confirmation_failed', at, confirms, channel, reason: 'opted_out' };
    case 'undeliverable':
      return { type: 'confirmation_failed', at, confirms, channel, reason: outcome.reason };
  }
}

/**
 * The delivery outcome of a guard decision that stops the send (null when it may go out): a
 * delay defers the step to the instant the rules allow; a refusal makes the step fall through.
 */
export function outcomeOfGuard(decision: SendDecision): Exclude<DeliveryOutcome, { status: 'sent' }> | null {
  switch (decision.verdict) {
    case 'allow':
      return null;
    case 'delay':
      return { status: 'deferred', reason: decision.reason, until: new Date(decision.until).toISOString() };
    case 'refuse':
      if (decision.reason === 'opted_out') return { status: 'opted_out', source: 'consent' };
      // The window may open (the buyer writes) and other templates may be approved: this step only.
      if (decision.reason === 'whatsapp_template_unavailable')
        return { status: 'undeliverable', reason: decision.reason, scope: 'step' };
      return { status: 'undeliverable', reason: decision.reason };
  }
}

/** A reminder (or a confirmation) to deliver: the facts its message is rendered from, where, and under which key. */
export interface ReminderDelivery extends MessageFacts {
  /**
   * `confirmation`: transactional — only quiet hours hold it, and it stays out of the contact
   * ledger the frequency cap counts. Absent: a reminder (also every delivery from before).
   */
  kind?: 'reminder' | 'confirmation';
  journeyId: string;
  /** Idempotency key of this attempt: a retried activity finds its earlier row instead of sending again. */
  attemptId: string;
  tenantId: string;
  installmentId: string;
  /**
   * The purchase the installment belongs to (domain/purchase.ts): the payment-area link is bound
   * to it. Absent in deliveries scheduled before it existed (they keep the payment URL).
   */
  purchaseId?: string | undefined;
  /** The buyer's id in the tenant: the contact ledger and the cap are per buyer, across journeys. */
  buyerId: string;
  planRevision: number;
  stepIndex: number;
  channel: Channel;
  requestedChannel: Channel;
  /** The buyer's address on `channel` (email or E.164 number), or their ID on a channel without addresses (in-app). */
  to: string;
  /** The buyer's time zone and country: the guard's quiet hours and public holidays. */
  timeZone: string;
  country?: string | undefined;
  /** The journey's policy: its rules of contact are applied again at the moment of sending. */
  policy: Policy;
}

/** `r<revision>/s<step>/<channel>`: names a step's delivery on a channel (activity and attempt ids). */
export function stepKey(revision: number, stepIndex: number, channel: Channel): string {
  return `r${revision}/s${stepIndex}/${channel}`;
}

/**
 * A reminder's name within its journey: its step's delivery on a channel and the journey's last
 * event number (its attempt id without the journey's).
 */
export function reminderKey(
  state: Pick<JourneyState, 'planRevision' | 'lastSeq'>,
  stepIndex: number,
  channel: Channel,
): string {
  return `${stepKey(state.planRevision, stepIndex, channel)}/${state.lastSeq}`;
}

/** What a delivery is about: the installment, the journey's policy and plan revision. */
export type DeliverySubject = Pick<JourneyState, 'installment' | 'policy' | 'planRevision'>;

/** What every delivery of this journey on `channel` says, whatever it asks for. */
function deliveryBase(subject: DeliverySubject, channel: Channel, journeyId: string) {
  const { installment } = subject;
  const { buyer } = installment;
  return {
    journeyId,
    tenantId: installment.tenantId,
    installmentId: installment.installmentId,
    purchaseId: purchaseIdOf(installment),
    buyerId: buyer.id,
    planRevision: subject.planRevision,
    channel,
    locale: buyer.locale,
    to: recipientOn(channel, buyer)!,
    buyerName: buyer.name,
    productName: installment.product.name,
    currency: installment.amount.currency,
    installmentNumber: installment.installmentNumber,
    installmentCount: installment.installmentCount,
    paymentUrl: installment.paymentUrl,
    timeZone: buyer.timezone,
    country: buyer.country,
    policy: subject.policy,
  };
}

/**
 * The delivery of `step` on `channel` (the one it resolved to), as the journey stands: it asks
 * for what is still owed. The attempt id ends with the journey's last event number, so a re-send
 * after a contact fix is a new attempt, not a replay of the old one.
 */
export function reminderDelivery(
  state: JourneyState,
  step: PlannedStep,
  channel: Channel,
  journeyId: string,
): ReminderDelivery {
  // Added to the base, not spread into a new literal: V8 spreads this many properties on a slow
  // path (about 18 µs against 0.2 µs, measured), and every reminder — in a workflow, in each
  // simulated send — builds one.
  return Object.assign(deliveryBase(state, channel, journeyId), {
    amountDueMinor: state.installment.amount.amountMinor - state.paidMinor,
    dueDate: state.dueDate,
    attemptId: `${journeyId}/${reminderKey(state, step.stepIndex, channel)}`,
    stepIndex: step.stepIndex,
    requestedChannel: step.channel,
    template: step.template,
  });
}

/** The step index of a confirmation's attempt: not a step of the ladder (reports count steps from 0). */
export const CONFIRMATION_STEP_INDEX = -1;

/** The ladder's steps are numbered from here; below are a confirmation's and a broken promise's. */
export const FIRST_LADDER_STEP_INDEX = 0;

/** Whether an attempt was a step of the ladder (a reminder), not a confirmation nor a broken promise's message. */
export function isLadderStep(stepIndex: number): boolean {
  return stepIndex >= FIRST_LADDER_STEP_INDEX;
}

/**
 * The delivery of a confirmation on `channel`, with the facts as they stood when it was owed
 * (the balance right after that payment, the dates of that change). One attempt per confirmation
 * and channel: a try after quiet hours is the same attempt, never a second message.
 */
export function confirmationDelivery(
  subject: DeliverySubject,
  owed: PendingConfirmation,
  channel: Channel,
  journeyId: string,
): ReminderDelivery {
  return {
    ...deliveryBase(subject, channel, journeyId),
    kind: 'confirmation',
    attemptId: `${journeyId}/${confirmationKey(owed.confirms, channel)}`,
    stepIndex: CONFIRMATION_STEP_INDEX,
    requestedChannel: channel,
    template: owed.template,
    amountDueMinor: owed.amountDueMinor,
    dueDate: owed.dueDate,
    ...(owed.amountPaidMinor !== undefined && { amountPaidMinor: owed.amountPaidMinor }),
    ...(owed.previousDueDate !== undefined && { previousDueDate: owed.previousDueDate }),
  };
}
