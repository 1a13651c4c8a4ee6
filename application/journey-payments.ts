/**
 * Reporting a payment to an installment's journey, from the journey's payment route or the
 * purchase's: the policy's partial-payment rule first, then the running journey (which counts
 * it once by payment id), or — once the journey has ended — its record, which a late payment
 * still settles (and the buyer gets its confirmation).
 */
import { recordLatePayment } from '../db/journey-repository';
import { paymentInstant } from '../domain/journey';
import type { JourneyWebhookPublisher } from '../domain/webhook-payloads';
import { type PartialPaymentRefusal, checkPartialPayment } from '../domain/partial-payments';
import type { PaymentReceived } from '../workflows/messages';
import type { JourneyRef } from './journey-gateway';
import { currentJourneyStatus } from './journey-status';
import { type LatePaymentConfirmationDeps, confirmLatePayment } from './late-payment-confirmation';

export interface JourneyPaymentDeps extends LatePaymentConfirmationDeps {
  /** Where a payment recorded after the journey ended goes out to the tenant's webhooks. */
  publisher?: JourneyWebhookPublisher | undefined;
}

export type JourneyPaymentResult =
  | { kind: 'accepted' }
  | { kind: 'not_found' }
  | { kind: 'currency_mismatch'; expected: string }
  | { kind: 'refused'; reason: PartialPaymentRefusal; minimumMinor: number; outstandingMinor: number };

export async function reportJourneyPayment(
  deps: JourneyPaymentDeps,
  ref: JourneyRef,
  payment: PaymentReceived,
): Promise<JourneyPaymentResult> {
  const status = await currentJourneyStatus(deps, ref);
  if (status && status.currency !== payment.currency) return { kind: 'currency_mismatch', expected: status.currency };
  // Only an open journey asks for a balance: a payment after it ended is history, recorded as is.
  if (status && status.outcome === null) {
    const policy = await deps.policies.version(ref.tenantId, status.policy.id, status.policy.version);
    const rule = policy?.partialPayments;
    const refusal = rule ? checkPartialPayment(rule, status.outstandingMinor, payment.amountMinor) : null;
    if (refusal) {
      return {
        kind: 'refused',
        reason: refusal,
        minimumMinor: rule!.minimumMinor,
        outstandingMinor: status.outstandingMinor,
      };
    }
  }
  const delivery = await deps.gateway.reportPayment(ref, payment);
  if (delivery === 'delivered') return { kind: 'accepted' };
  if (!status) return { kind: 'not_found' };
  const at = paymentInstant(payment.paidAt, Date.now());
  const late = await recordLatePayment(deps.db, ref, { ...payment, at });
  if (late.kind === 'not_found') return { kind: 'not_found' };
  // Only a payment recorded now is confirmed: a repeated report (duplicate) was confirmed the first time.
  if (late.kind === 'recorded') {
    await deps.publisher?.publishRecorded(late.batch);
    await confirmLatePayment(deps, ref, payment, late);
  }
  return { kind: 'accepted' };
}
