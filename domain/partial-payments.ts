/**
 * The policy's partial-payment rule, applied wherever a payment less than the balance is asked
 * for or reported: the buyer's "pay part" form and the payment routes.
 */
import type { Policy } from './policy';

export type PartialPaymentRefusal = 'partial_not_allowed' | 'below_minimum';

export const PARTIAL_PAYMENT_REFUSAL_MESSAGES: Record<PartialPaymentRefusal, string> = {
  partial_not_allowed: "the journey's policy does not accept partial payments",
  below_minimum: "the amount is below the policy's minimum partial payment",
};

/**
 * Null when `amountMinor` may be paid against `outstandingMinor`: a payment that settles the
 * balance (or more) always may; a partial one only when the policy allows partial payments and
 * it reaches the minimum.
 */
export function checkPartialPayment(
  rule: Policy['partialPayments'],
  outstandingMinor: number,
  amountMinor: number,
): PartialPaymentRefusal | null {
  if (amountMinor >= outstandingMinor) return null;
  if (!rule.allowed) return 'partial_not_allowed';
  if (amountMinor < rule.minimumMinor) return 'below_minimum';
  return null;
}

/** The smallest amount a buyer may choose to pay now: the policy's minimum, never above the balance. */
export function smallestPartialPayment(rule: Policy['partialPayments'], outstandingMinor: number): number {
  return Math.min(outstandingMinor, Math.max(1, rule.minimumMinor));
}
