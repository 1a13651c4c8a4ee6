/**
 * Money as people write it in a message: "R$ 150,00", "$1,234.50", "150,00 €", "USD 150",
 * "1 234,56 $US", "150 reais". Read the same way by the guardrail (is every amount in the model's
 * reply one the tools gave?) and the menu ("pagar 50,00").
 *
 * A number is an amount when a currency stands next to it, or when it has cents ("150.00") or
 * thousands groups ("1,500"). A plain integer is not: "installment 2 of 3", "reply 1" and "the
 * 20th" are counts and days, and a reply full of false alarms would be replaced by a template.
 *
 * Amounts compare as exact decimal strings ("150.5"), never as floating point.
 *
 * Pure: no Node built-ins, no clock.
 */
import type { Locale } from '../locales';
import { writtenDates } from './dates';

/** Spaces Intl puts between digit groups and before symbols (plain, no-break, narrow no-break, thin). */
const SPACE = '[ \\u00a0\\u202f\\u2009]';
const GROUPED = `\\d{1,3}(?:(?:[.,]|${SPACE})\\d{3})+(?:[.,]\\d{1,2})?`;
const PLAIN = '\\d+(?:[.,]\\d{1,2})?';
const NUMBER = new RegExp(`(?<![\\p{L}\\d.,])(?:${GROUPED}|${PLAIN})(?![\\d\\p{L}]|[.,]\\d)`, 'gu');

const CURRENCY_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
/** A symbol, with the letters some locales put before it ("R$", "US$", "MX$", "JP¥"). */
const SYMBOL = '(?:[A-Z]{1,2})?[$€£¥₹₩₱]';
const BEFORE = new RegExp(`(?:(${SYMBOL})|(?<!\\p{L})([A-Z]{3}))${SPACE}?$`, 'u');
const AFTER = new RegExp(`^${SPACE}?(?:(${SYMBOL}(?:[A-Z]{1,2}(?!\\p{L}))?)|([A-Z]{3})(?!\\p{L}))`, 'u');
const WORD_AFTER = new RegExp(
  `^${SPACE}?(dollars?|d[oó]lares|reais|real|reales|euros?|pesos|libras?|pounds?)(?!\\p{L})`,
  'iu',
);
/** Symbols and words that name one currency; "$" and "¥" name several and stay unnamed. */
const NAMED: Readonly<Record<string, string>> = {
  R$: 'BRL',
  '€': 'EUR',
  '£': 'GBP',
  '£GB': 'GBP',
  US$: 'USD',
  $US: 'USD',
  MX$: 'MXN',
  $MX: 'MXN',
  reais: 'BRL',
  real: 'BRL',
  euro: 'EUR',
  euros: 'EUR',
};

/**
 * The currency written next to a number: null when there is none, 'unnamed' for a symbol that
 * several currencies use ("$"), else the ISO code.
 */
function currencyNextTo(text: string, start: number, end: number): string | null {
  const before = BEFORE.exec(text.slice(Math.max(0, start - 6), start));
  const following = text.slice(end, end + 10);
  const after = AFTER.exec(following);
  const code = before?.[2] ?? after?.[2];
  if (code !== undefined && CURRENCY_CODES.has(code)) return code;
  const symbol = before?.[1] ?? after?.[1] ?? WORD_AFTER.exec(following)?.[1]?.toLowerCase();
  if (symbol === undefined) return null;
  return NAMED[symbol] ?? 'unnamed';
}

/**
 * The decimal a written number means in `locale`: "1.234,5" → "1234.5". With one kind of
 * separator before exactly three digits ("1,500", "1.500") the locale decides: a thousands group
 * where the locale groups with it, otherwise decimals.
 */
export function decimalValue(written: string, locale: Locale): string {
  const compact = written.replace(new RegExp(SPACE, 'gu'), '');
  const separators = [...compact.matchAll(/[.,]/g)].map((m) => m[0]);
  const last = separators.at(-1);
  let decimalSeparator: string | null = null;
  if (last !== undefined) {
    const mixed = separators.some((s) => s !== last);
    const repeated = separators.length > 1;
    const digitsAfter = compact.length - compact.lastIndexOf(last) - 1;
    const groupSeparator = locale === 'en' ? ',' : '.';
    if (mixed) decimalSeparator = last;
    else if (!repeated && (digitsAfter !== 3 || last !== groupSeparator)) decimalSeparator = last;
  }
  const [integer, fraction = ''] =
    decimalSeparator === null
      ? [compact.replace(/[.,]/g, '')]
      : [
          compact.slice(0, compact.lastIndexOf(decimalSeparator)).replace(/[.,]/g, ''),
          compact.slice(compact.lastIndexOf(decimalSeparator) + 1),
        ];
  return canonicalDecimal(integer, fraction);
}

/** "0150", "50" → "150.5": no leading zeros, no trailing zeros after the point. */
export function canonicalDecimal(integer: string, fraction: string): string {
  const whole = integer.replace(/^0+(?=\d)/, '') || '0';
  const cents = fraction.replace(/0+$/, '');
  return cents === '' ? whole : `${whole}.${cents}`;
}

/** An amount in minor units as the decimal it writes: 15050 BRL → "150.5", 1500 JPY → "1500". */
export function minorToDecimal(minor: number, currency: string): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const text = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  return canonicalDecimal(text.slice(0, text.length - digits), digits === 0 ? '' : text.slice(text.length - digits));
}

export interface WrittenAmount {
  /** The exact decimal it means, e.g. "150.5". */
  value: string;
  /** The ISO code its symbol or code names, when it names exactly one ("R$", "EUR"; not "$"). */
  currency: string | null;
  start: number;
  end: number;
}

/** Every amount written in `text` (see the module's rule), read in `locale`. */
export function writtenAmounts(text: string, locale: Locale): WrittenAmount[] {
  const found: WrittenAmount[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const written = match[0];
    const start = match.index;
    const end = start + written.length;
    const hasCents = /[.,]\d{1,2}$/.test(written);
    const grouped = new RegExp(`^${GROUPED}$`, 'u').test(written) && !/^\d+[.,]\d{1,2}$/.test(written);
    const currency = currencyNextTo(text, start, end);
    if (!hasCents && !grouped && currency === null) continue;
    found.push({
      value: decimalValue(written, locale),
      currency: currency === 'unnamed' ? null : currency,
      start,
      end,
    });
  }
  return found;
}

/** An amount after a word for paying: "pay 50", "pagar 50,00", "payer 50", "pay only 20.50", "pagarei 50". */
const PAY_AMOUNT =
  /(?:^|[^\p{L}])(?:pay|paying|pagar|pago|abonar|payer|payerai|paierai|pagaria|pagaré|pagarei|parcial|partial|partiel)(?:[^\p{L}\d]+(?:only|just|solo|sólo|apenas|só|seulement|now|ahora|agora|maintenant|de|du))*[^\p{L}\d]*(\d+(?:[.,]\d{1,2})?)(?![\d/])/iu;

/** The amount (major units) a message offers to pay (now, or by a day it names), if any. */
export function offeredAmount(message: string, locale: Locale): number | null {
  const withCurrency = writtenAmounts(message, locale)[0];
  if (withCurrency) return Number(withCurrency.value);
  const afterPay = PAY_AMOUNT.exec(message);
  if (!afterPay) return null;
  // "pagar 10 de marzo": the number is the day of a date, not an amount.
  const number = message.slice(afterPay.index + afterPay[0].length - afterPay[1]!.length);
  if (writtenDates(number, locale).some((date) => date.start === 0)) return null;
  const amount = Number(afterPay[1]!.replace(',', '.'));
  return amount > 0 ? amount : null;
}
