/**
 * The journey's side of one message for a buyer's installments (domain/grouping.ts): it hands a
 * due reminder to the buyer's coordinator (workflows/buyer-reminders.ts) and waits for its answer.
 * Anything that changes the journey meanwhile — a payment, a pause, a promise, a new due date or
 * address, the end — takes the reminder back, and the journey plans again from what it is now; so
 * does a coordinator that stays silent past the window.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { JourneyActivities } from '../activities/contracts';
import { type ReminderDelivery, stepKey } from '../domain/delivery';
import type { GroupedAnswer } from '../domain/grouping';
import { buyerRemindersWorkflowId, reminderWithdrawnSignal } from './buyer-reminder-messages';
import type { SendResult } from './deliveries';
import { groupedReminderAnsweredSignal } from './messages';

/** How long past its window a journey waits for a silent coordinator before it hands the reminder over again. */
const SILENCE_MARGIN_MS = 60 * 60_000;
/** How long a journey that took its reminder back waits for the coordinator to confirm nothing went out. */
const WITHDRAWAL_ANSWER_MS = 10 * 60_000;

function handOverReminderAs(activityId: string): JourneyActivities['handOverReminder'] {
  return proxyActivities<JourneyActivities>({
    activityId,
    startToCloseTimeout: '30 seconds',
    // Shorter than the coordinator lingers after its last message (buyer-reminders.ts): a retried
    // hand-over always finds the coordinator that remembers it was answered.
    scheduleToCloseTimeout: '5 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
    // A journey canceled mid-hand-over withdraws only once the hand-over can no longer land after it.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  }).handOverReminder;
}

/** What a hand-over came to: the delivery's result, `unsent` (plan again), or `alone` (no coordinator reachable). */
export type GroupedSendResult = SendResult | 'alone';

export function groupedReminders(journey: {
  /** The journey's activity ids, unique per try (see activityTries). */
  nthTry(activityId: string): string;
}) {
  const answers = new Map<string, GroupedAnswer>();
  setHandler(groupedReminderAnsweredSignal, (answer) => {
    // The first answer stands: a withdrawal's answer never overwrites the delivery's.
    if (!answers.has(answer.key)) answers.set(answer.key, answer);
  });
  /** When each step's reminder first came due: handed over again, it keeps its place in the window. */
  const firstDue = new Map<string, number>();
  /** Hand-overs per reminder: one handed over again is a new one to the coordinator (the first was withdrawn). */
  const handOvers = new Map<string, number>();

  /** Hands the reminder over and waits until it is answered, or `stale()` says the journey changed. */
  async function send(
    delivery: ReminderDelivery,
    { key, at, windowMs }: { key: string; at: number; windowMs: number },
    stale: () => boolean,
  ): Promise<GroupedSendResult> {
    const step = stepKey(delivery.planRevision, delivery.stepIndex, delivery.channel);
    const n = (handOvers.get(key) ?? 0) + 1;
    handOvers.set(key, n);
    const reminder = { key: n === 1 ? key : `${key}#${n}`, journeyId: workflowInfo().workflowId, windowMs, delivery };
    if (!firstDue.has(step)) firstDue.set(step, at);
    try {
      await handOverReminderAs(journey.nthTry(`hand-over/${step}`))({ ...reminder, at: firstDue.get(step)! });
      await condition(() => answers.has(reminder.key) || stale(), windowMs + SILENCE_MARGIN_MS);
    } catch (err) {
      if (isCancellation(err)) {
        // An operator canceled the workflow while the reminder waited: it must not go out.
        await CancellationScope.nonCancellable(() => withdraw(delivery, reminder.key));
        throw err;
      }
      if (!(err instanceof ActivityFailure)) throw err;
      // The coordinator could not be reached in time — yet a try may have reached it: take the
      // reminder back before it goes alone, unless a message already carried it.
      return resultOf(await withdraw(delivery, reminder.key)) ?? 'alone';
    }
    return resultOf(take(reminder.key) ?? (await withdraw(delivery, reminder.key))) ?? 'unsent';

    /** What a coordinator's answer says went out for the reminder; null when nothing did. */
    function resultOf(answer: GroupedAnswer | undefined): SendResult | null {
      if (!answer || answer.outcome.status === 'withdrawn') return null;
      firstDue.delete(step);
      return { attemptId: answer.attemptId, outcome: answer.outcome };
    }
  }

  function take(key: string): GroupedAnswer | undefined {
    const answer = answers.get(key);
    answers.delete(key);
    return answer;
  }

  /**
   * Takes the reminder back and waits for the coordinator's word: `withdrawn`, or the outcome of a
   * message already on its way with it. Undefined when the coordinator is gone or stays silent.
   */
  async function withdraw(delivery: ReminderDelivery, key: string): Promise<GroupedAnswer | undefined> {
    const coordinator = getExternalWorkflowHandle(buyerRemindersWorkflowId(delivery.tenantId, delivery.buyerId));
    try {
      await coordinator.signal(reminderWithdrawnSignal, { journeyId: workflowInfo().workflowId, key });
    } catch (err) {
      if (isCancellation(err)) throw err;
      // The coordinator had ended: nothing of this journey's was waiting.
      return undefined;
    }
    await condition(() => answers.has(key), WITHDRAWAL_ANSWER_MS);
    return take(key);
  }

  return { send };
}
