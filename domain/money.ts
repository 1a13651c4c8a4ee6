import { z } from 'zod';

/**
 * Money is always an integer count of the currency's minor unit (cents, centavos…).
 * Floating point never touches an amount: a rounding error in a collections product is a
 * wrong debt.
 */
/** The ISO 4217 currencies this runtime knows (the same list formats amounts), not any three letters. */
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));
export const currencySchema = z
  .string()
  .refine((c) => ISO_4217.has(c), 'must be an ISO 4217 currency code such as USD or BRL');

export const minorUnitsSchema = z
  .number()
  .int('must be an integer number of minor units (e.g. cents)')
  .nonnegative('must not be negative')
  .max(Number.MAX_SAFE_INTEGER);

export const positiveMinorUnitsSchema = minorUnitsSchema.refine((v) => v > 0, 'must be greater than zero');

export const moneySchema = z.object({
  amountMinor: minorUnitsSchema,
  currency: currencySchema,
});
export type Money = z.infer<typeof moneySchema>;

export class CurrencyMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`currency ${actual} does not match ${expected}`);
    this.name = 'CurrencyMismatchError';
  }
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amountMinor: a.amountMinor + b.amountMinor, currency: a.currency };
}

/** How a payment splits against what is still owed: never a negative balance, the excess is kept. */
export function allocatePayment(
  outstandingMinor: number,
  paymentMinor: number,
): { appliedMinor: number; overpaidMinor: number; outstandingMinor: number } {
  const appliedMinor = Math.min(outstandingMinor, paymentMinor);
  return {
    appliedMinor,
    overpaidMinor: paymentMinor - appliedMinor,
    outstandingMinor: outstandingMinor - appliedMinor,
  };
}
