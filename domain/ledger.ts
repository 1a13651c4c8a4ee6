/**
 * The purchase ledger: what the payment system knows about a purchase — its installment
 * schedule and every payment, on time or late — whether or not an installment ever became a
 * journey. Pure: the standing of an installment is computed from its facts and "today".
 *
 * Payments are history: a schedule update never removes one. An installment declared paid by
 * the payment system without a reported payment is recorded as a payment of the balance (see
 * `declaredPayments`), so the schedule and the payments tell one story.
 */
import { type LocalDate, addDays, instantToZoned, zonedToInstant } from './local-time';

/** What the payment system says of an installment in a schedule. */
export const SCHEDULE_STATUSES = ['pending', 'paid', 'canceled'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/** Where an installment stands, as the buyer and the seller see it. */
export const ENTRY_STANDINGS = ['paid_on_time', 'paid_late', 'overdue', 'due_today', 'upcoming', 'canceled'] as const;
export type EntryStanding = (typeof ENTRY_STANDINGS)[number];

/** Whether an installment in this standing still asks for money (not paid, not canceled). */
export function isOpenStanding(standing: EntryStanding): boolean {
  return standing === 'overdue' || standing === 'due_today' || standing === 'upcoming';
}

export interface LedgerPayment {
  paymentId: string;
  installmentNumber: number;
  amountMinor: number;
  /** Milliseconds since the epoch. */
  paidAt: number;
}

export interface LedgerEntry {
  number: number;
  amountMinor: number;
  /** The schedule's due date: "on time" is judged against it. */
  dueDate: LocalDate;
  /** Where a journey moved the due date (the buyer asked for a new one): "overdue" is judged against it. */
  currentDueDate?: LocalDate | undefined;
  canceled: boolean;
}

export interface EntryState {
  standing: EntryStanding;
  paidMinor: number;
  outstandingMinor: number;
  /** When the payment that settled it was made; null while something is owed. */
  settledAt: number | null;
}

/** The first instant after `date` in the buyer's zone: a payment before it is on time. */
function endOfDay(date: LocalDate, timeZone: string): number {
  return zonedToInstant(addDays(date, 1), '00:00', timeZone);
}

/**
 * Where one installment stands at `now` in the buyer's zone. Payments are applied in the order
 * they were made; the one that brings the total to the amount settles it.
 */
export function entryState(
  entry: LedgerEntry,
  payments: readonly LedgerPayment[],
  now: number,
  timeZone: string,
): EntryState {
  const own = payments.filter((p) => p.installmentNumber === entry.number).sort((a, b) => a.paidAt - b.paidAt);
  let paidMinor = 0;
  let settledAt: number | null = null;
  for (const payment of own) {
    paidMinor += payment.amountMinor;
    if (settledAt === null && paidMinor >= entry.amountMinor) settledAt = payment.paidAt;
  }
  const outstandingMinor = Math.max(0, entry.amountMinor - paidMinor);
  if (settledAt !== null) {
    const standing = settledAt < endOfDay(entry.dueDate, timeZone) ? 'paid_on_time' : 'paid_late';
    return { standing, paidMinor, outstandingMinor, settledAt };
  }
  if (entry.canceled) return { standing: 'canceled', paidMinor, outstandingMinor, settledAt: null };
  const today = instantToZoned(now, timeZone).date;
  const due = entry.currentDueDate ?? entry.dueDate;
  const standing = today > due ? 'overdue' : today === due ? 'due_today' : 'upcoming';
  return { standing, paidMinor, outstandingMinor, settledAt: null };
}

/**
 * The id under which a schedule's "paid" statement is kept as a payment: one per installment.
 * `#` never occurs in the payment system's ids (externalIdSchema), so it never collides with one.
 */
export function declaredPaymentId(installmentNumber: number): string {
  return `#schedule:${installmentNumber}`;
}

/**
 * The payments a schedule declares: each installment it says is paid, for what no recorded
 * payment covers yet, at the time it gives. Repeating the same schedule declares nothing new
 * (the id is per installment, and the balance is then covered).
 */
export function declaredPayments(
  schedule: readonly (LedgerEntry & { status: ScheduleStatus; paidAt?: number | undefined })[],
  recorded: readonly LedgerPayment[],
): LedgerPayment[] {
  return schedule.flatMap((entry) => {
    if (entry.status !== 'paid' || entry.paidAt === undefined) return [];
    const paymentId = declaredPaymentId(entry.number);
    const own = recorded.filter((p) => p.installmentNumber === entry.number);
    if (own.some((p) => p.paymentId === paymentId)) return [];
    const balance = entry.amountMinor - own.reduce((sum, p) => sum + p.amountMinor, 0);
    return balance > 0
      ? [{ paymentId, installmentNumber: entry.number, amountMinor: balance, paidAt: entry.paidAt }]
      : [];
  });
}

export interface ScheduleProblem {
  /** Path in the request body, e.g. `installments` or `currency`. */
  path: (string | number)[];
  message: string;
}

/**
 * What a new schedule may not change, because payments are history: the currency once anything
 * was paid, the buyer, and the existence of an installment with payments (cancel it instead).
 */
export function scheduleChangeProblems(
  current: { buyerId: string; currency: string; payments: readonly LedgerPayment[] },
  next: { buyerId: string; currency: string; numbers: readonly number[] },
): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  if (next.buyerId !== current.buyerId)
    problems.push({ path: ['buyer', 'id'], message: `must stay ${current.buyerId}: a purchase's buyer cannot change` });
  if (current.payments.length > 0 && next.currency !== current.currency)
    problems.push({ path: ['currency'], message: `must stay ${current.currency}: the purchase has payments` });
  const kept = new Set(next.numbers);
  const removed = [...new Set(current.payments.map((p) => p.installmentNumber))].filter((n) => !kept.has(n));
  for (const number of removed.sort((a, b) => a - b))
    problems.push({
      path: ['installments'],
      message: `must keep installment ${number}: it has payments (cancel it instead of removing it)`,
    });
  return problems;
}
