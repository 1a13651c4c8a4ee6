import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { contactWindowEnd, isContactAllowedAt } from '../../domain/plan';
import { defaultPolicy } from '../../domain/policy';

const ZONES = ['America/Sao_Paulo', 'America/New_York', 'Europe/Paris', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham'];
const FIVE_MIN = 5 * 60_000;

describe('contactWindowEnd', () => {
  it('ends a Monday afternoon window at 21:00 local, when quiet hours begin', () => {
    const at = DateTime.fromObject({ year: 2026, month: 12, day: 7, hour: 15, minute: 2 }, { zone: 'America/New_York' });
    const end = DateTime.fromMillis(contactWindowEnd(defaultPolicy, at.toMillis(), 'America/New_York'), { zone: 'America/New_York' });
    // Rounded down to the 5-minute grid that starts at `at`: never later than the real start.
    expect(end.toMillis()).toBeLessThanOrEqual(at.set({ hour: 21, minute: 0 }).toMillis());
    expect(end.toMillis()).toBeGreaterThan(at.set({ hour: 20, minute: 55 }).toMillis());
  });

  it('ends a Saturday evening window just before 21:00 even though Sunday follows', () => {
    const at = DateTime.fromObject({ year: 2026, month: 12, day: 12, hour: 19 }, { zone: 'Europe/Paris' });
    const end = DateTime.fromMillis(contactWindowEnd(defaultPolicy, at.toMillis(), 'Europe/Paris'), { zone: 'Europe/Paris' });
    // The grid from 19:00 meets 21:00 exactly, which is already quiet: the last allowed point is 20:55.
    expect(end.toFormat('ccc HH:mm')).toBe('Sat 20:55');
  });

  it('never lets a deadline reach into a moment the policy forbids', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 0, 1) }), fc.constantFrom(...ZONES), (instant, zone) => {
        fc.pre(isContactAllowedAt(defaultPolicy, instant, zone));
        const end = contactWindowEnd(defaultPolicy, instant, zone);
        expect(end).toBeGreaterThanOrEqual(instant);
        for (let t = instant; t <= end; t += FIVE_MIN) expect(isContactAllowedAt(defaultPolicy, t, zone)).toBe(true);
        expect(isContactAllowedAt(defaultPolicy, end + FIVE_MIN, zone)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
