import type { DueDateRefusal } from '../../domain/journey';
import type { InstallmentStatus } from '../buyer-area/view';

/**
 * The words of the web pages in one locale. Sentences with values are functions of exactly the
 * values they need, already formatted for the locale: a locale that forgets a key or a value fails
 * to compile. Each value reaches the page through the template's escaping.
 */
export interface WebCopy {
  /** The language's own name, for the language switch ("Español"). */
  languageName: string;
  layout: {
    skipToContent: string;
    /** The accessible name of the language switch. */
    languages: string;
  };
  area: {
    title: (v: { product: string }) => string;
    heading: string;
    /** Read before the product name by screen readers, punctuation included ("Product:"). */
    product: string;
    soldBy: (v: { seller: string }) => string;
    installments: string;
    installment: (v: { n: number; m: number }) => string;
    amount: string;
    dueDate: string;
    status: string;
    /** Under a due date the buyer or support moved. */
    originallyDue: (v: { date: string }) => string;
    paidOn: (v: { date: string }) => string;
    /** The status line of a partially paid installment. */
    paidOf: (v: { paid: string; amount: string }) => string;
    noInstallments: string;
    payNow: (v: { amount: string }) => string;
    paymentMethod: string;
    partial: {
      legend: string;
      label: string;
      hint: (v: { min: string; max: string }) => string;
      submit: string;
    };
    dueDateChange: {
      legend: string;
      label: string;
      hint: (v: { min: string; max: string }) => string;
      submit: string;
    };
  };
  statuses: Record<InstallmentStatus, string>;
  notices: {
    dueDateChanged: (v: { n: number; date: string }) => string;
    /** Why a new due date was not accepted (domain/journey.ts checkDueDateChange), said kindly. */
    dueDateRefused: Record<DueDateRefusal, string>;
    partialBelowMinimum: (v: { minimum: string }) => string;
    partialAboveMaximum: (v: { maximum: string }) => string;
    amountUnreadable: string;
    partialNotAllowed: string;
    tooManyRequests: string;
    formExpired: string;
    somethingWentWrong: string;
  };
  /** The page for a link that cannot be opened: polite, and it names nothing of the purchase. */
  linkProblem: Record<LinkProblemReason, { title: string; body: string }> & { help: string };
}

/**
 * Why a payment-area link cannot be shown. A tampered link and someone else's link are both
 * `invalid_link`: the page never tells which.
 */
export const LINK_PROBLEM_REASONS = ['invalid_link', 'expired_link', 'not_found', 'too_many_requests'] as const;
export type LinkProblemReason = (typeof LINK_PROBLEM_REASONS)[number];
