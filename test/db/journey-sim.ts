/**
 * Builds realistic JourneyRecord inputs the way the workflow does: the real state machine
 * (domain/journey.ts) numbers the events, and each `flush()` returns the events recorded since
 * the previous flush with the status at the time of the last one.
 */
import type { JourneyRecord } from '../../activities/contracts';
import type { InstallmentInput } from '../../domain/installment';
import { type JourneyEvent, type JourneyState, type RecordedEvent, dispatch, startJourney } from '../../domain/journey';
import { type Policy, defaultPolicy } from '../../domain/policy';
import { journeyStatus } from '../../domain/status';

export interface JourneySim {
  readonly journeyId: string;
  readonly runId: string;
  readonly state: JourneyState;
  /** Applies an event; throws if the state machine ignores it (a test set-up mistake). */
  apply(event: JourneyEvent): RecordedEvent;
  /** The record the workflow would hand to recordJourney now. */
  flush(): JourneyRecord;
}

export function simulateJourney(
  installment: InstallmentInput,
  startAt: number,
  options: { policy?: Policy; journeyId?: string; runId?: string } = {},
): JourneySim {
  const started = startJourney(installment, options.policy ?? defaultPolicy, startAt);
  let state = started.state;
  let now = startAt;
  const pending: RecordedEvent[] = [started.recorded];
  const journeyId = options.journeyId ?? `journey/${installment.tenantId}/${installment.installmentId}`;
  const runId = options.runId ?? `run-${installment.installmentId}`;
  return {
    journeyId,
    runId,
    get state() {
      return state;
    },
    apply(event) {
      const result = dispatch(state, event);
      if (!result.recorded) throw new Error(`the state machine ignored ${event.type}`);
      state = result.state;
      now = Math.max(now, event.at);
      pending.push(result.recorded);
      return result.recorded;
    },
    flush() {
      const events = pending.splice(0, pending.length);
      return { journeyId, runId, installment: state.installment, status: journeyStatus(state, now), events };
    },
  };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
