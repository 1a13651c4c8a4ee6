import {
  type Actor,
  type AuditEvent,
  type EndedOutsideReason,
  TEMPORAL_OPERATOR,
  outcomeAfterLatePayment,
} from './journey';
import { allocatePayment } from './money';
import type { JourneyStatus } from './status';

export interface LatePayment {
  paymentId: string;
  amountMinor: number;
  currency: string;
  at: number;
  actor?: Actor;
}

/**
 * A payment that arrives after the journey ended (its workflow is gone) settles the recorded
 * status by the same rule the journey applies itself ({@link outcomeAfterLatePayment}).
 * Returns the new status and the audit event.
 */
export function settleLatePayment(
  status: JourneyStatus,
  payment: LatePayment,
): { status: JourneyStatus; event: AuditEvent } {
  if (payment.currency !== status.currency)
    throw new RangeError(`payment currency ${payment.currency} is not ${status.currency}`);
  const split = allocatePayment(status.outstandingMinor, payment.amountMinor);
  const outcome = status.outcome === null ? null : outcomeAfterLatePayment(status.outcome, split);
  const event: AuditEvent = {
    type: 'payment_received',
    at: payment.at,
    paymentId: payment.paymentId,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    ...(payment.actor && { actor: payment.actor }),
  };
  return {
    status: {
      ...status,
      amountPaidMinor: status.amountPaidMinor + split.appliedMinor,
      outstandingMinor: split.outstandingMinor,
      overpaidMinor: status.overpaidMinor + split.overpaidMinor,
      outcome,
      asOf: new Date(payment.at).toISOString(),
    },
    event,
  };
}

/**
 * A journey whose workflow ended in Temporal without recording it (terminated, timed out, or an
 * operator's cancel on code from before the journey recorded those) closes its record as
 * canceled, with the reason. Returns the new status and the audit event.
 */
export function settleEndedOutside(
  status: JourneyStatus,
  reason: EndedOutsideReason,
  at: number,
): { status: JourneyStatus; event: AuditEvent } {
  const iso = new Date(at).toISOString();
  return {
    status: {
      ...status,
      stage: 'closed',
      outcome: 'canceled',
      cancelReason: reason,
      closedAt: iso,
      nextAction: null,
      upcoming: [],
      paused: null,
      asOf: iso,
    },
    event: { type: 'canceled', at, reason, actor: TEMPORAL_OPERATOR },
  };
}
