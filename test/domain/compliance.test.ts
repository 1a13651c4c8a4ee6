/**
 * The compliance guard, by hand-checked examples. Every expected instant below was worked out on
 * paper from the zone's UTC offset on that date (São Paulo −03:00 all year; Kolkata +05:30; New
 * York −05:00 / −04:00 around its 2026 changes on 8 March and 1 November; Tokyo +09:00), not by
 * calling the code under test.
 */
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../domain/channels';
import {
  type BuyerContactRecord,
  type ContactRules,
  type SendRequest,
  WHATSAPP_WINDOW_MARGIN_MS,
  WHATSAPP_WINDOW_MS,
  blockingRule,
  contactRulesOf,
  contactsInWindow,
  earliestAllowedInstant,
  guardSend,
  isWhatsAppWindowOpen,
} from '../../domain/compliance';
import { type DeliveryContext, eventForDelivery, outcomeOfGuard } from '../../domain/delivery';
import { type Policy, defaultPolicy } from '../../domain/policy';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** 21:00–08:00 quiet, Monday to Saturday, three contacts a week: the default policy's rules. */
const rules = (over: Partial<ContactRules> = {}): ContactRules => ({
  quietHours: { start: '21:00', end: '08:00' },
  allowedWeekdays: [1, 2, 3, 4, 5, 6],
  maxContactsPer7Days: 3,
  holidays: [],
  ...over,
});
const everyDay = rules({ allowedWeekdays: [1, 2, 3, 4, 5, 6, 7] });

const buyer = (over: Partial<BuyerContactRecord> = {}): BuyerContactRecord => ({
  contacts: [],
  optedOut: [],
  suppressed: [],
  lastWhatsAppInboundAt: null,
  ...over,
});

const request = (over: Partial<SendRequest> & { now: number }): SendRequest => ({
  rules: rules(),
  timeZone: 'America/Sao_Paulo',
  channel: 'email',
  buyer: buyer(),
  whatsappTemplateAvailable: true,
  ...over,
});

/** Tuesday 10 March 2026, 12:00 in São Paulo (15:00 UTC). */
const TUESDAY_NOON_SP = Date.UTC(2026, 2, 10, 15, 0);

describe('quiet hours', () => {
  it('São Paulo: 20:59 is allowed, 21:00 exactly is quiet until 08:00 the next morning', () => {
    const at2059 = Date.UTC(2026, 2, 10, 23, 59); // Tue 20:59 −03:00
    const at2100 = Date.UTC(2026, 2, 11, 0, 0); // Tue 21:00 −03:00 (already Wednesday in UTC)
    expect(guardSend(request({ now: at2059 }))).toEqual({ verdict: 'allow' });
    expect(guardSend(request({ now: at2059 + MINUTE - 1 }))).toEqual({ verdict: 'allow' });
    expect(blockingRule(rules(), at2100, 'America/Sao_Paulo', [])).toBe('quiet_hours');
    expect(guardSend(request({ now: at2100 }))).toEqual({
      verdict: 'delay',
      reason: 'quiet_hours',
      until: Date.UTC(2026, 2, 11, 11, 0),
    });
    // 07:59 is still quiet, 08:00 is not.
    expect(blockingRule(rules(), Date.UTC(2026, 2, 11, 10, 59), 'America/Sao_Paulo', [])).toBe('quiet_hours');
    expect(blockingRule(rules(), Date.UTC(2026, 2, 11, 11, 0), 'America/Sao_Paulo', [])).toBeNull();
  });

  it('Kolkata (+05:30): 20:59 is allowed, 21:00 is quiet until 08:00 (02:30 UTC)', () => {
    const at2059 = Date.UTC(2026, 2, 10, 15, 29);
    const at2100 = Date.UTC(2026, 2, 10, 15, 30);
    expect(guardSend(request({ now: at2059, timeZone: 'Asia/Kolkata' }))).toEqual({ verdict: 'allow' });
    expect(guardSend(request({ now: at2100, timeZone: 'Asia/Kolkata' }))).toEqual({
      verdict: 'delay',
      reason: 'quiet_hours',
      until: Date.UTC(2026, 2, 11, 2, 30),
    });
    // The same instants in UTC are mid-afternoon: the buyer's zone decides, not the server's.
    expect(guardSend(request({ now: at2100, timeZone: 'UTC' }))).toEqual({ verdict: 'allow' });
  });

  it('New York, spring forward (8 March 2026): quiet from 21:00 EST ends at 08:00 EDT, ten hours later', () => {
    const at2059 = Date.UTC(2026, 2, 8, 1, 59); // Sat 7 March 20:59 −05:00
    const at2100 = Date.UTC(2026, 2, 8, 2, 0); // Sat 7 March 21:00 −05:00
    expect(guardSend(request({ now: at2059, timeZone: 'America/New_York', rules: everyDay }))).toEqual({
      verdict: 'allow',
    });
    expect(guardSend(request({ now: at2100, timeZone: 'America/New_York', rules: everyDay }))).toEqual({
      verdict: 'delay',
      reason: 'quiet_hours',
      until: Date.UTC(2026, 2, 8, 12, 0), // Sun 8 March 08:00 −04:00
    });
  });

  it('New York, fall back (1 November 2026): quiet from 21:00 EDT ends at 08:00 EST, twelve hours later', () => {
    const at2059 = Date.UTC(2026, 10, 1, 0, 59); // Sat 31 October 20:59 −04:00
    const at2100 = Date.UTC(2026, 10, 1, 1, 0);
    expect(guardSend(request({ now: at2059, timeZone: 'America/New_York', rules: everyDay }))).toEqual({
      verdict: 'allow',
    });
    expect(guardSend(request({ now: at2100, timeZone: 'America/New_York', rules: everyDay }))).toEqual({
      verdict: 'delay',
      reason: 'quiet_hours',
      until: Date.UTC(2026, 10, 1, 13, 0), // Sun 1 November 08:00 −05:00
    });
    // 01:30 happens twice that night; both are quiet.
    expect(blockingRule(everyDay, Date.UTC(2026, 10, 1, 5, 30), 'America/New_York', [])).toBe('quiet_hours');
    expect(blockingRule(everyDay, Date.UTC(2026, 10, 1, 6, 30), 'America/New_York', [])).toBe('quiet_hours');
  });

  it('quiet hours that end inside the spring-forward gap end when the clock jumps, or at most half an hour later', () => {
    // New York, 8 March 2026: 01:59:59 EST is followed by 03:00 EDT (07:00 UTC); 02:30 never happens.
    const gapEnd = rules({ quietHours: { start: '01:00', end: '02:30' }, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7] });
    const decision = guardSend(
      request({ now: Date.UTC(2026, 2, 8, 6, 30), timeZone: 'America/New_York', rules: gapEnd }),
    );
    expect(decision).toMatchObject({ verdict: 'delay', reason: 'quiet_hours' });
    const until = (decision as { until: number }).until;
    expect(blockingRule(gapEnd, until, 'America/New_York', [])).toBeNull();
    expect(until).toBeGreaterThanOrEqual(Date.UTC(2026, 2, 8, 7, 0));
    // 02:30 read forward is 03:30 EDT: never later than that.
    expect(until).toBeLessThanOrEqual(Date.UTC(2026, 2, 8, 7, 30));
  });

  it('a daytime quiet window (start < end) blocks only inside it', () => {
    const lunch = rules({ quietHours: { start: '12:00', end: '14:00' } });
    expect(blockingRule(lunch, Date.UTC(2026, 2, 10, 14, 59), 'America/Sao_Paulo', [])).toBeNull(); // 11:59
    expect(guardSend(request({ now: TUESDAY_NOON_SP, rules: lunch }))).toEqual({
      verdict: 'delay',
      reason: 'quiet_hours',
      until: Date.UTC(2026, 2, 10, 17, 0),
    });
    expect(blockingRule(lunch, Date.UTC(2026, 2, 11, 2, 0), 'America/Sao_Paulo', [])).toBeNull(); // 23:00
  });
});

describe('weekdays and holidays', () => {
  it('Sunday is not an allowed weekday: wait until Monday when quiet hours end', () => {
    const sundayAfternoon = Date.UTC(2026, 2, 15, 17, 0); // Sun 15 March 14:00 −03:00
    expect(blockingRule(rules(), sundayAfternoon, 'America/Sao_Paulo', [])).toBe('weekday');
    expect(guardSend(request({ now: sundayAfternoon }))).toEqual({
      verdict: 'delay',
      reason: 'weekday',
      until: Date.UTC(2026, 2, 16, 11, 0),
    });
  });

  it('Saturday 21:30 is quiet first, and the next allowed instant skips Sunday entirely', () => {
    const saturdayNight = Date.UTC(2026, 2, 15, 0, 30); // Sat 14 March 21:30 −03:00
    expect(guardSend(request({ now: saturdayNight }))).toEqual({
      verdict: 'delay',
      reason: 'quiet_hours',
      until: Date.UTC(2026, 2, 16, 11, 0),
    });
    expect(earliestAllowedInstant(rules(), saturdayNight, 'America/Sao_Paulo', []).reasons).toEqual(
      new Set(['quiet_hours', 'weekday']),
    );
  });

  it("a holiday is a date in the buyer's zone: 1 January in Tokyo while it is still 31 December in UTC", () => {
    const newYearMorningTokyo = Date.UTC(2025, 11, 31, 23, 30); // Thu 1 January 2026 08:30 +09:00
    const newYear = rules({ holidays: ['2026-01-01'] });
    expect(blockingRule(newYear, newYearMorningTokyo, 'Asia/Tokyo', [])).toBe('holiday');
    expect(guardSend(request({ now: newYearMorningTokyo, timeZone: 'Asia/Tokyo', rules: newYear }))).toEqual({
      verdict: 'delay',
      reason: 'holiday',
      until: Date.UTC(2026, 0, 1, 23, 0), // Fri 2 January 08:00 +09:00
    });
    // A holiday on the UTC date (31 December) does not touch a buyer for whom it is already 1 January.
    expect(
      guardSend(
        request({ now: newYearMorningTokyo, timeZone: 'Asia/Tokyo', rules: rules({ holidays: ['2025-12-31'] }) }),
      ),
    ).toEqual({ verdict: 'allow' });
  });

  it('reports the first rule in order: weekday, holiday, quiet hours, cap', () => {
    const sundayNight = Date.UTC(2026, 2, 16, 0, 30); // Sun 15 March 21:30 −03:00
    const everything = rules({ holidays: ['2026-03-15'], maxContactsPer7Days: 1 });
    const ledger = [sundayNight - HOUR];
    expect(blockingRule(everything, sundayNight, 'America/Sao_Paulo', ledger)).toBe('weekday');
    expect(blockingRule({ ...everything, allowedWeekdays: [7] }, sundayNight, 'America/Sao_Paulo', ledger)).toBe(
      'holiday',
    );
    expect(
      blockingRule({ ...everything, allowedWeekdays: [7], holidays: [] }, sundayNight, 'America/Sao_Paulo', ledger),
    ).toBe('quiet_hours');
    expect(
      blockingRule(
        { ...everything, allowedWeekdays: [7], holidays: [], quietHours: { start: '23:00', end: '06:00' } },
        sundayNight,
        'America/Sao_Paulo',
        ledger,
      ),
    ).toBe('frequency_cap');
  });
});

describe('frequency cap', () => {
  const now = TUESDAY_NOON_SP;

  it('a contact exactly 7 days old has left the rolling week; one a millisecond younger has not', () => {
    const aged = [now - WEEK, now - 3 * DAY, now - DAY];
    expect(contactsInWindow(aged, now)).toEqual([now - 3 * DAY, now - DAY]);
    expect(guardSend(request({ now, buyer: buyer({ contacts: aged }) }))).toEqual({ verdict: 'allow' });

    const young = [now - WEEK + 1, now - 3 * DAY, now - DAY];
    expect(blockingRule(rules(), now, 'America/Sao_Paulo', young)).toBe('frequency_cap');
    const decision = guardSend(request({ now, buyer: buyer({ contacts: young }) }));
    expect(decision).toMatchObject({ verdict: 'delay', reason: 'frequency_cap' });
    // The oldest contact leaves the week 7 days after it was made; the guard waits until then.
    const until = (decision as { until: number }).until;
    expect(until).toBeGreaterThan(now);
    expect(until).toBeLessThanOrEqual(now + 2);
    expect(blockingRule(rules(), until, 'America/Sao_Paulo', young)).toBeNull();
  });

  it('counts contacts of every channel and journey; contacts after now do not count', () => {
    expect(
      guardSend(request({ now, buyer: buyer({ contacts: [now - HOUR, now - 2 * HOUR, now + MINUTE, now + HOUR] }) })),
    ).toEqual({ verdict: 'allow' });
    expect(guardSend(request({ now, buyer: buyer({ contacts: [now - HOUR, now - 2 * HOUR, now] }) }))).toMatchObject({
      verdict: 'delay',
      reason: 'frequency_cap',
    });
  });

  it('when the week frees up during quiet hours, waits for the morning', () => {
    // Three contacts, the oldest made Wednesday 4 March at 22:00 local (Thu 01:00 UTC):
    // it ages out on Wednesday 11 March at 22:00, inside quiet hours; 08:00 Thursday is next.
    const ledger = [Date.UTC(2026, 2, 5, 1, 0), now - 2 * DAY, now - DAY];
    const decision = guardSend(request({ now, buyer: buyer({ contacts: ledger }) }));
    expect(decision).toEqual({ verdict: 'delay', reason: 'frequency_cap', until: Date.UTC(2026, 2, 12, 11, 0) });
    expect(earliestAllowedInstant(rules(), now, 'America/Sao_Paulo', ledger).reasons).toEqual(
      new Set(['frequency_cap', 'quiet_hours']),
    );
  });

  it('applies the cap it is given: the same ledger blocks a cap of 2 and passes a cap of 3', () => {
    const ledger = [now - DAY, now - 2 * DAY];
    expect(
      guardSend(request({ now, rules: rules({ maxContactsPer7Days: 2 }), buyer: buyer({ contacts: ledger }) })).verdict,
    ).toBe('delay');
    expect(
      guardSend(request({ now, rules: rules({ maxContactsPer7Days: 3 }), buyer: buyer({ contacts: ledger }) })).verdict,
    ).toBe('allow');
  });
});

describe('refusals', () => {
  const saturdayNight = Date.UTC(2026, 2, 15, 0, 30); // quiet hours, and Sunday next

  it('come before delays: an opted-out or suppressed channel is refused even in quiet hours', () => {
    expect(guardSend(request({ now: saturdayNight, channel: 'sms', buyer: buyer({ optedOut: ['sms'] }) }))).toEqual({
      verdict: 'refuse',
      reason: 'opted_out',
    });
    expect(
      guardSend(request({ now: saturdayNight, channel: 'email', buyer: buyer({ suppressed: ['email'] }) })),
    ).toEqual({ verdict: 'refuse', reason: 'suppressed' });
    // Opted out and suppressed: the opt-out is the reason on record.
    expect(
      guardSend(
        request({ now: TUESDAY_NOON_SP, channel: 'sms', buyer: buyer({ optedOut: ['sms'], suppressed: ['sms'] }) }),
      ),
    ).toEqual({
      verdict: 'refuse',
      reason: 'opted_out',
    });
  });

  it('concern only the channel asked for', () => {
    const closedElsewhere = buyer({ optedOut: ['sms', 'whatsapp'], suppressed: ['whatsapp'] });
    expect(guardSend(request({ now: TUESDAY_NOON_SP, channel: 'email', buyer: closedElsewhere }))).toEqual({
      verdict: 'allow',
    });
  });
});

describe('WhatsApp free-form window', () => {
  const inbound = TUESDAY_NOON_SP - 20 * HOUR;
  const lastFreeMoment = inbound + WHATSAPP_WINDOW_MS - WHATSAPP_WINDOW_MARGIN_MS - 1;
  const whatsapp = (now: number, whatsappTemplateAvailable = true, lastWhatsAppInboundAt: number | null = inbound) =>
    guardSend(
      request({ now, channel: 'whatsapp', whatsappTemplateAvailable, buyer: buyer({ lastWhatsAppInboundAt }) }),
    );

  it('is open from the inbound message until 5 minutes before 24 hours have passed', () => {
    expect(WHATSAPP_WINDOW_MS).toBe(24 * HOUR);
    expect(WHATSAPP_WINDOW_MARGIN_MS).toBe(5 * MINUTE);
    expect(isWhatsAppWindowOpen(inbound, inbound)).toBe(true);
    expect(isWhatsAppWindowOpen(inbound, inbound + 23 * HOUR + 54 * MINUTE)).toBe(true);
    expect(isWhatsAppWindowOpen(inbound, lastFreeMoment)).toBe(true);
    expect(isWhatsAppWindowOpen(inbound, lastFreeMoment + 1)).toBe(false); // at the margin
    expect(isWhatsAppWindowOpen(inbound, inbound + 24 * HOUR)).toBe(false);
    expect(isWhatsAppWindowOpen(inbound, inbound - 1)).toBe(false); // a message from the future opens nothing
    expect(isWhatsAppWindowOpen(null, inbound)).toBe(false);
  });

  it('free-form just inside the window, even with no template', () => {
    expect(whatsapp(TUESDAY_NOON_SP, false)).toEqual({ verdict: 'allow', whatsappMode: 'free_form' });
  });

  it('the approved template at the margin, after 24 hours, and with no inbound message at all', () => {
    // The window rebased so that it closes, margin included, at 10:00 on a Tuesday (daytime).
    const base = Date.UTC(2026, 2, 10, 13, 0); // Tue 10:00 −03:00
    const last = base - WHATSAPP_WINDOW_MS + WHATSAPP_WINDOW_MARGIN_MS; // window closes (with margin) exactly at `base`
    expect(
      guardSend(request({ now: base - 1, channel: 'whatsapp', buyer: buyer({ lastWhatsAppInboundAt: last }) })),
    ).toEqual({ verdict: 'allow', whatsappMode: 'free_form' });
    expect(
      guardSend(request({ now: base, channel: 'whatsapp', buyer: buyer({ lastWhatsAppInboundAt: last }) })),
    ).toEqual({ verdict: 'allow', whatsappMode: 'template' });
    expect(whatsapp(inbound + 25 * HOUR)).toEqual({ verdict: 'allow', whatsappMode: 'template' });
    expect(whatsapp(TUESDAY_NOON_SP, true, null)).toEqual({ verdict: 'allow', whatsappMode: 'template' });
  });

  it('with the window closed and no approved template, refuses the channel', () => {
    expect(whatsapp(inbound + 25 * HOUR, false)).toEqual({
      verdict: 'refuse',
      reason: 'whatsapp_template_unavailable',
    });
    expect(whatsapp(TUESDAY_NOON_SP, false, null)).toEqual({
      verdict: 'refuse',
      reason: 'whatsapp_template_unavailable',
    });
  });

  it('the window does not lift any rule of contact, and other channels get no mode', () => {
    const night = Date.UTC(2026, 2, 11, 1, 0); // Tue 22:00 −03:00
    expect(
      guardSend(request({ now: night, channel: 'whatsapp', buyer: buyer({ lastWhatsAppInboundAt: night - HOUR }) })),
    ).toMatchObject({ verdict: 'delay', reason: 'quiet_hours' });
    for (const channel of ['email', 'sms'] as Channel[]) {
      expect(
        guardSend(
          request({ now: TUESDAY_NOON_SP, channel, buyer: buyer({ lastWhatsAppInboundAt: TUESDAY_NOON_SP - HOUR }) }),
        ),
      ).toEqual({ verdict: 'allow' });
    }
  });
});

describe('earliestAllowedInstant', () => {
  it('returns the candidate itself, with no reasons, when nothing blocks it', () => {
    expect(earliestAllowedInstant(rules(), TUESDAY_NOON_SP, 'America/Sao_Paulo', [])).toEqual({
      at: TUESDAY_NOON_SP,
      reasons: new Set(),
    });
  });

  it("resumes a disallowed day at the step's own send time when given one", () => {
    const sundayAfternoon = Date.UTC(2026, 2, 15, 17, 0);
    expect(earliestAllowedInstant(rules(), sundayAfternoon, 'America/Sao_Paulo', [], '10:30').at).toBe(
      Date.UTC(2026, 2, 16, 13, 30),
    );
  });

  it('throws instead of looping when the rules leave no instant at all', () => {
    expect(() =>
      earliestAllowedInstant(rules({ allowedWeekdays: [] }), TUESDAY_NOON_SP, 'America/Sao_Paulo', []),
    ).toThrow(/no instant/);
  });
});

describe('contactRulesOf', () => {
  it("takes the policy's quiet hours, weekdays and cap", () => {
    expect(contactRulesOf(defaultPolicy)).toEqual({
      quietHours: { start: '21:00', end: '08:00' },
      allowedWeekdays: [1, 2, 3, 4, 5, 6],
      maxContactsPer7Days: 3,
      holidays: [],
    });
  });

  it("joins the seller's closed dates and the buyer's public holidays", () => {
    const closing: Policy = {
      ...defaultPolicy,
      holidays: { observePublicHolidays: true, closedDates: ['2026-12-24', '2026-12-31'] },
    };
    expect(contactRulesOf(closing, ['2026-12-25']).holidays).toEqual(['2026-12-24', '2026-12-31', '2026-12-25']);
    const { holidays: _none, ...legacy } = defaultPolicy;
    expect(contactRulesOf(legacy as Policy, ['2026-12-25']).holidays).toEqual(['2026-12-25']);
  });
});

describe('outcomeOfGuard', () => {
  it('lets an allowed message go out', () => {
    expect(outcomeOfGuard({ verdict: 'allow' })).toBeNull();
    expect(outcomeOfGuard({ verdict: 'allow', whatsappMode: 'template' })).toBeNull();
  });

  it('defers a delayed one to the instant named, in ISO 8601', () => {
    expect(outcomeOfGuard({ verdict: 'delay', reason: 'holiday', until: Date.UTC(2026, 0, 1, 23, 0) })).toEqual({
      status: 'deferred',
      reason: 'holiday',
      until: '2026-01-01T23:00:00.000Z',
    });
  });

  it('turns a refusal into a fall-through: an opt-out as such, a suppression for good, a missing template for this step only', () => {
    expect(outcomeOfGuard({ verdict: 'refuse', reason: 'opted_out' })).toEqual({
      status: 'opted_out',
      source: 'consent',
    });
    expect(outcomeOfGuard({ verdict: 'refuse', reason: 'suppressed' })).toEqual({
      status: 'undeliverable',
      reason: 'suppressed',
    });
    expect(outcomeOfGuard({ verdict: 'refuse', reason: 'whatsapp_template_unavailable' })).toEqual({
      status: 'undeliverable',
      reason: 'whatsapp_template_unavailable',
      scope: 'step',
    });
  });
});

describe('eventForDelivery', () => {
  const at = TUESDAY_NOON_SP;
  const ctx: DeliveryContext = {
    at,
    revision: 2,
    stepIndex: 3,
    channel: 'sms',
    requestedChannel: 'email',
    attemptId: 'j/r2/s3/sms/9',
    fallbackUntil: at + 5 * HOUR,
  };

  it('records a sent message with its channels and attempt', () => {
    expect(eventForDelivery({ status: 'sent', providerMessageId: 'SM1' }, ctx)).toEqual({
      type: 'step_sent',
      at,
      revision: 2,
      stepIndex: 3,
      channel: 'sms',
      requestedChannel: 'email',
      attemptId: 'j/r2/s3/sms/9',
    });
  });

  it('records an undeliverable channel as a failed step, with the reason', () => {
    expect(eventForDelivery({ status: 'undeliverable', reason: 'suppressed' }, ctx)).toEqual({
      type: 'step_failed',
      at,
      revision: 2,
      stepIndex: 3,
      channel: 'sms',
      reason: 'suppressed',
    });
  });

  it("records an opt-out for the channel, naming the provider's source", () => {
    expect(eventForDelivery({ status: 'opted_out', source: 'twilio:21610' }, ctx)).toEqual({
      type: 'opted_out',
      at,
      channel: 'sms',
      actor: { kind: 'provider', id: 'twilio:21610' },
    });
  });

  it('records a deferral until the instant the guard named, with its reason (to the millisecond)', () => {
    const until = at + 3 * DAY + 7;
    const outcome = outcomeOfGuard({ verdict: 'delay', reason: 'frequency_cap', until })!;
    expect(eventForDelivery(outcome, ctx)).toEqual({
      type: 'step_deferred',
      at,
      revision: 2,
      stepIndex: 3,
      until,
      reason: 'frequency_cap',
    });
  });

  it('waits at least a minute (the workflow clock may run ahead of the activity’s), and falls back to the window end when no instant is named', () => {
    expect(
      eventForDelivery({ status: 'deferred', reason: 'quiet_hours', until: new Date(at - HOUR).toISOString() }, ctx),
    ).toMatchObject({ until: at + 60_000 });
    expect(
      eventForDelivery({ status: 'deferred', reason: 'quiet_hours', until: new Date(at).toISOString() }, ctx),
    ).toMatchObject({ until: at + 60_000 });
    expect(
      eventForDelivery({ status: 'deferred', reason: 'quiet_hours', until: new Date(at + 61_000).toISOString() }, ctx),
    ).toMatchObject({ until: at + 61_000 });
    expect(eventForDelivery({ status: 'deferred', reason: 'contact_window_closed' }, ctx)).toMatchObject({
      until: at + 5 * HOUR,
      reason: 'contact_window_closed',
    });
    expect(eventForDelivery({ status: 'deferred', reason: 'quiet_hours', until: 'not a date' }, ctx)).toMatchObject({
      until: at + 5 * HOUR,
    });
  });
});

describe('the escalation channels', () => {
  // The seller's app shows an in-app notification to the buyer: a contact like a call.
  it.each(['agent', 'in_app'] as const)(
    '%s is a contact: quiet hours, the weekday and the cap hold it; no WhatsApp mode',
    (channel) => {
      // 22:00 in São Paulo: quiet.
      const night = TUESDAY_NOON_SP + 10 * HOUR;
      expect(guardSend(request({ channel, now: night }))).toEqual({
        verdict: 'delay',
        reason: 'quiet_hours',
        until: Date.UTC(2026, 2, 11, 11, 0), // Wednesday 08:00 in São Paulo
      });
      // Sunday 15 March, noon: not an allowed weekday.
      expect(guardSend(request({ channel, now: TUESDAY_NOON_SP + 5 * DAY }))).toMatchObject({
        verdict: 'delay',
        reason: 'weekday',
      });
      const full = buyer({
        contacts: [TUESDAY_NOON_SP - 3 * HOUR, TUESDAY_NOON_SP - 2 * HOUR, TUESDAY_NOON_SP - HOUR],
      });
      expect(guardSend(request({ channel, now: TUESDAY_NOON_SP, buyer: full }))).toEqual({
        verdict: 'delay',
        reason: 'frequency_cap',
        until: TUESDAY_NOON_SP - 3 * HOUR + WEEK + 1,
      });
      expect(guardSend(request({ channel, now: TUESDAY_NOON_SP }))).toEqual({ verdict: 'allow' });
    },
  );

  it('the assistant’s opening message follows WhatsApp’s window: free-form inside, the template outside, refused without one', () => {
    const assistant = (over: Partial<SendRequest> = {}) =>
      guardSend(request({ channel: 'assistant', now: TUESDAY_NOON_SP, ...over }));
    expect(assistant()).toEqual({ verdict: 'allow', whatsappMode: 'template' });
    expect(assistant({ buyer: buyer({ lastWhatsAppInboundAt: TUESDAY_NOON_SP - HOUR }) })).toEqual({
      verdict: 'allow',
      whatsappMode: 'free_form',
    });
    expect(assistant({ whatsappTemplateAvailable: false })).toEqual({
      verdict: 'refuse',
      reason: 'whatsapp_template_unavailable',
    });
    expect(assistant({ now: TUESDAY_NOON_SP + 10 * HOUR })).toMatchObject({ verdict: 'delay', reason: 'quiet_hours' });
  });
});
