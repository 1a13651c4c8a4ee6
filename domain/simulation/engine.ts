import { type RateLimits, resolveChannel } from '../channels';
import {
  type ContactRules,
  type DelayReason,
  type PublicHolidayLookup,
  contactRulesOf,
  contactsInWindow,
  guardSend,
  observedHolidays,
} from '../compliance';
import { eventForDelivery, outcomeOfGuard } from '../delivery';
import type { InstallmentInput } from '../installment';
import {
  type JourneyEvent,
  type JourneyState,
  channelAvailability,
  dispatch,
  eventOfAction,
  nextMove,
  outstandingMinor,
  planOf,
  startJourney,
} from '../journey';
import { type LocalDate, MS_PER_DAY } from '../local-time';
import type { Policy } from '../policy';
import { type SimulationAssumptions, paymentProbability } from './assumptions';
import { EventQueue } from './event-queue';
import { randomStream } from './random';
import { type SimulationReport, summarize } from './report';
import { DELAY_REASONS, QueueLoad, type SimulatedSend, type SimulationTally } from './tally';

/**
 * The what-if simulator: a policy run over a portfolio in virtual time through the journey's own
 * domain (the state machine, the planner, channel fall-through) and, at every send, the
 * compliance guard the deliver activity applies, with the buyer's contact ledger across their
 * installments. Nothing is sent. Pure: the holidays and the limits come in as data.
 */

export interface SimulationInput {
  policy: Policy;
  installments: readonly InstallmentInput[];
  /** When the journeys start (as if started now). */
  start: number;
  /** Stop here: journeys still running then are reported as open. Absent: run every journey to its end. */
  end?: number | undefined;
  assumptions: SimulationAssumptions;
  /** The public holidays the guard would observe (absent: none). */
  publicHolidays?: PublicHolidayLookup | undefined;
  /** The providers' configured rate limits, per channel (the worker's). */
  rateLimits?: RateLimits | undefined;
  /** Called every so often with the journeys finished so far. */
  onProgress?: ((finished: number, total: number) => void) | undefined;
  /** Keep every send (the comparison with real journeys); off by default, a large portfolio makes many. */
  keepSends?: boolean;
}

/**
 * The guard's rules for a send, as the deliver activity builds them (observedHolidays,
 * contactRulesOf), built once per holiday calendar instead of once per send: a calendar lookup
 * answers the same list for the same country and years.
 */
const NO_HOLIDAYS: LocalDate[] = [];

function rulesCache(policy: Policy, lookup: PublicHolidayLookup) {
  const lists = new Map<string, LocalDate[]>();
  const remembered: PublicHolidayLookup = (country, years) => {
    const key = `${country}/${years.join('/')}`;
    let dates = lists.get(key);
    if (!dates) lists.set(key, (dates = lookup(country, years)));
    return dates;
  };
  const rules = new Map<LocalDate[], ContactRules>();
  return (country: string | undefined, timeZone: string, now: number): ContactRules => {
    const observed = observedHolidays(policy, { country, timeZone }, now, remembered);
    // An empty list is a new array each time: all of them are the same calendar.
    const holidays = observed.length === 0 ? NO_HOLIDAYS : observed;
    let found = rules.get(holidays);
    if (!found) rules.set(holidays, (found = contactRulesOf(policy, holidays)));
    return found;
  };
}

export interface SimulationResult {
  report: SimulationReport;
  /** Every send, in order, when `keepSends` was asked for. */
  sends: SimulatedSend[];
}

/** One simulated journey: its state, the draws of its buyer and why its current step moved. */
interface Runner {
  state: JourneyState;
  buyerKey: string;
  draw: () => number;
  /** Why the step about to go out was moved: by the plan when it was scheduled, and by the guard since. */
  delays: { key: string; reasons: Set<DelayReason> };
}

const PROGRESS_EVERY = 2_000;

export function simulate(input: SimulationInput): SimulationResult {
  const { policy, installments, assumptions } = input;
  const rulesOf = rulesCache(input.policy, input.publicHolidays ?? (() => []));
  const queue = new EventQueue();
  const ledgers = new Map<string, number[]>();
  const load = new QueueLoad();
  const sends: SimulatedSend[] = [];
  const tally: SimulationTally = {
    sent: 0,
    perDay: new Map(),
    contactsPerBuyer: new Map(),
    deferred: Object.fromEntries(DELAY_REASONS.map((r) => [r, 0])) as Record<DelayReason, number>,
    paidAfterStep: new Map(),
    finalAction: 0,
    closed: 0,
    skippedNoChannel: 0,
    lastEventAt: input.start,
  };

  const runners: Runner[] = installments.map((installment) => {
    const buyerKey = `${installment.tenantId}/${installment.buyer.id}`;
    tally.contactsPerBuyer.set(buyerKey, tally.contactsPerBuyer.get(buyerKey) ?? 0);
    return {
      state: startJourney(installment, policy, input.start).state,
      buyerKey,
      draw: randomStream(assumptions.seed, `${installment.tenantId}/${installment.installmentId}`),
      delays: { key: '', reasons: new Set() },
    };
  });
  runners.forEach((_, id) => queue.push(input.start, id));

  for (let entry = queue.pop(); entry; entry = queue.pop()) {
    if (input.end !== undefined && entry.at > input.end) break;
    const runner = runners[entry.id]!;
    const wakeAt = advance(runner, entry.at);
    tally.lastEventAt = entry.at;
    if (wakeAt === null) {
      tally.closed++;
      if (tally.closed % PROGRESS_EVERY === 0) input.onProgress?.(tally.closed, runners.length);
    } else queue.push(wakeAt, entry.id);
  }
  input.onProgress?.(tally.closed, runners.length);

  const report = summarize({
    policy,
    assumptions,
    start: input.start,
    end: input.end,
    journeys: runners.length,
    open: runners.length - tally.closed,
    tally,
    queues: load.report(input.rateLimits ?? {}),
  });
  return { report, sends };

  /** Runs one journey at `now` until it waits; returns when it wakes, or null when it has ended. */
  function advance(runner: Runner, now: number): number | null {
    const apply = (event: JourneyEvent) => {
      runner.state = dispatch(runner.state, event).state;
    };
    for (;;) {
      const move = nextMove(runner.state, now);
      switch (move.kind) {
        case 'done':
          return null;
        case 'confirm':
          // Owed only after a payment closed the journey: a receipt, not a reminder.
          return null;
        case 'final':
          tally.finalAction++;
          apply(eventOfAction(runner.state, move, now));
          break;
        case 'resume':
        case 'skip':
        case 'promise_kept':
        case 'promise_broken':
          apply(eventOfAction(runner.state, move, now));
          break;
        case 'send':
          deliver(runner, move.step, now, apply);
          break;
        case 'wait':
          if (move.reason === 'next_step') notePlannedDelays(runner, now);
          return move.until;
      }
    }
  }

  /** The reasons the plan moved the next step, as it was scheduled (the send itself replans from its instant). */
  function notePlannedDelays(runner: Runner, now: number): void {
    const { state } = runner;
    // The plan's head is the step at nextStepIndex: planned once, when the journey first waits for it.
    const key = `${state.planRevision}/${state.nextStepIndex}`;
    if (runner.delays.key === key) return;
    const head = planOf(state, now).steps[0];
    runner.delays = {
      key,
      reasons: new Set(head?.adjustments.filter((a): a is DelayReason => DELAY_REASONS.includes(a as DelayReason))),
    };
  }

  /** What the workflow's `send` and the deliver activity do, with the guard's verdict instead of a provider. */
  function deliver(
    runner: Runner,
    step: ReturnType<typeof planOf>['steps'][number],
    now: number,
    apply: (event: JourneyEvent) => void,
  ): void {
    const { state } = runner;
    const target = { revision: state.planRevision, stepIndex: step.stepIndex };
    const route = resolveChannel(step.channel, channelAvailability(state));
    if (route.kind === 'none') {
      tally.skippedNoChannel++;
      apply({ type: 'step_skipped', at: now, ...target, reason: 'no_channel', channels: route.skipped });
      return;
    }
    const { channel } = route;
    const buyer = state.installment.buyer;
    const ledger = ledgers.get(runner.buyerKey) ?? [];
    const decision = guardSend({
      rules: rulesOf(buyer.country, buyer.timezone, now),
      timeZone: buyer.timezone,
      channel,
      now,
      buyer: { contacts: ledger, optedOut: [], suppressed: [], lastWhatsAppInboundAt: null },
      whatsappTemplateAvailable: assumptions.whatsappTemplatesApproved,
    });
    const ctx = { at: now, ...target, channel, requestedChannel: step.channel, attemptId: '', fallbackUntil: now };
    const blocked = outcomeOfGuard(decision);
    if (blocked) {
      if (decision.verdict === 'delay') noteDelay(runner, decision.reason);
      apply(eventForDelivery(blocked, ctx));
      return;
    }
    apply(eventForDelivery({ status: 'sent', providerMessageId: 'simulated' }, ctx));
    ledgers.set(runner.buyerKey, [...contactsInWindow(ledger, now), now]);
    record(runner, {
      installmentId: state.installment.installmentId,
      buyerId: buyer.id,
      stepIndex: step.stepIndex,
      channel,
      template: step.template,
      at: now,
    });
    if (runner.draw() < paymentProbability(assumptions, step.stepIndex, channel)) {
      tally.paidAfterStep.set(step.stepIndex, (tally.paidAfterStep.get(step.stepIndex) ?? 0) + 1);
      const amountMinor = outstandingMinor(runner.state);
      const currency = runner.state.installment.amount.currency;
      apply({ type: 'payment_received', at: now, paymentId: 'simulated', amountMinor, currency });
    }
  }

  function noteDelay(runner: Runner, reason: DelayReason): void {
    const key = `${runner.state.planRevision}/${runner.state.nextStepIndex}`;
    if (runner.delays.key !== key) runner.delays = { key, reasons: new Set() };
    runner.delays.reasons.add(reason);
  }

  function record(runner: Runner, send: SimulatedSend): void {
    tally.sent++;
    const day = Math.floor(send.at / MS_PER_DAY);
    let channels = tally.perDay.get(day);
    if (!channels) tally.perDay.set(day, (channels = new Map()));
    channels.set(send.channel, (channels.get(send.channel) ?? 0) + 1);
    tally.contactsPerBuyer.set(runner.buyerKey, tally.contactsPerBuyer.get(runner.buyerKey)! + 1);
    load.add(send.channel, send.at);
    const key = `${runner.state.planRevision}/${send.stepIndex}`;
    if (runner.delays.key === key) for (const reason of runner.delays.reasons) tally.deferred[reason]++;
    runner.delays.key = '';
    runner.delays.reasons.clear();
    if (input.keepSends) sends.push(send);
  }
}
