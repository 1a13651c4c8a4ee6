import { type Channel, type RateLimits, resolveChannel } from '../channels';
import {
  type ContactRules,
  type DelayReason,
  type PublicHolidayLookup,
  contactRulesOf,
  contactsInWindow,
  guardSend,
  observedHolidays,
} from '../compliance';
import { type DeliveryOutcome, eventForDelivery, outcomeOfGuard, reminderDelivery, reminderKey } from '../delivery';
import {
  type GroupedReminder,
  groupingWindowMs,
  messageReady,
  nextMessage,
  reminderId,
  sendBy,
  withReminder,
  withoutReminders,
} from '../grouping';
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
import type { PlannedStep } from '../plan';
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
 * installments. Under a policy that groups, a coordinator per buyer decides as the real one
 * does (domain/grouping.ts) which reminders go out together. Nothing is sent. Pure: the holidays
 * and the limits come in as data.
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
  id: number;
  journeyId: string;
  state: JourneyState;
  buyerKey: string;
  /** When it acts next, as its record would say; null while its reminder is with its buyer's coordinator, or ended. */
  wakeAt: number | null;
  /** Whether what it wakes for is a reminder (not the final action, nor the end of a pause or a promise). */
  wakesToSend: boolean;
  draw: () => number;
  /** Why the step about to go out was moved: by the plan when it was scheduled, and by the guard since. */
  delays: { key: string; reasons: Set<DelayReason> };
}

/** A buyer's reminder coordinator (a grouping policy): what waits, and the buyer's journeys. */
interface Coordinator {
  id: number;
  waiting: GroupedReminder[];
  runners: Runner[];
  /** The instant its next look is queued for, to queue each instant once. */
  queuedAt: Set<number>;
}

/** A journey whose reminder went to its buyer's coordinator: it waits for the answer, not for a time. */
const HANDED_OVER = -1;

const PROGRESS_EVERY = 2_000;

/** A journey's state after an event (the simulator keeps no record of it). */
function apply(runner: Runner, event: JourneyEvent): void {
  runner.state = dispatch(runner.state, event).state;
}

function isWaiting(coordinator: Coordinator, journeyId: string): boolean {
  for (const w of coordinator.waiting) if (w.journeyId === journeyId) return true;
  return false;
}

/** Runs the whole simulation at once. */
export function simulate(input: SimulationInput): SimulationResult {
  const run = startSimulation(input);
  while (!run.advance(Infinity));
  return run.result();
}

/**
 * A simulation run a slice at a time, so that a caller that serves others meanwhile (the API) can
 * let them in between slices; the slices change nothing in what it finds.
 */
export interface SimulationRun {
  /** Runs at most `events` more events (journey wake-ups and coordinator looks); true once it has finished. */
  advance(events: number): boolean;
  /** What it found; only once `advance` said it finished. */
  result(): SimulationResult;
}

export function startSimulation(input: SimulationInput): SimulationRun {
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
    grouped: { messages: 0, installments: 0 },
    lastEventAt: input.start,
  };
  const windowMs = groupingWindowMs(policy);
  const coordinators = new Map<string, Coordinator>();

  const runners: Runner[] = installments.map((installment, id) => {
    const buyerKey = `${installment.tenantId}/${installment.buyer.id}`;
    tally.contactsPerBuyer.set(buyerKey, tally.contactsPerBuyer.get(buyerKey) ?? 0);
    return {
      id,
      journeyId: `${installment.tenantId}/${installment.installmentId}`,
      state: startJourney(installment, policy, input.start).state,
      buyerKey,
      wakeAt: input.start,
      wakesToSend: false,
      draw: randomStream(assumptions.seed, `${installment.tenantId}/${installment.installmentId}`),
      delays: { key: '', reasons: new Set() },
    };
  });
  runners.forEach((_, id) => queue.push(input.start, id));
  if (windowMs !== null) coordinatorsOf(runners);
  const coordinatorById = [...coordinators.values()];
  const runnerOf = new Map(runners.map((r) => [r.journeyId, r]));

  let finished = false;
  return {
    advance(events) {
      for (let done = 0; !finished && done < events; done++) {
        const entry = queue.pop();
        if (!entry || (input.end !== undefined && entry.at > input.end)) {
          finished = true;
          input.onProgress?.(tally.closed, runners.length);
          break;
        }
        tally.lastEventAt = entry.at;
        // Ids past the runners' are coordinators; ties go to journeys, so those due together hand over first.
        if (entry.id >= runners.length) coordinate(coordinatorById[entry.id - runners.length]!, entry.at);
        else wake(runners[entry.id]!, entry.at);
      }
      return finished;
    },
    result() {
      if (!finished) throw new Error('the simulation has not finished');
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
    },
  };

  /** Runs one journey at `now` until it waits, and queues it again for when it wakes. */
  function wake(runner: Runner, now: number): void {
    const wakeAt = advance(runner, now);
    runner.wakeAt = wakeAt === HANDED_OVER ? null : wakeAt;
    if (wakeAt === HANDED_OVER) return;
    if (wakeAt === null) {
      tally.closed++;
      if (tally.closed % PROGRESS_EVERY === 0) input.onProgress?.(tally.closed, runners.length);
    } else queue.push(wakeAt, runner.id);
  }

  /** One coordinator per buyer, numbered after the runners. */
  function coordinatorsOf(all: Runner[]): void {
    for (const runner of all) {
      let coordinator = coordinators.get(runner.buyerKey);
      if (!coordinator) {
        coordinator = { id: all.length + coordinators.size, waiting: [], runners: [], queuedAt: new Set() };
        coordinators.set(runner.buyerKey, coordinator);
      }
      coordinator.runners.push(runner);
    }
  }

  function lookAt(coordinator: Coordinator, at: number): void {
    if (coordinator.queuedAt.has(at)) return;
    coordinator.queuedAt.add(at);
    queue.push(at, coordinator.id);
  }

  /**
   * What the buyer's coordinator does at `now` (workflows/buyer-reminders.ts): the next message
   * goes when it is ready, else it looks again at its deadline.
   */
  function coordinate(coordinator: Coordinator, now: number): void {
    coordinator.queuedAt.delete(now);
    for (;;) {
      const message = nextMessage(coordinator.waiting);
      if (!message) return;
      if (!messageReady(message, now, othersDue(coordinator, message.deadline))) {
        lookAt(coordinator, sendBy(message));
        return;
      }
      coordinator.waiting = withoutReminders(coordinator.waiting, new Set(message.reminders.map(reminderId)));
      const covered = message.reminders.map((r) => runnerOf.get(r.journeyId)!);
      const outcome = guard(covered[0]!, message.reminders[0]!.delivery.channel, now);
      if (outcome.status === 'sent' && covered.length > 1) {
        tally.grouped.messages++;
        tally.grouped.installments += covered.length;
      }
      for (let i = 0; i < covered.length; i++) {
        const runner = covered[i]!;
        const { delivery } = message.reminders[i]!;
        const step = {
          stepIndex: delivery.stepIndex,
          channel: delivery.requestedChannel,
          template: delivery.template as PlannedStep['template'],
        };
        settle(runner, step, delivery.channel, outcome, now, i === 0);
        // Answered: the coordinator does not wait for it before it records its next step.
        runner.wakesToSend = false;
        runner.wakeAt = now;
        queue.push(now, runner.id);
      }
    }
  }

  /** How many of the buyer's journeys, besides those with the coordinator, have a reminder due by `deadline`. */
  function othersDue(coordinator: Coordinator, deadline: number): number {
    let due = 0;
    for (const r of coordinator.runners) {
      if (!r.wakesToSend || r.wakeAt === null || r.wakeAt > deadline) continue;
      if (!isWaiting(coordinator, r.journeyId)) due++;
    }
    return due;
  }

  /** Runs one journey at `now` until it waits; returns when it wakes, HANDED_OVER, or null when it has ended. */
  function advance(runner: Runner, now: number): number | null {
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
          apply(runner, eventOfAction(runner.state, move, now));
          break;
        case 'resume':
        case 'skip':
        case 'promise_kept':
        case 'promise_broken':
          apply(runner, eventOfAction(runner.state, move, now));
          break;
        case 'send':
          if (deliver(runner, move.step, now) === HANDED_OVER) return HANDED_OVER;
          break;
        case 'wait':
          runner.wakesToSend = move.reason === 'next_step';
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

  /**
   * What the workflow's `send` does: the reminder goes to the buyer's coordinator under a policy
   * that groups (HANDED_OVER: the journey waits for its answer), else through the guard at once.
   */
  function deliver(runner: Runner, step: PlannedStep, now: number): typeof HANDED_OVER | undefined {
    const { state } = runner;
    const route = resolveChannel(step.channel, channelAvailability(state));
    if (route.kind === 'none') {
      tally.skippedNoChannel++;
      const target = { revision: state.planRevision, stepIndex: step.stepIndex };
      runner.state = dispatch(state, {
        type: 'step_skipped',
        at: now,
        ...target,
        reason: 'no_channel',
        channels: route.skipped,
      }).state;
      return undefined;
    }
    const { channel } = route;
    if (windowMs !== null) {
      const coordinator = coordinators.get(runner.buyerKey)!;
      const key = reminderKey(state, step.stepIndex, channel);
      const delivery = reminderDelivery(state, step, channel, runner.journeyId);
      coordinator.waiting = withReminder(coordinator.waiting, {
        key,
        journeyId: runner.journeyId,
        at: now,
        windowMs,
        delivery,
      });
      lookAt(coordinator, now);
      return HANDED_OVER;
    }
    settle(runner, step, channel, guard(runner, channel, now), now, true);
    return undefined;
  }

  /** The deliver activity's verdict on a message to `runner`'s buyer on `channel` at `now`: the guard's, or sent. */
  function guard(runner: Runner, channel: Channel, now: number): DeliveryOutcome {
    const buyer = runner.state.installment.buyer;
    const ledger = ledgers.get(runner.buyerKey) ?? [];
    const decision = guardSend({
      rules: rulesOf(buyer.country, buyer.timezone, now),
      timeZone: buyer.timezone,
      channel,
      now,
      buyer: { contacts: ledger, optedOut: [], suppressed: [], lastWhatsAppInboundAt: null },
      whatsappTemplateAvailable: assumptions.whatsappTemplatesApproved,
    });
    if (decision.verdict === 'delay') noteDelay(runner, decision.reason);
    const blocked = outcomeOfGuard(decision);
    if (blocked) return blocked;
    ledgers.set(runner.buyerKey, [...contactsInWindow(ledger, now), now]);
    return { status: 'sent', providerMessageId: 'simulated' };
  }

  /**
   * What the journey records of its step's delivery. A message sent is counted once (`counts`:
   * the journey that led it), and each journey it reached may be paid after it.
   */
  function settle(
    runner: Runner,
    step: Pick<PlannedStep, 'stepIndex' | 'channel' | 'template'>,
    channel: Channel,
    outcome: DeliveryOutcome,
    now: number,
    counts: boolean,
  ): void {
    const { state } = runner;
    const target = { revision: state.planRevision, stepIndex: step.stepIndex };
    apply(
      runner,
      eventForDelivery(outcome, {
        at: now,
        ...target,
        channel,
        requestedChannel: step.channel,
        attemptId: '',
        fallbackUntil: now,
      }),
    );
    if (outcome.status !== 'sent') return;
    if (counts) {
      record(runner, {
        installmentId: state.installment.installmentId,
        buyerId: state.installment.buyer.id,
        stepIndex: step.stepIndex,
        channel,
        template: step.template,
        at: now,
      });
    } else forgetDelays(runner);
    if (runner.draw() < paymentProbability(assumptions, step.stepIndex, channel)) {
      tally.paidAfterStep.set(step.stepIndex, (tally.paidAfterStep.get(step.stepIndex) ?? 0) + 1);
      const amountMinor = outstandingMinor(runner.state);
      const currency = runner.state.installment.amount.currency;
      apply(runner, { type: 'payment_received', at: now, paymentId: 'simulated', amountMinor, currency });
    }
  }

  function forgetDelays(runner: Runner): void {
    runner.delays.key = '';
    runner.delays.reasons.clear();
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
    forgetDelays(runner);
    if (input.keepSends) sends.push(send);
  }
}
