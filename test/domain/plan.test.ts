import { contactsInWindow } from '../../domain/compliance';
import { describe, expect, it } from 'vitest';
import {
  type PlanInput,
  type PlannedStep,
  computePlan,
  finalActionInstant,
  isContactAllowedAt,
  isInQuietHours,
  nominalStepInstant,
} from '../../domain/plan';
import { type Policy, defaultPolicy, policySchema } from '../../domain/policy';
import { DAY, HOUR, isoWeekdayOfDate, localReading } from '../support/arbitraries';

// All expected instants below are worked out by hand from the policy and the zone's UTC offset
// and written with Date.UTC: São Paulo is UTC-3 all year; New York is UTC-5 until
// 2026-03-08 02:00 and UTC-4 after it.
const SP = 'America/Sao_Paulo';
const NY = 'America/New_York';
const spLocal = (y: number, m: number, d: number, h: number, min = 0) => Date.UTC(y, m - 1, d, h + 3, min);

function plan(over: Partial<PlanInput> & Pick<PlanInput, 'dueDate' | 'timeZone' | 'now'>) {
  return computePlan({ policy: defaultPolicy, fromStep: 0, recentContacts: [], ...over });
}

function policyWith(over: Partial<Policy>): Policy {
  return policySchema.parse({ ...structuredClone(defaultPolicy), ...over });
}

/** The cap releases a slot the moment the oldest contact is 7 days old (allowing for rounding up to a second). */
function expectAround(actual: number, expected: number) {
  expect(actual).toBeGreaterThanOrEqual(expected);
  expect(actual - expected).toBeLessThan(1000);
}

const scheduled = (steps: PlannedStep[]) => steps.filter((s) => s.status === 'scheduled');

describe('computePlan: the default ladder in São Paulo', () => {
  // Due Sunday 2026-03-15, journey started two weeks before.
  const dueDate = '2026-03-15';
  const p = plan({ dueDate, timeZone: SP, now: spLocal(2026, 3, 1, 12) });

  it('the due date of this scenario is a Sunday (premise check)', () => {
    expect(isoWeekdayOfDate(dueDate)).toBe(7);
  });

  it('schedules every step, moving Sunday steps to Monday and capping at 3 contacts a week', () => {
    expect(p.steps.map((s) => [s.stepIndex, s.status, s.channel])).toEqual([
      [0, 'scheduled', 'email'],
      [1, 'scheduled', 'email'],
      [2, 'scheduled', 'sms'],
      [3, 'scheduled', 'whatsapp'],
      [4, 'scheduled', 'email'],
      [5, 'scheduled', 'sms'],
      [6, 'scheduled', 'whatsapp'],
    ]);
    const [s0, s1, s2, s3, s4, s5, s6] = p.steps as [
      PlannedStep,
      PlannedStep,
      PlannedStep,
      PlannedStep,
      PlannedStep,
      PlannedStep,
      PlannedStep,
    ];
    // -3: Thursday 12 March 10:00.
    expect(s0.at).toBe(spLocal(2026, 3, 12, 10));
    expect(s0.adjustments).toEqual([]);
    // Due day: Sunday 15 March 09:00 → Monday 16 March 09:00.
    expect(s1.nominalAt).toBe(spLocal(2026, 3, 15, 9));
    expect(s1.at).toBe(spLocal(2026, 3, 16, 9));
    expect(s1.adjustments).toEqual(['weekday']);
    // +1: Monday 16 March 11:00.
    expect(s2.at).toBe(spLocal(2026, 3, 16, 11));
    // +3: Wednesday 18 March 11:00 would be the 4th contact since Thursday 12 March 10:00; it waits
    // until that one is a week old: Thursday 19 March 10:00.
    expect(s3.nominalAt).toBe(spLocal(2026, 3, 18, 11));
    expectAround(s3.at, spLocal(2026, 3, 12, 10) + 7 * DAY);
    expect(s3.adjustments).toEqual(['frequency_cap']);
    // +7, +14, +21 all fall on Sundays: Mondays 23 March 10:00, 30 March 11:00, 6 April 11:00.
    expect(s4.at).toBe(spLocal(2026, 3, 23, 10));
    expect(s5.at).toBe(spLocal(2026, 3, 30, 11));
    expect(s6.at).toBe(spLocal(2026, 4, 6, 11));
    expect([s4, s5, s6].map((s) => s.adjustments)).toEqual([['weekday'], ['weekday'], ['weekday']]);
  });

  it('takes the final action at local midnight starting day +30', () => {
    expect(p.finalActionAt).toBe(spLocal(2026, 4, 14, 0));
    expect(finalActionInstant(defaultPolicy, dueDate, SP)).toBe(p.finalActionAt);
  });

  it('a plan from a later step lists only the remaining steps, with the same instants', () => {
    const rest = plan({
      dueDate,
      timeZone: SP,
      now: spLocal(2026, 3, 20, 12),
      fromStep: 4,
      recentContacts: p.steps.slice(0, 4).map((s) => s.at),
    });
    expect(rest.steps.map((s) => s.stepIndex)).toEqual([4, 5, 6]);
    expect(rest.steps.map((s) => s.at)).toEqual(p.steps.slice(4).map((s) => s.at));
  });
});

describe('computePlan: the default ladder in New York across the March 2026 DST change', () => {
  // Due Friday 2026-03-06; clocks go forward on Sunday 8 March.
  const ny = (m: number, d: number, h: number, offset: 4 | 5) => Date.UTC(2026, m - 1, d, h + offset);
  const p = plan({ dueDate: '2026-03-06', timeZone: NY, now: ny(2, 20, 12, 5) });

  it('keeps the local send time on both sides of the change', () => {
    const at = p.steps.map((s) => s.at);
    expect(p.steps.every((s) => s.status === 'scheduled')).toBe(true);
    expect(at[0]).toBe(ny(3, 3, 10, 5)); // Tue 3 Mar 10:00 EST
    expect(at[1]).toBe(ny(3, 6, 9, 5)); // Fri 6 Mar 09:00 EST
    expect(at[2]).toBe(ny(3, 7, 11, 5)); // Sat 7 Mar 11:00 EST
    // +3 (Mon 9 Mar 11:00 EDT) would be a 4th contact within a week of Tue 3 Mar 10:00 EST (15:00 UTC):
    // it waits until Tue 10 Mar 15:00 UTC, which is 11:00 EDT.
    expect(p.steps[3]!.nominalAt).toBe(ny(3, 9, 11, 4));
    expectAround(at[3]!, ny(3, 3, 10, 5) + 7 * DAY);
    expect(localReading(at[3]!, NY).time).toBe('11:00');
    // +7: Fri 13 Mar 10:00 EDT, exactly 7 days after the due-day email (09:00 EST): that contact has
    // just left the rolling week, so no delay.
    expect(at[4]).toBe(ny(3, 13, 10, 4));
    expect(at[4]! - at[1]!).toBe(7 * DAY);
    expect(p.steps[4]!.adjustments).toEqual([]);
    expect(at[5]).toBe(ny(3, 20, 11, 4)); // Fri 20 Mar 11:00 EDT
    expect(at[6]).toBe(ny(3, 27, 11, 4)); // Fri 27 Mar 11:00 EDT
    expect(p.finalActionAt).toBe(ny(4, 5, 0, 4)); // Sun 5 Apr 00:00 EDT
  });

  it('a send time skipped by the change moves forward by the gap', () => {
    const policy = policyWith({
      steps: [{ offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '02:30' }],
      quietHours: { start: '23:00', end: '01:00' },
      allowedWeekdays: [1, 2, 3, 4, 5, 6, 7],
    });
    const r = computePlan({
      policy,
      dueDate: '2026-03-08',
      timeZone: NY,
      now: ny(3, 1, 12, 5),
      fromStep: 0,
      recentContacts: [],
    });
    expect(r.steps[0]!.at).toBe(ny(3, 8, 3, 4) + 30 * 60_000); // 03:30 EDT
  });
});

describe('computePlan: compliance adjustments', () => {
  it('a step that would fall in quiet hours moves to the end of quiet hours (late start at night)', () => {
    // Due Tuesday 10 March; the journey starts at 22:00 on the due day, inside quiet hours (21:00–08:00).
    const p = plan({ dueDate: '2026-03-10', timeZone: SP, now: spLocal(2026, 3, 10, 22) });
    expect(p.steps[0]!.status).toBe('superseded');
    const due = p.steps[1]!;
    expect(due).toMatchObject({ stepIndex: 1, status: 'scheduled', at: spLocal(2026, 3, 11, 8) });
    expect(due.adjustments).toEqual(expect.arrayContaining(['late_start', 'quiet_hours']));
    // +1 keeps its own time, 11:00 the same morning.
    expect(p.steps[2]).toMatchObject({ status: 'scheduled', at: spLocal(2026, 3, 11, 11) });
  });

  it('daytime quiet hours push to their end the same day', () => {
    const policy = policyWith({ quietHours: { start: '12:00', end: '14:00' } });
    const p = computePlan({
      policy,
      dueDate: '2026-03-10',
      timeZone: SP,
      now: spLocal(2026, 3, 10, 13, 15),
      fromStep: 1,
      recentContacts: [],
    });
    expect(p.steps[0]).toMatchObject({ stepIndex: 1, status: 'scheduled', at: spLocal(2026, 3, 10, 14) });
  });

  it('a step delayed by the cap into quiet hours continues to the end of quiet hours', () => {
    const policy = policyWith({
      maxContactsPer7Days: 1,
      steps: [{ offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '10:00' }],
    });
    // One contact on Monday 9 March at 21:30 local (e.g. made under an earlier policy).
    const p = computePlan({
      policy,
      dueDate: '2026-03-10',
      timeZone: SP,
      now: spLocal(2026, 3, 1, 12),
      fromStep: 0,
      recentContacts: [spLocal(2026, 3, 9, 21, 30)],
    });
    const s = p.steps[0]!;
    // A week later is Monday 16 March 21:30, inside quiet hours: Tuesday 17 March 08:00.
    expect(s.at).toBe(spLocal(2026, 3, 17, 8));
    expect(s.adjustments).toEqual(expect.arrayContaining(['frequency_cap', 'quiet_hours']));
  });

  it('a step on a disallowed weekday moves to the next allowed day at its send time', () => {
    const policy = policyWith({
      allowedWeekdays: [1, 2, 3, 4, 5],
      steps: [{ offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '09:30' }],
    });
    // Due Saturday 14 March: Saturday and Sunday are not allowed → Monday 16 March 09:30.
    expect(isoWeekdayOfDate('2026-03-14')).toBe(6);
    const p = computePlan({
      policy,
      dueDate: '2026-03-14',
      timeZone: SP,
      now: spLocal(2026, 3, 1, 12),
      fromStep: 0,
      recentContacts: [],
    });
    expect(p.steps[0]).toMatchObject({
      status: 'scheduled',
      at: spLocal(2026, 3, 16, 9, 30),
      adjustments: ['weekday'],
    });
  });

  it('quiet hours then a disallowed day: Monday/Wednesday/Friday, started Monday night → Wednesday at the send time', () => {
    const policy = policyWith({
      allowedWeekdays: [1, 3, 5],
      quietHours: { start: '20:00', end: '08:00' },
      steps: [{ offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '10:00' }],
    });
    expect(isoWeekdayOfDate('2026-03-16')).toBe(1);
    // Due Monday 16 March, journey started that night at 21:30: quiet until Tuesday 08:00, Tuesday is
    // not allowed, so Wednesday 18 March at 10:00.
    const p = computePlan({
      policy,
      dueDate: '2026-03-16',
      timeZone: SP,
      now: spLocal(2026, 3, 16, 21, 30),
      fromStep: 0,
      recentContacts: [],
    });
    expect(p.steps[0]).toMatchObject({ status: 'scheduled', at: spLocal(2026, 3, 18, 10) });
    expect(p.steps[0]!.adjustments).toEqual(expect.arrayContaining(['late_start', 'quiet_hours', 'weekday']));
  });

  it('the frequency cap delays a step until the oldest contact of the week has aged out', () => {
    const policy = policyWith({ steps: [{ offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '10:00' }] });
    const recent = [spLocal(2026, 3, 5, 10), spLocal(2026, 3, 6, 10), spLocal(2026, 3, 7, 10)];
    const p = computePlan({
      policy,
      dueDate: '2026-03-10',
      timeZone: SP,
      now: spLocal(2026, 3, 8, 12),
      fromStep: 0,
      recentContacts: recent,
    });
    expect(p.steps[0]!.adjustments).toEqual(['frequency_cap']);
    expectAround(p.steps[0]!.at, spLocal(2026, 3, 12, 10));
  });

  it('a contact exactly 7 days old no longer counts', () => {
    const policy = policyWith({ steps: [{ offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '10:00' }] });
    const recent = [spLocal(2026, 3, 3, 10), spLocal(2026, 3, 6, 10), spLocal(2026, 3, 7, 10)];
    const p = computePlan({
      policy,
      dueDate: '2026-03-10',
      timeZone: SP,
      now: spLocal(2026, 3, 8, 12),
      fromStep: 0,
      recentContacts: recent,
    });
    expect(p.steps[0]).toMatchObject({ at: spLocal(2026, 3, 10, 10), adjustments: [] });
  });
});

describe('computePlan: late start and the end of the ladder', () => {
  it('a late start supersedes stale steps: only the latest missed step is sent, at once', () => {
    // Due Tuesday 10 March; started Tuesday 17 March 15:00, after the +7 step's 10:00.
    const now = spLocal(2026, 3, 17, 15);
    const p = plan({ dueDate: '2026-03-10', timeZone: SP, now });
    expect(p.steps.map((s) => [s.stepIndex, s.status])).toEqual([
      [0, 'superseded'],
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'superseded'],
      [4, 'scheduled'],
      [5, 'scheduled'],
      [6, 'scheduled'],
    ]);
    expect(p.steps[4]).toMatchObject({ at: now, adjustments: ['late_start'] });
    expect(p.steps[5]!.at).toBe(spLocal(2026, 3, 24, 11));
    expect(p.steps[6]!.at).toBe(spLocal(2026, 3, 31, 11));
    expect(p.finalActionAt).toBe(spLocal(2026, 4, 9, 0));
  });

  it('steps at or after the final action are dropped (directly, or once moved by a rule)', () => {
    const policy = policyWith({
      allowedWeekdays: [1, 2, 3, 4, 5],
      steps: [
        { offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '09:00' },
        { offsetDays: 4, channel: 'sms', template: 'overdue_early', sendAt: '10:00' }, // Saturday → Monday, day +6
        { offsetDays: 5, channel: 'sms', template: 'final_notice', sendAt: '10:00' }, // day +5 10:00 > midnight of +5
      ],
      finalAction: { action: 'hand_to_agency', offsetDays: 5 },
    });
    const p = computePlan({
      policy,
      dueDate: '2026-03-10',
      timeZone: SP,
      now: spLocal(2026, 3, 1, 12),
      fromStep: 0,
      recentContacts: [],
    });
    expect(p.finalActionAt).toBe(spLocal(2026, 3, 15, 0));
    expect(p.steps.map((s) => s.stepIndex)).toEqual([0]);
  });

  it('started after the whole ladder (before the final action): only the last step is sent, then nothing', () => {
    const now = spLocal(2026, 4, 1, 12); // +22, before the +30 final action
    const p = plan({ dueDate: '2026-03-10', timeZone: SP, now });
    expect(scheduled(p.steps).map((s) => [s.stepIndex, s.at])).toEqual([[6, now]]);
    expect(p.steps.filter((s) => s.status === 'superseded').map((s) => s.stepIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    const afterAll = plan({ dueDate: '2026-03-10', timeZone: SP, now: spLocal(2026, 4, 1, 12), fromStep: 7 });
    expect(afterAll.steps).toEqual([]);
  });
});

describe('plan helpers', () => {
  it('nominalStepInstant rejects a step the policy does not have', () => {
    expect(() => nominalStepInstant(defaultPolicy, 7, '2026-03-10', SP)).toThrow(RangeError);
    expect(nominalStepInstant(defaultPolicy, 0, '2026-03-10', SP)).toBe(spLocal(2026, 3, 7, 10));
  });

  it('isInQuietHours handles wrapping and daytime windows, start inclusive and end exclusive', () => {
    expect(isInQuietHours(defaultPolicy, 21 * 60)).toBe(true);
    expect(isInQuietHours(defaultPolicy, 20 * 60 + 59)).toBe(false);
    expect(isInQuietHours(defaultPolicy, 0)).toBe(true);
    expect(isInQuietHours(defaultPolicy, 8 * 60 - 1)).toBe(true);
    expect(isInQuietHours(defaultPolicy, 8 * 60)).toBe(false);
    const day = policyWith({ quietHours: { start: '12:00', end: '14:00' } });
    expect(isInQuietHours(day, 11 * 60)).toBe(false);
    expect(isInQuietHours(day, 13 * 60)).toBe(true);
    expect(isInQuietHours(day, 14 * 60)).toBe(false);
  });

  it('isContactAllowedAt combines quiet hours and weekdays in the buyer zone', () => {
    expect(isContactAllowedAt(defaultPolicy, spLocal(2026, 3, 16, 10), SP)).toBe(true); // Monday 10:00
    expect(isContactAllowedAt(defaultPolicy, spLocal(2026, 3, 15, 10), SP)).toBe(false); // Sunday
    expect(isContactAllowedAt(defaultPolicy, spLocal(2026, 3, 16, 22), SP)).toBe(false); // Monday 22:00
    // 10:00 Monday in São Paulo is 18:45 Monday in Kathmandu: allowed there too; 02:00 in São Paulo is not for
    // Kathmandu's 10:45.
    expect(isContactAllowedAt(defaultPolicy, spLocal(2026, 3, 17, 2), 'Asia/Kathmandu')).toBe(true);
  });

  it('contactsInWindow keeps contacts in (t − 7 days, t], sorted', () => {
    const t = Date.UTC(2026, 2, 10);
    expect(contactsInWindow([t, t - 7 * DAY, t - 7 * DAY + 1, t + 1, t - HOUR], t)).toEqual([
      t - 7 * DAY + 1,
      t - HOUR,
      t,
    ]);
  });
});
