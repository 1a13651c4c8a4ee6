/**
 * The seller's numbers, defined once (application/reports.ts says them in words): from plain
 * facts per ledger installment to the overview, attribution, the funnel, the recovery curve and
 * the daily recovered amounts. The SQL in db/report-*.ts computes the same numbers where the
 * data is; these functions are its oracle in the tests and assemble what both share.
 *
 * An installment's standing is domain/ledger.ts `entryState`: a payment is counted once, the one
 * that brings the total to the amount settles it, on time when before the end of the due date in
 * the buyer's zone.
 */
import { isLadderStep } from './delivery';
import { type EntryStanding, type LedgerPayment, entryState, isOpenStanding } from './ledger';
import {
  type LocalDate,
  MS_PER_DAY,
  addDays,
  daysBetween,
  instantToZoned,
  isoInstant,
  zonedToInstant,
} from './local-time';

export const DEFAULT_WINDOW_DAYS = 7;
export const DEFAULT_PAID_WITHIN_DAYS = 7;
export const DEFAULT_CURVE_DAYS = 30;
/** "Expected upcoming" looks this many days ahead, today (UTC) included. */
export const UPCOMING_DAYS = 30;
/** A report's period: by default the last 30 days (UTC), at most 366. */
export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 366;

/** Why a period was refused: the API says `message`, the panel translates `problem`. */
export type PeriodProblem = 'from_after_to' | 'period_too_long';
export type PeriodRefusal = { field: 'from' | 'to'; problem: PeriodProblem; message: string };

/** The period of schedule due dates a report covers, from what was asked; or which field is wrong and why. */
export function reportPeriod(
  asked: { from?: LocalDate | undefined; to?: LocalDate | undefined },
  now: number,
): { from: LocalDate; to: LocalDate } | PeriodRefusal {
  return periodAsOf(asked, utcToday(now));
}

/** `reportPeriod` for a given "today" (the panel's, read once per request). */
export function periodAsOf(
  asked: { from?: LocalDate | undefined; to?: LocalDate | undefined },
  today: LocalDate,
): { from: LocalDate; to: LocalDate } | PeriodRefusal {
  const to = asked.to ?? (asked.from ? maxDate(asked.from, today) : today);
  const from = asked.from ?? addDays(to, -(DEFAULT_PERIOD_DAYS - 1));
  if (from > to) return { field: 'to', problem: 'from_after_to', message: 'must not be before from' };
  if (daysBetween(from, to) >= MAX_PERIOD_DAYS)
    return {
      field: asked.to ? 'to' : 'from',
      problem: 'period_too_long',
      message: `the period must be at most ${MAX_PERIOD_DAYS} days`,
    };
  return { from, to };
}

const utcToday = (now: number) => instantToZoned(now, 'UTC').date;
const maxDate = (a: LocalDate, b: LocalDate) => (a > b ? a : b);

/** A delivery attempt that went out (the contact ledger's statuses, with a send time). */
export interface AttemptFacts {
  id: string;
  stepIndex: number;
  channel: string;
  template: string;
  sentAt: number;
  /** The provider said the buyer got it. */
  delivered: boolean;
}

export interface InstallmentFacts {
  installmentId: string | null;
  amountMinor: number;
  currency: string;
  /** The schedule's due date: the period and "on time" are judged against it. */
  dueDate: LocalDate;
  /** Where a journey moved it: "overdue" is judged against it. */
  currentDueDate: LocalDate;
  canceled: boolean;
  /** The buyer's IANA zone. */
  timeZone: string;
  /** Each payment once (by payment id). */
  payments: readonly Omit<LedgerPayment, 'installmentNumber'>[];
  journey: { id: string; open: boolean; attempts: readonly AttemptFacts[] } | null;
}

/** What an installment counts as in the overview. */
export type InstallmentClass = 'paid_on_time' | 'recovered' | 'paid_late_without_journey' | 'open' | 'canceled';

export interface InstallmentResult {
  standing: EntryStanding;
  class: InstallmentClass;
  settledAt: number | null;
  /** Paid, capped at the amount. */
  paidMinor: number;
  outstandingMinor: number;
  /** What a recovered installment got after its due date (capped); 0 for the others. */
  recoveredMinor: number;
  /** Paid before the end of the due date in the buyer's zone (not capped). */
  paidBeforeDueMinor: number;
}

/** An installment's standing and what it adds to the numbers, at `now`. */
export function installmentResult(facts: InstallmentFacts, now: number): InstallmentResult {
  const number = 1;
  const state = entryState(
    {
      number,
      amountMinor: facts.amountMinor,
      dueDate: facts.dueDate,
      currentDueDate: facts.currentDueDate,
      canceled: facts.canceled,
    },
    facts.payments.map((p) => ({ ...p, installmentNumber: number })),
    now,
    facts.timeZone,
  );
  const paidMinor = Math.min(state.paidMinor, facts.amountMinor);
  const cls = classOf(facts, state.standing);
  const dueEnd = endOfDueDate(facts);
  const paidBeforeDue = facts.payments.filter((p) => p.paidAt < dueEnd).reduce((sum, p) => sum + p.amountMinor, 0);
  return {
    standing: state.standing,
    class: cls,
    settledAt: state.settledAt,
    paidMinor,
    outstandingMinor: state.outstandingMinor,
    recoveredMinor: cls === 'recovered' ? paidMinor - Math.min(paidBeforeDue, facts.amountMinor) : 0,
    paidBeforeDueMinor: paidBeforeDue,
  };
}

function classOf(facts: InstallmentFacts, standing: EntryStanding): InstallmentClass {
  if (facts.canceled) return 'canceled';
  if (standing === 'paid_on_time') return 'paid_on_time';
  if (standing === 'paid_late') return facts.journey ? 'recovered' : 'paid_late_without_journey';
  return 'open';
}

/** The first instant after the due date in the buyer's zone. */
function endOfDueDate(facts: InstallmentFacts): number {
  return zonedToInstant(addDays(facts.dueDate, 1), '00:00', facts.timeZone);
}

/** One currency's sums over the period's installments (canceled ones count nowhere). */
export interface PeriodTotals {
  currency: string;
  expected: number;
  expectedMinor: number;
  paidMinor: number;
  paidOnTime: number;
  recovered: number;
  paidLateWithoutJourney: number;
  open: number;
  recoveredMinor: number;
}

export function periodTotals(period: readonly InstallmentFacts[], now: number): PeriodTotals[] {
  const totals = new Map<string, PeriodTotals>();
  for (const facts of period) {
    const result = installmentResult(facts, now);
    if (result.class === 'canceled') continue;
    let t = totals.get(facts.currency);
    if (!t) totals.set(facts.currency, (t = emptyTotals(facts.currency)));
    t.expected += 1;
    t.expectedMinor += facts.amountMinor;
    t.paidMinor += result.paidMinor;
    t.recoveredMinor += result.recoveredMinor;
    if (result.class === 'paid_on_time') t.paidOnTime += 1;
    else if (result.class === 'recovered') t.recovered += 1;
    else if (result.class === 'paid_late_without_journey') t.paidLateWithoutJourney += 1;
    else t.open += 1;
  }
  return [...totals.values()];
}

function emptyTotals(currency: string): PeriodTotals {
  const zero = { expected: 0, expectedMinor: 0, paidMinor: 0, paidOnTime: 0, recovered: 0 };
  return { currency, ...zero, paidLateWithoutJourney: 0, open: 0, recoveredMinor: 0 };
}

/** A count and an amount in one currency (in recovery now, expected upcoming). */
export interface CurrencyCount {
  currency: string;
  count: number;
  amountMinor: number;
}

/** Open journeys with money overdue now, whatever their due date: count and outstanding. */
export function inRecoveryNow(ledger: readonly InstallmentFacts[], now: number): CurrencyCount[] {
  return countByCurrency(
    ledger.filter((f) => f.journey?.open && installmentResult(f, now).standing === 'overdue'),
    now,
  );
}

/** The schedule due dates "expected upcoming" covers: UPCOMING_DAYS from today (UTC). */
export function upcomingRange(now: number): { from: LocalDate; to: LocalDate } {
  const from = utcToday(now);
  return { from, to: addDays(from, UPCOMING_DAYS - 1) };
}

/** Installments due in the upcoming range still asking for money: count and outstanding. */
export function expectedUpcoming(ledger: readonly InstallmentFacts[], now: number): CurrencyCount[] {
  const { from, to } = upcomingRange(now);
  return countByCurrency(
    ledger.filter((f) => f.dueDate >= from && f.dueDate <= to && isOpenStanding(installmentResult(f, now).standing)),
    now,
  );
}

function countByCurrency(facts: readonly InstallmentFacts[], now: number): CurrencyCount[] {
  const counts = new Map<string, CurrencyCount>();
  for (const f of facts) {
    const c = counts.get(f.currency) ?? { currency: f.currency, count: 0, amountMinor: 0 };
    c.count += 1;
    c.amountMinor += installmentResult(f, now).outstandingMinor;
    counts.set(f.currency, c);
  }
  return [...counts.values()];
}

/**
 * The currencies with something expected, most expected first (then by code), and the one a
 * report is in: the one asked for, else the first.
 */
export function reportCurrency(
  totals: readonly Pick<PeriodTotals, 'currency' | 'expectedMinor'>[],
  wanted?: string,
): { currency: string | null; currencies: string[] } {
  const currencies = totals
    .filter((t) => t.expectedMinor > 0)
    .sort((a, b) => b.expectedMinor - a.expectedMinor || (a.currency < b.currency ? -1 : 1))
    .map((t) => t.currency);
  return { currency: wanted ?? currencies[0] ?? null, currencies };
}

/** paid / expected in percent, one decimal; null when nothing was expected. */
export function collectionEfficiency(paidMinor: number, expectedMinor: number): number | null {
  return expectedMinor > 0 ? Math.round((paidMinor / expectedMinor) * 1000) / 10 : null;
}

/** The overview from the sums the SQL (or `periodTotals` and friends) computed per currency. */
export function overviewOf(
  sums: { period: readonly PeriodTotals[]; recoveryNow: readonly CurrencyCount[]; upcoming: readonly CurrencyCount[] },
  wanted?: string,
) {
  const { currency, currencies } = reportCurrency(sums.period, wanted);
  const t = sums.period.find((p) => p.currency === currency) ?? emptyTotals(currency ?? '');
  const now = sums.recoveryNow.find((c) => c.currency === currency);
  const upcoming = sums.upcoming.find((c) => c.currency === currency);
  return {
    currency,
    currencies,
    expectedMinor: t.expectedMinor,
    paidMinor: t.paidMinor,
    collectionEfficiency: collectionEfficiency(t.paidMinor, t.expectedMinor),
    installments: {
      expected: t.expected,
      paidOnTime: t.paidOnTime,
      recovered: t.recovered,
      paidLateWithoutJourney: t.paidLateWithoutJourney,
      open: t.open,
    },
    recoveredMinor: t.recoveredMinor,
    inRecoveryNow: { journeys: now?.count ?? 0, outstandingMinor: now?.amountMinor ?? 0 },
    expectedUpcoming: {
      days: UPCOMING_DAYS,
      installments: upcoming?.count ?? 0,
      amountMinor: upcoming?.amountMinor ?? 0,
    },
  };
}

/** A recovered installment's payment and the attempt it is credited to (null = unattributed). */
export interface Attribution {
  installmentId: string | null;
  journeyId: string;
  paymentAt: number;
  recoveredMinor: number;
  currency: string;
  step: Pick<AttemptFacts, 'stepIndex' | 'channel' | 'template' | 'sentAt'> | null;
}

/**
 * Each recovered installment once, credited to the last attempt sent before the payment that
 * settled it, within `windowDays` before it (ties in time: the greater attempt id).
 */
export function attributions(period: readonly InstallmentFacts[], now: number, windowDays: number): Attribution[] {
  return period.flatMap((facts) => {
    const result = installmentResult(facts, now);
    if (result.class !== 'recovered' || !facts.journey || result.settledAt === null) return [];
    const paidAt = result.settledAt;
    const last = lastAttemptBefore(facts.journey.attempts, paidAt, windowDays);
    return [
      {
        installmentId: facts.installmentId,
        journeyId: facts.journey.id,
        paymentAt: paidAt,
        recoveredMinor: result.recoveredMinor,
        currency: facts.currency,
        step: last
          ? { stepIndex: last.stepIndex, channel: last.channel, template: last.template, sentAt: last.sentAt }
          : null,
      },
    ];
  });
}

function lastAttemptBefore(attempts: readonly AttemptFacts[], paidAt: number, windowDays: number) {
  const earliest = paidAt - windowDays * MS_PER_DAY;
  let best: AttemptFacts | undefined;
  for (const a of attempts) {
    if (!isLadderStep(a.stepIndex) || a.sentAt >= paidAt || a.sentAt < earliest) continue;
    if (!best || a.sentAt > best.sentAt || (a.sentAt === best.sentAt && a.id > best.id)) best = a;
  }
  return best;
}

export interface StepCredit {
  stepIndex: number | null;
  channel: string | null;
  recovered: number;
  recoveredMinor: number;
}

/** Recovered installments per step and channel (null = unattributed), ordered by step then channel. */
export function creditsByStep(rows: readonly Attribution[]): StepCredit[] {
  const byKey = new Map<string, StepCredit>();
  for (const row of rows) {
    const key = row.step ? `${row.step.stepIndex}\u0000${row.step.channel}` : '';
    const credit = byKey.get(key) ?? {
      stepIndex: row.step?.stepIndex ?? null,
      channel: row.step?.channel ?? null,
      recovered: 0,
      recoveredMinor: 0,
    };
    credit.recovered += 1;
    credit.recoveredMinor += row.recoveredMinor;
    byKey.set(key, credit);
  }
  return [...byKey.values()].sort(byStepThenChannel);
}

/** Steps in order, unattributed last; then channels and templates by name. */
export function byStepThenChannel(
  a: { stepIndex: number | null; channel: string | null; template?: string },
  b: { stepIndex: number | null; channel: string | null; template?: string },
): number {
  const step = (a.stepIndex ?? Number.MAX_SAFE_INTEGER) - (b.stepIndex ?? Number.MAX_SAFE_INTEGER);
  if (step !== 0) return step;
  const text = (x: typeof a) => `${x.channel ?? ''}\u0000${x.template ?? ''}`;
  return text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0;
}

export interface FunnelCounts {
  stepIndex: number;
  channel: string;
  template: string;
  sent: number;
  delivered: number;
  /** Attempts after which the installment was paid within `paidWithinDays`. */
  paidWithin: number;
}

/**
 * Per step, channel and template, over the period's installments: attempts sent, delivered, and
 * followed by the payment that settled the installment within `paidWithinDays` after it.
 */
export function funnel(period: readonly InstallmentFacts[], now: number, paidWithinDays: number): FunnelCounts[] {
  const rows = new Map<string, FunnelCounts>();
  for (const facts of period) {
    if (!facts.journey) continue;
    const settledAt = installmentResult(facts, now).settledAt;
    for (const a of facts.journey.attempts.filter((attempt) => isLadderStep(attempt.stepIndex))) {
      const key = `${a.stepIndex}\u0000${a.channel}\u0000${a.template}`;
      const row = rows.get(key) ?? {
        stepIndex: a.stepIndex,
        channel: a.channel,
        template: a.template,
        sent: 0,
        delivered: 0,
        paidWithin: 0,
      };
      row.sent += 1;
      if (a.delivered) row.delivered += 1;
      if (settledAt !== null && settledAt > a.sentAt && settledAt <= a.sentAt + paidWithinDays * MS_PER_DAY)
        row.paidWithin += 1;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort(byStepThenChannel);
}

/** How many of the period's overdue installments were settled this many days after the due date (null = not yet). */
export interface LateDaysCount {
  lateDays: number | null;
  count: number;
}

/**
 * Of the period's installments that became overdue (not canceled, not paid on time, past due),
 * the share paid by day d after the due date (the buyer's calendar), d = 0..days.
 */
export function recoveryCurve(period: readonly InstallmentFacts[], now: number, days: number) {
  const histogram: LateDaysCount[] = [];
  for (const facts of period) {
    const result = installmentResult(facts, now);
    if (facts.canceled || (result.standing !== 'paid_late' && result.standing !== 'overdue')) continue;
    const lateDays =
      result.settledAt === null
        ? null
        : daysBetween(facts.dueDate, instantToZoned(result.settledAt, facts.timeZone).date);
    histogram.push({ lateDays, count: 1 });
  }
  return curveOf(histogram, days);
}

/** The cumulative curve from the histogram of days to payment. */
export function curveOf(histogram: readonly LateDaysCount[], days: number): { day: number; share: number }[] {
  const overdue = histogram.reduce((sum, h) => sum + h.count, 0);
  return Array.from({ length: days + 1 }, (_, day) => {
    const paid = histogram.reduce((sum, h) => (h.lateDays !== null && h.lateDays <= day ? sum + h.count : sum), 0);
    return { day, share: overdue === 0 ? 0 : paid / overdue };
  });
}

/** Recovered amounts by the UTC date of the payment that settled the installment, oldest first. */
export function dailyRecovered(period: readonly InstallmentFacts[], now: number, currency: string | null) {
  const byDate = new Map<LocalDate, number>();
  for (const row of attributions(period, now, 0)) {
    if (row.currency !== currency) continue;
    const date = isoInstant(row.paymentAt).slice(0, 10);
    byDate.set(date, (byDate.get(date) ?? 0) + row.recoveredMinor);
  }
  return [...byDate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, recoveredMinor]) => ({ date, recoveredMinor }));
}

/** A purchase's money by where it stands: paid on time, paid late, overdue, still pending (capped at the amounts). */
export function purchaseAmounts(
  installments: readonly {
    amountMinor: number;
    paidMinor: number;
    paidBeforeDueMinor: number;
    standing: EntryStanding;
  }[],
) {
  const amounts = { paidOnTimeMinor: 0, paidLateMinor: 0, overdueMinor: 0, pendingMinor: 0 };
  for (const i of installments) {
    const onTime = Math.min(i.paidBeforeDueMinor, i.amountMinor);
    amounts.paidOnTimeMinor += onTime;
    amounts.paidLateMinor += Math.min(i.paidMinor, i.amountMinor) - onTime;
    const outstanding = Math.max(0, i.amountMinor - i.paidMinor);
    if (i.standing === 'overdue') amounts.overdueMinor += outstanding;
    else if (isOpenStanding(i.standing)) amounts.pendingMinor += outstanding;
  }
  return amounts;
}
