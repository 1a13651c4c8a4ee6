/**
 * A test driver for the journey state machine: what the workflow does, minus Temporal. It keeps a
 * virtual clock, delivers external events at their times, and otherwise does what `nextAction`
 * says (send through `resolveChannel`, skip, take the final action, resume, or sleep until the
 * `wait.until`). Everything it does is kept in a trace for the tests to check.
 */
import { type Channel, type ChannelUnavailableReason, resolveChannel } from '../../domain/channels';
import {
  type DueDateRefusal,
  type JourneyEvent,
  type JourneyState,
  type NextAction,
  type RecordedEvent,
  channelAvailability,
  checkDueDateChange,
  checkPromiseOn,
  dispatch,
  eventOfAction,
  nextAction,
  promiseMadeEvent,
} from '../../domain/journey';
import type { LocalDate } from '../../domain/local-time';
import type { PromiseRefusal, PromiseRequest } from '../../domain/promises';

/** An external message, at an absolute instant. `change_due_date` is validated first, like the update. */
/** `promise` is validated first too, like the promiseToPay update. */
export type TimedInput =
  | { at: number; event: Exclude<JourneyEvent, { type: 'due_date_changed' | 'promise_made' }> }
  | { at: number; changeDueDate: LocalDate }
  | { at: number; promise: PromiseRequest };

export type TraceEntry =
  | {
      kind: 'send';
      at: number;
      revision: number;
      stepIndex: number;
      requested: Channel;
      channel: Channel;
      /** Facts at the moment of sending, for compliance checks. */
      timeZone: string;
      optedOut: Channel[];
      undeliverable: Channel[];
      address: string | undefined;
      paused: boolean;
    }
  | { kind: 'fail'; at: number; revision: number; stepIndex: number; channel: Channel }
  | {
      kind: 'skip';
      at: number;
      revision: number;
      stepIndex: number;
      reason: 'superseded' | 'no_channel';
      channels?: { channel: Channel; reason: ChannelUnavailableReason }[];
    }
  | { kind: 'final'; at: number }
  | { kind: 'resume'; at: number }
  | { kind: 'input'; at: number; type: string; applied: boolean }
  | { kind: 'refused'; at: number; to: LocalDate; refusal: DueDateRefusal }
  | { kind: 'promise_refused'; at: number; refusal: PromiseRefusal }
  | { kind: 'promise_kept' | 'promise_broken'; at: number };

export interface DriveOptions {
  inputs?: TimedInput[];
  /** Permanent delivery failure for this attempt? Default: every delivery succeeds. */
  fails?: (attempt: { at: number; stepIndex: number; channel: Channel; n: number }) => boolean;
  /** Stop (without closing) once the clock would pass this instant. */
  stopAt?: number;
  /** An indefinite pause with no more inputs is resumed by "an operator" after this long. */
  operatorResumeAfterMs?: number;
  maxIterations?: number;
}

export interface DriveResult {
  state: JourneyState;
  now: number;
  trace: TraceEntry[];
  recorded: RecordedEvent[];
  actions: NextAction['kind'][];
  iterations: number;
}

export function drive(initial: JourneyState, start: number, options: DriveOptions = {}): DriveResult {
  const inputs = [...(options.inputs ?? [])].sort((a, b) => a.at - b.at);
  const maxIterations = options.maxIterations ?? 5_000;
  let state = initial;
  let now = start;
  let cursor = 0;
  let deliveries = 0;
  const trace: TraceEntry[] = [];
  const recorded: RecordedEvent[] = [];
  const actions: NextAction['kind'][] = [];

  const apply = (event: JourneyEvent): boolean => {
    const r = dispatch(state, event);
    state = r.state;
    if (r.recorded) recorded.push(r.recorded);
    return r.recorded !== null;
  };

  const deliverInputsUpTo = (t: number) => {
    while (cursor < inputs.length && inputs[cursor]!.at <= t) {
      const input = inputs[cursor++]!;
      if ('promise' in input) {
        const refusal = checkPromiseOn(state, input.promise, input.at);
        if (refusal) trace.push({ kind: 'promise_refused', at: input.at, refusal });
        else {
          const applied = apply(promiseMadeEvent(state, input.promise, input.at));
          trace.push({ kind: 'input', at: input.at, type: 'promise_made', applied });
        }
      } else if ('changeDueDate' in input) {
        const refusal = checkDueDateChange(state, input.changeDueDate, input.at);
        if (refusal) {
          trace.push({ kind: 'refused', at: input.at, to: input.changeDueDate, refusal });
        } else {
          const applied = apply({
            type: 'due_date_changed',
            at: input.at,
            from: state.dueDate,
            to: input.changeDueDate,
          });
          trace.push({ kind: 'input', at: input.at, type: 'due_date_changed', applied });
        }
      } else {
        const applied = apply({ ...input.event, at: input.at } as JourneyEvent);
        trace.push({ kind: 'input', at: input.at, type: input.event.type, applied });
      }
    }
  };

  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    deliverInputsUpTo(now);
    const action = nextAction(state, now);
    actions.push(action.kind);
    if (action.kind === 'done') break;
    switch (action.kind) {
      case 'resume':
        apply(eventOfAction(state, action, now));
        trace.push({ kind: 'resume', at: now });
        break;
      case 'skip':
        apply(eventOfAction(state, action, now));
        trace.push({
          kind: 'skip',
          at: now,
          revision: state.planRevision,
          stepIndex: action.step.stepIndex,
          reason: 'superseded',
        });
        break;
      case 'final':
        apply(eventOfAction(state, action, now));
        trace.push({ kind: 'final', at: now });
        break;
      case 'promise_kept':
      case 'promise_broken':
        apply(eventOfAction(state, action, now));
        trace.push({ kind: action.kind, at: now });
        break;
      case 'send': {
        const buyer = state.installment.buyer;
        const revision = state.planRevision;
        const stepIndex = action.step.stepIndex;
        const route = resolveChannel(action.step.channel, channelAvailability(state));
        if (route.kind === 'none') {
          apply({ type: 'step_skipped', at: now, revision, stepIndex, reason: 'no_channel', channels: route.skipped });
          trace.push({ kind: 'skip', at: now, revision, stepIndex, reason: 'no_channel', channels: route.skipped });
          break;
        }
        const channel = route.channel;
        if (options.fails?.({ at: now, stepIndex, channel, n: deliveries++ })) {
          apply({ type: 'step_failed', at: now, revision, stepIndex, channel, reason: 'hard_bounce' });
          trace.push({ kind: 'fail', at: now, revision, stepIndex, channel });
          break;
        }
        trace.push({
          kind: 'send',
          at: now,
          revision,
          stepIndex,
          requested: action.step.channel,
          channel,
          timeZone: buyer.timezone,
          optedOut: [...state.optedOut],
          undeliverable: [...state.undeliverable],
          address: channel === 'email' ? buyer.email : channel === 'sms' ? buyer.phone : buyer.whatsapp,
          paused: state.paused !== null,
        });
        apply({
          type: 'step_sent',
          at: now,
          revision,
          stepIndex,
          channel,
          requestedChannel: action.step.channel,
          attemptId: `r${revision}/s${stepIndex}/${channel}`,
        });
        break;
      }
      case 'wait': {
        if (action.until !== null && action.until <= now)
          throw new Error(`wait until ${action.until} is not after now ${now}`);
        const nextInput = inputs[cursor]?.at ?? Number.POSITIVE_INFINITY;
        let wake = Math.min(action.until ?? Number.POSITIVE_INFINITY, nextInput);
        if (wake === Number.POSITIVE_INFINITY) {
          // Paused with no end and nothing more will arrive: an operator resumes it.
          const resumeAt = now + (options.operatorResumeAfterMs ?? 3 * 86_400_000);
          inputs.push({ at: resumeAt, event: { type: 'resumed', at: resumeAt } });
          wake = resumeAt;
        }
        if (options.stopAt !== undefined && wake > options.stopAt)
          return { state, now, trace, recorded, actions, iterations };
        now = wake;
        break;
      }
    }
  }
  return { state, now, trace, recorded, actions, iterations };
}

export const sends = (trace: TraceEntry[]) =>
  trace.filter((t): t is Extract<TraceEntry, { kind: 'send' }> => t.kind === 'send');
