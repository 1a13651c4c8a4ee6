/**
 * A buyer's reminder coordinator: one message for the buyer's installments (domain/grouping.ts).
 * Journeys whose policy groups hand it their due reminders (signal-with-start); it waits while
 * the buyer has other reminders due before the first window ends, sends one message through the
 * same delivery activity as a journey (the compliance guard, the cap, the intent row), and answers
 * every journey it covered. A journey that takes its reminder back gets an answer too: `withdrawn`,
 * or — when the message had already left — what became of it. Idle for a while, it ends; the next
 * hand-over starts it again.
 *
 * Why a workflow per buyer: the reminders to group come from separate journeys at separate
 * moments, and whoever decides must see them all, wait durably for the ones about to come, and
 * outlive worker restarts — what a workflow keyed by the buyer gives, with signal-with-start as
 * the one way in. A database table polled by a job of ours would need its own locking, timers and
 * recovery.
 */
import {
  ActivityFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { BuyerReminderActivities } from '../activities/contracts';
import {
  ANSWERED_KEYS_KEPT,
  type GroupedAnswer,
  type GroupedReminder,
  type PendingMessage,
  answersFor,
  messageDelivery,
  messageReady,
  nextMessage,
  reminderId,
  sendBy,
  withReminder,
  withdrawnAnswer,
  withoutReminders,
} from '../domain/grouping';
import { reminderHandedOverSignal, reminderWithdrawnSignal } from './buyer-reminder-messages';
import { activityTries, deliverReminderAs } from './deliveries';
import { groupedReminderAnsweredSignal } from './messages';

export interface BuyerRemindersInput {
  /** After continue-as-new: the reminders still waiting, and those already answered (reminderId). */
  carried?: { waiting: GroupedReminder[]; answered: string[] };
}

/**
 * How long a coordinator with nothing waiting stays before it ends: longer than a journey's
 * hand-over may keep retrying (grouped-reminders.ts), so a hand-over that landed twice is still
 * recognized as answered.
 */
const LINGER_MS = 10 * 60_000;
/** A journey answered this recently may not have recorded its next action yet: it is not waited for. */
const RECORDING_GRACE_MS = 60_000;

const { buyerRemindersDue } = proxyActivities<BuyerReminderActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function buyerReminders(input: BuyerRemindersInput = {}): Promise<void> {
  let waiting: GroupedReminder[] = input.carried?.waiting ?? [];
  /** Reminders answered or withdrawn: one handed over again (a retried hand-over) is not sent. */
  const settled = new Set(input.carried?.answered ?? []);
  /** Answers owed, sent from the main loop. */
  const owed: GroupedAnswer[] = [];
  /** When each journey was last answered. */
  const answeredAt = new Map<string, number>();
  let inFlight: { ids: Set<string>; scope: CancellationScope } | null = null;
  let changes = 0;
  // A message stopped by a withdrawal may go again with the same lead: its next try is `…#2`.
  const nthTry = activityTries();

  setHandler(reminderHandedOverSignal, (reminder) => {
    if (settled.has(reminderId(reminder))) return;
    waiting = withReminder(waiting, reminder);
    changes++;
  });
  setHandler(reminderWithdrawnSignal, (withdrawn) => {
    const id = reminderId(withdrawn);
    settled.add(id);
    changes++;
    // On its way: stopped if no worker took it yet; its journey is answered when it settles.
    if (inFlight?.ids.has(id)) return inFlight.scope.cancel();
    waiting = withoutReminders(waiting, new Set([id]));
    owed.push(withdrawnAnswer(withdrawn));
  });

  for (;;) {
    // Withdrawals answered meanwhile are answered too: none is left for a continue-as-new to drop.
    while (owed.length > 0) for (const answer of owed.splice(0)) await answerJourney(answer);
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof buyerReminders>({
        carried: { waiting, answered: [...settled].slice(-ANSWERED_KEYS_KEPT) },
      });
    }
    const message = nextMessage(waiting);
    const seen = changes;
    if (!message) {
      if (!(await condition(() => changes !== seen, LINGER_MS))) {
        await condition(allHandlersFinished);
        // A hand-over may have arrived while the handlers finished.
        if (waiting.length === 0 && owed.length === 0) return;
      }
      continue;
    }
    if (!(await readyToSend(message))) {
      if (changes === seen) await condition(() => changes !== seen, sendBy(message) - Date.now());
      continue;
    }
    // A reminder handed over or withdrawn while the buyer's others were counted: look again.
    if (changes !== seen) continue;
    await send(message);
  }

  /** Whether the message goes now, or waits for the buyer's other reminders due before its deadline. */
  async function readyToSend(message: PendingMessage): Promise<boolean> {
    // Full, or its time is up: it goes without counting what else is due.
    if (messageReady(message, Date.now(), Number.POSITIVE_INFINITY)) return true;
    const lead = message.reminders[0]!.delivery;
    const recent = [...answeredAt].filter(([, at]) => at > Date.now() - RECORDING_GRACE_MS).map(([id]) => id);
    const othersDue = await buyerRemindersDue({
      tenantId: lead.tenantId,
      buyerId: lead.buyerId,
      // Journeys with a reminder here already (on another channel too) are not waited for.
      excludeJourneyIds: [...new Set([...waiting.map((r) => r.journeyId), ...recent])],
      until: new Date(message.deadline).toISOString(),
    });
    return messageReady(message, Date.now(), othersDue);
  }

  /**
   * One delivery for the whole message, under the lead reminder's attempt id. A withdrawal while
   * it waits for a worker stops it: the withdrawn reminders are answered so, the others wait again.
   */
  async function send(message: PendingMessage): Promise<void> {
    const ids = new Set(message.reminders.map(reminderId));
    waiting = withoutReminders(waiting, ids);
    const delivery = messageDelivery(message);
    const deliver = deliverReminderAs(nthTry(`deliver/${delivery.attemptId}`), delivery.channel);
    const scope = new CancellationScope();
    inFlight = { ids, scope };
    let outcome: GroupedAnswer['outcome'];
    try {
      outcome = await scope.run(() => deliver(delivery));
    } catch (err) {
      if (isCancellation(err)) {
        // The coordinator itself is being canceled (an operator): let the cancellation end it.
        if (CancellationScope.current().consideredCancelled) throw err;
        for (const r of message.reminders) {
          if (settled.has(reminderId(r))) owed.push(withdrawnAnswer(r));
          else waiting = withReminder(waiting, r);
        }
        return;
      }
      if (!(err instanceof ActivityFailure)) throw err;
      outcome = { status: 'failed' };
    } finally {
      inFlight = null;
    }
    for (const id of ids) settled.add(id);
    for (const r of message.reminders) answeredAt.set(r.journeyId, Date.now());
    owed.push(...answersFor(message, delivery.attemptId, outcome));
  }
}

/** Tells a journey what became of its reminder; one that has closed meanwhile needs no answer. */
async function answerJourney(answer: GroupedAnswer): Promise<void> {
  try {
    await getExternalWorkflowHandle(answer.journeyId).signal(groupedReminderAnsweredSignal, answer);
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.info('a grouped reminder’s journey could not be answered', { journeyId: answer.journeyId });
  }
}
