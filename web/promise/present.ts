/**
 * The buyer area's promise to pay in words: the "I'll pay on …" form of an installment card,
 * the line of a promise already open, and the notice after the buyer posted one. Pure, like
 * web/buyer-area/present.ts, which calls it.
 */
import { formatDate } from '../../domain/messages';
import type { Locale } from '../../domain/locales';
import type { BuyerAreaNotice, InstallmentView } from '../buyer-area/view';
import { PROMISE_COPY } from './copy';

export interface PromiseForm {
  action: string;
  min: string;
  max: string;
  value: string;
  legend: string;
  dateLabel: string;
  amountLabel: string;
  hint: string;
  submit: string;
}

export function presentPromiseForm(
  installment: InstallmentView,
  locale: Locale,
  money: (minor: number) => string,
): PromiseForm | null {
  const offer = installment.actions.promise;
  if (!offer) return null;
  const copy = PROMISE_COPY[locale];
  return {
    action: offer.action,
    min: offer.min,
    max: offer.max,
    value: offer.min,
    legend: copy.legend,
    dateLabel: copy.dateLabel,
    amountLabel: copy.amountLabel,
    hint: copy.hint({
      min: formatDate(offer.min, locale),
      max: formatDate(offer.max, locale),
      amount: money(offer.outstandingMinor),
    }),
    submit: copy.submit,
  };
}

/** "You promised to pay … by …", while a promise is open. */
export function presentPromised(
  installment: InstallmentView,
  locale: Locale,
  money: (minor: number) => string,
): string | null {
  const promised = installment.promised;
  if (!promised) return null;
  return PROMISE_COPY[locale].promised({
    amount: money(promised.amountMinor),
    date: formatDate(promised.date, locale),
  });
}

export function presentPromiseNotice(
  notice: Extract<BuyerAreaNotice, { key: 'promise_made' | 'promise_refused' }>,
  locale: Locale,
  money: (minor: number) => string,
): { tone: 'success' | 'error'; text: string | undefined } {
  const copy = PROMISE_COPY[locale];
  if (notice.key === 'promise_refused') return { tone: 'error', text: copy.refused[notice.reason] };
  const date = formatDate(notice.date, locale);
  return { tone: 'success', text: copy.made({ n: notice.installmentNumber, amount: money(notice.amountMinor), date }) };
}
