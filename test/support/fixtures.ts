/**
 * Small, generic test data. `makeInstallment()` returns a valid InstallmentInput (parsed by the
 * real schema, so defaults apply and an invalid override fails loudly); every call gets a new
 * installment ID unless one is given, so tests sharing a database do not collide.
 */
import { type Buyer, type InstallmentInput, installmentInputSchema } from '../../domain/installment';

export interface InstallmentOverrides extends Partial<Omit<InstallmentInput, 'buyer' | 'product' | 'amount'>> {
  buyer?: Partial<Buyer>;
  product?: Partial<InstallmentInput['product']>;
  amount?: Partial<InstallmentInput['amount']>;
}

let counter = 0;

/** A unique id for this process, e.g. `inst-3-k2f9`; safe in workflow IDs and URLs. */
export function uniqueId(prefix = 'id'): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

export function makeInstallment(overrides: InstallmentOverrides = {}): InstallmentInput {
  const { buyer, product, amount, ...rest } = overrides;
  const installmentId = rest.installmentId ?? uniqueId('inst');
  return installmentInputSchema.parse({
    tenantId: 'tenant-a',
    installmentId,
    purchaseId: 'purchase-1',
    installmentNumber: 2,
    installmentCount: 6,
    dueDate: '2026-12-01',
    paymentUrl: `https://pay.example.com/i/${installmentId}`,
    metadata: {},
    ...rest,
    product: { id: 'course-101', name: 'Intro to Pottery', ...product },
    buyer: {
      id: 'buyer-1',
      name: 'Alex Doe',
      email: 'alex@example.com',
      phone: '+14155550123',
      whatsapp: '+14155550123',
      locale: 'en',
      timezone: 'America/New_York',
      country: 'US',
      ...buyer,
    },
    amount: { amountMinor: 4_990, currency: 'USD', ...amount },
  });
}
