import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { contactWindowEnd, isContactAllowedAt } from '../../domain/plan';
import { defaultPolicy } from '../../domain/policy';

const ZONES = [
  'America/Sao_Paulo',
  'America/New_York',
  'Europe/Paris',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
];
const MINUTE = 60_000;

describe('contactWindowEnd', () => {
  it('ends a Monday afternoon window exactly when quiet hours begin, 21:00 local', () => {
    const at = DateTime.fromObject(
      { year: 2026, month: 12, day: 7, hour: 15, minute: 2, second: 17 },
      { zone: 'America/New_York' },
    );
    expect(contactWindowEnd(defaultPolicy, at.toMillis(), 'America/New_York')).toBe(
      at.set({ hour: 21, minute: 0, second: 0 }).toMillis(),
    );
  });

  it('gives a send started at 20:57 its last three minutes, not fewer', () => {
    const at = DateTime.fromObject({ year: 2026, month: 12, day: 12, hour: 20, minute: 57 }, { zone: 'Europe/Paris' });
    const end = DateTime.fromMillis(contactWindowEnd(defaultPolicy, at.toMillis(), 'Europe/Paris'), {
      zone: 'Europe/Paris',
    });
    expect(end.toFormat('ccc HH:mm:ss')).toBe('Sat 21:00:00');
  });

  it('is the exact boundary: allowed just before, forbidden from it on', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 0, 1) }),
        fc.constantFrom(...ZONES),
        (instant, zone) => {
          fc.pre(isContactAllowedAt(defaultPolicy, instant, zone));
          const end = contactWindowEnd(defaultPolicy, instant, zone);
          expect(end).toBeGreaterThan(instant);
          expect(isContactAllowedAt(defaultPolicy, end, zone)).toBe(false);
          expect(isContactAllowedAt(defaultPolicy, end - 1, zone)).toBe(true);
          for (let t = instant; t < end; t += 5 * MINUTE) expect(isContactAllowedAt(defaultPolicy, t, zone)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
