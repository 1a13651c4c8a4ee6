import type { Actor, AuditEvent, Outcome } from './journey';
import { allocatePayment } from './money';
import type { JourneyStatus } from './status';

export interface LatePayment {
  paymentId: string;
  amountMinor: number;
  currency: string;
  at: number;
  actor?: Actor;
}

/** Outcomes a late payment can still improve; a canceled journey keeps its outcome. */
const RECOVERABLE: readonly Outcome[] = ['written_off', 'handed_over', 'partially_recovered'];

/**
 * A payment that arrives after the journey ended (the workflow is gone) still settles the
 * record: the amounts move, and a written-off, handed-over or partial journey becomes
 * `recovered` once nothing is outstanding. Returns the new status and the audit event.
 */
export function settleLatePayment(status: JourneyStatus, payment: LatePayment): { status: JourneyStatus; event: AuditEvent } {
  if (payment.currency !== status.currency) throw new RangeError(`payment currency ${payment.currency} is not ${status.currency}`);
  const split = allocatePayment(status.outstandingMinor, payment.amountMinor);
  const settled = split.outstandingMinor === 0 && status.outcome !== null && RECOVERABLE.includes(status.outcome);
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
      outcome: settled ? 'recovered' : status.outcome,
      asOf: new Date(payment.at).toISOString(),
    },
    event,
  };
}
