import { type Channel, replyWindowMs } from './channels';
import {
  type IsoWeekday,
  type LocalDate,
  type LocalTime,
  MS_PER_DAY,
  dateOfDayNumber,
  instantToZoned,
  isWithinDailyWindow,
  localReading,
  minutesOfDay,
  wallClockToInstant,
  weekdayOfDayNumber,
} from './local-time';
import type { Policy } from './policy';

/**
 * The compliance guard: the rules of contact, checked immediately before every send whatever a
 * policy's plan said. The plan already places steps by these rules; the guard is the last word
 * because the plan cannot see what it is not told — the buyer's other journeys, a STOP that
 * arrived a minute ago, a public holiday, the WhatsApp window.
 */

export interface ContactRules {
  /** No contact from `start` until `end`, local time in the buyer's zone (wraps past midnight). */
  quietHours: { start: LocalTime; end: LocalTime };
  allowedWeekdays: readonly IsoWeekday[];
  /** Most contacts in any rolling 7 days, over all of the buyer's journeys. */
  maxContactsPer7Days: number;
  /** Local dates with no contact (the buyer's public holidays, the seller's closures). */
  holidays: readonly LocalDate[];
}

/**
 * A policy's rules of contact. `publicHolidays` are the buyer's country's, looked up outside the
 * workflow (the guard's activity); plans see only the policy's own closure dates.
 */
export function contactRulesOf(policy: Policy, publicHolidays: readonly LocalDate[] = []): ContactRules {
  return {
    quietHours: policy.quietHours,
    allowedWeekdays: policy.allowedWeekdays as IsoWeekday[],
    maxContactsPer7Days: policy.maxContactsPer7Days,
    holidays: [...(policy.holidays?.closedDates ?? []), ...publicHolidays],
  };
}

/** A country's public holidays in some years, from a calendar data set looked up outside the domain. */
export type PublicHolidayLookup = (country: string, years: readonly number[]) => LocalDate[];

/**
 * The public holidays the guard observes for a send at `now`: those of the buyer's country (else
 * the policy's default country) when the policy observes them, this year and the next in the
 * buyer's zone (a delay can cross New Year).
 */
export function observedHolidays(
  policy: Policy,
  buyer: { country?: string | undefined; timeZone: string },
  now: number,
  lookup: PublicHolidayLookup,
): LocalDate[] {
  const observed = policy.holidays;
  const country = buyer.country ?? observed?.defaultCountry;
  if (!observed?.observePublicHolidays || !country) return [];
  const year = Number(instantToZoned(now, buyer.timeZone).date.slice(0, 4));
  return lookup(country, [year, year + 1]);
}

/** What we know about the buyer, across all their journeys, at the moment of sending. */
export interface BuyerContactRecord {
  /** Instants of contacts already made: every channel, every journey (the contact ledger). */
  contacts: readonly number[];
  /** Channels the buyer opted out of at this address (STOP, a complaint, a support request). */
  optedOut: readonly Channel[];
  /** Channels a provider reported permanently unreachable at this address (a hard bounce). */
  suppressed: readonly Channel[];
  /** The buyer's last inbound WhatsApp message, which opens the 24-hour free-form window. */
  lastWhatsAppInboundAt: number | null;
}

export type DelayReason = 'quiet_hours' | 'weekday' | 'holiday' | 'frequency_cap';
/**
 * Why a message waits: a rule of contact; the contact window closing (histories from before the
 * guard); or a delivery scheduled by an older worker, planned again.
 */
export type DeferralReason = DelayReason | 'contact_window_closed' | 'replanned';
export type RefusalReason = 'opted_out' | 'suppressed' | 'whatsapp_template_unavailable';

export type SendDecision =
  | { verdict: 'allow'; whatsappMode?: 'free_form' | 'template' }
  /** Not now: the first instant every rule allows is `until`. */
  | { verdict: 'delay'; reason: DelayReason; until: number }
  /** Not on this channel: the step falls through to the next one. */
  | { verdict: 'refuse'; reason: RefusalReason };

export const WHATSAPP_WINDOW_MS = replyWindowMs('whatsapp')!;
/**
 * Free-form text is chosen only while the window stays open for this long: a message sent a
 * moment before the window closes could reach WhatsApp after it has.
 */
export const WHATSAPP_WINDOW_MARGIN_MS = 5 * 60_000;

const WEEK_MS = 7 * MS_PER_DAY;
/** Each round moves the instant strictly later; this bound guards against rules we failed to reject. */
const MAX_ADJUSTMENT_ROUNDS = 400;

/** Contacts within the rolling week that ends at `instant` (a contact exactly 7 days old has left it). */
export function contactsInWindow(contacts: readonly number[], instant: number): number[] {
  return contacts.filter((c) => c > instant - WEEK_MS && c <= instant).sort((a, b) => a - b);
}

/** The first rule that forbids contact at `instant`, or null when every rule allows it. */
export function blockingRule(
  rules: ContactRules,
  instant: number,
  timeZone: string,
  ledger: readonly number[],
): DelayReason | null {
  const local = localReading(instant, timeZone);
  if (!rules.allowedWeekdays.includes(weekdayOfDayNumber(local.day))) return 'weekday';
  if (rules.holidays.length > 0 && rules.holidays.includes(dateOfDayNumber(local.day))) return 'holiday';
  if (isWithinDailyWindow(local.minuteOfDay, rules.quietHours)) return 'quiet_hours';
  if (contactCountInWindow(ledger, instant) >= rules.maxContactsPer7Days) return 'frequency_cap';
  return null;
}

function contactCountInWindow(contacts: readonly number[], instant: number): number {
  let count = 0;
  for (const c of contacts) if (c > instant - WEEK_MS && c <= instant) count++;
  return count;
}

/**
 * The first instant at or after `candidate` at which every rule allows contact. A day that is
 * not allowed (weekday or holiday) moves the contact to the next day at `resumeAt` (the step's
 * own send time; by default the end of quiet hours); quiet hours move it to their end; a full
 * rolling week moves it to when enough old contacts have aged out.
 */
export function earliestAllowedInstant(
  rules: ContactRules,
  candidate: number,
  timeZone: string,
  ledger: readonly number[],
  resumeAt: LocalTime = rules.quietHours.end,
): { at: number; reasons: Set<DelayReason> } {
  const reasons = new Set<DelayReason>();
  const resumeMinute = minutesOfDay(resumeAt);
  const quietEndMinute = minutesOfDay(rules.quietHours.end);
  let at = candidate;
  for (let round = 0; round < MAX_ADJUSTMENT_ROUNDS; round++) {
    const reason = blockingRule(rules, at, timeZone, ledger);
    if (reason === null) return { at, reasons };
    reasons.add(reason);
    const { day } = localReading(at, timeZone);
    if (reason === 'weekday' || reason === 'holiday') {
      at = Math.max(at + 1, wallClockToInstant(day + 1, resumeMinute, timeZone));
    } else if (reason === 'quiet_hours') {
      const endToday = wallClockToInstant(day, quietEndMinute, timeZone);
      at = endToday > at ? endToday : wallClockToInstant(day + 1, quietEndMinute, timeZone);
    } else {
      const window = contactsInWindow(ledger, at);
      // The earliest moment enough old contacts have aged out of the rolling week.
      at = window[window.length - rules.maxContactsPer7Days]! + WEEK_MS + 1;
    }
  }
  throw new Error('the contact rules leave no instant to contact the buyer');
}

/**
 * The rules a transactional message follows (a confirmation the buyer's own action asked for):
 * only quiet hours. It may go out on any day, and no cap holds it back.
 */
export function transactionalRules(rules: ContactRules): ContactRules {
  return {
    quietHours: rules.quietHours,
    allowedWeekdays: [1, 2, 3, 4, 5, 6, 7],
    maxContactsPer7Days: Number.POSITIVE_INFINITY,
    holidays: [],
  };
}

export interface SendRequest {
  rules: ContactRules;
  /**
   * A transactional message (a confirmation): see {@link transactionalRules}. Consent and the
   * WhatsApp window still apply.
   */
  transactional?: boolean;
  timeZone: string;
  channel: Channel;
  now: number;
  buyer: BuyerContactRecord;
  /** Whether an approved WhatsApp template exists for this message's template and locale. */
  whatsappTemplateAvailable: boolean;
}

/**
 * May this message go out now, on this channel? Refusals come first (they do not pass with
 * time: the step must use another channel), then the clock and the cap (they pass: the step
 * waits until `until`). Every channel is a contact — an agent's call too (a call at night is
 * worse than a text) — and a channel with a reply window (its carrier's: the assistant's is
 * WhatsApp's) sends free-form text only inside it, an approved template outside it.
 */
export function guardSend(request: SendRequest): SendDecision {
  const { timeZone, channel, now, buyer } = request;
  const rules = request.transactional ? transactionalRules(request.rules) : request.rules;
  if (buyer.optedOut.includes(channel)) return { verdict: 'refuse', reason: 'opted_out' };
  if (buyer.suppressed.includes(channel)) return { verdict: 'refuse', reason: 'suppressed' };
  const reason = blockingRule(rules, now, timeZone, buyer.contacts);
  if (reason !== null) {
    const { at } = earliestAllowedInstant(rules, now, timeZone, buyer.contacts);
    return { verdict: 'delay', reason, until: at };
  }
  if (replyWindowMs(channel) === null) return { verdict: 'allow' };
  if (isWhatsAppWindowOpen(buyer.lastWhatsAppInboundAt, now)) return { verdict: 'allow', whatsappMode: 'free_form' };
  return request.whatsappTemplateAvailable
    ? { verdict: 'allow', whatsappMode: 'template' }
    : { verdict: 'refuse', reason: 'whatsapp_template_unavailable' };
}

/** True while free-form WhatsApp text may be sent: within 24 hours of the buyer's last message, with a margin. */
export function isWhatsAppWindowOpen(lastInboundAt: number | null, now: number): boolean {
  return (
    lastInboundAt !== null &&
    lastInboundAt <= now &&
    now < lastInboundAt + WHATSAPP_WINDOW_MS - WHATSAPP_WINDOW_MARGIN_MS
  );
}
