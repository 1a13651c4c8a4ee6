import type { Channel } from './channels';
import { type LocalDate, addDays, daysBetween, instantToZoned, isLocalDate, zonedToInstant } from './local-time';

/**
 * Promises to pay: the buyer (or an agent for them) names a date and an amount; the ladder holds
 * its reminders until that date plus the policy's grace days. Paid by then → kept; not → broken,
 * and the ladder resumes, with the policy's broken-promise step first when it has one.
 * No zod here: the journey workflow imports it (the policy's schema is validated outside).
 */

export interface PromiseRules {
  maxPerJourney: number;
  maxDaysAhead: number;
  graceDays: number;
  partial?: { minimumPercent: number } | undefined;
  brokenPromiseStep?: { channel: Channel; sendAt: string } | undefined;
}

/** What a policy without a `promises` section allows: two promises, two weeks ahead, one day of grace. */
export const DEFAULT_PROMISE_RULES: PromiseRules = { maxPerJourney: 2, maxDaysAhead: 14, graceDays: 1 };

export function promiseRules(policy: { promises?: PromiseRules | undefined }): PromiseRules {
  return policy.promises ?? DEFAULT_PROMISE_RULES;
}

/**
 * The attempt step index of the broken-promise step: not a step of the ladder (reports count
 * ladder steps from 0, confirmations are -1).
 */
export const BROKEN_PROMISE_STEP_INDEX = -2;

export interface OpenPromise {
  date: LocalDate;
  amountMinor: number;
  /** What had been paid when the promise was made: payments after it count toward it. */
  paidBefore: number;
  madeAt: number;
  /** The ladder holds until this instant (the end of the promised date plus grace, buyer's zone). */
  until: number;
}

/** The journey's promises (absent in state from before promises existed). */
export interface PromiseLedger {
  open: OpenPromise | null;
  made: number;
  /** The broken-promise step waits to go out: it comes before the ladder's next step. */
  brokenStepOwed: boolean;
  /** Ladder steps of this plan revision due before `before` were overtaken by the broken-promise step. */
  stale: { revision: number; before: number } | null;
}

export const NO_PROMISES: PromiseLedger = { open: null, made: 0, brokenStepOwed: false, stale: null };

export interface PromiseRequest {
  /** YYYY-MM-DD in the buyer's zone. */
  date: LocalDate;
  /** Minor units; absent: everything still owed. */
  amountMinor?: number | undefined;
}

export type PromiseRefusal =
  | 'invalid_date'
  | 'invalid_amount'
  | 'journey_closed'
  | 'promise_open'
  | 'too_many_promises'
  | 'in_the_past'
  | 'too_far_ahead'
  | 'above_outstanding'
  | 'below_minimum';

export const PROMISE_REFUSAL_MESSAGES: Record<PromiseRefusal, string> = {
  invalid_date: 'the promised date is not a calendar date (YYYY-MM-DD)',
  invalid_amount: 'the promised amount is not a positive whole number of minor units',
  journey_closed: 'the journey has already ended',
  promise_open: 'a promise to pay is already open on this journey',
  too_many_promises: 'the journey has already had as many promises as the policy allows',
  in_the_past: "the promised date is before today in the buyer's time zone",
  too_far_ahead: 'the promised date is further ahead than the policy allows',
  above_outstanding: 'the promised amount is more than what is still owed',
  below_minimum: 'the promised amount is less than the policy accepts',
};

/** Which field of the request a refusal is about (for a 4xx that names it). */
export function promiseRefusalField(refusal: PromiseRefusal): 'date' | 'amountMinor' | null {
  if (refusal === 'invalid_date' || refusal === 'in_the_past' || refusal === 'too_far_ahead') return 'date';
  if (refusal === 'invalid_amount' || refusal === 'above_outstanding' || refusal === 'below_minimum')
    return 'amountMinor';
  return null;
}

/** What a promise is checked against. */
export interface PromiseSubject {
  closed: boolean;
  timeZone: string;
  outstandingMinor: number;
  rules: PromiseRules;
  ledger: PromiseLedger;
}

/** The smallest amount a promise may name: everything owed, or the policy's share of it (rounded up). */
export function minimumPromiseMinor(rules: PromiseRules, outstandingMinor: number): number {
  if (!rules.partial) return outstandingMinor;
  return Math.min(outstandingMinor, Math.ceil((outstandingMinor * rules.partial.minimumPercent) / 100));
}

/**
 * The one place a promise is judged: the update's validator, the API and the buyer's page all
 * ask it. Messages can come from any Temporal client: never trust the shape.
 */
export function checkPromise(subject: PromiseSubject, request: PromiseRequest, now: number): PromiseRefusal | null {
  if (typeof request.date !== 'string' || !isLocalDate(request.date)) return 'invalid_date';
  const amount = request.amountMinor;
  if (amount !== undefined && (!Number.isSafeInteger(amount) || amount <= 0)) return 'invalid_amount';
  if (subject.closed) return 'journey_closed';
  if (subject.ledger.open) return 'promise_open';
  if (subject.ledger.made >= subject.rules.maxPerJourney) return 'too_many_promises';
  const today = instantToZoned(now, subject.timeZone).date;
  if (request.date < today) return 'in_the_past';
  if (daysBetween(today, request.date) > subject.rules.maxDaysAhead) return 'too_far_ahead';
  if (amount === undefined) return null;
  if (amount > subject.outstandingMinor) return 'above_outstanding';
  if (amount < minimumPromiseMinor(subject.rules, subject.outstandingMinor)) return 'below_minimum';
  return null;
}

/**
 * The dates a promise may name, for a date picker: from today (the buyer's) as far ahead as the
 * policy allows; null when the policy takes no promise. Every date in it passes the date checks
 * of {@link checkPromise}; the journey's own state (one open, the count) is the update's to judge.
 */
export function promiseWindow(
  rules: PromiseRules,
  timeZone: string,
  now: number,
): { min: LocalDate; max: LocalDate } | null {
  if (rules.maxPerJourney === 0) return null;
  const today = instantToZoned(now, timeZone).date;
  return { min: today, max: addDays(today, rules.maxDaysAhead) };
}

/** The instant the ladder holds until: the end of the promised date plus grace, in the buyer's zone. */
export function promiseDeadline(date: LocalDate, graceDays: number, timeZone: string): number {
  return zonedToInstant(addDays(date, graceDays + 1), '00:00', timeZone);
}

export function openPromise(
  ledger: PromiseLedger,
  made: { at: number; date: LocalDate; amountMinor: number; until: number },
  paidMinor: number,
): PromiseLedger {
  const open = {
    date: made.date,
    amountMinor: made.amountMinor,
    paidBefore: paidMinor,
    madeAt: made.at,
    until: made.until,
  };
  // A broken-promise step still owed is not sent: the new promise answers for it.
  return { ...ledger, open, made: ledger.made + 1, brokenStepOwed: false };
}

/** Kept: the hold is lifted and the ladder goes on where it was (if anything is still owed). */
export function keepPromise(ledger: PromiseLedger): PromiseLedger {
  return { ...ledger, open: null };
}

/**
 * Broken: the hold is lifted; with a broken-promise step, it goes out first and stands in for
 * the ladder's steps that fell due during the hold (they are passed over, not sent late).
 */
export function breakPromise(ledger: PromiseLedger, at: number, revision: number, rules: PromiseRules): PromiseLedger {
  if (!rules.brokenPromiseStep) return { ...ledger, open: null };
  return { ...ledger, open: null, brokenStepOwed: true, stale: { revision, before: at } };
}

export function brokenStepDone(ledger: PromiseLedger): PromiseLedger {
  return { ...ledger, brokenStepOwed: false };
}

/** What the open promise asks of the journey now: record it kept or broken, or hold the ladder until. */
export type PromiseMove = { kind: 'promise_kept' } | { kind: 'promise_broken' } | { kind: 'hold'; until: number };

export function promiseMove(ledger: PromiseLedger | undefined, paidMinor: number, now: number): PromiseMove | null {
  const open = ledger?.open;
  if (!open) return null;
  if (paidMinor - open.paidBefore >= open.amountMinor) return { kind: 'promise_kept' };
  if (now >= open.until) return { kind: 'promise_broken' };
  return { kind: 'hold', until: open.until };
}

/** Whether a ladder step was overtaken by the broken-promise step (see {@link breakPromise}). */
export function isOvertakenByBrokenPromise(
  ledger: PromiseLedger | undefined,
  revision: number,
  nominalAt: number,
): boolean {
  const stale = ledger?.stale;
  return !!stale && stale.revision === revision && nominalAt < stale.before;
}
