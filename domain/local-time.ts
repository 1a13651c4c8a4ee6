import { zoneOffsetMs } from './zone-offsets';

/**
 * Calendar and wall-clock helpers in a buyer's IANA time zone. Everything takes the instant
 * as a parameter (epoch milliseconds): this module never reads the clock, so the same inputs
 * give the same plan inside a workflow, on replay, and in tests. It has no schemas (those are in
 * value-schemas.ts): workflow code uses it, and carries no validation library.
 */

/** A calendar date with no time zone, e.g. a due date as the seller states it: `2026-12-01`. */
export type LocalDate = string;
export const LOCAL_DATE_FORMAT = /^\d{4}-\d{2}-\d{2}$/;

/** A wall-clock time of day, `HH:MM`. */
export type LocalTime = string;
export const LOCAL_TIME_FORMAT = /^([01]\d|2[0-3]):[0-5]\d$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isLocalDate(value: string): boolean {
  return LOCAL_DATE_FORMAT.test(value) && isCalendarDate(value);
}

/**
 * Whether a minute of the day falls in the daily window [start, end); a window with start > end wraps past midnight.
 */
export function isWithinDailyWindow(minuteOfDay: number, window: { start: LocalTime; end: LocalTime }): boolean {
  const start = minutesOfDay(window.start);
  const end = minutesOfDay(window.end);
  return start > end ? minuteOfDay >= start || minuteOfDay < end : minuteOfDay >= start && minuteOfDay < end;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export function minutesOfDay(time: LocalTime): number {
  // Read digit by digit: plans call this for every rule of every candidate instant.
  return (
    ((time.charCodeAt(0) - 48) * 10 + time.charCodeAt(1) - 48) * 60 +
    (time.charCodeAt(3) - 48) * 10 +
    time.charCodeAt(4) -
    48
  );
}

/** True when `name` is a time zone the runtime knows (an IANA name or alias, any letter case). */
export function isTimeZone(name: string): boolean {
  return !Number.isNaN(zoneOffsetMs(name, 0));
}

/**
 * The instant at which the buyer's wall clock shows `date` `time`. A time skipped by a DST
 * change resolves forward (02:30 on a spring-forward night becomes 03:30); an ambiguous time
 * resolves to its first occurrence.
 */
export function zonedToInstant(date: LocalDate, time: LocalTime, timeZone: string): number {
  return wallClockToInstant(dayNumber(date), minutesOfDay(time), timeZone);
}

/** zonedToInstant for a day number and a minute of the day: what plans use, with no strings to read. */
export function wallClockToInstant(day: number, minuteOfDay: number, timeZone: string): number {
  // The wall-clock reading taken as if it were UTC; the zone's offsets either side of it (a day
  // away, beyond any transition that night) give the candidate instants.
  const wall = day * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE;
  const offsetBefore = zoneOffsetMs(timeZone, wall - MS_PER_DAY);
  if (Number.isNaN(offsetBefore)) return Number.NaN;
  const first = wall - offsetBefore;
  if (zoneOffsetMs(timeZone, first) === offsetBefore) return first;
  const offsetAfter = zoneOffsetMs(timeZone, wall + MS_PER_DAY);
  const second = wall - offsetAfter;
  if (zoneOffsetMs(timeZone, second) === offsetAfter) return second;
  // Skipped by a spring-forward change: read with the offset in force before it, i.e. moved forward.
  return first;
}

export interface ZonedParts {
  date: LocalDate;
  /** Minutes since local midnight. */
  minuteOfDay: number;
  weekday: IsoWeekday;
}

export function instantToZoned(instant: number, timeZone: string): ZonedParts {
  const { day, minuteOfDay } = localReading(instant, timeZone);
  return { date: dateOfDayNumber(day), minuteOfDay, weekday: weekdayOfDayNumber(day) };
}

/** The buyer's wall clock at an instant as a day number and a minute of that day: no strings built. */
export function localReading(instant: number, timeZone: string): { day: number; minuteOfDay: number } {
  const local = instant + zoneOffsetMs(timeZone, instant);
  const day = Math.floor(local / MS_PER_DAY);
  return { day, minuteOfDay: Math.floor((local - day * MS_PER_DAY) / MS_PER_MINUTE) };
}

/** 0000-01-01 and 10000-01-01: toISOString writes years outside them with six digits and a sign. */
const YEAR_0 = -62_167_219_200_000;
const YEAR_10000 = 253_402_300_800_000;

/**
 * `new Date(instant).toISOString()`, built from the calendar arithmetic below: on Node 20 the
 * built-in costs about a microsecond, and a journey's status holds a dozen instants.
 */
export function isoInstant(instant: number): string {
  if (!(instant >= YEAR_0 && instant < YEAR_10000)) return new Date(instant).toISOString();
  const day = Math.floor(instant / MS_PER_DAY);
  let rest = instant - day * MS_PER_DAY;
  const ms = rest % 1000;
  rest = (rest - ms) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${dateOfDayNumber(day)}T${two(hour)}:${two(minute)}:${two(second)}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

export function addDays(date: LocalDate, days: number): LocalDate {
  return dateOfDayNumber(dayNumber(date) + days);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return dayNumber(to) - dayNumber(from);
}

export function weekdayOf(date: LocalDate): IsoWeekday {
  return weekdayOfDayNumber(dayNumber(date));
}

// ——— the proleptic Gregorian calendar as day numbers (days since 1970-01-01, day 0) ———
// After Howard Hinnant's days_from_civil / civil_from_days: exact integer arithmetic, no Date.

export function isCalendarDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function dayNumber(date: LocalDate): number {
  const year = digits(date, 0, 4);
  const month = digits(date, 5, 7);
  const day = digits(date, 8, 10);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The number written in ASCII digits from `start` to `end`, without allocating a substring. */
function digits(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

export function dateOfDayNumber(days: number): LocalDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** 1970-01-01 (day 0) was a Thursday. */
export function weekdayOfDayNumber(days: number): IsoWeekday {
  return (((((days + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}
