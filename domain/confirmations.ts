import {
  CHANNELS,
  type Channel,
  type ChannelAvailability,
  type ChannelResolution,
  type ChannelUnavailableReason,
  resolveChannel,
} from './channels';
import type { DeferralReason } from './compliance';
import type { LocalDate } from './local-time';
import type { ConfirmationTemplate } from './templates';

/**
 * Confirmations: the messages the buyer's own action asks for (a payment, an accepted due-date
 * change). Transactional, unlike reminders: they are owed once per recorded action, do not count
 * toward the frequency cap or the journey's reminder attempts, and go out on the first channel
 * that reaches the buyer (email, then SMS, then WhatsApp) — quiet hours and opt-outs still apply.
 */

/** A confirmation the journey owes the buyer, with the facts as they stood when it was owed. */
export interface PendingConfirmation {
  /** The sequence number of the event it confirms: unique in the journey, across runs. */
  confirms: number;
  template: ConfirmationTemplate;
  /** What was still owed right after the action (0: "now fully paid"). */
  amountDueMinor: number;
  dueDate: LocalDate;
  amountPaidMinor?: number;
  previousDueDate?: LocalDate;
  /** Quiet hours: not before this instant. */
  notBefore: number | null;
  /** Channels that refused this confirmation: it falls through to the next one. */
  excluded: Channel[];
}

export type ConfirmationEvent =
  | {
      type: 'confirmation_sent';
      at: number;
      confirms: number;
      template: ConfirmationTemplate;
      channel: Channel;
      attemptId: string;
    }
  | { type: 'confirmation_deferred'; at: number; confirms: number; until: number; reason?: DeferralReason }
  /** This channel could not take it (opted out, bounced, no approved template): the next one is tried. */
  | { type: 'confirmation_failed'; at: number; confirms: number; channel: Channel; reason: string }
  /** Given up: no channel reaches the buyer, or the delivery kept failing. Never retried forever. */
  | {
      type: 'confirmation_skipped';
      at: number;
      confirms: number;
      template: ConfirmationTemplate;
      reason: 'no_channel' | 'delivery_failed';
      channels?: { channel: Channel; reason: ChannelUnavailableReason }[];
    };

export type ConfirmationEventType = ConfirmationEvent['type'];

/** The confirmations the journey owes (absent in state from before confirmations existed). */
export function pendingConfirmations(state: {
  confirmations?: readonly PendingConfirmation[] | undefined;
}): readonly PendingConfirmation[] {
  return state.confirmations ?? [];
}

/**
 * A counted payment is confirmed unless the journey was canceled (a refund, a canceled
 * subscription: the buyer is owed no thanks for paying what is no longer asked).
 */
function paymentConfirmation(
  outcome: string | null,
  facts: Omit<PendingConfirmation, 'template' | 'amountPaidMinor'>,
  amountPaidMinor: number,
): PendingConfirmation | null {
  return outcome === 'canceled' ? null : { ...facts, template: 'payment_confirmation', amountPaidMinor };
}

/**
 * The confirmation a recorded event asks for, from the state before and after it: every payment
 * counted (also one after the journey ended, which still settles the record) unless the journey
 * was canceled, and every accepted due-date change.
 */
export function confirmationOwed(
  before: { dueDate: LocalDate },
  after: { dueDate: LocalDate; outcome: string | null },
  event: { type: string; amountMinor?: number },
  recorded: { seq: number; outstandingMinor: number },
): PendingConfirmation | null {
  const facts = {
    confirms: recorded.seq,
    amountDueMinor: recorded.outstandingMinor,
    dueDate: after.dueDate,
    notBefore: null,
    excluded: [],
  };
  if (event.type === 'payment_received' && event.amountMinor !== undefined)
    return paymentConfirmation(after.outcome, facts, event.amountMinor);
  if (event.type === 'due_date_changed' && after.dueDate !== before.dueDate)
    return { ...facts, template: 'due_date_change_confirmation', previousDueDate: before.dueDate };
  return null;
}

/**
 * The confirmation a payment recorded after the journey's workflow ended asks for (see
 * settlement.ts): the same rule as {@link confirmationOwed}, from the settled record. `seq`: the
 * payment's event number in the journey.
 */
export function latePaymentConfirmation(
  settled: { outcome: string | null; outstandingMinor: number; dueDate: LocalDate },
  payment: { amountMinor: number },
  seq: number,
): PendingConfirmation | null {
  const facts = {
    confirms: seq,
    amountDueMinor: settled.outstandingMinor,
    dueDate: settled.dueDate,
    notBefore: null,
    excluded: [],
  };
  return paymentConfirmation(settled.outcome, facts, payment.amountMinor);
}

/** Whether a confirmation owed may go out at `now` (quiet hours may hold it). */
export function confirmationIsDue(owed: PendingConfirmation, now: number): boolean {
  return (owed.notBefore ?? now) <= now;
}

/** What a confirmation event does to the confirmations owed; the same list when it changes nothing. */
export function reduceConfirmations(
  owed: readonly PendingConfirmation[],
  event: ConfirmationEvent,
): readonly PendingConfirmation[] {
  const target = owed.find((c) => c.confirms === event.confirms);
  if (!target) return owed;
  const replace = (changed: PendingConfirmation) => owed.map((c) => (c === target ? changed : c));
  switch (event.type) {
    case 'confirmation_sent':
    case 'confirmation_skipped':
      return owed.filter((c) => c !== target);
    case 'confirmation_deferred':
      return event.until > (target.notBefore ?? Number.NEGATIVE_INFINITY)
        ? replace({ ...target, notBefore: event.until })
        : owed;
    case 'confirmation_failed':
      return target.excluded.includes(event.channel)
        ? owed
        : replace({ ...target, excluded: [...target.excluded, event.channel] });
  }
}

/** What a confirmation's route depends on: the buyer's contact and the channels known not to reach them. */
export type ConfirmationAudience = { installment: { buyer: ChannelAvailability['contact'] } } & Omit<
  ChannelAvailability,
  'contact'
>;

/**
 * Where a confirmation goes: the first channel that reaches the buyer in fall-through order
 * (email first), leaving out the ones the journey knows unusable and those that refused it.
 */
export function confirmationRoute(state: ConfirmationAudience, owed: PendingConfirmation): ChannelResolution {
  return resolveChannel(CHANNELS[0]!, {
    contact: state.installment.buyer,
    optedOut: state.optedOut,
    undeliverable: [...state.undeliverable, ...owed.excluded],
  });
}

/** `confirm/<seq>/<channel>`: names a confirmation's delivery on a channel (activity and attempt ids). */
export function confirmationKey(confirms: number, channel: Channel): string {
  return `confirm/${confirms}/${channel}`;
}
