/**
 * What a buyer-area route hands to the presentation layer: plain data, no HTTP, no words.
 * The route fills a `BuyerAreaView` from the purchase ledger and the signed link, then calls
 * `renderBuyerArea(reply, view)` (web/plugin.ts). Everything the buyer reads — labels, amounts,
 * dates, statuses, notices — is worded and formatted here in web/, in the buyer's language.
 *
 * Amounts are integer minor units of `currency` (as everywhere in the product); dates are calendar
 * dates `YYYY-MM-DD` (the buyer's own calendar, as the ledger keeps them).
 */
import type { DueDateRefusal } from '../../domain/journey';
import type { PromiseRefusal } from '../../domain/promises';

/**
 * Where an installment stands, as the buyer should read it. The ledger decides; the page only
 * words it.
 *  - paid_on_time: fully paid on or before its (current) due date
 *  - paid_late: fully paid after its due date
 *  - partially_paid: some paid (`paidMinor` > 0), the rest still open
 *  - due_today / overdue / upcoming: nothing paid yet; the due date is today / past / ahead
 *  - canceled: nothing more to pay (refunded, subscription canceled, written off for the buyer)
 */
export const INSTALLMENT_STATUSES = [
  'paid_on_time',
  'paid_late',
  'partially_paid',
  'overdue',
  'due_today',
  'upcoming',
  'canceled',
] as const;
export type InstallmentStatus = (typeof INSTALLMENT_STATUSES)[number];

/** What the buyer may do with one installment; an action left out is not offered. */
export interface InstallmentActions {
  /** Where "Pay now" leads (the checkout): an absolute http(s) URL or a path starting with "/". */
  payNowUrl?: string;
  /**
   * Paying part of the open amount: a form POSTing `amount` (the buyer's typed decimal, read with
   * `parseAmountInput`) to `action`. The bounds are shown to the buyer as a hint.
   */
  partial?: { minimumMinor: number; maximumMinor: number; action: string };
  /** Asking for a new due date: a form POSTing `dueDate` (YYYY-MM-DD) to `action`, within min..max. */
  dueDate?: { min: string; max: string; action: string };
  /**
   * "I'll pay on …": a form POSTing `promiseDate` (YYYY-MM-DD, within min..max) and an optional
   * `amount` (read like the partial amount; empty: all of `outstandingMinor`) to `action`.
   */
  promise?: { min: string; max: string; outstandingMinor: number; action: string };
  /** Where the buyer changes the card or payment method (a link, like payNowUrl). */
  paymentMethodUrl?: string;
}

export interface InstallmentView {
  /** 1-based position in the purchase, and how many installments it has ("2 of 6"). */
  number: number;
  count: number;
  /** The installment's full amount. */
  amountMinor: number;
  /** What has been paid of it so far (0 when nothing). */
  paidMinor: number;
  /** The current due date. */
  dueDate: string;
  /** The due date before the buyer or support moved it; omit when it never moved. */
  originalDueDate?: string;
  status: InstallmentStatus;
  /** The buyer's open promise to pay on this installment. */
  promised?: { date: string; amountMinor: number };
  /** When it was (last) paid, for the paid statuses. */
  paidAt?: string;
  actions: InstallmentActions;
}

/**
 * A line at the top of the page, usually the outcome of the action the buyer just posted.
 * Whether it reads as a success or a problem follows from `key` (web/buyer-area/present.ts).
 */
export type BuyerAreaNotice =
  | { key: 'due_date_changed'; installmentNumber: number; newDueDate: string }
  | { key: 'due_date_refused'; reason: DueDateRefusal }
  | { key: 'promise_made'; installmentNumber: number; date: string; amountMinor: number }
  | { key: 'promise_refused'; reason: PromiseRefusal }
  /** The typed amount is below the policy's minimum (the minimum is shown). */
  | { key: 'partial_below_minimum'; minimumMinor: number }
  /** The typed amount is above what is still open (the maximum is shown). */
  | { key: 'partial_above_maximum'; maximumMinor: number }
  /** The typed amount could not be read as a number (see `parseAmountInput`). */
  | { key: 'amount_unreadable' }
  | { key: 'partial_not_allowed' }
  | { key: 'too_many_requests' }
  /** The CSRF token was missing or stale: the buyer is asked to try again on this fresh page. */
  | { key: 'form_expired' }
  | { key: 'something_went_wrong' };
export type BuyerAreaNoticeKey = BuyerAreaNotice['key'];

export interface BuyerAreaView {
  /**
   * The buyer's language as the ledger knows it (may be an old or unknown value): the page uses
   * `?lang=` first, then this, then the browser's Accept-Language (web/locale-choice.ts).
   */
  buyerLocale?: string;
  sellerName: string;
  productName: string;
  /** ISO 4217, for every amount on the page. */
  currency: string;
  installments: InstallmentView[];
  notice?: BuyerAreaNotice;
  /** From `reply.generateCsrf()`: every form carries it as `_csrf`. */
  csrfToken: string;
  paths: {
    /**
     * The page's own URL, the signed token included (in the path or the query): the language
     * links add `lang` to it, keeping everything else.
     */
    self: string;
  };
}

/**
 * The names of the fields the page's forms post, for the routes' body schemas. Every form also
 * posts `lang` (the language the page was shown in) so the answer to a POST stays in it.
 */
export const FORM_FIELDS = {
  csrf: '_csrf',
  lang: 'lang',
  amount: 'amount',
  dueDate: 'dueDate',
  promiseDate: 'promiseDate',
} as const;
