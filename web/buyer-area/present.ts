/**
 * The buyer area in words: a `BuyerAreaView` (data) and a locale become everything the template
 * prints, amounts and dates formatted for the locale. Pure, so the wording is tested without a
 * server; the template (web/templates/buyer-area.eta) holds markup and no decisions.
 */
import { formatAmount, formatDate } from '../../domain/messages';
import type { Locale } from '../../domain/locales';
import { WEB_COPY, type WebCopy } from '../copy';
import { type PageFrame, pageFrame, safeHref } from '../page-frame';
import { type PromiseForm, presentPromiseForm, presentPromiseNotice, presentPromised } from '../promise/present';
import {
  type BuyerAreaNotice,
  type BuyerAreaView,
  FORM_FIELDS,
  type InstallmentStatus,
  type InstallmentView,
} from './view';

export interface BuyerAreaPage {
  frame: PageFrame;
  heading: string;
  productLabel: string;
  productName: string;
  soldBy: string;
  installmentsHeading: string;
  noInstallments: string;
  labels: { amount: string; dueDate: string; status: string };
  notice: { tone: 'success' | 'error'; text: string } | null;
  /** The names of the posted fields, and the values of the hidden ones every form carries. */
  fields: typeof FORM_FIELDS;
  csrfToken: string;
  lang: Locale;
  installments: InstallmentCard[];
}

export interface InstallmentCard {
  /** A stable prefix for the element ids of this card ("installment-2"). */
  id: string;
  title: string;
  amount: string;
  dueDate: string;
  originallyDue: string | null;
  status: { key: InstallmentStatus; label: string; symbol: string; detail: string | null };
  payNow: { href: string; label: string } | null;
  paymentMethod: { href: string; label: string } | null;
  partial: { action: string; legend: string; label: string; hint: string; submit: string } | null;
  dueDateChange: {
    action: string;
    min: string;
    max: string;
    value: string;
    legend: string;
    label: string;
    hint: string;
    submit: string;
  } | null;
  promise: PromiseForm | null;
  /** The line of a promise to pay already open. */
  promised: string | null;
}

/**
 * A shape beside each status word, so the status never rests on colour alone (WCAG 1.4.1);
 * hidden from screen readers, which read the word.
 */
const STATUS_SYMBOLS: Record<InstallmentStatus, string> = {
  paid_on_time: '✓',
  paid_late: '✓',
  partially_paid: '◐',
  overdue: '!',
  due_today: '●',
  upcoming: '○',
  canceled: '✕',
};

export function presentBuyerArea(view: BuyerAreaView, locale: Locale): BuyerAreaPage {
  const copy = WEB_COPY[locale];
  const money = (minor: number) => formatAmount(minor, view.currency, locale);
  return {
    frame: pageFrame(locale, copy.area.title({ product: view.productName }), view.paths.self),
    heading: copy.area.heading,
    productLabel: copy.area.product,
    productName: view.productName,
    soldBy: copy.area.soldBy({ seller: view.sellerName }),
    installmentsHeading: copy.area.installments,
    noInstallments: copy.area.noInstallments,
    labels: { amount: copy.area.amount, dueDate: copy.area.dueDate, status: copy.area.status },
    notice: view.notice ? presentNotice(view.notice, copy, locale, money) : null,
    fields: FORM_FIELDS,
    csrfToken: view.csrfToken,
    lang: locale,
    installments: view.installments.map((installment) => presentInstallment(installment, copy, locale, money)),
  };
}

function presentInstallment(
  installment: InstallmentView,
  copy: WebCopy,
  locale: Locale,
  money: (minor: number) => string,
): InstallmentCard {
  const { status, actions } = installment;
  const date = (d: string) => formatDate(d, locale);
  const payNowHref = safeHref(actions.payNowUrl);
  const paymentMethodHref = safeHref(actions.paymentMethodUrl);
  const open = Math.max(0, installment.amountMinor - installment.paidMinor);
  return {
    id: `installment-${installment.number}`,
    title: copy.area.installment({ n: installment.number, m: installment.count }),
    amount: money(installment.amountMinor),
    dueDate: date(installment.dueDate),
    originallyDue:
      installment.originalDueDate && installment.originalDueDate !== installment.dueDate
        ? copy.area.originallyDue({ date: date(installment.originalDueDate) })
        : null,
    status: {
      key: status,
      label: copy.statuses[status],
      symbol: STATUS_SYMBOLS[status],
      detail:
        status === 'partially_paid'
          ? copy.area.paidOf({ paid: money(installment.paidMinor), amount: money(installment.amountMinor) })
          : (status === 'paid_on_time' || status === 'paid_late') && installment.paidAt
            ? copy.area.paidOn({ date: date(installment.paidAt) })
            : null,
    },
    payNow: payNowHref ? { href: payNowHref, label: copy.area.payNow({ amount: money(open) }) } : null,
    paymentMethod: paymentMethodHref ? { href: paymentMethodHref, label: copy.area.paymentMethod } : null,
    partial: actions.partial
      ? {
          action: actions.partial.action,
          ...copy.area.partial,
          hint: copy.area.partial.hint({
            min: money(actions.partial.minimumMinor),
            max: money(actions.partial.maximumMinor),
          }),
        }
      : null,
    dueDateChange: actions.dueDate
      ? {
          action: actions.dueDate.action,
          min: actions.dueDate.min,
          max: actions.dueDate.max,
          value: actions.dueDate.min,
          ...copy.area.dueDateChange,
          hint: copy.area.dueDateChange.hint({ min: date(actions.dueDate.min), max: date(actions.dueDate.max) }),
        }
      : null,
    promise: presentPromiseForm(installment, locale, money),
    promised: presentPromised(installment, locale, money),
  };
}

function presentNotice(
  notice: BuyerAreaNotice,
  copy: WebCopy,
  locale: Locale,
  money: (minor: number) => string,
): BuyerAreaPage['notice'] {
  const n = copy.notices;
  switch (notice.key) {
    case 'due_date_changed':
      return {
        tone: 'success',
        text: n.dueDateChanged({ n: notice.installmentNumber, date: formatDate(notice.newDueDate, locale) }),
      };
    case 'promise_made':
    case 'promise_refused': {
      const presented = presentPromiseNotice(notice, locale, money);
      // A reason this build does not know (a newer journey) still gets a polite sentence.
      return { tone: presented.tone, text: presented.text ?? n.somethingWentWrong };
    }
    case 'due_date_refused':
      // A reason this build does not know (a newer journey) still gets a polite sentence.
      return { tone: 'error', text: n.dueDateRefused[notice.reason] ?? n.somethingWentWrong };
    case 'partial_below_minimum':
      return { tone: 'error', text: n.partialBelowMinimum({ minimum: money(notice.minimumMinor) }) };
    case 'partial_above_maximum':
      return { tone: 'error', text: n.partialAboveMaximum({ maximum: money(notice.maximumMinor) }) };
    case 'amount_unreadable':
      return { tone: 'error', text: n.amountUnreadable };
    case 'partial_not_allowed':
      return { tone: 'error', text: n.partialNotAllowed };
    case 'too_many_requests':
      return { tone: 'error', text: n.tooManyRequests };
    case 'form_expired':
      return { tone: 'error', text: n.formExpired };
    case 'something_went_wrong':
      return { tone: 'error', text: n.somethingWentWrong };
  }
}
