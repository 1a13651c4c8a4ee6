/**
 * Thousands of buyers, each with 1–4 journeys running at once (different installments, due
 * dates and policies) that share the buyer's addresses, consent and contact ledger; random time
 * zones (half-hour, 45-minute and DST zones, dates near DST changes), holidays, STOP / START,
 * inbound WhatsApp messages, bounces, provider refusals, payments, pauses, due-date changes.
 *
 * The simulation (./buyer-simulation.ts) runs the real domain: plan, state machine, channel
 * resolution, the compliance guard, delivery outcomes. The checker below re-derives every rule
 * of contact from the log on its own — the wall clock from `Intl`, the rolling week, consent and
 * the WhatsApp window by folding over what happened — and shares no code with the guard.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../domain/channels';
import { guardSend } from '../../domain/compliance';
import { MIN_DEFERRAL_MS } from '../../domain/delivery';
import type { CancelReason } from '../../domain/journey';
import { type Policy, policySchema } from '../../domain/policy';
import {
  DAY,
  HOUR,
  MINUTE,
  TEMPLATE_KEYS,
  TIME_ZONES,
  WEEK,
  inQuietHours,
  installmentFixture,
  localReading,
  plusDays,
} from '../support/arbitraries';
import {
  type BuyerInput,
  type BuyerRun,
  type BuyerScenario,
  type JourneyInput,
  type ProviderBehaviour,
  type SimJourney,
  simulateBuyer,
} from './buyer-simulation';

/** Buyers per run; with 1–4 journeys each (mean 2.75) that is about 11,500 journeys. */
const BUYERS = 4_200;
const MIN_JOURNEYS = 10_000;

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** A date in 2025–2029, half the time in March/April or October/November, when most DST changes happen. */
const baseDateArb = fc.oneof(
  fc.integer({ min: 0, max: 5 * 365 }).map((n) => plusDays('2025-01-01', n)),
  fc
    .record({
      year: fc.integer({ min: 2025, max: 2029 }),
      month: fc.constantFrom(2, 3, 9, 10),
      day: fc.integer({ min: 1, max: 28 }),
    })
    .map(({ year, month, day }) => new Date(Date.UTC(year, month, day)).toISOString().slice(0, 10)),
);

/**
 * Short policies (1–4 steps over a fortnight) with the shapes that stress the guard: low caps, few weekdays, odd quiet
 * hours.
 */
const shortPolicyArb = (baseDate: string): fc.Arbitrary<Policy> =>
  fc
    .oneof(
      {
        weight: 3,
        arbitrary: fc.tuple(fc.integer({ min: 19 * 60, max: 23 * 60 + 30 }), fc.integer({ min: 6 * 60, max: 9 * 60 })),
      },
      { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1439 })) },
    )
    .filter(([start, end]) => start !== end)
    .chain(([start, end]) => {
      const allowedMinutes = 1440 - ((end - start + 1440) % 1440);
      const sendAt = fc.integer({ min: 0, max: allowedMinutes - 1 }).map((i) => hhmm((end + i) % 1440));
      return fc.record({
        quietHours: fc.constant({ start: hhmm(start), end: hhmm(end) }),
        steps: fc
          .array(
            fc.record({
              offsetDays: fc.integer({ min: -4, max: 14 }),
              channel: fc.constantFrom<Channel>('email', 'sms', 'whatsapp'),
              template: fc.constantFrom(...TEMPLATE_KEYS),
              sendAt,
            }),
            {
              minLength: 1,
              maxLength: 4,
            },
          )
          .map((steps) => [...steps].sort((a, b) => a.offsetDays - b.offsetDays)),
        allowedWeekdays: fc.oneof(
          fc.constant([1, 2, 3, 4, 5, 6]),
          fc.constant([1, 2, 3, 4, 5, 6, 7]),
          fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
        ),
        maxContactsPer7Days: fc.integer({ min: 1, max: 5 }),
        maxDaysBeyondOriginalDue: fc.integer({ min: 0, max: 20 }),
        maxTimes: fc.integer({ min: 0, max: 2 }),
        holidays: fc.option(
          fc.record({
            observePublicHolidays: fc.boolean(),
            closedDates: fc.uniqueArray(
              fc.integer({ min: -2, max: 30 }).map((k) => plusDays(baseDate, k)),
              { maxLength: 2 },
            ),
          }),
          { nil: undefined },
        ),
        finalExtraDays: fc.integer({ min: 0, max: 7 }),
      });
    })
    .map((g) =>
      policySchema.parse({
        id: 'sim',
        version: 1,
        steps: g.steps,
        quietHours: g.quietHours,
        allowedWeekdays: g.allowedWeekdays,
        maxContactsPer7Days: g.maxContactsPer7Days,
        reschedule: { maxDaysBeyondOriginalDue: g.maxDaysBeyondOriginalDue, maxTimes: g.maxTimes },
        partialPayments: { allowed: true, minimumMinor: 0 },
        ...(g.holidays && { holidays: g.holidays }),
        finalAction: {
          action: 'write_off',
          offsetDays: Math.max(0, g.steps[g.steps.length - 1]!.offsetDays) + g.finalExtraDays,
        },
      }),
    );

type JourneyInputSpec =
  | { kind: 'payment'; full: boolean }
  | { kind: 'pause'; hours: number | null }
  | { kind: 'resume' }
  | { kind: 'change_due_date'; shiftDays: number }
  | { kind: 'cancel'; reason: CancelReason };

const journeyInputSpecArb: fc.Arbitrary<JourneyInputSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('payment' as const), full: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('pause' as const),
      hours: fc.option(fc.integer({ min: 1, max: 96 }), { nil: null, freq: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('change_due_date' as const),
      shiftDays: fc.integer({ min: -3, max: 20 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('cancel' as const),
      reason: fc.constantFrom<CancelReason>('refund', 'subscription_canceled', 'manual'),
    }),
  },
);

const buyerInputArb: fc.Arbitrary<BuyerInput> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<BuyerInput>({ kind: 'inbound_whatsapp' }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<BuyerInput>({ kind: 'stop', channel: 'sms' }, { kind: 'stop', channel: 'whatsapp' }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<BuyerInput>({ kind: 'start', channel: 'sms' }, { kind: 'start', channel: 'whatsapp' }),
  },
  { weight: 1, arbitrary: fc.constant<BuyerInput>({ kind: 'hard_bounce' }) },
);

/** Mostly at once; sometimes seconds to minutes late (a backlog); now and then hours late (an outage). */
const activityDelaysArb = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.integer({ min: 1_000, max: 5 * MINUTE }) },
    { weight: 1, arbitrary: fc.integer({ min: 5 * MINUTE, max: 8 * HOUR }) },
  ),
  { minLength: 1, maxLength: 4 },
);

const providerArb = fc.array(
  fc.oneof(
    { weight: 12, arbitrary: fc.constant<ProviderBehaviour>('accept') },
    { weight: 1, arbitrary: fc.constantFrom<ProviderBehaviour>('opted_out', 'undeliverable') },
  ),
  { minLength: 1, maxLength: 8 },
);

interface JourneyGen {
  policy: Policy;
  dueOffsetDays: number;
  startOffsetMinutes: number;
  amountMinor: number;
  inputs: { afterMinutes: number; spec: JourneyInputSpec }[];
}

const journeyGenArb = (baseDate: string): fc.Arbitrary<JourneyGen> =>
  fc.record({
    policy: shortPolicyArb(baseDate),
    dueOffsetDays: fc.integer({ min: 0, max: 20 }),
    // From 5 days before the due date (local midnight) to 2 days after it.
    startOffsetMinutes: fc.integer({ min: -5 * 24 * 60, max: 2 * 24 * 60 }),
    amountMinor: fc.integer({ min: 100, max: 100_000 }),
    inputs: fc.array(
      fc.record({ afterMinutes: fc.integer({ min: 0, max: 25 * 24 * 60 }), spec: journeyInputSpecArb }),
      { maxLength: 3 },
    ),
  });

const scenarioArb: fc.Arbitrary<BuyerScenario> = fc
  .record({ baseDate: baseDateArb, timeZone: fc.constantFrom(...TIME_ZONES) })
  .chain(({ baseDate, timeZone }) =>
    fc.record({
      baseDate: fc.constant(baseDate),
      timeZone: fc.constant(timeZone),
      contact: fc.record({
        email: fc.option(fc.constant('ana@example.com'), { nil: undefined, freq: 6 }),
        phone: fc.option(fc.constant('+5511987654321'), { nil: undefined, freq: 6 }),
        whatsapp: fc.option(fc.constant('+5511987654321'), { nil: undefined, freq: 6 }),
      }),
      publicHolidays: fc.uniqueArray(
        fc.integer({ min: -3, max: 40 }).map((k) => plusDays(baseDate, k)),
        { maxLength: 4 },
      ),
      whatsappTemplates: fc.subarray([...TEMPLATE_KEYS]),
      journeys: fc.oneof(
        { weight: 1, arbitrary: fc.array(journeyGenArb(baseDate), { minLength: 1, maxLength: 1 }) },
        { weight: 2, arbitrary: fc.array(journeyGenArb(baseDate), { minLength: 2, maxLength: 2 }) },
        { weight: 3, arbitrary: fc.array(journeyGenArb(baseDate), { minLength: 3, maxLength: 3 }) },
        { weight: 2, arbitrary: fc.array(journeyGenArb(baseDate), { minLength: 4, maxLength: 4 }) },
      ),
      buyerInputs: fc.array(
        fc.record({ afterMinutes: fc.integer({ min: 0, max: 35 * 24 * 60 }), input: buyerInputArb }),
        { maxLength: 5 },
      ),
      provider: providerArb,
      activityDelays: activityDelaysArb,
    }),
  )
  .map((g) => {
    const zone = g.timeZone;
    const midnight = (date: string) => DateTime.fromISO(date, { zone }).toMillis();
    const journeys: SimJourney[] = g.journeys.map((j, i) => {
      const dueDate = plusDays(g.baseDate, j.dueOffsetDays);
      const startAt = midnight(dueDate) + j.startOffsetMinutes * MINUTE;
      const installment = {
        ...installmentFixture({ timezone: zone, dueDate, amountMinor: j.amountMinor, currency: 'BRL', ...g.contact }),
        installmentId: `inst-${i}`,
      };
      let paymentNo = 0;
      const inputs = j.inputs.map(({ afterMinutes, spec }): { at: number; input: JourneyInput } => {
        const at = startAt + afterMinutes * MINUTE;
        switch (spec.kind) {
          case 'payment':
            return {
              at,
              input: {
                kind: 'event',
                event: {
                  type: 'payment_received',
                  at,
                  paymentId: `p${++paymentNo}`,
                  amountMinor: spec.full ? j.amountMinor : Math.ceil(j.amountMinor / 3),
                  currency: 'BRL',
                },
              },
            };
          case 'pause':
            return {
              at,
              input: {
                kind: 'event',
                event: { type: 'paused', at, until: spec.hours === null ? null : at + spec.hours * HOUR },
              },
            };
          case 'resume':
            return { at, input: { kind: 'event', event: { type: 'resumed', at } } };
          case 'cancel':
            return { at, input: { kind: 'event', event: { type: 'canceled', at, reason: spec.reason } } };
          case 'change_due_date':
            return { at, input: { kind: 'change_due_date', to: plusDays(dueDate, spec.shiftDays) } };
        }
      });
      return { installment, policy: j.policy, startAt, inputs };
    });
    const firstStart = Math.min(...journeys.map((j) => j.startAt));
    return {
      timeZone: zone,
      publicHolidays: g.publicHolidays,
      whatsappTemplates: g.whatsappTemplates,
      journeys,
      buyerInputs: g.buyerInputs.map(({ afterMinutes, input }) => ({ at: firstStart + afterMinutes * MINUTE, input })),
      provider: g.provider,
      activityDelays: g.activityDelays,
      // Far beyond any final action (due dates within 20 days, a ladder of at most 3 weeks, 20 days of rescheduling,
      // pauses).
      stopAt: firstStart + 200 * DAY,
    };
  });

// ---------------------------------------------------------------------------------------------
// The checker
// ---------------------------------------------------------------------------------------------

interface Stats {
  buyers: number;
  journeys: number;
  sends: number;
  sendsByChannel: Record<Channel, number>;
  whatsapp: { free_form: number; template: number };
  deferrals: Record<string, number>;
  guardRefusals: Record<string, number>;
  providerRefusals: Record<string, number>;
  noChannel: number;
  /** Sends a sibling journey's stricter cap would have blocked: the guard used the sender's own. */
  sendsOverASiblingsCap: number;
  sendsAfterStart: number;
  /** Reminders still waiting to go out when their journey closed: canceled, never sent. */
  canceledOnClose: number;
  /** Outcomes that reached a journey after it closed or its plan moved on (due-date change while in flight). */
  staleOutcomes: Record<string, number>;
  outcomes: Record<string, number>;
  violations: number;
}

const newStats = (): Stats => ({
  buyers: 0,
  journeys: 0,
  sends: 0,
  sendsByChannel: { email: 0, sms: 0, whatsapp: 0, assistant: 0, agent: 0, in_app: 0 },
  whatsapp: { free_form: 0, template: 0 },
  deferrals: {},
  guardRefusals: {},
  providerRefusals: {},
  noChannel: 0,
  sendsOverASiblingsCap: 0,
  sendsAfterStart: 0,
  canceledOnClose: 0,
  staleOutcomes: {},
  outcomes: {},
  violations: 0,
});
const stats = newStats();
const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

const noChannel = (): Record<Channel, boolean> => ({
  email: false,
  sms: false,
  whatsapp: false,
  assistant: false,
  agent: false,
  in_app: false,
});

/** Every rule of contact, re-derived from the log. Returns the violations found (empty when none). */
function check(s: BuyerScenario, run: BuyerRun, stats: Stats = newStats()): string[] {
  const violations: string[] = [];
  const fail = (at: number, what: string) => violations.push(`${new Date(at).toISOString()} ${what}`);
  // Address-level facts, folded in log order.
  const optedOut: Record<Channel, boolean> = noChannel();
  const suppressed: Record<Channel, boolean> = noChannel();
  const reopened: Record<Channel, boolean> = noChannel();
  let lastInbound: number | null = null;
  const sends: number[] = [];
  const minCap = Math.min(...s.journeys.map((j) => j.policy.maxContactsPer7Days));
  let previousAt = Number.NEGATIVE_INFINITY;

  const holidaysOf = (policy: Policy) => [
    ...(policy.holidays?.closedDates ?? []),
    ...(policy.holidays?.observePublicHolidays ? s.publicHolidays : []),
  ];
  const sendsInWeekBefore = (at: number) => sends.filter((c) => at - c < WEEK).length;
  const windowOpen = (at: number) => lastInbound !== null && lastInbound <= at && at - lastInbound < 24 * HOUR;

  for (const entry of run.log) {
    if (entry.at < previousAt) fail(entry.at, 'the log goes back in time');
    previousAt = entry.at;
    if (entry.kind === 'buyer_input') {
      const input = entry.input;
      if (input.kind === 'stop') optedOut[input.channel] = true;
      if (input.kind === 'start') {
        if (optedOut[input.channel]) reopened[input.channel] = true;
        optedOut[input.channel] = false;
      }
      if (input.kind === 'inbound_whatsapp') lastInbound = Math.max(lastInbound ?? entry.at, entry.at);
      if (input.kind === 'hard_bounce') suppressed.email = true;
      continue;
    }
    if (entry.kind === 'due_date_refused') continue;
    if (entry.kind === 'canceled') {
      stats.canceledOnClose++;
      continue;
    }
    if (entry.kind === 'no_channel') {
      stats.noChannel++;
      if (entry.recorded?.type !== 'step_skipped' || entry.recorded.reason !== 'no_channel')
        fail(entry.at, `journey ${entry.journey}: a step with no channel left no step_skipped event`);
      continue;
    }

    // A delivery.
    const { at, channel, decision, outcome, recorded } = entry;
    const policy = s.journeys[entry.journey]!.policy;
    const local = localReading(at, s.timeZone);
    const where = `journey ${entry.journey} ${channel} at ${local.date} ${local.time} (weekday ${local.weekday}) in ${s.timeZone}`;
    const prior = sendsInWeekBefore(at);

    // The guard's refusals: exactly when consent, reachability or the WhatsApp template say so.
    if (optedOut[channel] !== (decision.verdict === 'refuse' && decision.reason === 'opted_out'))
      fail(at, `${where}: opted out = ${optedOut[channel]} but the guard said ${JSON.stringify(decision)}`);
    if (decision.verdict === 'refuse') bump(stats.guardRefusals, decision.reason);
    if (decision.verdict === 'refuse' && decision.reason === 'suppressed' && !suppressed[channel])
      fail(at, `${where}: refused as suppressed, but the address never bounced`);
    if (decision.verdict === 'refuse' && decision.reason === 'whatsapp_template_unavailable') {
      if (
        channel !== 'whatsapp' ||
        s.whatsappTemplates.includes(entry.template) ||
        (lastInbound !== null && lastInbound <= at && at - lastInbound < 24 * HOUR - 5 * MINUTE)
      ) {
        fail(at, `${where}: refused for want of a template that was not needed`);
      }
    }
    // The guard's delays: the reason it gives must hold for this journey's policy.
    if (decision.verdict === 'delay') {
      bump(stats.deferrals, decision.reason);
      const holds =
        decision.reason === 'weekday'
          ? !policy.allowedWeekdays.includes(local.weekday)
          : decision.reason === 'holiday'
            ? holidaysOf(policy).includes(local.date)
            : decision.reason === 'quiet_hours'
              ? inQuietHours(policy.quietHours, local.minuteOfDay)
              : prior >= policy.maxContactsPer7Days;
      if (!holds)
        fail(
          at,
          `${where}: deferred for ${decision.reason}, which does not hold (${prior} contacts this week, cap ${policy.maxContactsPer7Days})`,
        );
      if (!(decision.until > at)) fail(at, `${where}: deferred until ${decision.until}, not later than now`);
    }

    // What the journey recorded: every decision becomes an event with its reason.
    const expectedType = {
      sent: 'step_sent',
      deferred: 'step_deferred',
      opted_out: 'opted_out',
      undeliverable: 'step_failed',
    }[outcome.status];
    if (entry.stale)
      bump(
        stats.staleOutcomes,
        `${outcome.status} after ${entry.stale === 'closed' ? 'close' : 'plan change'}${recorded ? '' : ' (not recorded)'}`,
      );
    // A message that went out is always on record; any other outcome at least while its step is current.
    if (!recorded && (outcome.status === 'sent' || !entry.stale))
      fail(at, `${where}: outcome ${outcome.status} of a ${entry.stale ? 'stale' : 'current'} step was not recorded`);
    else if (!recorded) {
      // A stale outcome the journey had no use for: the attempt row and the address state keep it.
    } else if (recorded.type !== expectedType)
      fail(at, `${where}: outcome ${outcome.status} recorded as ${recorded.type}`);
    else if (
      recorded.type === 'step_deferred' &&
      (outcome.status !== 'deferred' ||
        recorded.reason !== outcome.reason ||
        decision.verdict !== 'delay' ||
        recorded.until !== Math.max(decision.until, at + MIN_DEFERRAL_MS))
    ) {
      fail(at, `${where}: deferral recorded as ${JSON.stringify(recorded)} for ${JSON.stringify(decision)}`);
    } else if (recorded.type === 'step_failed' && !recorded.reason)
      fail(at, `${where}: failure recorded without a reason`);

    if (decision.verdict === 'allow' && outcome.status !== 'sent') {
      // The provider refused: consent or reachability changes for every journey at this address.
      bump(stats.providerRefusals, outcome.status);
      if (outcome.status === 'opted_out') optedOut[channel] = true;
      if (outcome.status === 'undeliverable') suppressed[channel] = true;
      continue;
    }
    if (outcome.status !== 'sent') continue;
    if (entry.stale === 'closed') fail(at, `${where}: sent after the journey closed`);

    // A message went out. Every rule of contact, for the policy of the journey that sent it.
    stats.sends++;
    stats.sendsByChannel[channel]++;
    if (inQuietHours(policy.quietHours, local.minuteOfDay))
      fail(at, `${where}: sent inside quiet hours ${policy.quietHours.start}–${policy.quietHours.end}`);
    if (!policy.allowedWeekdays.includes(local.weekday))
      fail(at, `${where}: sent on a weekday the policy does not allow (${policy.allowedWeekdays.join(',')})`);
    if (holidaysOf(policy).includes(local.date)) fail(at, `${where}: sent on a holiday`);
    if (prior >= policy.maxContactsPer7Days)
      fail(at, `${where}: sent with ${prior} contacts already in the week, cap ${policy.maxContactsPer7Days}`);
    if (prior >= minCap) stats.sendsOverASiblingsCap++;
    if (optedOut[channel]) fail(at, `${where}: sent after an opt-out and before any START`);
    if (reopened[channel]) stats.sendsAfterStart++;
    if (suppressed[channel]) fail(at, `${where}: sent to a suppressed address`);
    if (channel === 'whatsapp') {
      if (outcome.whatsappMode === 'free_form') {
        stats.whatsapp.free_form++;
        if (!windowOpen(at))
          fail(
            at,
            `${where}: free-form WhatsApp outside 24 h of the buyer's last message (${lastInbound === null ? 'none' : new Date(lastInbound).toISOString()})`,
          );
      } else if (outcome.whatsappMode === 'template') {
        stats.whatsapp.template++;
        if (!s.whatsappTemplates.includes(entry.template))
          fail(at, `${where}: WhatsApp template ${entry.template} sent, but it has no approved version`);
      } else fail(at, `${where}: WhatsApp sent without a mode`);
    } else if (outcome.whatsappMode !== undefined) fail(at, `${where}: a WhatsApp mode on ${channel}`);
    sends.push(at);
  }

  // Every journey terminates: it closes (stopAt is far beyond any final action).
  run.journeys.forEach((j, i) => {
    if (j.state.outcome === null)
      fail(
        j.lastAt,
        `journey ${i} did not terminate (stage ${j.state.paused ? 'paused' : 'open'}, step ${j.state.nextStepIndex})`,
      );
    else bump(stats.outcomes, j.state.outcome);
  });
  return violations;
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

describe('buyers with several journeys at once (simulation)', () => {
  afterAll(() => {
    if (stats.buyers === 0) return;
    const d = Object.entries(stats.deferrals)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const g = Object.entries(stats.guardRefusals)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const p = Object.entries(stats.providerRefusals)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `buyer simulation: ${stats.journeys} journeys of ${stats.buyers} buyers; ${stats.sends} sends (email ${stats.sendsByChannel.email}, sms ${stats.sendsByChannel.sms}, ` +
        `whatsapp ${stats.sendsByChannel.whatsapp}: ${stats.whatsapp.free_form} free-form, ${stats.whatsapp.template} template); deferrals: ${d}; ` +
        `guard refusals: ${g}; provider refusals: ${p}; no channel ${stats.noChannel}; sends over a sibling journey's lower cap ${stats.sendsOverASiblingsCap}; ` +
        `sends after a START ${stats.sendsAfterStart}; reminders canceled on close ${stats.canceledOnClose}; stale outcomes ${JSON.stringify(stats.staleOutcomes)}; violations found: ${stats.violations}`,
    );
  });

  it('never breaks a rule of contact, records every blocked send, and every journey ends', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const run = simulateBuyer(scenario);
        const violations = check(scenario, run, stats);
        stats.buyers++;
        stats.journeys += scenario.journeys.length;
        stats.violations += violations.length;
        expect(violations).toEqual([]);
      }),
      { numRuns: BUYERS },
    );
    expect(stats.journeys).toBeGreaterThanOrEqual(MIN_JOURNEYS);
    expect(stats.violations).toBe(0);
    // The scenarios reached every rule (otherwise "no violation" proves little).
    for (const reason of ['quiet_hours', 'weekday', 'holiday', 'frequency_cap'] as const)
      expect(stats.deferrals[reason] ?? 0, `deferrals for ${reason}`).toBeGreaterThan(0);
    for (const reason of ['opted_out', 'suppressed', 'whatsapp_template_unavailable'])
      expect(stats.guardRefusals[reason] ?? 0, `guard refusals: ${reason}`).toBeGreaterThan(0);
    expect(stats.providerRefusals.opted_out ?? 0).toBeGreaterThan(0);
    expect(stats.providerRefusals.undeliverable ?? 0).toBeGreaterThan(0);
    expect(stats.whatsapp.free_form).toBeGreaterThan(0);
    expect(stats.whatsapp.template).toBeGreaterThan(0);
    expect(stats.sendsOverASiblingsCap).toBeGreaterThan(0);
    expect(stats.sendsAfterStart).toBeGreaterThan(0);
  }, 180_000);

  describe('the checker itself', () => {
    // Broken guards, each missing one rule: the checker must notice every one of them.
    const mutants: Record<string, typeof guardSend> = {
      'reads the clock in UTC': (r) => guardSend({ ...r, timeZone: 'UTC' }),
      'ignores the frequency cap': (r) => guardSend({ ...r, rules: { ...r.rules, maxContactsPer7Days: 100 } }),
      'allows one contact too many': (r) =>
        guardSend({ ...r, rules: { ...r.rules, maxContactsPer7Days: r.rules.maxContactsPer7Days + 1 } }),
      'forgets holidays': (r) => guardSend({ ...r, rules: { ...r.rules, holidays: [] } }),
      'ignores opt-outs': (r) => guardSend({ ...r, buyer: { ...r.buyer, optedOut: [] } }),
      'ignores suppressions': (r) => guardSend({ ...r, buyer: { ...r.buyer, suppressed: [] } }),
      'sends templates it does not have': (r) => guardSend({ ...r, whatsappTemplateAvailable: true }),
      'keeps the WhatsApp window open for 25 hours': (r) =>
        guardSend({
          ...r,
          buyer: {
            ...r.buyer,
            lastWhatsAppInboundAt: r.buyer.lastWhatsAppInboundAt === null ? null : r.buyer.lastWhatsAppInboundAt + HOUR,
          },
        }),
    };
    const sample = fc.sample(scenarioArb, { numRuns: 400, seed: 20260310 });

    it.each(Object.keys(mutants))('catches a guard that %s', (name) => {
      const caught = sample.find(
        (scenario) => check(scenario, simulateBuyer(scenario, { guard: mutants[name]! })).length > 0,
      );
      expect(caught, 'no scenario exposed the broken guard').toBeDefined();
    });
  });
});
