/**
 * A payment recorded after the journey's workflow ended is confirmed to the buyer like one the
 * journey counted itself: the application starts a small workflow for it (workflows/
 * late-payment-confirmation.ts) with what the journey's record and installment row say.
 */
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { findInstallment } from '../db/journey-repository';
import { latePaymentConfirmation } from '../domain/confirmations';
import type { JourneyStatus } from '../domain/status';
import { journeyWorkflowId } from '../workflows/messages';
import type { JourneyGateway, JourneyRef } from './journey-gateway';
import type { PolicyCatalog } from './policy-catalog';

export interface LatePaymentConfirmationDeps {
  db: Database;
  gateway: JourneyGateway;
  policies: PolicyCatalog;
  logger: Pick<Logger, 'warn'>;
}

/**
 * Starts the confirmation of a late payment just recorded (`seq`: its event number; `status`:
 * the record it settled), unless none is owed (a canceled journey). Never throws: the payment is
 * already on record and the caller's answer is about it; a confirmation that cannot be started
 * (Temporal unreachable, the policy version gone) is logged, with IDs only.
 */
export async function confirmLatePayment(
  deps: LatePaymentConfirmationDeps,
  ref: JourneyRef,
  payment: { paymentId: string; amountMinor: number },
  recorded: { seq: number; status: JourneyStatus },
): Promise<void> {
  const { status } = recorded;
  const confirmation = latePaymentConfirmation(status, payment, recorded.seq);
  if (!confirmation) return;
  const journeyId = journeyWorkflowId(ref.tenantId, ref.installmentId);
  const ids = { journeyId, paymentId: payment.paymentId };
  try {
    const [installment, policy] = await Promise.all([
      findInstallment(deps.db, ref.tenantId, ref.installmentId),
      deps.policies.version(ref.tenantId, status.policy.id, status.policy.version),
    ]);
    if (!installment || !policy) {
      deps.logger.warn(
        { ...ids, installment: !!installment, policy: !!policy },
        'late payment not confirmed: its journey is incomplete on record',
      );
      return;
    }
    await deps.gateway.confirmLatePayment({
      journeyId,
      paymentId: payment.paymentId,
      installment,
      policy,
      planRevision: status.planRevision,
      confirmation,
    });
  } catch (err) {
    // The error's name, not its message: messages can quote what a request carried.
    const error = err instanceof Error ? err.name : typeof err;
    deps.logger.warn({ ...ids, error }, 'late payment recorded, but its confirmation could not be started');
  }
}
