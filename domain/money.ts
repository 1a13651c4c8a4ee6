/**
 * Money is always an integer count of the currency's minor unit (cents, centavos…).
 * Floating point never touches an amount: a rounding error in a collections product is a
 * wrong debt. (Its schemas are in value-schemas.ts.)
 */
export interface Money {
  amountMinor: number;
  currency: string;
}

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
