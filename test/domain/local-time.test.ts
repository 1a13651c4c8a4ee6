import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addDays,
  daysBetween,
  instantToZoned,
  isTimeZone,
  isoInstant,
  minutesOfDay,
  weekdayOf,
  zonedToInstant,
} from '../../domain/local-time';
import {
  DAY,
  isoWeekdayOfDate,
  localDateArb,
  localReading,
  localTimeArb,
  offsetAt,
  plusDays,
  timeZoneArb,
  toMinutes,
} from '../support/arbitraries';
import { localDateSchema, localTimeSchema, timeZoneSchema } from '../../domain/value-schemas';
import { zoneOffsetMs } from '../../domain/zone-offsets';

afterEach(() => {
  vi.useRealTimers();
});

describe('schemas', () => {
  it('local dates must be real calendar dates as YYYY-MM-DD', () => {
    for (const ok of ['2026-03-15', '2024-02-29', '2030-12-31'])
      expect(localDateSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['2026-02-30', '2025-02-29', '2026-13-01', '2026-3-5', '15/03/2026', '2026-03-15T00:00']) {
      expect(localDateSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('local times are 24-hour HH:MM', () => {
    for (const ok of ['00:00', '09:05', '23:59']) expect(localTimeSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['24:00', '9:00', '12:60', '12:00:00', 'noon'])
      expect(localTimeSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('time zones must be IANA names', () => {
    for (const ok of ['America/Sao_Paulo', 'Asia/Kathmandu', 'UTC'])
      expect(timeZoneSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['Mars/Olympus_Mons', '', 'GMT+25'])
      expect(timeZoneSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('zonedToInstant', () => {
  it('reads a wall-clock time in a fixed-offset zone', () => {
    // São Paulo has been UTC-3 all year since 2019.
    expect(zonedToInstant('2026-03-15', '09:00', 'America/Sao_Paulo')).toBe(Date.UTC(2026, 2, 15, 12, 0));
    expect(zonedToInstant('2026-07-01', '23:30', 'America/Sao_Paulo')).toBe(Date.UTC(2026, 6, 2, 2, 30));
    // Kathmandu is UTC+5:45.
    expect(zonedToInstant('2026-06-01', '10:00', 'Asia/Kathmandu')).toBe(Date.UTC(2026, 5, 1, 4, 15));
    // Chatham in its winter is UTC+12:45: noon is 23:15 UTC the day before.
    expect(zonedToInstant('2026-07-01', '12:00', 'Pacific/Chatham')).toBe(Date.UTC(2026, 5, 30, 23, 15));
  });

  it('uses the offset in force on that date on either side of a DST change', () => {
    // New York: EST (UTC-5) until 2026-03-08 02:00, EDT (UTC-4) after.
    expect(zonedToInstant('2026-03-07', '10:00', 'America/New_York')).toBe(Date.UTC(2026, 2, 7, 15, 0));
    expect(zonedToInstant('2026-03-09', '10:00', 'America/New_York')).toBe(Date.UTC(2026, 2, 9, 14, 0));
  });

  it('moves a time skipped by spring-forward forward by the gap', () => {
    // 02:30 does not exist in New York on 2026-03-08: it reads as 03:30 EDT.
    expect(zonedToInstant('2026-03-08', '02:30', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    // Lord Howe springs forward 30 minutes (02:00 → 02:30) on 2026-10-04: 02:15 reads as 02:45 (+11).
    expect(zonedToInstant('2026-10-04', '02:15', 'Australia/Lord_Howe')).toBe(Date.UTC(2026, 9, 3, 15, 45));
  });

  it('resolves a time repeated by fall-back to its first occurrence', () => {
    // 01:30 happens twice in New York on 2026-11-01; the first is 01:30 EDT = 05:30 UTC.
    expect(zonedToInstant('2026-11-01', '01:30', 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
    // Lord Howe falls back 30 minutes (02:00 → 01:30) on 2026-04-05; 01:45 first occurs at +11.
    expect(zonedToInstant('2026-04-05', '01:45', 'Australia/Lord_Howe')).toBe(Date.UTC(2026, 3, 4, 14, 45));
  });

  it('does not depend on the wall clock of the machine computing it (same inputs, same instant)', () => {
    const cases: [string, string, string][] = [
      ['2026-11-01', '01:30', 'America/New_York'],
      ['2026-04-05', '01:45', 'Australia/Lord_Howe'],
      ['2026-10-25', '02:30', 'Europe/Berlin'],
      ['2026-03-08', '02:30', 'America/New_York'],
    ];
    const at = (clock: number) => {
      vi.useFakeTimers({ toFake: ['Date'], now: clock });
      return cases.map(([d, t, z]) => zonedToInstant(d, t, z));
    };
    const january = at(Date.UTC(2026, 0, 15));
    const july = at(Date.UTC(2026, 6, 15));
    expect(july).toEqual(january);
  });

  it('property: the instant shows the requested wall-clock time (or is moved forward by exactly a DST gap)', () => {
    fc.assert(
      fc.property(localDateArb, localTimeArb, timeZoneArb, (date, time, zone) => {
        const t = zonedToInstant(date, time, zone);
        expect(Number.isFinite(t)).toBe(true);
        const r = localReading(t, zone);
        const before = offsetAt(t - DAY, zone);
        const after = offsetAt(t + DAY, zone);
        if (r.date === date && r.time === time) {
          // Ambiguous times resolve to the first occurrence: the earlier reading is not the same.
          if (before > after) {
            const other = localReading(t - (before - after), zone);
            expect(other.date === date && other.time === time).toBe(false);
          }
        } else {
          // Only a skipped time may read differently, moved forward by the size of the gap.
          const [y, m, d] = date.split('-').map(Number) as [number, number, number];
          const requested = Date.UTC(y, m - 1, d, 0, toMinutes(time));
          const [ry, rm, rd] = r.date.split('-').map(Number) as [number, number, number];
          const shown = Date.UTC(ry, rm - 1, rd, 0, r.minuteOfDay);
          expect(after - before).toBeGreaterThan(0);
          expect(shown - requested).toBe(after - before);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('property: DST transition days in every listed zone (times every 15 minutes) are handled', () => {
    // Walk every quarter-hour of the days around known 2026 transitions; the general property above
    // rarely lands on them by chance.
    const days: [string, string][] = [
      ['America/New_York', '2026-03-08'],
      ['America/New_York', '2026-11-01'],
      ['Europe/London', '2026-03-29'],
      ['Europe/London', '2026-10-25'],
      ['Australia/Lord_Howe', '2026-04-05'],
      ['Australia/Lord_Howe', '2026-10-04'],
      ['Pacific/Chatham', '2026-04-05'],
      ['America/Santiago', '2026-09-06'],
      ['America/Santiago', '2026-04-05'],
    ];
    for (const [zone, date] of days) {
      let previous = Number.NEGATIVE_INFINITY;
      for (let m = 0; m < 1440; m += 15) {
        const time = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
        const t = zonedToInstant(date, time, zone);
        const r = localReading(t, zone);
        if (r.date === date && r.time === time) {
          // Times that exist map in order (a skipped time moved forward may pass the next ones).
          expect(t, `${zone} ${date} ${time}`).toBeGreaterThan(previous);
          previous = t;
        } else {
          // A skipped time lands less than two hours later on the clock.
          const shown = Date.parse(`${r.date}T${r.time}:00Z`);
          const asked = Date.parse(`${date}T${time}:00Z`);
          expect(shown - asked, `${zone} ${date} ${time}`).toBeGreaterThan(0);
          expect(shown - asked).toBeLessThanOrEqual(2 * 3_600_000);
        }
      }
    }
  });
});

describe('instantToZoned', () => {
  it('gives date, minute of day and ISO weekday in the zone', () => {
    // 2026-03-15T02:30Z is Saturday 23:30 in São Paulo and Sunday 08:15 in Kathmandu.
    expect(instantToZoned(Date.UTC(2026, 2, 15, 2, 30), 'America/Sao_Paulo')).toEqual({
      date: '2026-03-14',
      minuteOfDay: 23 * 60 + 30,
      weekday: 6,
    });
    expect(instantToZoned(Date.UTC(2026, 2, 15, 2, 30), 'Asia/Kathmandu')).toEqual({
      date: '2026-03-15',
      minuteOfDay: 8 * 60 + 15,
      weekday: 7,
    });
  });

  it('property: agrees with Intl', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2031, 0, 1) }), timeZoneArb, (t, zone) => {
        const z = instantToZoned(t, zone);
        const r = localReading(t, zone);
        expect(z).toEqual({ date: r.date, minuteOfDay: r.minuteOfDay, weekday: r.weekday });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('calendar arithmetic', () => {
  it('minutesOfDay', () => {
    expect(minutesOfDay('00:00')).toBe(0);
    expect(minutesOfDay('09:05')).toBe(545);
    expect(minutesOfDay('23:59')).toBe(1439);
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-03-15', '2026-04-14')).toBe(30);
    expect(daysBetween('2026-03-15', '2026-03-12')).toBe(-3);
    expect(weekdayOf('2026-03-15')).toBe(7); // a Sunday
  });

  it('property: addDays, daysBetween and weekdayOf agree with Date.UTC arithmetic', () => {
    fc.assert(
      fc.property(localDateArb, fc.integer({ min: -400, max: 400 }), (date, n) => {
        const later = addDays(date, n);
        expect(later).toBe(plusDays(date, n));
        expect(daysBetween(date, later)).toBe(n);
        expect(weekdayOf(later)).toBe(isoWeekdayOfDate(later));
      }),
      { numRuns: 500 },
    );
  });
});

describe('zone offsets (remembered per zone and day)', () => {
  it('property: agree with Intl at any instant, asked in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2060, 0, 1) }), timeZoneArb), {
          minLength: 1,
          maxLength: 20,
        }),
        (asks) => {
          for (const [t, zone] of asks) expect(zoneOffsetMs(zone, t), `${zone} ${t}`).toBe(offsetAt(t, zone));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: change at the exact millisecond Intl says they change', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), timeZoneArb, (t, zone) => {
        // Find, with Intl alone, the first offset change within half a year of t (if any).
        let low = t;
        let high = t + 183 * DAY;
        fc.pre(offsetAt(low, zone) !== offsetAt(high, zone));
        while (high - low > 1) {
          const mid = Math.floor((low + high) / 2);
          if (offsetAt(mid, zone) === offsetAt(low, zone)) low = mid;
          else high = mid;
        }
        // Ask for the later instant first: what a day remembers must not depend on the order.
        expect(zoneOffsetMs(zone, high)).toBe(offsetAt(high, zone));
        expect(zoneOffsetMs(zone, low)).toBe(offsetAt(low, zone));
        expect(zoneOffsetMs(zone, low)).not.toBe(zoneOffsetMs(zone, high));
      }),
      { numRuns: 200 },
    );
  });

  it('know a zone in any letter case, and no offset for a name that is not a zone', () => {
    expect(isTimeZone('america/new_york')).toBe(true);
    expect(isTimeZone('AMERICA/NEW_YORK')).toBe(true);
    expect(zoneOffsetMs('america/new_york', Date.UTC(2026, 6, 1))).toBe(-4 * 3_600_000);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(zoneOffsetMs('Mars/Olympus_Mons', 0)).toBeNaN();
  });
});

describe('isoInstant', () => {
  it('property: writes what Date#toISOString writes, inside and outside years 0–9999', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }),
          fc.integer({ min: -8.64e15, max: 8.64e15 }),
          fc.constantFrom(0, -1, -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000),
        ),
        (t) => {
          expect(isoInstant(t)).toBe(new Date(t).toISOString());
        },
      ),
      { numRuns: 3000 },
    );
  });
});
