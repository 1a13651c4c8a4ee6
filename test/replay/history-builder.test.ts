/**
 * Spike: proves test/support/history-builder.ts produces histories that sdk-core replays, and
 * that replay catches the nondeterminism we care about (activity type, activity id, timer vs
 * activity). Runs fully offline against fixtures/spike-workflow.ts.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { HistoryBuilder, type HistoryBuilderOptions } from '../support/history-builder';
import { bundleWorkflows, installQuietRuntime, replay } from '../support/replay';
import {
  dunningStageKey,
  paymentReceivedSignal,
  setNoteUpdate,
  type SpikeInput,
  type SpikeResult,
} from './fixtures/spike-workflow';

const input: SpikeInput = { accountId: 'acct-42', reminderDelayMs: 3 * 86_400_000, paymentWindowMs: 7 * 86_400_000 };
const MINUTE = 60_000;

/** Knobs for deliberately wrong histories. */
interface Variant {
  firstActivityType?: string;
  firstActivityId?: string;
  /** Record an activity where the workflow starts its first condition timer. */
  timerReplacedByActivity?: boolean;
  options?: Partial<HistoryBuilderOptions>;
}

/**
 * The history a real server would record for spikeWorkflow(input) when: nobody pays during the
 * reminder delay, a payment signal arrives during the payment window, then a setNote update.
 */
function spikeHistory(variant: Variant = {}): HistoryBuilder {
  const h = new HistoryBuilder({
    workflowType: 'spikeWorkflow',
    taskQueue: 'test',
    args: [input],
    startTime: new Date('2024-03-01T09:00:00Z'),
    ...variant.options,
  })
    // WFT 1: upsert, then the first activity.
    .workflowTask()
    .upsertSearchAttributes([{ key: dunningStageKey, value: 'started' }])
    .activityScheduled({
      activityId: variant.firstActivityId ?? 'record-started',
      activityType: variant.firstActivityType ?? 'recordEvent',
      input: [input.accountId, 'started'],
    })
    .activityCompleted(1, { advanceMs: MINUTE })
    // WFT 2: condition(() => paid, reminderDelay) starts timer 1.
    .workflowTask();

  if (variant.timerReplacedByActivity) {
    h.activityScheduled({ activityId: 'wait-1', activityType: 'sleep' }).activityCompleted();
  } else {
    h.timerStarted(1, input.reminderDelayMs).timerFired(1);
  }

  return (
    h
      // WFT 3: timer fired -> condition false -> reminder activity.
      .workflowTask()
      .activityScheduled({ activityId: 'remind-1', activityType: 'sendReminder', input: [input.accountId] })
      .activityCompleted(undefined, { advanceMs: MINUTE })
      // WFT 4: upsert, condition(() => paid, paymentWindow) starts timer 2.
      .workflowTask()
      .upsertSearchAttributes([{ key: dunningStageKey, value: 'reminded' }])
      .timerStarted(2, input.paymentWindowMs)
      .signal(paymentReceivedSignal, [{ amountCents: 1999 }], { advanceMs: 2 * 86_400_000 })
      // WFT 5: signal -> condition true -> timer 2 cancelled; then blocks on the note (no timer).
      .workflowTask()
      .timerCanceled(2)
      // WFT 6: update delivered with this task: accepted + completed (sync handler), then the
      // unblocked main coroutine schedules the outcome activity.
      .workflowTask({ advanceMs: 5 * MINUTE })
      .update(setNoteUpdate, ['customer paid by card'], '', { updateId: 'note-1' })
      .activityScheduled({
        activityId: 'record-outcome',
        activityType: 'recordEvent',
        input: [input.accountId, 'paid'],
      })
      .activityCompleted(2, { advanceMs: MINUTE })
      // WFT 7: return.
      .workflowTask()
      .completed({ outcome: 'paid', amountCents: 1999, note: 'customer paid by card' } satisfies SpikeResult)
  );
}

/**
 * Alternative path: timer 1 fires AND the payment arrives before WFT 3. sdk-core puts signal (and
 * update) jobs before timer/activity jobs in an activation, so condition #1 returns true and no
 * reminder is sent. In WFT 3 condition #2 is already true when called: its timer (seq 2) is
 * created and cancelled inside the activation and never reaches history (so a later timer would
 * be seq 3). Ends with WFT 4 done, the workflow waiting for the setNote update.
 */
function paidEarlyUntilNote(): HistoryBuilder {
  return new HistoryBuilder({ workflowType: 'spikeWorkflow', args: [input] })
    .workflowTask()
    .upsertSearchAttributes([{ key: dunningStageKey, value: 'started' }])
    .activityScheduled({ activityId: 'record-started', activityType: 'recordEvent' })
    .activityCompleted(1)
    .workflowTask()
    .timerStarted(1, input.reminderDelayMs)
    .timerFired(1)
    .signal(paymentReceivedSignal, [{ amountCents: 500 }])
    .workflowTask()
    .upsertSearchAttributes([{ key: dunningStageKey, value: 'reminded' }])
    .workflowTask();
}

let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  installQuietRuntime();
  bundle = await bundleWorkflows(fileURLToPath(new URL('./fixtures/spike-workflow.ts', import.meta.url)));
});

/** Replays and returns the rejection (undefined on success), to assert type and message. */
async function replayError(history: HistoryBuilder): Promise<unknown> {
  return replay(bundle, history.build()).then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('HistoryBuilder + offline replay (spike)', () => {
  it('replays a correct history', async () => {
    await expect(replay(bundle, spikeHistory().build())).resolves.toBeUndefined();
  });

  it('fails with DeterminismViolationError when an activity TYPE differs', async () => {
    const error = await replayError(spikeHistory({ firstActivityType: 'recordEvents' }));
    expect(error).toBeInstanceOf(DeterminismViolationError);
    expect(String(error)).toMatch(/Activity type of scheduled event 'recordEvents' does not match .* 'recordEvent'/);
  });

  it('fails with DeterminismViolationError when an activity ID differs', async () => {
    const error = await replayError(spikeHistory({ firstActivityId: 'record-1' }));
    expect(error).toBeInstanceOf(DeterminismViolationError);
    expect(String(error)).toMatch(/Activity id of scheduled event 'record-1' does not match .* 'record-started'/);
  });

  it('fails with DeterminismViolationError when a timer is replaced by an activity', async () => {
    const error = await replayError(spikeHistory({ timerReplacedByActivity: true }));
    expect(error).toBeInstanceOf(DeterminismViolationError);
    expect(String(error)).toMatch(/ActivityTaskScheduled/);
  });

  it('replays an activity failure that fails the workflow', async () => {
    const history = new HistoryBuilder({ workflowType: 'spikeWorkflow', args: [input] })
      .workflowTask()
      .upsertSearchAttributes([{ key: dunningStageKey, value: 'started' }])
      .activityScheduled({ activityId: 'record-started', activityType: 'recordEvent' })
      .activityFailed({ message: 'db down', type: 'DbUnavailable', nonRetryable: true })
      .workflowTask()
      .failed({ message: 'Activity task failed' });
    expect(await replayError(history)).toBeUndefined();
  });

  it('replays continue-as-new, and rejects completion where the code continues as new', async () => {
    const continuing: SpikeInput = { ...input, continueAfterReminder: true };
    const untilReminderDone = () =>
      new HistoryBuilder({ workflowType: 'spikeWorkflow', args: [continuing] })
        .workflowTask()
        .upsertSearchAttributes([{ key: dunningStageKey, value: 'started' }])
        .activityScheduled({ activityId: 'record-started', activityType: 'recordEvent' })
        .activityCompleted(1)
        .workflowTask()
        .timerStarted(1, input.reminderDelayMs)
        .timerFired(1)
        .workflowTask()
        .activityScheduled({ activityId: 'remind-1', activityType: 'sendReminder' })
        .activityCompleted()
        .workflowTask();
    expect(await replayError(untilReminderDone().continuedAsNew([input]))).toBeUndefined();
    const error = await replayError(untilReminderDone().completed());
    expect(error).toBeInstanceOf(DeterminismViolationError);
  });
});

describe('replay semantics the builder relies on (documented gotchas)', () => {
  it('does NOT check activity id/type unless core flag 1 is recorded (the builder records it)', async () => {
    const history = spikeHistory({
      firstActivityType: 'recordEvents',
      firstActivityId: 'record-1',
      options: { coreUsedFlags: [] },
    });
    expect(await replayError(history)).toBeUndefined();
  });

  it('does not compare inputs, results, timer durations, search attribute values', async () => {
    const history = new HistoryBuilder({ workflowType: 'spikeWorkflow', args: [input] })
      .workflowTask()
      .upsertSearchAttributes({}) // the workflow upserts DunningStage=started
      .activityScheduled({ activityId: 'record-started', activityType: 'recordEvent', input: ['other'] })
      .activityCompleted('not a number')
      .workflowTask()
      .timerStarted(1, 1) // the workflow asks for reminderDelayMs
      .timerFired(1)
      .workflowTask()
      .activityScheduled({ activityId: 'remind-1', activityType: 'sendReminder' })
      .activityCompleted()
      .workflowTask()
      .upsertSearchAttributes([{ key: dunningStageKey, value: 'something else' }])
      .timerStarted(2, 42)
      .signal(paymentReceivedSignal, [{ amountCents: 1 }])
      .workflowTask()
      .timerCanceled(2)
      .workflowTask()
      .update(setNoteUpdate, ['n'], 'not the previous note', { updateId: 'u' })
      .activityScheduled({ activityId: 'record-outcome', activityType: 'recordEvent' })
      .activityCompleted()
      .workflowTask()
      .completed('not the real result');
    expect(await replayError(history)).toBeUndefined();
  });

  it('runs signals before a timer fired in the same task: condition(fn, ms) returns true', async () => {
    const signalWins = paidEarlyUntilNote()
      .update(setNoteUpdate, ['paid early'], '', { updateId: 'u' })
      .activityScheduled({ activityId: 'record-outcome', activityType: 'recordEvent' })
      .activityCompleted(2)
      .workflowTask()
      .completed();
    expect(await replayError(signalWins)).toBeUndefined();
  });

  it('checks the position of update events among the commands of their task', async () => {
    // Accepted + completed (sync handler) must come BEFORE what the unblocked main code schedules.
    const updateLast = paidEarlyUntilNote()
      .activityScheduled({ activityId: 'record-outcome', activityType: 'recordEvent' })
      .update(setNoteUpdate, ['paid early'], '', { updateId: 'u' })
      .activityCompleted(2)
      .workflowTask()
      .completed();
    const error = await replayError(updateLast);
    expect(error).toBeInstanceOf(DeterminismViolationError);
    expect(String(error)).toMatch(/Update machine does not handle this event/);
  });

  it('does not run update validators on replay', async () => {
    // The fixture's validator rejects blank notes; on replay the accepted request is trusted.
    const blankNote = paidEarlyUntilNote()
      .update(setNoteUpdate, ['   '], '', { updateId: 'u' })
      .activityScheduled({ activityId: 'record-outcome', activityType: 'recordEvent' })
      .activityCompleted(2)
      .workflowTask()
      .completed();
    expect(await replayError(blankNote)).toBeUndefined();
  });

  it('does not check commands beyond the end of a truncated history', async () => {
    // The workflow also schedules 'record-started' in WFT 1, but the history stops before it:
    // whatever the code does after the last recorded event is not compared.
    // => end test histories with completed()/failed()/continuedAsNew().
    const truncated = new HistoryBuilder({ workflowType: 'spikeWorkflow', args: [input] })
      .workflowTask()
      .upsertSearchAttributes([{ key: dunningStageKey, value: 'started' }]);
    expect(await replayError(truncated)).toBeUndefined();
  });
});

describe('HistoryBuilder bookkeeping', () => {
  it('links event ids and advances the virtual clock', () => {
    const h = new HistoryBuilder({ workflowType: 'wf', startTime: 0 })
      .workflowTask()
      .timerStarted(1, 5_000)
      .timerFired(1)
      .workflowTask()
      .activityScheduled({ activityType: 'act' })
      .activityCompleted('ok', { advanceMs: 100 })
      .workflowTask()
      .completed();
    const events = h.build().events ?? [];
    expect(h.describe().split('\n')).toEqual([
      '1 WORKFLOW_EXECUTION_STARTED',
      '2 WORKFLOW_TASK_SCHEDULED',
      '3 WORKFLOW_TASK_STARTED',
      '4 WORKFLOW_TASK_COMPLETED',
      '5 TIMER_STARTED',
      '6 TIMER_FIRED',
      '7 WORKFLOW_TASK_SCHEDULED',
      '8 WORKFLOW_TASK_STARTED',
      '9 WORKFLOW_TASK_COMPLETED',
      '10 ACTIVITY_TASK_SCHEDULED',
      '11 ACTIVITY_TASK_STARTED',
      '12 ACTIVITY_TASK_COMPLETED',
      '13 WORKFLOW_TASK_SCHEDULED',
      '14 WORKFLOW_TASK_STARTED',
      '15 WORKFLOW_TASK_COMPLETED',
      '16 WORKFLOW_EXECUTION_COMPLETED',
    ]);
    const at = (eventId: number) => events[eventId - 1];
    expect(at(4)?.workflowTaskCompletedEventAttributes?.sdkMetadata?.coreUsedFlags).toEqual([1, 2, 3]);
    expect(at(9)?.workflowTaskCompletedEventAttributes?.sdkMetadata).toBeUndefined();
    expect(Number(at(6)?.timerFiredEventAttributes?.startedEventId)).toBe(5);
    expect(Number(at(6)?.eventTime?.seconds)).toBe(5);
    expect(at(10)?.activityTaskScheduledEventAttributes?.activityId).toBe('1');
    expect(Number(at(10)?.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId)).toBe(9);
    expect(Number(at(12)?.activityTaskCompletedEventAttributes?.startedEventId)).toBe(11);
    expect(Number(at(12)?.eventTime?.nanos)).toBe(100_000_000);
    expect(Number(at(16)?.workflowExecutionCompletedEventAttributes?.workflowTaskCompletedEventId)).toBe(15);
  });

  it('refuses command events that do not follow a workflow task', () => {
    const h = new HistoryBuilder({ workflowType: 'wf' }).workflowTask().timerStarted(1, 10).timerFired(1);
    expect(() => h.activityScheduled({ activityType: 'act' })).toThrow(/must directly follow workflowTask/);
    expect(() => h.timerFired(1)).toThrow(/already fired/);
    expect(() => new HistoryBuilder({ workflowType: 'wf' }).timerStarted(1, 10)).toThrow(/workflowTask/);
  });
});
