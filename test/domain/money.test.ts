import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CurrencyMismatchError, addMoney, allocatePayment } from '../../domain/money';
import { currencySchema, minorUnitsSchema, moneySchema, positiveMinorUnitsSchema } from '../../domain/value-schemas';

describe('money schemas', () => {
  it('accepts ISO 4217 currency codes and rejects anything else, made-up codes included', () => {
    for (const ok of ['USD', 'BRL', 'JPY', 'KWD', 'CHF']) expect(currencySchema.safeParse(ok).success).toBe(true);
    for (const bad of ['usd', 'US', 'USDX', 'U$D', '', ' BRL', 'AAA', 'ZZZ', 'XYZ', 'ABC'])
      expect(currencySchema.safeParse(bad).success).toBe(false);
  });

  it('accepts a three-letter code exactly when the runtime formats amounts in it', () => {
    const known = new Set(Intl.supportedValuesOf('currency'));
    const letter = fc.integer({ min: 65, max: 90 }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.tuple(letter, letter, letter), (letters) => {
        const code = letters.join('');
        expect(currencySchema.safeParse(code).success).toBe(known.has(code));
      }),
      { numRuns: 2_000 },
    );
  });

  it('minor units are non-negative safe integers', () => {
    expect(minorUnitsSchema.safeParse(0).success).toBe(true);
    expect(minorUnitsSchema.safeParse(Number.MAX_SAFE_INTEGER).success).toBe(true);
    expect(minorUnitsSchema.safeParse(Number.MAX_SAFE_INTEGER + 1).success).toBe(false);
    expect(minorUnitsSchema.safeParse(-1).success).toBe(false);
    expect(minorUnitsSchema.safeParse(10.5).success).toBe(false);
    expect(minorUnitsSchema.safeParse(Number.NaN).success).toBe(false);
    expect(minorUnitsSchema.safeParse('100').success).toBe(false);
  });

  it('positive minor units reject zero', () => {
    expect(positiveMinorUnitsSchema.safeParse(0).success).toBe(false);
    expect(positiveMinorUnitsSchema.safeParse(1).success).toBe(true);
  });

  it('names the field of a bad money value', () => {
    const r = moneySchema.safeParse({ amountMinor: 1.25, currency: 'brl' });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['amountMinor', 'currency']));
  });
});

describe('addMoney', () => {
  it('adds amounts of one currency', () => {
    expect(addMoney({ amountMinor: 150, currency: 'BRL' }, { amountMinor: 275, currency: 'BRL' })).toEqual({
      amountMinor: 425,
      currency: 'BRL',
    });
  });

  it('refuses to add different currencies', () => {
    expect(() => addMoney({ amountMinor: 1, currency: 'BRL' }, { amountMinor: 1, currency: 'USD' })).toThrow(
      CurrencyMismatchError,
    );
    try {
      addMoney({ amountMinor: 1, currency: 'BRL' }, { amountMinor: 1, currency: 'USD' });
    } catch (e) {
      expect((e as CurrencyMismatchError).expected).toBe('BRL');
      expect((e as CurrencyMismatchError).actual).toBe('USD');
    }
  });
});

describe('allocatePayment', () => {
  it('splits an underpayment, an exact payment and an overpayment', () => {
    expect(allocatePayment(1000, 300)).toEqual({ appliedMinor: 300, overpaidMinor: 0, outstandingMinor: 700 });
    expect(allocatePayment(1000, 1000)).toEqual({ appliedMinor: 1000, overpaidMinor: 0, outstandingMinor: 0 });
    expect(allocatePayment(1000, 1250)).toEqual({ appliedMinor: 1000, overpaidMinor: 250, outstandingMinor: 0 });
    expect(allocatePayment(0, 40)).toEqual({ appliedMinor: 0, overpaidMinor: 40, outstandingMinor: 0 });
  });

  it('property: conserves the payment and never leaves a negative balance', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 12 }), fc.nat({ max: 10 ** 12 }), (outstanding, payment) => {
        const r = allocatePayment(outstanding, payment);
        expect(r.appliedMinor + r.overpaidMinor).toBe(payment);
        expect(r.outstandingMinor + r.appliedMinor).toBe(outstanding);
        expect(r.outstandingMinor).toBeGreaterThanOrEqual(0);
        expect(r.overpaidMinor).toBeGreaterThanOrEqual(0);
        expect(r.appliedMinor).toBe(Math.min(outstanding, payment));
        // Nothing is both outstanding and overpaid.
        expect(r.outstandingMinor === 0 || r.overpaidMinor === 0).toBe(true);
        for (const v of Object.values(r)) expect(Number.isInteger(v)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('property: paying in pieces leaves the same balance as paying the sum at once', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10 ** 9 }),
        fc.array(fc.integer({ min: 1, max: 10 ** 8 }), { maxLength: 10 }),
        (due, pieces) => {
          let outstanding = due;
          let overpaid = 0;
          for (const p of pieces) {
            const r = allocatePayment(outstanding, p);
            outstanding = r.outstandingMinor;
            overpaid += r.overpaidMinor;
          }
          const total = pieces.reduce((a, b) => a + b, 0);
          expect(outstanding).toBe(Math.max(0, due - total));
          expect(overpaid).toBe(Math.max(0, total - due));
        },
      ),
      { numRuns: 300 },
    );
  });
});
