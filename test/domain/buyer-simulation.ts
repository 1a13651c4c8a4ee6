/**
 * A multi-journey driver: one buyer, one virtual clock, 1–n journeys of that buyer (different
 * installments, due dates, policies) sharing the buyer's address-level state (consent,
 * suppression, the WhatsApp window) and contact ledger — what the workflows and the deliver
 * activity do together, minus Temporal and the database.
 *
 * Per reminder it does what production does, with the real domain functions:
 *   workflow   nextAction → resolveChannel (the journey's own view: opted out, undeliverable)
 *   activity   under the buyer's lock: read the contact record → guardSend → outcomeOfGuard;
 *              allowed → the provider sends (the contact joins the ledger) or refuses (21610:
 *              the address is opted out for every journey; a permanent failure: suppressed)
 *   workflow   dispatch(eventForDelivery(outcome))
 * External inputs arrive at their instants: STOP / START / an inbound WhatsApp message / a hard
 * bounce at the buyer's addresses, and per journey payments, pauses, due-date changes, cancels.
 *
 * It checks nothing itself: everything it did goes into a log, in processing order, for an
 * independent checker. The only assertions here are against the simulation spinning.
 */
import { type Channel, resolveChannel } from '../../domain/channels';
import { type BuyerContactRecord, type SendDecision, contactRulesOf, guardSend } from '../../domain/compliance';
import { type DeliveryOutcome, eventForDelivery, outcomeOfGuard } from '../../domain/delivery';
import type { InstallmentInput } from '../../domain/installment';
import {
  type DueDateRefusal,
  type JourneyEvent,
  type JourneyState,
  type RecordedEvent,
  channelAvailability,
  checkDueDateChange,
  dispatch,
  isClosed,
  nextAction,
  startJourney,
} from '../../domain/journey';
import type { LocalDate } from '../../domain/local-time';
import { contactWindowEnd } from '../../domain/plan';
import type { Policy } from '../../domain/policy';

const WEEK_MS = 7 * 86_400_000;

/** Something the buyer (or a provider) does at one of the buyer's addresses. */
export type BuyerInput =
  /** STOP on SMS or WhatsApp: the address is opted out for every journey at once. */
  | { kind: 'stop'; channel: 'sms' | 'whatsapp' }
  /** START: the address is opted back in, and the buyer's open journeys are told (an opt-in signal). */
  | { kind: 'start'; channel: 'sms' | 'whatsapp' }
  /** The buyer writes on WhatsApp: the 24-hour free-form window opens. */
  | { kind: 'inbound_whatsapp' }
  /** A hard bounce reported later by the email provider: the email address is suppressed. */
  | { kind: 'hard_bounce' };

/** A message into one journey. A due-date change is validated first, as the update's validator does. */
export type JourneyInput =
  | { kind: 'event'; event: Exclude<JourneyEvent, { type: 'due_date_changed' | 'started' }> }
  | { kind: 'change_due_date'; to: LocalDate };

/** What the provider does with a message the guard allowed: take it, or refuse it for good. */
export type ProviderBehaviour = 'accept' | 'opted_out' | 'undeliverable';

export interface SimJourney {
  installment: InstallmentInput;
  policy: Policy;
  startAt: number;
  /** `at` in each event is replaced by the input's own instant. */
  inputs: { at: number; input: JourneyInput }[];
}

export interface BuyerScenario {
  /** The buyer's zone (every installment of the buyer carries it). */
  timeZone: string;
  /** The public holidays of the buyer's country, applied by policies that observe them. */
  publicHolidays: LocalDate[];
  /** Templates with an approved WhatsApp version in the buyer's locale. */
  whatsappTemplates: readonly string[];
  journeys: SimJourney[];
  buyerInputs: { at: number; input: BuyerInput }[];
  /** Consumed in order, cyclically, one per message handed to a provider. */
  provider: ProviderBehaviour[];
  /**
   * How long after the workflow decides to send the deliver activity runs (a task queue backlog,
   * a worker restart, retries), in ms; consumed cyclically, one per delivery. Empty: at once.
   */
  activityDelays: number[];
  /** The simulation ends when the next thing to happen is later than this. */
  stopAt: number;
}

export type LogEntry =
  | { kind: 'buyer_input'; at: number; input: BuyerInput }
  | {
      /** One run of the deliver activity and what the journey made of it. */
      kind: 'delivery';
      /** When the activity ran (the guard's now, the event's instant). */
      at: number;
      /** When the workflow decided to send. */
      decidedAt: number;
      journey: number;
      revision: number;
      stepIndex: number;
      template: string;
      requested: Channel;
      channel: Channel;
      /** The record the guard was shown. */
      record: BuyerContactRecord;
      decision: SendDecision;
      /** What the provider did, when the guard let the message through. */
      provider: ProviderBehaviour | null;
      outcome: DeliveryOutcome;
      event: JourneyEvent;
      recorded: RecordedEvent | null;
      /**
       * Whether the step was still the journey's current one when the outcome arrived: the
       * journey closed while the activity waited (a payment, a cancel), or its plan moved on (a
       * due-date change).
       */
      stale: 'closed' | 'moved_on' | null;
    }
  | { kind: 'no_channel'; at: number; journey: number; recorded: RecordedEvent | null }
  /** The journey closed while this reminder waited to go out: the workflow canceled it. */
  | { kind: 'canceled'; at: number; journey: number; stepIndex: number }
  | { kind: 'due_date_refused'; at: number; journey: number; refusal: DueDateRefusal };

export interface JourneyRun {
  state: JourneyState;
  recorded: RecordedEvent[];
  /** The last instant at which the journey did anything. */
  lastAt: number;
  /** Pending inputs never delivered (the simulation stopped first). */
  undeliveredInputs: number;
}

export interface BuyerRun {
  log: LogEntry[];
  journeys: JourneyRun[];
  /** Where the clock stopped: after the last thing that happened. */
  endedAt: number;
  ledger: number[];
}

/** More actions than this at one instant in one journey means it spins. */
const MAX_ACTIONS_PER_INSTANT = 60;
const MAX_INSTANTS = 20_000;
const OPERATOR_RESUMES_AFTER_MS = 3 * 86_400_000;

interface Runtime {
  spec: SimJourney;
  index: number;
  inputs: { at: number; input: JourneyInput }[];
  cursor: number;
  state: JourneyState | null;
  /** When the journey's current wait ends (null: waits for a message only). */
  wake: number | null;
  recorded: RecordedEvent[];
  lastAt: number;
  /** A deliver activity scheduled and not yet run: the workflow awaits it. */
  inFlight: {
    runAt: number;
    decidedAt: number;
    step: { stepIndex: number; channel: Channel; template: string };
    channel: Channel;
    revision: number;
  } | null;
}

export interface SimulationOptions {
  /**
   * The compliance guard. Always the real one, except in the checker's own test, which hands in
   * deliberately broken guards to show that the checker catches what they do.
   */
  guard?: typeof guardSend;
}

export function simulateBuyer(scenario: BuyerScenario, options: SimulationOptions = {}): BuyerRun {
  const guard = options.guard ?? guardSend;
  const log: LogEntry[] = [];
  // The buyer's address-level state, shared by every journey (the contact_points rows and the attempts ledger).
  const optedOut = new Set<Channel>();
  const suppressed = new Set<Channel>();
  let lastWhatsAppInboundAt: number | null = null;
  const ledger: number[] = [];
  let providerCalls = 0;

  const buyerInputs = [...scenario.buyerInputs].sort((a, b) => a.at - b.at);
  let buyerCursor = 0;
  const runtimes: Runtime[] = scenario.journeys.map((spec, index) => ({
    spec,
    index,
    inputs: [...spec.inputs].sort((a, b) => a.at - b.at),
    cursor: 0,
    state: null,
    wake: spec.startAt,
    recorded: [],
    lastAt: spec.startAt,
    inFlight: null,
  }));
  let deliveries = 0;

  const nextTimeOf = (r: Runtime): number => {
    if (r.state === null) return r.spec.startAt;
    const nextInput = r.inputs[r.cursor]?.at ?? Number.POSITIVE_INFINITY;
    if (r.inFlight) return Math.min(r.inFlight.runAt, nextInput);
    if (isClosed(r.state)) return Number.POSITIVE_INFINITY;
    return Math.min(r.wake ?? Number.POSITIVE_INFINITY, nextInput);
  };

  const apply = (r: Runtime, event: JourneyEvent): RecordedEvent | null => {
    const result = dispatch(r.state!, event);
    r.state = result.state;
    if (result.recorded) r.recorded.push(result.recorded);
    return result.recorded;
  };

  const applyBuyerInput = (at: number, input: BuyerInput) => {
    log.push({ kind: 'buyer_input', at, input });
    switch (input.kind) {
      case 'stop':
        optedOut.add(input.channel);
        break;
      case 'start':
        optedOut.delete(input.channel);
        // The START webhook signals the buyer's open journeys; a STOP is learnt at the next send.
        for (const r of runtimes)
          if (r.state && !isClosed(r.state))
            apply(r, { type: 'opted_in', at, channel: input.channel, actor: { kind: 'provider', id: 'twilio:start' } });
        break;
      case 'inbound_whatsapp':
        lastWhatsAppInboundAt = Math.max(lastWhatsAppInboundAt ?? at, at);
        break;
      case 'hard_bounce':
        suppressed.add('email');
        break;
    }
  };

  const deliverJourneyInputs = (r: Runtime, t: number) => {
    while (r.cursor < r.inputs.length && r.inputs[r.cursor]!.at <= t) {
      const { at, input } = r.inputs[r.cursor++]!;
      if (input.kind === 'change_due_date') {
        const refusal = checkDueDateChange(r.state!, input.to, at);
        if (refusal) log.push({ kind: 'due_date_refused', at, journey: r.index, refusal });
        else apply(r, { type: 'due_date_changed', at, from: r.state!.dueDate, to: input.to });
      } else {
        apply(r, { ...input.event, at } as JourneyEvent);
      }
    }
  };

  /** The deliver activity, under the buyer's lock (nothing else runs while it does). */
  const deliver = (r: Runtime, t: number) => {
    const { step, channel, decidedAt, revision } = r.inFlight!;
    r.inFlight = null;
    const state = r.state!;
    // The workflow cancels a reminder still waiting to go out when the journey closes (patch
    // cancel-delivery-on-close): modelled as the activity never running.
    if (isClosed(state)) {
      log.push({ kind: 'canceled', at: t, journey: r.index, stepIndex: step.stepIndex });
      return;
    }
    const record: BuyerContactRecord = {
      contacts: ledger.filter((c) => c > t - WEEK_MS),
      optedOut: optedOut.has(channel) ? [channel] : [],
      suppressed: suppressed.has(channel) ? [channel] : [],
      lastWhatsAppInboundAt: channel === 'whatsapp' ? lastWhatsAppInboundAt : null,
    };
    const observesPublicHolidays = state.policy.holidays?.observePublicHolidays ?? false;
    const decision = guard({
      rules: contactRulesOf(state.policy, observesPublicHolidays ? scenario.publicHolidays : []),
      timeZone: state.installment.buyer.timezone,
      channel,
      now: t,
      buyer: record,
      whatsappTemplateAvailable: scenario.whatsappTemplates.includes(step.template),
    });
    let provider: ProviderBehaviour | null = null;
    let outcome: DeliveryOutcome | null = outcomeOfGuard(decision);
    if (outcome === null) {
      provider =
        scenario.provider.length === 0 ? 'accept' : scenario.provider[providerCalls % scenario.provider.length]!;
      providerCalls++;
      // Twilio's 21610 exists for SMS and WhatsApp; an email provider accepts instead.
      if (provider === 'opted_out' && channel === 'email') provider = 'accept';
      if (provider === 'opted_out') {
        optedOut.add(channel);
        outcome = { status: 'opted_out', source: 'twilio:21610' };
      } else if (provider === 'undeliverable') {
        suppressed.add(channel);
        outcome = { status: 'undeliverable', reason: 'provider_permanent_failure' };
      } else {
        ledger.push(t);
        outcome = {
          status: 'sent',
          providerMessageId: `msg-${providerCalls}`,
          ...(decision.verdict === 'allow' && decision.whatsappMode && { whatsappMode: decision.whatsappMode }),
        };
      }
    }
    const event = eventForDelivery(outcome, {
      at: t,
      revision,
      stepIndex: step.stepIndex,
      channel,
      requestedChannel: step.channel,
      attemptId: `j${r.index}/r${revision}/s${step.stepIndex}/${channel}/${deliveries}`,
      get fallbackUntil() {
        return contactWindowEnd(state.policy, t, state.installment.buyer.timezone);
      },
    });
    const stale = isClosed(state)
      ? 'closed'
      : state.planRevision !== revision || state.nextStepIndex !== step.stepIndex
        ? 'moved_on'
        : null;
    const recorded = apply(r, event);
    log.push({
      kind: 'delivery',
      at: t,
      decidedAt,
      journey: r.index,
      revision,
      stepIndex: step.stepIndex,
      template: step.template,
      requested: step.channel,
      channel,
      record,
      decision,
      provider,
      outcome,
      event,
      recorded,
      stale,
    });
  };

  /** One workflow at instant t: messages first, then actions until it has to wait. */
  const runJourney = (r: Runtime, t: number) => {
    if (r.state === null) r.state = startJourney(r.spec.installment, r.spec.policy, t).state;
    r.lastAt = t;
    // Messages are handled as they arrive, also while an activity is under way.
    deliverJourneyInputs(r, t);
    if (r.inFlight) {
      if (r.inFlight.runAt > t) return;
      deliver(r, t);
    }
    for (let n = 0; ; n++) {
      if (n >= MAX_ACTIONS_PER_INSTANT) throw new Error(`journey ${r.index} spins at ${new Date(t).toISOString()}`);
      const state = r.state;
      const action = nextAction(state, t);
      switch (action.kind) {
        case 'done':
          r.wake = null;
          return;
        case 'resume':
          apply(r, { type: 'resumed', at: t });
          break;
        case 'skip':
          apply(r, {
            type: 'step_skipped',
            at: t,
            revision: state.planRevision,
            stepIndex: action.step.stepIndex,
            reason: 'superseded',
          });
          break;
        case 'final':
          apply(r, { type: 'final_action_taken', at: t, action: action.action });
          break;
        case 'promise_kept':
        case 'promise_broken':
          apply(r, { type: action.kind, at: t });
          break;
        case 'send': {
          const route = resolveChannel(action.step.channel, channelAvailability(state));
          if (route.kind === 'none') {
            const recorded = apply(r, {
              type: 'step_skipped',
              at: t,
              revision: state.planRevision,
              stepIndex: action.step.stepIndex,
              reason: 'no_channel',
              channels: route.skipped,
            });
            log.push({ kind: 'no_channel', at: t, journey: r.index, recorded });
          } else {
            const delay =
              scenario.activityDelays.length === 0
                ? 0
                : scenario.activityDelays[deliveries % scenario.activityDelays.length]!;
            deliveries++;
            r.inFlight = {
              runAt: t + delay,
              decidedAt: t,
              step: action.step,
              channel: route.channel,
              revision: state.planRevision,
            };
            if (delay > 0) return;
            deliver(r, t);
          }
          break;
        }
        case 'wait':
          if (action.until !== null && action.until <= t)
            throw new Error(`journey ${r.index} waits until ${action.until}, not after now ${t}`);
          if (action.until === null && r.cursor >= r.inputs.length) {
            // Paused with no end and nothing more will arrive: an operator resumes it.
            const at = t + OPERATOR_RESUMES_AFTER_MS;
            r.inputs.push({
              at,
              input: { kind: 'event', event: { type: 'resumed', at, actor: { kind: 'api_key', id: 'operator' } } },
            });
          }
          r.wake = action.until;
          return;
      }
    }
  };

  let endedAt = Math.min(...runtimes.map((r) => r.spec.startAt), buyerInputs[0]?.at ?? Number.POSITIVE_INFINITY);
  for (let instants = 0; ; instants++) {
    if (instants >= MAX_INSTANTS) throw new Error('the buyer simulation does not come to an end');
    let t = buyerInputs[buyerCursor]?.at ?? Number.POSITIVE_INFINITY;
    for (const r of runtimes) t = Math.min(t, nextTimeOf(r));
    if (t === Number.POSITIVE_INFINITY || t > scenario.stopAt) break;
    endedAt = t;
    // At one instant: what the buyer did first, then each journey in turn (the lock orders them).
    while (buyerCursor < buyerInputs.length && buyerInputs[buyerCursor]!.at <= t) {
      const { at, input } = buyerInputs[buyerCursor++]!;
      applyBuyerInput(at, input);
    }
    for (const r of runtimes) if (nextTimeOf(r) <= t) runJourney(r, t);
  }

  return {
    log,
    journeys: runtimes.map((r) => {
      if (r.state === null) throw new Error(`journey ${r.index} starts after the simulation stops`);
      return { state: r.state, recorded: r.recorded, lastAt: r.lastAt, undeliveredInputs: r.inputs.length - r.cursor };
    }),
    endedAt,
    ledger,
  };
}
