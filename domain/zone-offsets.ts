/**
 * A time zone's UTC offset at an instant, from the runtime's own tz data (Intl), remembered per
 * zone and UTC day. Asking Intl costs microseconds and a plan asks dozens of times; a zone's
 * offset changes at most once in a day (DST, or a change of standard time), so one day's entry —
 * its offset at the start, at the end, and the instant it changed — answers every instant of
 * that day exactly, at the cost of a map lookup.
 *
 * Pure memoization of a pure function: the same answers in a workflow, on replay and in tests.
 */

const MS_PER_DAY = 86_400_000;

/** A day with one offset all day, or a day on which it changed at `changesAt`. */
type DayOffsets = number | { before: number; after: number; changesAt: number };

/** Days remembered per zone before its memory starts over (about 55 years of dates). */
const MAX_DAYS_PER_ZONE = 20_000;
/** Names remembered, zones or not, before that memory starts over. */
const MAX_NAMES = 10_000;

interface ZoneMemory {
  format: Intl.DateTimeFormat;
  days: Map<number, DayOffsets>;
}

/** By the name as asked for. */
const byName = new Map<string, ZoneMemory | null>();
/**
 * By the name in lower case, which Intl treats the same: a formatter is made once per zone, not
 * once per spelling (each one made holds native memory the process does not give back).
 */
const byLowerCaseName = new Map<string, ZoneMemory>();

/**
 * The zone's offset from UTC at `instant`, in milliseconds (local = instant + offset). NaN for a
 * name that is not a time zone.
 */
export function zoneOffsetMs(timeZone: string, instant: number): number {
  const zone = zoneMemory(timeZone);
  if (!zone) return Number.NaN;
  const day = Math.floor(instant / MS_PER_DAY);
  let entry = zone.days.get(day);
  if (entry === undefined) {
    if (zone.days.size >= MAX_DAYS_PER_ZONE) zone.days.clear();
    entry = offsetsOfDay(zone.format, day);
    zone.days.set(day, entry);
  }
  if (typeof entry === 'number') return entry;
  return instant < entry.changesAt ? entry.before : entry.after;
}

function zoneMemory(timeZone: string): ZoneMemory | null {
  let zone = byName.get(timeZone);
  if (zone === undefined) {
    const lowerCaseName = timeZone.toLowerCase();
    zone = byLowerCaseName.get(lowerCaseName) ?? newZoneMemory(timeZone);
    if (zone) byLowerCaseName.set(lowerCaseName, zone);
    // Spellings and non-zones are endless; the memory of them starts over rather than grow.
    if (byName.size >= MAX_NAMES) byName.clear();
    byName.set(timeZone, zone);
  }
  return zone;
}

function newZoneMemory(timeZone: string): ZoneMemory | null {
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    return { format, days: new Map() };
  } catch {
    return null;
  }
}

/** The day's offsets; a change within the day is found to the second by bisection. */
function offsetsOfDay(format: Intl.DateTimeFormat, day: number): DayOffsets {
  const start = day * MS_PER_DAY;
  const end = start + MS_PER_DAY - 1;
  const before = intlOffsetMs(format, start);
  const after = intlOffsetMs(format, end);
  if (before === after) return before;
  // Offsets change on a whole second: bisect the seconds of the day for the first one with `after`.
  let low = 0; // a second known to have `before`
  let high = Math.floor((end - start) / 1000); // …and one known to have `after` (or the last)
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (intlOffsetMs(format, start + mid * 1000) === before) low = mid;
    else high = mid;
  }
  return { before, after, changesAt: start + high * 1000 };
}

/**
 * The offset Intl reports at an instant: the local wall-clock reading, taken as if it were UTC,
 * minus the instant (to the second, as tz data has it).
 */
function intlOffsetMs(format: Intl.DateTimeFormat, instant: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of format.formatToParts(instant)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        bc = /^b/i.test(part.value);
        break;
    }
  }
  const wall = utcWall(bc ? 1 - year : year, month, day, hour, minute, second);
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/** Date.UTC, except that it reads years 0–99 as 1900–1999. */
function utcWall(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (year < 0 || year > 99) return wall;
  const date = new Date(wall);
  date.setUTCFullYear(year);
  return date.getTime();
}
