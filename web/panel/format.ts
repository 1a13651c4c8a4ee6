/**
 * How the panel writes numbers, amounts, dates and instants in a locale: the buyer's pages'
 * formatting (domain/messages.ts) plus what only the panel shows (counts, shares, instants).
 */
import type { Locale } from '../../domain/locales';
import { formatAmount, formatDate } from '../../domain/messages';

export interface PanelFormat {
  money: (minor: number, currency: string) => string;
  date: (date: string) => string;
  /** An instant, in UTC and saying so: the seller's team may sit in several zones. */
  instant: (iso: string) => string;
  count: (n: number) => string;
  /** A share on a 0–100 scale ("87.5 %" in French). */
  percent: (share100: number) => string;
}

export function panelFormat(locale: Locale): PanelFormat {
  const counts = new Intl.NumberFormat(locale);
  const percents = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const instants = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
  return {
    money: (minor, currency) => formatAmount(minor, currency, locale),
    date: (date) => formatDate(date, locale, 'medium'),
    instant: (iso) => {
      const at = new Date(iso);
      return Number.isNaN(at.getTime()) ? iso : `${instants.format(at)} UTC`;
    },
    count: (n) => counts.format(n),
    percent: (share100) => percents.format(share100 / 100),
  };
}
