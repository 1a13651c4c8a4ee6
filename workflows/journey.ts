import {
  ActivityFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { JourneyActivities } from '../activities/contracts';
import { resolveChannel } from '../domain/channels';
import type { PendingConfirmation } from '../domain/confirmations';
import { type ReminderDelivery, eventForDelivery, reminderDelivery, reminderKey, stepKey } from '../domain/delivery';
import { groupingWindowMs, reminderStillCurrent } from '../domain/grouping';
import type { InstallmentInput } from '../domain/installment';
import {
  type Actor,
  type JourneyEvent,
  type JourneyState,
  type RecordedEvent,
  TEMPORAL_OPERATOR,
  channelAvailability,
  dispatch,
  eventOfAction,
  isClosed,
  nextMove,
  stageAt,
  startJourney,
  withoutConfirmations,
} from '../domain/journey';
import { zonedToInstant } from '../domain/local-time';
import { type PlannedStep, contactWindowEnd } from '../domain/plan';
import type { Policy } from '../domain/policy';
import type { JourneyRouting } from '../domain/segments';
import { type JourneyStatus, journeyStatus, nextActionInstant } from '../domain/status';
import { type SendResult, activityTries, deliverReminderAs, tryConfirmation } from './deliveries';
import { groupedReminders } from './grouped-reminders';
import { registerJourneyHandlers } from './journey-handlers';
import {
  CANCEL_DELIVERY_NO_LONGER_DUE,
  CANCEL_DELIVERY_ON_CLOSE,
  GROUP_REMINDERS,
  RECORD_OPERATOR_CANCEL,
  SEND_CONFIRMATIONS,
} from './patches';
import { DUE_DATE, NEXT_ACTION_AT, OUTCOME, STAGE } from './search-attributes';

export interface JourneyInput {
  installment: InstallmentInput;
  /** The policy version the journey started with; it keeps it for life. */
  policy: Policy;
  /** Who started the journey (recorded with the `started` event). */
  startedBy?: Actor;
  /** Present after continue-as-new: the state and the events not yet recorded. */
  carried?: { state: JourneyState; unrecorded: RecordedEvent[] };
  /**
   * The last event sequence number on record: a journey started again after it was terminated continues the numbering.
   */
  afterSeq?: number;
  /**
   * How the policy was chosen (segment rule, experiment arm). A holdout journey sends no reminder:
   * the decision rides on this input, so histories without it replay as they were.
   */
  routing?: JourneyRouting;
}

// Activity IDs name what they do (`record/3`, `deliver/r0/s2/sms`): readable in the Temporal UI,
// and replay tests compare them, so a change in what the workflow does cannot slip through.
function recordJourneyAs(activityId: string): JourneyActivities['recordJourney'] {
  return proxyActivities<JourneyActivities>({
    activityId,
    startToCloseTimeout: '30 seconds',
    // Recording must eventually succeed: the database being down delays the journey, it does not end it.
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  }).recordJourney;
}

/**
 * One durable journey per overdue installment. A thin driver: every decision comes from the
 * pure state machine in domain/journey.ts; this function only waits, calls activities and
 * feeds their results and incoming messages back as events.
 */
export async function dunningJourney(input: JourneyInput): Promise<JourneyStatus> {
  let state: JourneyState;
  const unrecorded: RecordedEvent[] = [];
  if (input.carried) {
    state = input.carried.state;
    unrecorded.push(...input.carried.unrecorded);
  } else {
    const started = startJourney(
      input.installment,
      input.policy,
      Date.now(),
      input.startedBy,
      input.afterSeq,
      input.routing,
    );
    state = started.state;
    unrecorded.push(started.recorded);
  }
  let changes = 0;
  /**
   * The reminder waiting to go out (queued behind a provider's rate limit, or retrying), if any:
   * its step and delivery, and whether the journey called it back.
   */
  let deliveryInFlight: {
    scope: CancellationScope;
    step: PlannedStep;
    delivery: ReminderDelivery;
    calledBack: boolean;
  } | null = null;
  const callBack = (delivery: NonNullable<typeof deliveryInFlight>): void => {
    delivery.calledBack = true;
    delivery.scope.cancel();
  };

  const apply = (event: JourneyEvent): void => {
    const result = dispatch(state, event);
    if (!result.recorded) return;
    state = result.state;
    unrecorded.push(result.recorded);
    changes++;
    if (!deliveryInFlight) return;
    // Paid or canceled: a reminder that has not gone out yet must not go out.
    if (isClosed(state)) {
      if (patched(CANCEL_DELIVERY_ON_CLOSE)) callBack(deliveryInFlight);
      return;
    }
    // Paused, promised, with a person, a new date, address or balance: nor must one the journey would not send now.
    const { step, delivery } = deliveryInFlight;
    if (!reminderStillCurrent(state, step, delivery, Date.now()) && patched(CANCEL_DELIVERY_NO_LONGER_DUE)) {
      callBack(deliveryInFlight);
    }
  };

  registerJourneyHandlers({ state: () => state, apply });

  let batches = 0;
  /** Records new events and refreshes the search attributes; both change only when the state does. */
  const flush = async (): Promise<void> => {
    if (unrecorded.length === 0) return;
    const now = Date.now();
    const nextAt = nextActionInstant(state, now);
    upsertSearchAttributes([
      { key: STAGE, value: stageAt(state, now) },
      { key: NEXT_ACTION_AT, value: nextAt === null ? null : new Date(nextAt) },
      { key: DUE_DATE, value: new Date(zonedToInstant(state.dueDate, '00:00', state.installment.buyer.timezone)) },
      ...(state.outcome ? [{ key: OUTCOME, value: state.outcome }] : []),
    ]);
    const events = unrecorded.splice(0, unrecorded.length);
    const { workflowId, runId } = workflowInfo();
    batches++;
    await recordJourneyAs(`record/${batches}`)({
      journeyId: workflowId,
      runId,
      installment: state.installment,
      status: journeyStatus(state, now),
      events,
    });
  };

  const nthTry = activityTries();
  const withBuyersOthers = groupedReminders({ nthTry });

  const send = async (step: PlannedStep): Promise<void> => {
    const now = Date.now();
    const target = { revision: state.planRevision, stepIndex: step.stepIndex };
    const buyer = state.installment.buyer;
    const route = resolveChannel(step.channel, channelAvailability(state));
    if (route.kind === 'none') {
      apply({ type: 'step_skipped', at: now, ...target, reason: 'no_channel', channels: route.skipped });
      return;
    }
    const { channel } = route;
    const delivery = reminderDelivery(state, step, channel, workflowInfo().workflowId);
    const windowMs = groupingWindowMs(state.policy);
    const seen = changes;
    const grouped =
      windowMs !== null && patched(GROUP_REMINDERS)
        ? await withBuyersOthers.send(
            delivery,
            { key: reminderKey(state, step.stepIndex, channel), at: now, windowMs },
            // Only a change that alters what it would send takes it back.
            () => changes !== seen && !reminderStillCurrent(state, step, delivery, Date.now()),
          )
        : 'alone';
    const sent = grouped === 'alone' ? await sendAlone(step, delivery) : grouped;
    // The journey closed (or changed, and plans again) while the reminder waited: nothing to record.
    if (sent === 'unsent') return;
    if (sent.outcome.status === 'failed') {
      apply({ type: 'step_skipped', at: Date.now(), ...target, reason: 'delivery_failed' });
      return;
    }
    apply(
      eventForDelivery(sent.outcome, {
        at: Date.now(),
        ...target,
        channel,
        requestedChannel: step.channel,
        attemptId: sent.attemptId,
        // Only histories from before the guard defer without naming an instant.
        get fallbackUntil() {
          return contactWindowEnd(state.policy, now, buyer.timezone);
        },
      }),
    );
  };

  /** The reminder on its own, through the delivery activity; called back if the journey would no longer send it. */
  const sendAlone = async (step: PlannedStep, delivery: ReminderDelivery): Promise<SendResult> => {
    const { channel } = delivery;
    const deliver = deliverReminderAs(
      nthTry(`deliver/${stepKey(delivery.planRevision, delivery.stepIndex, channel)}`),
      channel,
    );
    const scope = new CancellationScope();
    const inFlight = { scope, step, delivery, calledBack: false };
    deliveryInFlight = inFlight;
    try {
      return { attemptId: delivery.attemptId, outcome: await scope.run(() => deliver(delivery)) };
    } catch (err) {
      if (isCancellation(err)) {
        // Called back before a worker took it: nothing went out, nothing to record.
        if (inFlight.calledBack) return 'unsent';
        // The workflow itself is being canceled (an operator): let the cancellation end it.
        throw err;
      }
      if (!(err instanceof ActivityFailure)) throw err;
      return { attemptId: delivery.attemptId, outcome: { status: 'failed' } };
    } finally {
      deliveryInFlight = null;
    }
  };

  /**
   * Sends a confirmation owed (see deliveries.ts). Never canceled when the journey closes: the
   * payment that closes it is confirmed.
   */
  const confirm = async (owed: PendingConfirmation): Promise<void> => {
    apply(await tryConfirmation(state, owed, workflowInfo().workflowId, nthTry));
  };

  /**
   * An operator canceled the workflow itself (Temporal UI or CLI): the journey ends as canceled,
   * on record, before the cancellation ends the workflow.
   */
  const recordOperatorCancel = (): Promise<void> =>
    CancellationScope.nonCancellable(async () => {
      apply({ type: 'canceled', at: Date.now(), reason: 'operator', actor: TEMPORAL_OPERATOR });
      while (unrecorded.length > 0) await flush();
    });

  try {
    return await runLadder();
  } catch (err) {
    if (isCancellation(err) && patched(RECORD_OPERATOR_CANCEL)) await recordOperatorCancel();
    throw err;
  }

  async function runLadder(): Promise<JourneyStatus> {
    for (;;) {
      // Messages that arrive while a batch is being recorded form the next batch: record until
      // none is left, so nothing waits unrecorded (or is lost when the journey ends).
      while (unrecorded.length > 0) await flush();
      const now = Date.now();
      const action = nextMove(state, now);
      switch (action.kind) {
        case 'done':
          await condition(allHandlersFinished);
          // What the last handlers did (a late payment) is recorded, and confirmed, before the end.
          if (unrecorded.length > 0) break;
          return journeyStatus(state, Date.now());
        case 'confirm':
          if (patched(SEND_CONFIRMATIONS)) await confirm(action.confirmation);
          // Written before confirmations existed: this journey never sent one.
          else state = withoutConfirmations(state);
          break;
        case 'resume':
        case 'skip':
        case 'final':
        case 'promise_kept':
        case 'promise_broken':
          apply(eventOfAction(state, action, now));
          break;
        case 'send':
          await send(action.step);
          break;
        case 'wait': {
          if (workflowInfo().continueAsNewSuggested) {
            await condition(allHandlersFinished);
            return await continueAsNew<typeof dunningJourney>({
              ...input,
              carried: { state, unrecorded: unrecorded.splice(0) },
            });
          }
          const seen = changes;
          if (action.until === null) await condition(() => changes !== seen);
          else await condition(() => changes !== seen, action.until - now);
        }
      }
    }
  }
}
