import type { Channel } from './channels';
import { type DelayReason, blockingRule, contactRulesOf, earliestAllowedInstant } from './compliance';
import {
  type LocalDate,
  MS_PER_DAY,
  MS_PER_MINUTE,
  dayNumber,
  isWithinDailyWindow,
  minutesOfDay,
  wallClockToInstant,
} from './local-time';
import type { ReminderTemplate } from './messages';
import type { Policy } from './policy';

export interface PlanInput {
  policy: Policy;
  dueDate: LocalDate;
  timeZone: string;
  /** The current instant: nothing is planned before it. */
  now: number;
  /** Index of the first ladder step not yet sent or skipped. */
  fromStep: number;
  /** Instants of contacts already made, for the rolling 7-day cap. */
  recentContacts: readonly number[];
}

export type PlanAdjustment = 'late_start' | DelayReason | 'after_previous_step';

export type PlannedStep = {
  stepIndex: number;
  channel: Channel;
  template: ReminderTemplate;
  /** When the policy says the step is due: its offset and send time in the buyer's zone. */
  nominalAt: number;
  /** When it will really be sent, after every compliance adjustment. */
  at: number;
  adjustments: PlanAdjustment[];
} & (
  | { status: 'scheduled' }
  /** The next step's own time comes before this one could be sent: only the newer message goes out. */
  | { status: 'superseded' }
);

export interface Plan {
  steps: PlannedStep[];
  /** When the ladder ends and the final action is taken. */
  finalActionAt: number;
}

export function finalActionInstant(policy: Policy, dueDate: LocalDate, timeZone: string): number {
  return wallClockToInstant(dayNumber(dueDate) + policy.finalAction.offsetDays, 0, timeZone);
}

export function nominalStepInstant(policy: Policy, stepIndex: number, dueDate: LocalDate, timeZone: string): number {
  const step = policy.steps[stepIndex];
  if (!step) throw new RangeError(`policy ${policy.id} has no step ${stepIndex}`);
  return wallClockToInstant(dayNumber(dueDate) + step.offsetDays, minutesOfDay(step.sendAt), timeZone);
}

export function isInQuietHours(policy: Policy, minuteOfDay: number): boolean {
  return isWithinDailyWindow(minuteOfDay, policy.quietHours);
}

/** True when the policy's rules of the clock (quiet hours, weekdays, closed dates) allow a contact at this instant. */
export function isContactAllowedAt(policy: Policy, instant: number, timeZone: string): boolean {
  return blockingRule(contactRulesOf(policy), instant, timeZone, []) === null;
}

const WINDOW_SCAN_STEP_MS = 5 * 60_000;
const WINDOW_SCAN_LIMIT_MS = 8 * MS_PER_DAY;

/**
 * The first instant after `instant` at which the policy stops allowing contact (quiet hours
 * begin, or a disallowed day starts). Quiet hours and zone offsets are whole minutes, so the
 * answer is exact: a coarse scan finds the 5 minutes in which the window closes, a minute scan
 * finds the boundary. A send that retries past it would reach the buyer at night, so deliveries
 * carry it as their deadline.
 */
export function contactWindowEnd(policy: Policy, instant: number, timeZone: string): number {
  let allowedAt = instant;
  for (let t = instant + WINDOW_SCAN_STEP_MS; t <= instant + WINDOW_SCAN_LIMIT_MS; t += WINDOW_SCAN_STEP_MS) {
    if (!isContactAllowedAt(policy, t, timeZone)) {
      for (let m = Math.floor(allowedAt / MS_PER_MINUTE + 1) * MS_PER_MINUTE; m < t; m += MS_PER_MINUTE) {
        if (!isContactAllowedAt(policy, m, timeZone)) return m;
      }
      return t;
    }
    allowedAt = t;
  }
  return instant + WINDOW_SCAN_LIMIT_MS;
}

/**
 * The concrete instants of every remaining step of the ladder, in the buyer's time zone: never
 * in quiet hours, never on a disallowed weekday, never above the rolling 7-day cap, never before
 * `now`, and in ladder order. A step whose successor's own time arrives before it could be sent
 * is `superseded` (so a journey started late, or held back by the cap, sends the most relevant
 * reminder instead of a burst of stale ones). Steps that would fall after the final action are
 * left out.
 */
export function computePlan(input: PlanInput): Plan {
  const { policy, dueDate, timeZone, now } = input;
  const finalActionAt = finalActionInstant(policy, dueDate, timeZone);
  const ledger = [...input.recentContacts];
  const rules = contactRulesOf(policy);
  const steps: PlannedStep[] = [];
  let previousAt = Number.NEGATIVE_INFINITY;
  let nominalAt =
    input.fromStep < policy.steps.length ? nominalStepInstant(policy, input.fromStep, dueDate, timeZone) : 0;

  for (let i = input.fromStep; i < policy.steps.length; i++) {
    const step = policy.steps[i]!;
    const adjustments: PlanAdjustment[] = [];
    let candidate = nominalAt;
    if (candidate < now) {
      candidate = now;
      adjustments.push('late_start');
    }
    if (candidate <= previousAt) {
      candidate = previousAt + 1;
      adjustments.push('after_previous_step');
    }
    const allowed = earliestAllowedInstant(rules, candidate, timeZone, ledger, step.sendAt);
    for (const reason of allowed.reasons) adjustments.push(reason);
    const at = allowed.at;
    if (at >= finalActionAt) break;

    const next = i + 1 < policy.steps.length ? nominalStepInstant(policy, i + 1, dueDate, timeZone) : undefined;
    const status = next !== undefined && next <= at && next < finalActionAt ? 'superseded' : 'scheduled';
    steps.push({ stepIndex: i, channel: step.channel, template: step.template, nominalAt, at, adjustments, status });
    if (status === 'scheduled') {
      ledger.push(at);
      previousAt = at;
    }
    nominalAt = next ?? 0;
  }
  return { steps, finalActionAt };
}

/**
 * A step outside the ladder (the broken-promise step), at the first instant from `now` the rules
 * of contact allow (quiet hours, weekdays, holidays, the rolling cap), resuming at its own send time.
 */
export function planExtraStep(input: {
  policy: Policy;
  step: { channel: Channel; template: ReminderTemplate; sendAt: string };
  stepIndex: number;
  timeZone: string;
  now: number;
  recentContacts: readonly number[];
}): PlannedStep {
  const { step, now } = input;
  const allowed = earliestAllowedInstant(
    contactRulesOf(input.policy),
    now,
    input.timeZone,
    input.recentContacts,
    step.sendAt,
  );
  return {
    stepIndex: input.stepIndex,
    channel: step.channel,
    template: step.template,
    nominalAt: now,
    at: allowed.at,
    adjustments: [...allowed.reasons],
    status: 'scheduled',
  };
}
