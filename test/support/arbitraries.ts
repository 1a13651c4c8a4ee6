/**
 * Shared fast-check generators and independent oracles for the domain test tier.
 *
 * The oracles here (local wall-clock readings, quiet-hour checks, date arithmetic) are written
 * against `Intl` and `Date.UTC` directly, not against domain/local-time.ts or luxon, so a test
 * that uses them checks the domain against a second implementation rather than against itself.
 */
import fc from 'fast-check';
import type { Channel } from '../../domain/channels';
import { type InstallmentInput, installmentInputSchema } from '../../domain/installment';
import type { CancelReason, ContactUpdate } from '../../domain/journey';
import { type Policy, policySchema } from '../../domain/policy';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

// ---------------------------------------------------------------------------------------------
// Time-zone oracles (Intl only)
// ---------------------------------------------------------------------------------------------

/**
 * Zones the property tests draw from: no-DST zones, northern and southern DST, half-hour and
 * 45-minute offsets, a 30-minute DST shift (Lord Howe), DST changes at midnight (Santiago, Havana),
 * the date line extremes.
 */
export const TIME_ZONES = [
  'UTC',
  'America/Sao_Paulo',
  'America/New_York',
  'America/Los_Angeles',
  'America/St_Johns',
  'America/Santiago',
  'America/Havana',
  'Europe/London',
  'Europe/Berlin',
  'Africa/Cairo',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Australia/Adelaide',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
] as const;

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalReading {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM */
  time: string;
  minuteOfDay: number;
  /** ISO weekday, 1 = Monday … 7 = Sunday */
  weekday: number;
}

/** What a wall clock in `timeZone` shows at `instant`, computed with Intl alone. */
export function localReading(instant: number, timeZone: string): LocalReading {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instant))) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${String(hour).padStart(2, '0')}:${parts.minute}`,
    minuteOfDay: hour * 60 + minute,
    weekday: WEEKDAYS[parts.weekday!]!,
  };
}

/** Zone offset (ms east of UTC) at an instant, from Intl. */
export function offsetAt(instant: number, timeZone: string): number {
  const r = localReading(instant, timeZone);
  const [y, mo, d] = r.date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, Math.floor(r.minuteOfDay / 60), r.minuteOfDay % 60);
  return wall - Math.floor(instant / MINUTE) * MINUTE;
}

/** Calendar arithmetic on YYYY-MM-DD with Date.UTC (no luxon). */
export function plusDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function isoWeekdayOfDate(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const js = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return js === 0 ? 7 : js;
}

export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Quiet-hours membership, re-stated from the policy's definition ("start > end wraps past midnight"). */
export function inQuietHours(quiet: { start: string; end: string }, minuteOfDay: number): boolean {
  const s = toMinutes(quiet.start);
  const e = toMinutes(quiet.end);
  return s < e ? minuteOfDay >= s && minuteOfDay < e : minuteOfDay >= s || minuteOfDay < e;
}

export function contactAllowed(policy: Policy, instant: number, timeZone: string): boolean {
  const r = localReading(instant, timeZone);
  return policy.allowedWeekdays.includes(r.weekday) && !inQuietHours(policy.quietHours, r.minuteOfDay);
}

/** Largest count of contacts in any rolling window (t − 7 days, t] that ends at one of `ends`. */
export function worstWindow(contacts: readonly number[], ends: readonly number[]): number {
  let worst = 0;
  for (const t of ends) worst = Math.max(worst, contacts.filter((c) => c > t - WEEK && c <= t).length);
  return worst;
}

// ---------------------------------------------------------------------------------------------
// Primitive arbitraries
// ---------------------------------------------------------------------------------------------

export const timeZoneArb = fc.constantFrom(...TIME_ZONES);

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export const localTimeArb = fc.integer({ min: 0, max: 1439 }).map(hhmm);

/** A calendar date between 2024-01-01 and 2030-12-31, biased to nothing in particular. */
export const localDateArb = fc
  .integer({ min: 0, max: 7 * 365 + 1 })
  .map((n) => new Date(Date.UTC(2024, 0, 1 + n)).toISOString().slice(0, 10));

/** An instant between 2023-06 and 2031-06, at millisecond resolution. */
export const instantArb = fc.integer({ min: Date.UTC(2023, 5, 1), max: Date.UTC(2031, 5, 1) });

export const channelArb = fc.constantFrom<Channel>('email', 'sms', 'whatsapp');

export const TEMPLATE_KEYS = ['pre_due', 'due_today', 'overdue_early', 'overdue_late', 'final_notice'] as const;

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

const quietHoursArb = fc
  .tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 1439 }))
  .map(([start, length]) => ({ start, end: (start + length) % 1440 }))
  .filter((q) => q.start !== q.end);

/**
 * Any policy the schema accepts, with the shapes that stress the planner: tiny contact windows,
 * one allowed weekday, caps of 1, steps on the same day, steps sharing an offset with the final
 * action. Every value is run through `policySchema.parse`, so a generator drifting away from the
 * schema fails loudly instead of testing nothing.
 */
export const policyArb: fc.Arbitrary<Policy> = quietHoursArb
  .chain((quiet) => {
    const allowedLength = 1440 - ((quiet.end - quiet.start + 1440) % 1440);
    // Send times outside quiet hours: the contact window is [end, start) going round the clock.
    const sendAtArb = fc.integer({ min: 0, max: allowedLength - 1 }).map((i) => hhmm((quiet.end + i) % 1440));
    const stepArb = fc.record({
      offsetDays: fc.integer({ min: -20, max: 60 }),
      channel: channelArb,
      template: fc.constantFrom(...TEMPLATE_KEYS),
      sendAt: sendAtArb,
    });
    return fc.record({
      quiet: fc.constant(quiet),
      steps: fc
        .array(stepArb, { minLength: 1, maxLength: 8 })
        .map((steps) => [...steps].sort((a, b) => a.offsetDays - b.offsetDays)),
      allowedWeekdays: fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
      maxContactsPer7Days: fc.integer({ min: 1, max: 7 }),
      finalExtraDays: fc.integer({ min: 0, max: 20 }),
      finalAction: fc.constantFrom('write_off' as const, 'hand_to_agency' as const, 'cancel_subscription' as const),
      maxDaysBeyondOriginalDue: fc.integer({ min: 0, max: 60 }),
      maxTimes: fc.integer({ min: 0, max: 4 }),
      partialAllowed: fc.boolean(),
      version: fc.integer({ min: 1, max: 20 }),
    });
  })
  .map((g) => {
    const last = g.steps[g.steps.length - 1]!.offsetDays;
    return policySchema.parse({
      id: 'generated',
      version: g.version,
      steps: g.steps,
      quietHours: { start: hhmm(g.quiet.start), end: hhmm(g.quiet.end) },
      allowedWeekdays: g.allowedWeekdays,
      maxContactsPer7Days: g.maxContactsPer7Days,
      reschedule: { maxDaysBeyondOriginalDue: g.maxDaysBeyondOriginalDue, maxTimes: g.maxTimes },
      partialPayments: { allowed: g.partialAllowed, minimumMinor: 0 },
      finalAction: { action: g.finalAction, offsetDays: Math.max(0, last) + g.finalExtraDays },
    });
  });

// ---------------------------------------------------------------------------------------------
// Installments
// ---------------------------------------------------------------------------------------------

export interface InstallmentOptions {
  timezone?: string;
  dueDate?: string;
  amountMinor?: number;
  currency?: string;
  email?: string | undefined;
  phone?: string | undefined;
  whatsapp?: string | undefined;
  locale?: InstallmentInput['buyer']['locale'];
}

/** A valid installment (parsed by the real schema) with the given overrides. */
export function installmentFixture(o: InstallmentOptions = {}): InstallmentInput {
  // Passing a key explicitly as undefined means "the buyer has no such address".
  const pick = (k: 'email' | 'phone' | 'whatsapp', fallback: string) => (k in o ? o[k] : fallback);
  const email = pick('email', 'ana@example.com');
  const phone = pick('phone', '+5511987654321');
  const whatsapp = pick('whatsapp', '+5511987654321');
  return installmentInputSchema.parse({
    tenantId: 'acme',
    installmentId: 'inst-42',
    purchaseId: 'pur-7',
    product: { id: 'course-1', name: 'Guitar course' },
    buyer: {
      id: 'buyer-9',
      name: 'Ana Souza',
      ...(email !== undefined && { email }),
      ...(phone !== undefined && { phone }),
      ...(whatsapp !== undefined && { whatsapp }),
      locale: o.locale ?? 'pt-BR',
      timezone: o.timezone ?? 'America/Sao_Paulo',
      country: 'BR',
    },
    amount: { amountMinor: o.amountMinor ?? 10_000, currency: o.currency ?? 'BRL' },
    installmentNumber: 2,
    installmentCount: 6,
    dueDate: o.dueDate ?? '2026-03-15',
    paymentUrl: 'https://pay.example.com/i/inst-42',
  });
}

// ---------------------------------------------------------------------------------------------
// Payments
// ---------------------------------------------------------------------------------------------

export interface PaymentSpec {
  paymentId: string;
  amountMinor: number;
  currency: string;
}

/** Distinct payments (unique ids), mostly in the installment's currency, some not. */
export function paymentsArb(currency: string, maxAmount: number): fc.Arbitrary<PaymentSpec[]> {
  return fc.uniqueArray(
    fc.record({
      paymentId: fc.stringMatching(/^pay_[a-z0-9]{1,6}$/),
      amountMinor: fc.integer({ min: 1, max: maxAmount }),
      currency: fc.oneof(
        { weight: 5, arbitrary: fc.constant(currency) },
        { weight: 1, arbitrary: fc.constantFrom('USD', 'EUR', 'JPY') },
      ),
    }),
    { selector: (p) => p.paymentId, minLength: 0, maxLength: 8 },
  );
}

// ---------------------------------------------------------------------------------------------
// Journey scenarios: external events for the driver in test/domain/driver.ts
// ---------------------------------------------------------------------------------------------

export type ScenarioEvent =
  | { kind: 'payment'; paymentId: string; amountMinor: number; currency: string }
  | { kind: 'change_due_date'; shiftDays: number }
  | { kind: 'pause'; untilHours: number | null }
  | { kind: 'resume' }
  | { kind: 'cancel'; reason: CancelReason }
  | { kind: 'contact'; changes: ContactUpdate }
  | { kind: 'opt_out'; channel: Channel };

export interface JourneyScenario {
  policy: Policy;
  timeZone: string;
  dueDate: string;
  /** Journey start relative to local midnight of the due date. */
  startOffsetMinutes: number;
  amountMinor: number;
  contact: { email: string | undefined; phone: string | undefined; whatsapp: string | undefined };
  /** External events; `afterMinutes` is the gap since the previous one (or the start). */
  events: { afterMinutes: number; event: ScenarioEvent }[];
  /** Delivery outcomes consumed in order, cyclically: true = permanent provider failure. */
  failures: boolean[];
}

const contactChangesArb: fc.Arbitrary<ContactUpdate> = fc.record(
  {
    email: fc.constantFrom('new@example.com', 'other@example.org', null),
    phone: fc.constantFrom('+14155550100', '+5511912345678', null),
    whatsapp: fc.constantFrom('+14155550199', null),
    locale: fc.constantFrom('en' as const, 'es' as const, 'fr' as const, 'pt-BR' as const),
    timezone: timeZoneArb,
  },
  { requiredKeys: [] },
);

function scenarioEventArb(amountMinor: number): fc.Arbitrary<ScenarioEvent> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('payment' as const),
        // A small id pool so duplicates (redelivered webhooks) are common.
        paymentId: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5'),
        amountMinor: fc.oneof(
          fc.integer({ min: 1, max: amountMinor }),
          fc.constant(amountMinor),
          fc.integer({ min: amountMinor, max: amountMinor * 2 }),
        ),
        currency: fc.oneof({ weight: 6, arbitrary: fc.constant('BRL') }, { weight: 1, arbitrary: fc.constant('USD') }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('change_due_date' as const),
        shiftDays: fc.integer({ min: -10, max: 45 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('pause' as const),
        untilHours: fc.option(fc.integer({ min: 1, max: 24 * 20 }), { nil: null }),
      }),
    },
    { weight: 2, arbitrary: fc.constant({ kind: 'resume' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('cancel' as const),
        reason: fc.constantFrom<CancelReason>('refund', 'subscription_canceled', 'manual'),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('contact' as const), changes: contactChangesArb }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('opt_out' as const), channel: channelArb }) },
  );
}

export function journeyScenarioArb(options: { policy?: fc.Arbitrary<Policy> } = {}): fc.Arbitrary<JourneyScenario> {
  return fc
    .record({
      policy: options.policy ?? policyArb,
      timeZone: timeZoneArb,
      dueDate: localDateArb,
      startOffsetMinutes: fc.integer({ min: -20 * 24 * 60, max: 40 * 24 * 60 }),
      amountMinor: fc.integer({ min: 1, max: 500_000 }),
      // Each address present four times in five.
      contact: fc.record({
        email: fc.option(fc.constant('ana@example.com'), { nil: undefined, freq: 5 }),
        phone: fc.option(fc.constant('+5511987654321'), { nil: undefined, freq: 5 }),
        whatsapp: fc.option(fc.constant('+5511987654321'), { nil: undefined, freq: 5 }),
      }),
      // Mostly successful deliveries, with permanent failures now and then.
      failures: fc.array(
        fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        { minLength: 1, maxLength: 6 },
      ),
    })
    .chain((base) =>
      fc
        .array(
          fc.record({
            afterMinutes: fc.integer({ min: 0, max: 12 * 24 * 60 }),
            event: scenarioEventArb(base.amountMinor),
          }),
          { maxLength: 12 },
        )
        .map((events) => ({ ...base, events })),
    );
}
