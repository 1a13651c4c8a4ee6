import type { InstallmentInput } from './installment';

/**
 * The purchase an installment belongs to: the one the payment system reported, else the
 * installment itself (an installment reported without a purchase is a purchase of one). The
 * buyer's payment area, its links and the ledger group installments by it.
 */
export function purchaseIdOf(installment: Pick<InstallmentInput, 'purchaseId' | 'installmentId'>): string {
  return installment.purchaseId ?? installment.installmentId;
}

/** A buyer's purchase in a tenant: what a link to the buyer's payment area opens. */
export interface BuyerPurchase {
  tenantId: string;
  buyerId: string;
  purchaseId: string;
}
