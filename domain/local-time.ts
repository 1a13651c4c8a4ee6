import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * Calendar and wall-clock helpers in a buyer's IANA time zone. Everything takes the instant
 * as a parameter (epoch milliseconds): this module never reads the clock, so the same inputs
 * give the same plan inside a workflow, on replay, and in tests.
 */

export const localDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s, { zone: 'UTC' }).isValid, 'is not a real calendar date');
/** A calendar date with no time zone, e.g. a due date as the seller states it: `2026-12-01`. */
export type LocalDate = string;

export const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM (24-hour)');
/** A wall-clock time of day, `HH:MM`. */
export type LocalTime = string;

export const timeZoneSchema = z
  .string()
  .min(1)
  .refine((tz) => IANAZone.isValidZone(tz), 'must be an IANA time zone such as America/Sao_Paulo');

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
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/**
 * The instant at which the buyer's wall clock shows `date` `time`. A time skipped by a DST
 * change resolves forward (02:30 on a spring-forward night becomes 03:30); an ambiguous time
 * resolves to its first occurrence.
 */
export function zonedToInstant(date: LocalDate, time: LocalTime, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const minutes = minutesOfDay(time);
  // Not DateTime.fromObject: luxon seeds its offset guess with the zone's offset *now*
  // (Settings.now), so an ambiguous time would resolve differently in summer and in winter.
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) return Number.NaN;
  // The wall-clock reading taken as if it were UTC; the zone's offsets either side of it (a day
  // away, beyond any transition that night) give the candidate instants.
  const wall = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  const offsetBefore = zone.offset(wall - MS_PER_DAY) * MS_PER_MINUTE;
  const offsetAfter = zone.offset(wall + MS_PER_DAY) * MS_PER_MINUTE;
  const first = wall - offsetBefore;
  if (zone.offset(first) * MS_PER_MINUTE === offsetBefore) return first;
  const second = wall - offsetAfter;
  if (zone.offset(second) * MS_PER_MINUTE === offsetAfter) return second;
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
  const dt = DateTime.fromMillis(instant, { zone: timeZone });
  return {
    date: dt.toISODate() as LocalDate,
    minuteOfDay: dt.hour * 60 + dt.minute,
    weekday: dt.weekday as IsoWeekday,
  };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate() as LocalDate;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  const a = DateTime.fromISO(from, { zone: 'UTC' });
  const b = DateTime.fromISO(to, { zone: 'UTC' });
  return Math.round(b.diff(a, 'days').days);
}

export function weekdayOf(date: LocalDate): IsoWeekday {
  return DateTime.fromISO(date, { zone: 'UTC' }).weekday as IsoWeekday;
}
