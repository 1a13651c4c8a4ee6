import type { Channel } from './channels';
import {
  type JourneyState,
  type Outcome,
  type Stage,
  daysOverdue,
  isClosed,
  nextAction,
  outstandingMinor,
  planOf,
  stageAt,
} from './journey';
import { type LocalDate, isoInstant } from './local-time';
import type { JourneyRouting } from './segments';

/** What the status query answers and what the journey row in the database holds. */
export interface JourneyStatus {
  tenantId: string;
  installmentId: string;
  stage: Stage;
  outcome: Outcome | null;
  dueDate: LocalDate;
  originalDueDate: LocalDate;
  daysOverdue: number;
  currency: string;
  amountDueMinor: number;
  amountPaidMinor: number;
  outstandingMinor: number;
  overpaidMinor: number;
  nextAction:
    | { kind: 'send'; at: string; stepIndex: number; channel: Channel; template: string }
    | { kind: 'final_action'; at: string; action: string }
    | { kind: 'resume'; at: string | null }
    | null;
  upcoming: { stepIndex: number; channel: Channel; template: string; at: string; status: 'scheduled' | 'superseded' }[];
  attempts: { sent: number; failed: number; skipped: number };
  paused: { since: string; until: string | null } | null;
  /** The open promise to pay; absent when none is open. */
  promise?: { date: LocalDate; amountMinor: number; holdsUntil: string };
  reschedules: number;
  planRevision: number;
  policy: { id: string; version: number };
  /** How the policy was chosen; null for journeys started before routing (absent in their old records). */
  routing?: JourneyRouting | null;
  finalAction: string | null;
  closedAt: string | null;
  cancelReason: string | null;
  asOf: string;
}

export function journeyStatus(state: JourneyState, now: number): JourneyStatus {
  const promise = isClosed(state) ? null : (state.promises?.open ?? null);
  // While a promise holds the ladder, what comes after it is planned from its end.
  const plan = isClosed(state) || state.paused ? null : planOf(state, Math.max(now, promise?.until ?? now));
  let next: JourneyStatus['nextAction'] = null;
  if (state.paused) {
    next = { kind: 'resume', at: state.paused.until === null ? null : isoInstant(state.paused.until) };
  } else if (promise) {
    next = { kind: 'resume', at: isoInstant(promise.until) };
  } else if (plan) {
    const step = plan.steps.find((s) => s.status === 'scheduled');
    next = step
      ? {
          kind: 'send',
          at: isoInstant(step.at),
          stepIndex: step.stepIndex,
          channel: step.channel,
          template: step.template,
        }
      : { kind: 'final_action', at: isoInstant(plan.finalActionAt), action: state.policy.finalAction.action };
  }
  return {
    tenantId: state.installment.tenantId,
    installmentId: state.installment.installmentId,
    stage: stageAt(state, now),
    outcome: state.outcome,
    dueDate: state.dueDate,
    originalDueDate: state.originalDueDate,
    daysOverdue: daysOverdue(state, now),
    currency: state.installment.amount.currency,
    amountDueMinor: state.installment.amount.amountMinor,
    amountPaidMinor: state.paidMinor,
    outstandingMinor: outstandingMinor(state),
    overpaidMinor: state.overpaidMinor,
    nextAction: next,
    upcoming: (plan?.steps ?? []).map((s) => ({
      stepIndex: s.stepIndex,
      channel: s.channel,
      template: s.template,
      at: isoInstant(s.at),
      status: s.status,
    })),
    attempts: state.attempts,
    paused: state.paused
      ? {
          since: isoInstant(state.paused.since),
          until: state.paused.until === null ? null : isoInstant(state.paused.until),
        }
      : null,
    ...(promise && {
      promise: { date: promise.date, amountMinor: promise.amountMinor, holdsUntil: isoInstant(promise.until) },
    }),
    reschedules: state.reschedules,
    planRevision: state.planRevision,
    policy: { id: state.policy.id, version: state.policy.version },
    routing: state.routing ?? null,
    finalAction: state.finalAction,
    closedAt: state.closedAt === null ? null : isoInstant(state.closedAt),
    cancelReason: state.cancelReason,
    asOf: isoInstant(now),
  };
}

/** When the journey next needs to act, for the `DunningNextActionAt` search attribute. */
export function nextActionInstant(state: JourneyState, now: number): number | null {
  const action = nextAction(state, now);
  if (action.kind === 'wait') return action.until;
  if (action.kind === 'done') return null;
  return now;
}
