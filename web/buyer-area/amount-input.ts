/**
 * Reads the amount a buyer typed into the partial-payment form ("12,50", "12.50", "1.234,56",
 * "R$ 12,50") as integer minor units. Buyers type the way they write, not always the way their
 * locale does, so both "," and "." are read as the decimal mark when nothing else makes sense;
 * where a reading is really ambiguous ("1.250" on an English page), the buyer is asked again
 * rather than charged a thousand times too much or too little.
 */
import type { Locale } from '../../domain/locales';

export type AmountInputProblem = 'empty' | 'not_a_number' | 'too_many_decimals' | 'too_large';
export type AmountInput = { ok: true; amountMinor: number } | { ok: false; problem: AmountInputProblem };

/** How many minor-unit digits the currency has (2 for BRL, 0 for JPY), as formatAmount shows it. */
export function minorUnitDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function parseAmountInput(typed: string, currency: string, locale: Locale): AmountInput {
  const text = withoutCurrency(typed.replace(/[\s\u00a0\u2007\u2009\u202f]/g, ''), currency, locale);
  if (text === '') return { ok: false, problem: 'empty' };
  if (!/^\d[\d.,]*$/.test(text) || /[.,]$/.test(text)) return { ok: false, problem: 'not_a_number' };

  const { whole, fraction } = splitDecimal(text, decimalMark(locale));
  if (!/^\d{1,3}([.,]\d{3})*$|^\d+$/.test(whole) || (/[.,]/.test(whole) && new Set(whole.match(/[.,]/g)).size > 1))
    return { ok: false, problem: 'not_a_number' };
  const digits = minorUnitDigits(currency);
  if (fraction.length > digits) return { ok: false, problem: 'too_many_decimals' };

  const minor = Number(whole.replace(/[.,]/g, '') + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? { ok: true, amountMinor: minor } : { ok: false, problem: 'too_large' };
}

/**
 * Which separator, if any, is the decimal mark: when both appear, the last one; when one appears
 * once, the locale's own mark, or the other mark unless exactly three digits follow it (then it
 * groups thousands: "1.250" on a Brazilian page is one thousand two hundred and fifty).
 */
function splitDecimal(text: string, localeMark: string): { whole: string; fraction: string } {
  const last = Math.max(text.lastIndexOf('.'), text.lastIndexOf(','));
  if (last < 0) return { whole: text, fraction: '' };
  const mark = text[last]!;
  const fraction = text.slice(last + 1);
  const bothMarks = text.includes('.') && text.includes(',');
  const once = text.indexOf(mark) === last;
  const isDecimal = bothMarks || (once && (mark === localeMark || fraction.length !== 3));
  return isDecimal ? { whole: text.slice(0, last), fraction } : { whole: text, fraction: '' };
}

function decimalMark(locale: Locale): string {
  return new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
}

/** The text without the currency's symbol or code at either end ("R$12,50", "12,50€", "BRL 12.50"). */
function withoutCurrency(text: string, currency: string, locale: Locale): string {
  const symbol =
    new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(1).find((p) => p.type === 'currency')
      ?.value ?? currency;
  for (const mark of [symbol, currency.toUpperCase(), currency.toLowerCase()]) {
    if (text.startsWith(mark)) return text.slice(mark.length);
    if (text.endsWith(mark)) return text.slice(0, -mark.length);
  }
  return text;
}
