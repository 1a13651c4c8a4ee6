/** How a payment route answers a payment the rules refuse (application/journey-payments.ts). */
import type { JourneyPaymentResult } from '../application/journey-payments';
import { PARTIAL_PAYMENT_REFUSAL_MESSAGES } from '../domain/partial-payments';
import { type Problem, problem } from './problem';

export function paymentProblem(
  result: Extract<JourneyPaymentResult, { kind: 'currency_mismatch' | 'refused' }>,
): Problem {
  if (result.kind === 'currency_mismatch')
    return problem(422, 'currency-mismatch', 'The payment currency does not match the installment', {
      errors: [{ in: 'body', path: 'currency', message: `must be ${result.expected}` }],
    });
  const message =
    result.reason === 'below_minimum'
      ? `must be at least ${result.minimumMinor} (the policy's minimum partial payment) or the balance of ${result.outstandingMinor}`
      : `must be the balance of ${result.outstandingMinor}: ${PARTIAL_PAYMENT_REFUSAL_MESSAGES[result.reason]}`;
  return problem(422, 'partial-payment-refused', 'The policy refuses this partial payment', {
    detail: PARTIAL_PAYMENT_REFUSAL_MESSAGES[result.reason],
    reason: result.reason,
    errors: [{ in: 'body', path: 'amountMinor', message }],
  });
}
