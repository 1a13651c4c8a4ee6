/**
 * The partial-payment amount as buyers type it: whatever way the page's own locale writes an
 * amount reads back as that amount, both decimal marks work where they are unambiguous, and
 * nothing typed ever throws or reads as a different amount than written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../../domain/locales';
import { formatAmount } from '../../domain/messages';
import { minorUnitDigits, parseAmountInput } from '../../web/buyer-area/amount-input';

const CURRENCIES = ['BRL', 'USD', 'EUR', 'JPY', 'KWD'];
const locale = fc.constantFrom(...SUPPORTED_LOCALES);
const currency = fc.constantFrom(...CURRENCIES);
const amountMinor = fc.integer({ min: 0, max: 10_000_000_000 });

describe('parseAmountInput', () => {
  it('reads back formatAmount, currency symbol and grouping included', () => {
    fc.assert(
      fc.property(amountMinor, currency, locale, (minor, cur, loc) => {
        expect(parseAmountInput(formatAmount(minor, cur, loc), cur, loc)).toEqual({ ok: true, amountMinor: minor });
      }),
    );
  });

  it('reads back a plain decimal in the locale, with or without grouping', () => {
    fc.assert(
      fc.property(amountMinor, currency, locale, fc.boolean(), (minor, cur, loc, useGrouping) => {
        const digits = minorUnitDigits(cur);
        const typed = new Intl.NumberFormat(loc, {
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
          useGrouping,
        }).format(minor / 10 ** digits);
        expect(parseAmountInput(typed, cur, loc)).toEqual({ ok: true, amountMinor: minor });
      }),
    );
  });

  it('reads "12,50" and "12.50" alike in every locale, and whole amounts without decimals', () => {
    for (const loc of SUPPORTED_LOCALES) {
      expect(parseAmountInput('12,50', 'BRL', loc)).toEqual({ ok: true, amountMinor: 1250 });
      expect(parseAmountInput('12.50', 'BRL', loc)).toEqual({ ok: true, amountMinor: 1250 });
      expect(parseAmountInput(' 12,5 ', 'EUR', loc)).toEqual({ ok: true, amountMinor: 1250 });
      expect(parseAmountInput('40', 'USD', loc)).toEqual({ ok: true, amountMinor: 4000 });
    }
  });

  it('reads three digits after the other mark as thousands, after its own mark asks again', () => {
    expect(parseAmountInput('1.250', 'BRL', 'pt-BR')).toEqual({ ok: true, amountMinor: 125_000 });
    expect(parseAmountInput('1,250', 'USD', 'en')).toEqual({ ok: true, amountMinor: 125_000 });
    expect(parseAmountInput('1.250', 'USD', 'en')).toEqual({ ok: false, problem: 'too_many_decimals' });
    expect(parseAmountInput('1,250', 'BRL', 'pt-BR')).toEqual({ ok: false, problem: 'too_many_decimals' });
    expect(parseAmountInput('1.234,56', 'EUR', 'en')).toEqual({ ok: true, amountMinor: 123_456 });
    expect(parseAmountInput('1,234.56', 'EUR', 'fr')).toEqual({ ok: true, amountMinor: 123_456 });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['R$', 'empty'],
    ['-5', 'not_a_number'],
    ['12,', 'not_a_number'],
    ['1e3', 'not_a_number'],
    ['12abc', 'not_a_number'],
    ['1.2.3,4', 'not_a_number'],
    ['1,23.456,7', 'not_a_number'],
    ['12,34,56', 'not_a_number'],
    ['12,345', 'too_many_decimals'],
    ['99999999999999999999', 'too_large'],
  ] as const)('refuses %j (%s)', (typed, problem) => {
    expect(parseAmountInput(typed, 'BRL', 'pt-BR')).toEqual({ ok: false, problem });
  });

  it('never throws, and what it reads is written in the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), currency, locale, (typed, cur, loc) => {
        const read = parseAmountInput(typed, cur, loc);
        // Every digit of the amount it read, leading zeros aside, was typed in that order.
        if (read.ok)
          expect(typed.replace(/\D/g, '').replace(/^0+/, '')).toContain(String(read.amountMinor).replace(/0+$/, ''));
      }),
    );
  });
});
