/**
 * Reporting a payment to an installment's journey, from the journey's payment route or the
 * purchase's: the policy's partial-payment rule first, then the running journey (which counts
 * it once by payment id), or — once the journey has ended — its record, which a late payment
 * still settles (and the buyer gets its confirmation).
 */
import { latePaymentOnRecord, recordLatePayment } from '../db/journey-repository';
import { batchPublished } from '../db/webhook-delivery-repository';
import { paymentInstant } from '../domain/journey';
import type { JourneyWebhookPublisher, RecordedBatch } from '../domain/webhook-payloads';
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
  if (late.kind === 'recorded') await publishThenConfirm(deps, ref, payment, late.batch);
  else await publishLostSettlement(deps, ref, payment);
  return { kind: 'accepted' };
}

/** A late payment's webhooks, then its confirmation, which a failed publishing must not cost the buyer. */
async function publishThenConfirm(
  deps: JourneyPaymentDeps,
  ref: JourneyRef,
  payment: PaymentReceived,
  batch: RecordedBatch,
): Promise<void> {
  const seq = batch.events.at(-1)!.seq;
  try {
    await deps.publisher?.publishRecorded(batch);
  } finally {
    await confirmLatePayment(deps, ref, payment, { seq, status: batch.status });
  }
}

/**
 * A repeated report of a payment already on record (duplicate) was published and confirmed the
 * first time — unless that first call failed after the payment committed (its caller got a 5xx
 * and retries): then its webhooks were never recorded, and they go out now, as does the
 * confirmation (started once per payment, whoever asks twice).
 */
async function publishLostSettlement(deps: JourneyPaymentDeps, ref: JourneyRef, payment: PaymentReceived) {
  if (!deps.publisher) return;
  const settled = await latePaymentOnRecord(deps.db, ref, payment.paymentId);
  if (!settled || (await batchPublished(deps.db, settled))) return;
  await publishThenConfirm(deps, ref, payment, settled);
}
