/**
 * Properties of the compliance guard over random rules, zones, instants, ledgers and buyer
 * records. The expected decision comes from an oracle written here with `Intl` (the wall clock)
 * and plain arithmetic (the rolling week): it shares no code with domain/compliance.ts or luxon.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../domain/channels';
import {
  type ContactRules,
  type DelayReason,
  type SendDecision,
  type SendRequest,
  blockingRule,
  earliestAllowedInstant,
  guardSend,
} from '../../domain/compliance';
import type { IsoWeekday } from '../../domain/local-time';
import {
  DAY,
  HOUR,
  MINUTE,
  WEEK,
  channelArb,
  inQuietHours,
  instantArb,
  localReading,
  plusDays,
  timeZoneArb,
  toMinutes,
} from '../support/arbitraries';

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

// ---------------------------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------------------------

/** Which rule forbids contact at `t`, in the documented order (weekday, holiday, quiet hours, cap). */
function oracleBlocking(
  rules: ContactRules,
  t: number,
  timeZone: string,
  ledger: readonly number[],
): DelayReason | null {
  const local = localReading(t, timeZone);
  if (!rules.allowedWeekdays.includes(local.weekday as IsoWeekday)) return 'weekday';
  if (rules.holidays.includes(local.date)) return 'holiday';
  if (inQuietHours(rules.quietHours, local.minuteOfDay)) return 'quiet_hours';
  // The rolling week ending at t: contacts made before or at t, less than 7 days before it.
  if (ledger.filter((c) => c <= t && t - c < WEEK).length >= rules.maxContactsPer7Days) return 'frequency_cap';
  return null;
}

/** The decision the guard must take, except for the instant of a delay (checked on its own). */
type Expected =
  | { verdict: 'allow'; whatsappMode?: 'free_form' | 'template' }
  | { verdict: 'delay'; reason: DelayReason }
  | Extract<SendDecision, { verdict: 'refuse' }>;

function expectedDecision(s: Scenario): Expected {
  const { rules, channel, now, buyer } = s;
  if (buyer.optedOut.includes(channel)) return { verdict: 'refuse', reason: 'opted_out' };
  if (buyer.suppressed.includes(channel)) return { verdict: 'refuse', reason: 'suppressed' };
  const blocked = oracleBlocking(rules, now, s.timeZone, buyer.contacts);
  if (blocked) return { verdict: 'delay', reason: blocked };
  if (channel !== 'whatsapp') return { verdict: 'allow' };
  const last = buyer.lastWhatsAppInboundAt;
  // Free-form only within 24 h of the buyer's last message, keeping a 5-minute margin before the end.
  if (last !== null && last <= now && now - last < 24 * HOUR - 5 * MINUTE)
    return { verdict: 'allow', whatsappMode: 'free_form' };
  if (s.whatsappTemplateAvailable) return { verdict: 'allow', whatsappMode: 'template' };
  return { verdict: 'refuse', reason: 'whatsapp_template_unavailable' };
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

type Scenario = SendRequest;

const rulesArb = (now: number): fc.Arbitrary<ContactRules> =>
  fc.record({
    quietHours: fc
      .oneof(
        // Realistic nights, and any window at all (daytime, a minute long, 23 hours long).
        fc.tuple(fc.integer({ min: 19 * 60, max: 23 * 60 + 59 }), fc.integer({ min: 5 * 60, max: 9 * 60 })),
        fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1439 })),
      )
      .filter(([start, end]) => start !== end)
      .map(([start, end]) => ({ start: hhmm(start), end: hhmm(end) })),
    allowedWeekdays: fc.subarray<IsoWeekday>([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
    maxContactsPer7Days: fc.integer({ min: 1, max: 7 }),
    // Dates around now (in UTC; in the buyer's zone they may be a day off, which is the point).
    holidays: fc
      .uniqueArray(fc.integer({ min: -1, max: 10 }), { maxLength: 4 })
      .map((ks) => ks.map((k) => plusDays(new Date(now).toISOString().slice(0, 10), k))),
  });

const ledgerArb = (now: number): fc.Arbitrary<number[]> =>
  fc.array(
    fc
      .oneof(
        { weight: 6, arbitrary: fc.integer({ min: -8 * DAY, max: 0 }) },
        // The edges of the rolling week, and contacts stamped after now (clock skew between writers).
        { weight: 2, arbitrary: fc.constantFrom(-WEEK, -WEEK + 1, -WEEK - 1, 0, -1) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: DAY }) },
      )
      .map((d) => now + d),
    { maxLength: 10 },
  );

const lastInboundArb = (now: number): fc.Arbitrary<number | null> =>
  fc.oneof(
    fc.constant(null),
    fc.integer({ min: -HOUR, max: 2 * DAY }).map((ago) => now - ago),
    // Just inside, at and just after the margin; at and after 24 hours.
    fc
      .constantFrom(
        24 * HOUR - 5 * MINUTE - 1,
        24 * HOUR - 5 * MINUTE,
        24 * HOUR - 5 * MINUTE + 1,
        24 * HOUR,
        24 * HOUR + 1,
        0,
      )
      .map((ago) => now - ago),
  );

const channelsArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Channel[]>([]) },
  { weight: 1, arbitrary: fc.subarray<Channel>(['email', 'sms', 'whatsapp']) },
);

const scenarioArb: fc.Arbitrary<Scenario> = instantArb.chain((now) =>
  fc.record({
    rules: rulesArb(now),
    timeZone: timeZoneArb,
    channel: fc.oneof(channelArb, fc.constant<Channel>('whatsapp')),
    now: fc.constant(now),
    buyer: fc.record({
      contacts: ledgerArb(now),
      optedOut: channelsArb,
      suppressed: channelsArb,
      lastWhatsAppInboundAt: lastInboundArb(now),
    }),
    whatsappTemplateAvailable: fc.boolean(),
  }),
);

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('guardSend (properties)', () => {
  it('takes the decision the oracle takes: refusals exactly when opted out, suppressed, or WhatsApp with the window closed and no template', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const decision = guardSend(s);
        const expected = expectedDecision(s);
        const key = `${decision.verdict}:${'reason' in decision ? decision.reason : (decision.whatsappMode ?? '-')}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (decision.verdict === 'delay')
          expect({ verdict: decision.verdict, reason: decision.reason }).toEqual(expected);
        else expect(decision).toEqual(expected);
      }),
      { numRuns: 4000 },
    );
    // The generators reach every kind of decision (otherwise the property proves little).
    for (const key of [
      'allow:-',
      'allow:free_form',
      'allow:template',
      'delay:weekday',
      'delay:holiday',
      'delay:quiet_hours',
      'delay:frequency_cap',
      'refuse:opted_out',
      'refuse:suppressed',
      'refuse:whatsapp_template_unavailable',
    ]) {
      expect(seen.get(key) ?? 0, key).toBeGreaterThan(0);
    }
  });

  it('allow ⇒ no rule of contact blocks now', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const decision = guardSend(s);
        if (decision.verdict !== 'allow') return;
        expect(blockingRule(s.rules, s.now, s.timeZone, s.buyer.contacts)).toBeNull();
        expect(oracleBlocking(s.rules, s.now, s.timeZone, s.buyer.contacts)).toBeNull();
        expect(s.buyer.optedOut).not.toContain(s.channel);
        expect(s.buyer.suppressed).not.toContain(s.channel);
      }),
      { numRuns: 2000 },
    );
  });

  it('delay ⇒ until is later than now, every rule allows it, and the reason given was blocking now', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const decision = guardSend(s);
        if (decision.verdict !== 'delay') return;
        expect(decision.until).toBeGreaterThan(s.now);
        expect(blockingRule(s.rules, decision.until, s.timeZone, s.buyer.contacts)).toBeNull();
        expect(oracleBlocking(s.rules, decision.until, s.timeZone, s.buyer.contacts)).toBeNull();
        expect(blockingRule(s.rules, s.now, s.timeZone, s.buyer.contacts)).toBe(decision.reason);
        expect(oracleBlocking(s.rules, s.now, s.timeZone, s.buyer.contacts)).toBe(decision.reason);
        // Not a runaway: a week for the cap, a week of disallowed days, a few holidays.
        expect(decision.until - s.now).toBeLessThan(30 * DAY);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('earliestAllowedInstant (properties)', () => {
  // The send time a disallowed day resumes at is a step's `sendAt`, which the policy schema keeps
  // outside quiet hours (a time inside them, with one allowed weekday, can leave no instant at all).
  const withResumeAt = scenarioArb.chain((s) => {
    const start = toMinutes(s.rules.quietHours.start);
    const end = toMinutes(s.rules.quietHours.end);
    // Quiet hours run from start to end going round the clock; the rest of the day starts at end.
    const allowedMinutes = 1440 - ((end - start + 1440) % 1440);
    return fc.tuple(
      fc.constant(s),
      fc.integer({ min: 0, max: allowedMinutes - 1 }).map((i) => hhmm((end + i) % 1440)),
    );
  });

  it('is at or after the candidate, allowed by every rule, and names the reasons it moved for', () => {
    fc.assert(
      fc.property(withResumeAt, ([s, resumeAt]) => {
        expect(inQuietHours(s.rules.quietHours, toMinutes(resumeAt))).toBe(false);
        const { at, reasons } = earliestAllowedInstant(s.rules, s.now, s.timeZone, s.buyer.contacts, resumeAt);
        expect(at).toBeGreaterThanOrEqual(s.now);
        expect(oracleBlocking(s.rules, at, s.timeZone, s.buyer.contacts)).toBeNull();
        const blockedNow = oracleBlocking(s.rules, s.now, s.timeZone, s.buyer.contacts);
        if (blockedNow === null) {
          expect(at).toBe(s.now);
          expect(reasons.size).toBe(0);
        } else {
          expect(at).toBeGreaterThan(s.now);
          expect(reasons.has(blockedNow)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
