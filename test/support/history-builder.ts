/**
 * Fluent builder for Temporal workflow histories, for offline replay tests
 * (`Worker.runReplayHistory`, see ./replay.ts). No server needed.
 *
 * HOW WORKFLOW CODE MAPS TO HISTORY EVENTS (what a test author must know)
 * ------------------------------------------------------------------------
 * A history is a sequence of workflow tasks (WFTs). Each WFT is one *activation* of the workflow
 * code: it runs until every coroutine is blocked, and the commands it issued are written right
 * after that task's WorkflowTaskCompleted event, in the order the workflow issued them.
 *
 *   new HistoryBuilder(...)        WorkflowExecutionStarted (workflow input, start time)
 *   .workflowTask()                WorkflowTaskScheduled + Started + Completed (one per activation)
 *     ...commands of that task...  one builder call per command, IN ISSUE ORDER:
 *       upsertSearchAttributes()   <- upsertSearchAttributes(...)
 *       activityScheduled()        <- calling an activity proxy
 *       timerStarted(id, ms)       <- sleep(ms) / condition(fn, ms)   (id = timer seq, "1", "2", ...)
 *       timerCanceled(id)          <- cancelling a timer started in an EARLIER task (e.g. a
 *                                     condition(fn, ms) that became true before the timeout)
 *       updateAccepted()/updateCompleted() <- an update delivered with this task: accepted first
 *                                     (updates and signals are handled before other jobs), then
 *                                     completed once the handler returns (same task for a sync
 *                                     handler), typically BEFORE the commands of the main code it
 *                                     unblocked. update(...) = both. Their position is checked.
 *       completed()/failed()/continuedAsNew() <- workflow return / throw / continueAsNew; always
 *                                     last (core flag 3 moves non-terminal commands before it)
 *   ...then what the outside world did while the workflow was blocked:
 *       activityCompleted()/activityFailed(), timerFired(), signal()
 *   .workflowTask()                next activation, which sees all of the above at once
 *
 * Rules the builder enforces (it throws on violation):
 *  - command events must directly follow a workflowTask() or another command event;
 *  - nothing may follow a terminal event (completed/failed/continuedAsNew);
 *  - timers/activities/updates referenced must exist and still be open.
 *
 * What sdk-core actually compares on replay (temporalio/sdk-core, machines/*.rs):
 *  - always: the kind of every command event, in order (incl. update accepted/completed and
 *    upserts); timer ids (= seq numbers);
 *  - activity id AND activity type: only when core flag 1 (IdAndTypeDeterminismChecks) is
 *    recorded in the history. The builder records what a real 1.24 worker does: core flags
 *    [1, 2, 3] + SDK name/version on the FIRST WorkflowTaskCompleted only (flags are cumulative
 *    for the rest of the history), plus lang flags [1, 2] (see DEFAULT_LANG_FLAGS);
 *  - NOT compared: inputs, results, timeouts, timer durations, search attribute values,
 *    signal/update payload vs handler, workflow result. Such differences never fail replay.
 *
 * Gotchas:
 *  - Timer ids are per-workflow sequence numbers starting at 1, consumed by EVERY sleep()/
 *    condition-with-timeout call, including a condition that is already true when called (its
 *    timer is created and cancelled in the same activation, so it never reaches history but
 *    still burns a seq). Likewise activity seq numbers (the default activity id) are shared
 *    with local activities.
 *  - Within one activation, sdk-core delivers signals and updates BEFORE timer fired / activity
 *    resolved jobs regardless of event order. A signal landing in the same WFT as the timer of
 *    `condition(() => paid, ms)` makes the condition return true.
 *  - Update validators do not run on replay; rejected updates leave no trace in history.
 *  - History should end with a terminal event: commands the workflow issues beyond the end of
 *    a truncated history are executed "live" and are not checked.
 */
import { createRequire } from 'node:module';
import Long from 'long';
import {
  ApplicationFailure,
  defaultFailureConverter,
  defaultPayloadConverter,
  mapToPayloads,
  toPayloads,
  type Payload,
  type PayloadConverter,
  type SearchAttributePair,
  type SearchAttributeUpdatePair,
  type SignalDefinition,
  type UpdateDefinition,
} from '@temporalio/common';
import { encodeUnifiedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { msToTs } from '@temporalio/common/lib/time.js';
// @temporalio/proto is CommonJS with `module.exports = root`: Node's ESM loader cannot see named
// exports, so take the runtime value from the default import (types come from the namespace).
import proto, { type temporal } from '@temporalio/proto';
import { SdkFlags } from '@temporalio/workflow/lib/flags.js';

type IHistory = temporal.api.history.v1.IHistory;
type IHistoryEvent = temporal.api.history.v1.IHistoryEvent;
type IFailure = temporal.api.failure.v1.IFailure;
type IPayloads = temporal.api.common.v1.IPayloads;

const EventType = proto.temporal.api.enums.v1.EventType;
const RetryState = proto.temporal.api.enums.v1.RetryState;
const TaskQueueKind = proto.temporal.api.enums.v1.TaskQueueKind;
const ContinueAsNewInitiator = proto.temporal.api.enums.v1.ContinueAsNewInitiator;

/**
 * sdk-core internal flags (`CoreInternalFlags` in sdk-core's internal_flags.rs). A real worker
 * records ALL of them in the sdkMetadata of its first WorkflowTaskCompleted; flags are cumulative
 * over the history, so later tasks only list newly used ones (i.e. none).
 */
export const CoreFlag = {
  /** Enables the activity id / activity type (and child workflow id/type) determinism checks. */
  IdAndTypeDeterminismChecks: 1,
  /** `patched()` also upserts the TemporalChangeVersion search attribute (extra history event). */
  UpsertSearchAttributeOnPatch: 2,
  /** Non-terminal commands are moved before the terminal (complete/fail/CAN) command. */
  MoveTerminalCommands: 3,
} as const;

export const ALL_CORE_FLAGS: readonly number[] = Object.values(CoreFlag);

/**
 * TS SDK ("lang") flags a 1.24 worker would have recorded by the time they matter. A real worker
 * records each lazily, in the first task where it is consulted (1: first timer / scope with
 * timeout; 2: first activation containing a signal). Both default to "on" for new executions and
 * are only *read* by those same code paths, so declaring them up-front in the first task is
 * behaviourally identical and keeps histories simple. Without them replay falls back to pre-1.11
 * behaviour (e.g. signals processed in a separate batch), which is NOT what production ran.
 * Flags 3..6 only concern @temporalio/interceptors-opentelemetry and are not recorded unless it
 * is used.
 */
export const DEFAULT_LANG_FLAGS: readonly number[] = [
  SdkFlags.NonCancellableScopesAreShieldedFromPropagation.id,
  SdkFlags.ProcessWorkflowActivationJobsAsSingleBatch.id,
];

const SDK_NAME = 'temporal-typescript';
const SDK_VERSION: string = (createRequire(import.meta.url)('@temporalio/worker/package.json') as { version: string })
  .version;

const IDENTITY = 'history-builder@test';
const DEFAULT_START_TIME = Date.UTC(2024, 0, 1, 9, 0, 0);
const DEFAULT_RUN_ID = '00000000-0000-4000-8000-000000000001';

export interface HistoryBuilderOptions {
  workflowType: string;
  /** @default 'test' */
  taskQueue?: string;
  /** Workflow arguments, encoded with `payloadConverter`. */
  args?: readonly unknown[];
  /** Virtual clock origin (event time of WorkflowExecutionStarted). @default 2024-01-01T09:00:00Z */
  startTime?: Date | number;
  /** Also seeds the workflow's deterministic randomness (uuid4(), Math.random()). */
  runId?: string;
  /** @default 10s */
  workflowTaskTimeoutMs?: number;
  workflowExecutionTimeoutMs?: number;
  workflowRunTimeoutMs?: number;
  /** Search attributes the workflow was started with (`workflowInfo().typedSearchAttributes`). */
  searchAttributes?: readonly SearchAttributePair[];
  memo?: Record<string, unknown>;
  /** Set when this run was started by continue-as-new. */
  continuedFromRunId?: string;
  /** @default 1 */
  attempt?: number;
  /** Core flags recorded on the first WorkflowTaskCompleted. @default ALL_CORE_FLAGS */
  coreUsedFlags?: readonly number[];
  /** Lang flags recorded on the first WorkflowTaskCompleted. @default DEFAULT_LANG_FLAGS */
  langUsedFlags?: readonly number[];
  /** @default defaultPayloadConverter */
  payloadConverter?: PayloadConverter;
}

/** Every event-producing method accepts this: advance the virtual clock before the event(s). */
export interface AdvanceOptions {
  advanceMs?: number;
}

export interface WorkflowTaskOptions extends AdvanceOptions {
  /** Extra flags newly recorded by this task (simulates a flag first used in a later task). */
  coreUsedFlags?: readonly number[];
  langUsedFlags?: readonly number[];
}

export interface ActivityScheduledOptions extends AdvanceOptions {
  /**
   * Must equal the id the workflow uses: its explicit `activityId` option, else `${seq}`. The
   * default here counts activityScheduled() calls, which is wrong if the workflow also runs local
   * activities (they share the seq counter) -- pass explicit ids then.
   */
  activityId?: string;
  activityType: string;
  /** Not compared on replay; recorded for realism / readability. */
  input?: readonly unknown[];
  /** @default the workflow's task queue */
  taskQueue?: string;
  /** @default 60s. Not compared on replay. */
  startToCloseTimeoutMs?: number;
  scheduleToCloseTimeoutMs?: number;
}

export interface ActivityRef extends AdvanceOptions {
  /** @default the most recently scheduled activity */
  activityId?: string;
}

export interface FailureSpec {
  message: string;
  /** ApplicationFailure type, e.g. 'CardDeclined'. */
  type?: string;
  nonRetryable?: boolean;
  details?: readonly unknown[];
}

export interface ActivityFailedOptions extends ActivityRef {
  /** @default RETRY_STATE_NON_RETRYABLE_FAILURE if nonRetryable, else MAXIMUM_ATTEMPTS_REACHED */
  retryState?: temporal.api.enums.v1.RetryState;
}

export interface UpdateAcceptedOptions<Args extends unknown[]> extends AdvanceOptions {
  updateId: string;
  update: UpdateDefinition<unknown, Args> | string;
  args?: Args;
}

export interface UpdateRef extends AdvanceOptions {
  /** @default the most recently accepted update */
  updateId?: string;
}

export interface ContinuedAsNewOptions extends AdvanceOptions {
  /** @default same workflow type */
  workflowType?: string;
  /** @default same task queue */
  taskQueue?: string;
  newRunId?: string;
}

interface ActivityState {
  scheduledEventId: number;
  startedEventId?: number;
  cancelRequestedEventId?: number;
  closed: boolean;
}

interface TimerState {
  startedEventId: number;
  fireAtMs: number;
  closed: boolean;
}

interface UpdateState {
  acceptedEventId: number;
  completed: boolean;
}

/** Attributes union: exactly one `*EventAttributes` key of a history event. */
export type EventAttributes = Omit<
  IHistoryEvent,
  'eventId' | 'eventTime' | 'eventType' | 'version' | 'taskId' | 'workerMayIgnore'
>;

const COMMAND_EVENT_TYPES: ReadonlySet<temporal.api.enums.v1.EventType> = new Set([
  EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
  EventType.EVENT_TYPE_MARKER_RECORDED,
  EventType.EVENT_TYPE_TIMER_STARTED,
  EventType.EVENT_TYPE_TIMER_CANCELED,
  EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

const TERMINAL_EVENT_TYPES: ReadonlySet<temporal.api.enums.v1.EventType> = new Set([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
]);

const id = (n: number): Long => Long.fromNumber(n);

export class HistoryBuilder {
  private readonly events: IHistoryEvent[] = [];
  private readonly converter: PayloadConverter;
  private readonly workflowType: string;
  private readonly taskQueue: string;
  private readonly workflowTaskTimeoutMs: number;
  private readonly workflowRunTimeoutMs: number | undefined;
  private readonly firstTaskFlags: { core: readonly number[]; lang: readonly number[] };

  private nowMs: number;
  private workflowTaskCount = 0;
  private lastWftScheduledId = 0;
  private lastWftCompletedId = 0;
  /** True while the next event may be a command event of the last completed workflow task. */
  private inCommandBlock = false;
  private terminated = false;

  private readonly activities = new Map<string, ActivityState>();
  /** Patch ids recorded in this run (`patched()`), for the TemporalChangeVersion search attribute. */
  private readonly patches = new Set<string>();
  private lastActivityId: string | undefined;
  private activitySeq = 0;
  private readonly timers = new Map<string, TimerState>();
  private readonly updates = new Map<string, UpdateState>();
  private lastUpdateId: string | undefined;

  constructor(options: HistoryBuilderOptions) {
    this.converter = options.payloadConverter ?? defaultPayloadConverter;
    this.workflowType = options.workflowType;
    this.taskQueue = options.taskQueue ?? 'test';
    this.workflowTaskTimeoutMs = options.workflowTaskTimeoutMs ?? 10_000;
    this.workflowRunTimeoutMs = options.workflowRunTimeoutMs;
    this.nowMs =
      options.startTime instanceof Date ? options.startTime.getTime() : (options.startTime ?? DEFAULT_START_TIME);
    this.firstTaskFlags = {
      core: options.coreUsedFlags ?? ALL_CORE_FLAGS,
      lang: options.langUsedFlags ?? DEFAULT_LANG_FLAGS,
    };
    const runId = options.runId ?? DEFAULT_RUN_ID;

    this.push(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: options.workflowType },
        taskQueue: { name: this.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        input: this.payloads(options.args ?? []),
        workflowExecutionTimeout: optionalDuration(options.workflowExecutionTimeoutMs),
        workflowRunTimeout: optionalDuration(options.workflowRunTimeoutMs),
        workflowTaskTimeout: msToTs(this.workflowTaskTimeoutMs),
        // Core derives the workflow's randomness seed from this.
        originalExecutionRunId: runId,
        firstExecutionRunId: runId,
        continuedExecutionRunId: options.continuedFromRunId ?? '',
        initiator: options.continuedFromRunId ? ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW : undefined,
        attempt: options.attempt ?? 1,
        identity: IDENTITY,
        searchAttributes: options.searchAttributes
          ? { indexedFields: encodeUnifiedSearchAttributes(undefined, [...options.searchAttributes]) }
          : undefined,
        memo: options.memo ? { fields: mapToPayloads(this.converter, options.memo) } : undefined,
      },
    });
  }

  /** Current virtual time (ms since epoch). */
  get now(): number {
    return this.nowMs;
  }

  /** Id of the most recently added event. */
  get lastEventId(): number {
    return this.events.length;
  }

  /** Advance the virtual clock without adding an event. */
  advance(ms: number): this {
    this.tick(ms);
    return this;
  }

  /**
   * One workflow task = one activation: WorkflowTaskScheduled, WorkflowTaskStarted and
   * WorkflowTaskCompleted. The first task carries the sdkMetadata (flags, SDK name/version) a
   * real 1.24 worker writes.
   */
  workflowTask(options: WorkflowTaskOptions = {}): this {
    this.assertOpen('workflowTask');
    this.tick(options.advanceMs);
    const isFirst = this.workflowTaskCount === 0;
    this.workflowTaskCount++;

    const scheduledId = this.push(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, {
      workflowTaskScheduledEventAttributes: {
        taskQueue: { name: this.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        startToCloseTimeout: msToTs(this.workflowTaskTimeoutMs),
        attempt: 1,
      },
    });
    this.lastWftScheduledId = scheduledId;
    const startedId = this.push(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, {
      workflowTaskStartedEventAttributes: {
        scheduledEventId: id(scheduledId),
        identity: IDENTITY,
        requestId: `wft-${this.workflowTaskCount}`,
      },
    });

    const core = [...(isFirst ? this.firstTaskFlags.core : []), ...(options.coreUsedFlags ?? [])];
    const lang = [...(isFirst ? this.firstTaskFlags.lang : []), ...(options.langUsedFlags ?? [])];
    this.lastWftCompletedId = this.push(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, {
      workflowTaskCompletedEventAttributes: {
        scheduledEventId: id(scheduledId),
        startedEventId: id(startedId),
        identity: IDENTITY,
        sdkMetadata:
          isFirst || core.length > 0 || lang.length > 0
            ? {
                coreUsedFlags: core,
                langUsedFlags: lang,
                // Core only writes name/version when they change, i.e. on the first task.
                sdkName: isFirst ? SDK_NAME : '',
                sdkVersion: isFirst ? SDK_VERSION : '',
              }
            : undefined,
      },
    });
    this.inCommandBlock = true;
    return this;
  }

  /**
   * Command event for `upsertSearchAttributes(...)`. Pass the same typed pairs the workflow
   * passes (encoded exactly like the SDK does), or raw indexed-field payloads. The values are not
   * compared on replay, only the fact that an upsert command was issued at this position.
   */
  upsertSearchAttributes(
    attributes: readonly SearchAttributeUpdatePair[] | Record<string, Payload>,
    options: AdvanceOptions = {},
  ): this {
    const indexedFields = isPairArray(attributes)
      ? encodeUnifiedSearchAttributes(undefined, [...attributes])
      : attributes;
    this.pushCommand('upsertSearchAttributes', options, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, {
      upsertWorkflowSearchAttributesEventAttributes: {
        workflowTaskCompletedEventId: id(this.lastWftCompletedId),
        searchAttributes: { indexedFields },
      },
    });
    return this;
  }

  /** Command event for scheduling an activity (ActivityTaskScheduled). */
  activityScheduled(options: ActivityScheduledOptions): this {
    this.activitySeq++;
    const activityId = options.activityId ?? String(this.activitySeq);
    if (this.activities.has(activityId)) {
      throw new Error(`activityScheduled: activity id '${activityId}' was already used in this history`);
    }
    const scheduledEventId = this.pushCommand(
      'activityScheduled',
      options,
      EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
      {
        activityTaskScheduledEventAttributes: {
          activityId,
          activityType: { name: options.activityType },
          taskQueue: {
            name: options.taskQueue ?? this.taskQueue,
            kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
          },
          header: { fields: {} },
          input: this.payloads(options.input ?? []),
          scheduleToCloseTimeout: optionalDuration(options.scheduleToCloseTimeoutMs),
          startToCloseTimeout: msToTs(options.startToCloseTimeoutMs ?? 60_000),
          workflowTaskCompletedEventId: id(this.lastWftCompletedId),
          retryPolicy: { initialInterval: msToTs(1000), backoffCoefficient: 2, maximumInterval: msToTs(100_000) },
        },
      },
    );
    this.activities.set(activityId, { scheduledEventId, closed: false });
    this.lastActivityId = activityId;
    return this;
  }

  /**
   * ActivityTaskStarted. Optional: activityCompleted/activityFailed add it when missing (the
   * server writes started+completed together for activities that did not retry).
   */
  activityStarted(options: ActivityRef = {}): this {
    const [, activity] = this.openActivity('activityStarted', options.activityId);
    if (activity.startedEventId !== undefined) throw new Error('activityStarted: activity already started');
    this.tick(options.advanceMs);
    activity.startedEventId = this.pushNonCommand(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, {
      activityTaskStartedEventAttributes: {
        scheduledEventId: id(activity.scheduledEventId),
        identity: IDENTITY,
        requestId: `activity-${activity.scheduledEventId}`,
        attempt: 1,
      },
    });
    return this;
  }

  /** ActivityTaskStarted (if needed) + ActivityTaskCompleted with `result`. */
  activityCompleted(result?: unknown, options: ActivityRef = {}): this {
    const activity = this.startIfNeeded('activityCompleted', options);
    this.pushNonCommand(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, {
      activityTaskCompletedEventAttributes: {
        scheduledEventId: id(activity.scheduledEventId),
        startedEventId: id(activity.startedEventId ?? 0),
        result: result === undefined ? undefined : this.payloads([result]),
        identity: IDENTITY,
      },
    });
    activity.closed = true;
    return this;
  }

  /**
   * ActivityTaskStarted (if needed) + ActivityTaskFailed: the final failure after retries. The
   * workflow sees an ActivityFailure whose `cause` is this ApplicationFailure.
   */
  activityFailed(failure: FailureSpec | Error, options: ActivityFailedOptions = {}): this {
    const activity = this.startIfNeeded('activityFailed', options);
    const nonRetryable =
      failure instanceof ApplicationFailure
        ? failure.nonRetryable
        : !(failure instanceof Error) && failure.nonRetryable === true;
    this.pushNonCommand(EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED, {
      activityTaskFailedEventAttributes: {
        scheduledEventId: id(activity.scheduledEventId),
        startedEventId: id(activity.startedEventId ?? 0),
        failure: this.failure(failure),
        identity: IDENTITY,
        retryState:
          options.retryState ??
          (nonRetryable
            ? RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE
            : RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED),
      },
    });
    activity.closed = true;
    return this;
  }

  /**
   * Command event for `sleep(ms)` / the timeout of `condition(fn, ms)`. `timerId` is the timer's
   * sequence number (1-based, per workflow run, in the order the workflow created timers).
   */
  timerStarted(timerId: string | number, durationMs: number, options: AdvanceOptions = {}): this {
    const key = String(timerId);
    if (this.timers.has(key)) throw new Error(`timerStarted: timer '${key}' was already started`);
    const startedEventId = this.pushCommand('timerStarted', options, EventType.EVENT_TYPE_TIMER_STARTED, {
      timerStartedEventAttributes: {
        timerId: key,
        startToFireTimeout: msToTs(durationMs),
        workflowTaskCompletedEventId: id(this.lastWftCompletedId),
      },
    });
    // The SDK clamps durations to >= 1ms.
    this.timers.set(key, { startedEventId, fireAtMs: this.nowMs + Math.max(1, durationMs), closed: false });
    return this;
  }

  /** TimerFired. Moves the clock to the timer's fire time (or later, with `advanceMs`). */
  timerFired(timerId: string | number, options: AdvanceOptions = {}): this {
    const [key, timer] = this.openTimer('timerFired', timerId);
    this.nowMs = Math.max(this.nowMs, timer.fireAtMs);
    this.tick(options.advanceMs);
    this.pushNonCommand(EventType.EVENT_TYPE_TIMER_FIRED, {
      timerFiredEventAttributes: { timerId: key, startedEventId: id(timer.startedEventId) },
    });
    timer.closed = true;
    return this;
  }

  /**
   * Command event for cancelling a timer that was started in an EARLIER workflow task. (A timer
   * started and cancelled within the same activation never reaches history.)
   */
  timerCanceled(timerId: string | number, options: AdvanceOptions = {}): this {
    const [key, timer] = this.openTimer('timerCanceled', timerId);
    this.pushCommand('timerCanceled', options, EventType.EVENT_TYPE_TIMER_CANCELED, {
      timerCanceledEventAttributes: {
        timerId: key,
        startedEventId: id(timer.startedEventId),
        workflowTaskCompletedEventId: id(this.lastWftCompletedId),
        identity: IDENTITY,
      },
    });
    timer.closed = true;
    return this;
  }

  /**
   * Command events for the first `patched(patchId)` call of a run: the `core_patch` marker, then
   * (core flag 2) the upsert of the TemporalChangeVersion search attribute listing every patch
   * of the run so far, exactly as sdk-core writes them.
   */
  patchMarker(patchId: string, options: AdvanceOptions & { deprecated?: boolean } = {}): this {
    this.pushCommand('patchMarker', options, EventType.EVENT_TYPE_MARKER_RECORDED, {
      markerRecordedEventAttributes: {
        markerName: 'core_patch',
        details: { 'patch-data': this.payloads([{ id: patchId, deprecated: options.deprecated ?? false }]) },
        workflowTaskCompletedEventId: id(this.lastWftCompletedId),
      },
    });
    this.patches.add(patchId);
    const [version] = toPayloads(this.converter, [...this.patches].sort()) ?? [];
    return this.upsertSearchAttributes({
      TemporalChangeVersion: {
        ...version,
        metadata: { ...version!.metadata, type: new TextEncoder().encode('KeywordList') },
      },
    });
  }

  /**
   * Command event: the workflow asked to cancel an activity (ActivityTaskCancelRequested). The
   * activity stays open: `activityCanceled()` if it had not started, else it completes or fails.
   */
  activityCancelRequested(options: ActivityRef = {}): this {
    const [, activity] = this.openActivity('activityCancelRequested', options.activityId);
    activity.cancelRequestedEventId = this.pushCommand(
      'activityCancelRequested',
      options,
      EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
      {
        activityTaskCancelRequestedEventAttributes: {
          scheduledEventId: id(activity.scheduledEventId),
          workflowTaskCompletedEventId: id(this.lastWftCompletedId),
        },
      },
    );
    return this;
  }

  /** ActivityTaskCanceled: the server canceled an activity no worker had started. */
  activityCanceled(options: ActivityRef = {}): this {
    const [, activity] = this.openActivity('activityCanceled', options.activityId);
    if (activity.cancelRequestedEventId === undefined)
      throw new Error('activityCanceled: the workflow never asked to cancel this activity');
    this.tick(options.advanceMs);
    this.pushNonCommand(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED, {
      activityTaskCanceledEventAttributes: {
        scheduledEventId: id(activity.scheduledEventId),
        startedEventId: id(activity.startedEventId ?? 0),
        latestCancelRequestedEventId: id(activity.cancelRequestedEventId),
        identity: IDENTITY,
      },
    });
    activity.closed = true;
    return this;
  }

  /** WorkflowExecutionSignaled. Pass the signal definition for typed args, or a name. */
  signal<Args extends unknown[]>(
    signal: SignalDefinition<Args> | string,
    args: Args,
    options: AdvanceOptions = {},
  ): this {
    this.assertOpen('signal');
    this.tick(options.advanceMs);
    this.pushNonCommand(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
      workflowExecutionSignaledEventAttributes: {
        signalName: typeof signal === 'string' ? signal : signal.name,
        input: this.payloads(args),
        identity: IDENTITY,
        header: { fields: {} },
      },
    });
    return this;
  }

  /**
   * WorkflowExecutionUpdateAccepted: written as a command event of the task in which the update
   * was delivered (place it after that workflowTask(), where the SDK accepted it: updates are
   * processed before other jobs, so usually first). On replay core rebuilds the update request
   * from this event's `acceptedRequest` and delivers it in that same activation, with the
   * validator skipped.
   */
  updateAccepted<Args extends unknown[]>(options: UpdateAcceptedOptions<Args>): this {
    const { updateId } = options;
    if (this.updates.has(updateId)) throw new Error(`updateAccepted: update '${updateId}' already accepted`);
    const acceptedEventId = this.pushCommand(
      'updateAccepted',
      options,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
      {
        workflowExecutionUpdateAcceptedEventAttributes: {
          protocolInstanceId: updateId,
          acceptedRequestMessageId: `${updateId}/request`,
          // The request message was sequenced right after the WFT scheduled event (same as
          // sdk-core's own TestHistoryBuilder).
          acceptedRequestSequencingEventId: id(this.lastWftScheduledId),
          acceptedRequest: {
            meta: { updateId, identity: IDENTITY },
            input: {
              name: typeof options.update === 'string' ? options.update : options.update.name,
              args: this.payloads(options.args ?? []),
              header: { fields: {} },
            },
          },
        },
      },
    );
    this.updates.set(updateId, { acceptedEventId, completed: false });
    this.lastUpdateId = updateId;
    return this;
  }

  /** WorkflowExecutionUpdateCompleted with a success outcome (the handler's return value). */
  updateCompleted(result?: unknown, options: UpdateRef = {}): this {
    return this.completeUpdate('updateCompleted', options, {
      success: this.payloads(result === undefined ? [] : [result]),
    });
  }

  /** WorkflowExecutionUpdateCompleted with a failure outcome (handler threw a TemporalFailure). */
  updateFailed(failure: FailureSpec | Error, options: UpdateRef = {}): this {
    return this.completeUpdate('updateFailed', options, { failure: this.failure(failure) });
  }

  /** updateAccepted + updateCompleted (synchronous handler, the common case). */
  update<Ret, Args extends unknown[]>(
    update: UpdateDefinition<Ret, Args> | string,
    args: Args,
    result: Ret,
    options: AdvanceOptions & { updateId: string },
  ): this {
    return this.updateAccepted({
      update,
      args,
      updateId: options.updateId,
      advanceMs: options.advanceMs,
    }).updateCompleted(result, { updateId: options.updateId });
  }

  /** WorkflowExecutionCancelRequested: someone (an operator, a client) asked to cancel the workflow. */
  cancelRequested(options: AdvanceOptions = {}): this {
    this.assertOpen('cancelRequested');
    this.tick(options.advanceMs);
    this.pushNonCommand(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
      workflowExecutionCancelRequestedEventAttributes: { cause: 'requested by an operator', identity: IDENTITY },
    });
    return this;
  }

  /** Terminal command event: the workflow accepted its cancellation (threw CancelledFailure). */
  canceled(options: AdvanceOptions = {}): this {
    this.pushCommand('canceled', options, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, {
      workflowExecutionCanceledEventAttributes: { workflowTaskCompletedEventId: id(this.lastWftCompletedId) },
    });
    return this;
  }

  /** Terminal command event: the workflow function returned `result`. */
  completed(result?: unknown, options: AdvanceOptions = {}): this {
    this.pushCommand('completed', options, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, {
      workflowExecutionCompletedEventAttributes: {
        result: result === undefined ? undefined : this.payloads([result]),
        workflowTaskCompletedEventId: id(this.lastWftCompletedId),
      },
    });
    return this;
  }

  /** Terminal command event: the workflow function threw a TemporalFailure. */
  failed(failure: FailureSpec | Error, options: AdvanceOptions = {}): this {
    this.pushCommand('failed', options, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, {
      workflowExecutionFailedEventAttributes: {
        failure: this.failure(failure),
        retryState: RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET,
        workflowTaskCompletedEventId: id(this.lastWftCompletedId),
      },
    });
    return this;
  }

  /** Terminal command event: `continueAsNew(...args)`. */
  continuedAsNew(args: readonly unknown[] = [], options: ContinuedAsNewOptions = {}): this {
    this.pushCommand('continuedAsNew', options, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, {
      workflowExecutionContinuedAsNewEventAttributes: {
        newExecutionRunId: options.newRunId ?? '00000000-0000-4000-8000-000000000002',
        workflowType: { name: options.workflowType ?? this.workflowType },
        taskQueue: {
          name: options.taskQueue ?? this.taskQueue,
          kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
        },
        input: this.payloads(args),
        workflowRunTimeout: optionalDuration(this.workflowRunTimeoutMs),
        workflowTaskTimeout: msToTs(this.workflowTaskTimeoutMs),
        workflowTaskCompletedEventId: id(this.lastWftCompletedId),
        initiator: ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW,
      },
    });
    return this;
  }

  /**
   * Escape hatch for event kinds without a dedicated method. Event id and time are filled in;
   * command/terminal bookkeeping follows `eventType`.
   */
  rawEvent(
    eventType: temporal.api.enums.v1.EventType,
    attributes: EventAttributes,
    options: AdvanceOptions = {},
  ): this {
    if (COMMAND_EVENT_TYPES.has(eventType)) {
      this.pushCommand('rawEvent', options, eventType, attributes);
    } else {
      this.assertOpen('rawEvent');
      this.tick(options.advanceMs);
      this.pushNonCommand(eventType, attributes);
    }
    return this;
  }

  /** The history, ready for `Worker.runReplayHistory`. The builder can keep being extended. */
  build(): IHistory {
    return { events: [...this.events] };
  }

  /** One line per event ("12 TIMER_STARTED"), handy in assertion messages. */
  describe(): string {
    return this.events
      .map((e) => `${String(e.eventId)} ${(EventType[e.eventType ?? 0] ?? 'UNKNOWN').replace('EVENT_TYPE_', '')}`)
      .join('\n');
  }

  // ---------------------------------------------------------------------------------------------

  private push(eventType: temporal.api.enums.v1.EventType, attributes: EventAttributes): number {
    const eventId = this.events.length + 1;
    this.events.push({ eventId: id(eventId), eventTime: msToTs(this.nowMs), eventType, ...attributes });
    if (TERMINAL_EVENT_TYPES.has(eventType)) this.terminated = true;
    return eventId;
  }

  private pushCommand(
    method: string,
    options: AdvanceOptions,
    eventType: temporal.api.enums.v1.EventType,
    attributes: EventAttributes,
  ): number {
    this.assertOpen(method);
    if (!this.inCommandBlock) {
      throw new Error(
        `${method}: command events must directly follow workflowTask() or another command event ` +
          `(the server writes a task's commands right after its WorkflowTaskCompleted). ` +
          `Add a workflowTask() first.\nHistory so far:\n${this.describe()}`,
      );
    }
    this.tick(options.advanceMs);
    return this.push(eventType, attributes);
  }

  private pushNonCommand(eventType: temporal.api.enums.v1.EventType, attributes: EventAttributes): number {
    this.inCommandBlock = false;
    return this.push(eventType, attributes);
  }

  private completeUpdate(method: string, options: UpdateRef, outcome: temporal.api.update.v1.IOutcome): this {
    const updateId = options.updateId ?? this.lastUpdateId;
    const update = updateId === undefined ? undefined : this.updates.get(updateId);
    if (updateId === undefined || update === undefined) {
      throw new Error(`${method}: no accepted update${updateId ? ` '${updateId}'` : ''}`);
    }
    if (update.completed) throw new Error(`${method}: update '${updateId}' already completed`);
    this.pushCommand(method, options, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
      workflowExecutionUpdateCompletedEventAttributes: {
        meta: { updateId, identity: IDENTITY },
        acceptedEventId: id(update.acceptedEventId),
        outcome,
      },
    });
    update.completed = true;
    return this;
  }

  private openActivity(method: string, activityId: string | undefined): [string, ActivityState] {
    this.assertOpen(method);
    const key = activityId ?? this.lastActivityId;
    const activity = key === undefined ? undefined : this.activities.get(key);
    if (key === undefined || activity === undefined) {
      throw new Error(`${method}: no scheduled activity${activityId ? ` with id '${activityId}'` : ''}`);
    }
    if (activity.closed) {
      throw new Error(
        `${method}: activity '${key}' is already closed` +
          (activityId === undefined ? ' (pass { activityId } when several activities are in flight)' : ''),
      );
    }
    return [key, activity];
  }

  private startIfNeeded(method: string, options: ActivityRef): ActivityState {
    const [key, activity] = this.openActivity(method, options.activityId);
    if (activity.startedEventId === undefined) {
      this.activityStarted({ activityId: key, advanceMs: options.advanceMs });
    } else {
      this.tick(options.advanceMs);
    }
    return activity;
  }

  private openTimer(method: string, timerId: string | number): [string, TimerState] {
    this.assertOpen(method);
    const key = String(timerId);
    const timer = this.timers.get(key);
    if (timer === undefined) throw new Error(`${method}: timer '${key}' was never started`);
    if (timer.closed) throw new Error(`${method}: timer '${key}' already fired or was cancelled`);
    return [key, timer];
  }

  private assertOpen(method: string): void {
    if (this.terminated) throw new Error(`${method}: the workflow execution already closed`);
  }

  private tick(ms: number | undefined): void {
    if (ms === undefined) return;
    if (ms < 0) throw new RangeError(`advanceMs must be >= 0, got ${ms}`);
    this.nowMs += ms;
  }

  private payloads(values: readonly unknown[]): IPayloads {
    return { payloads: toPayloads(this.converter, ...values) ?? [] };
  }

  private failure(failure: FailureSpec | Error): IFailure {
    const error =
      failure instanceof Error
        ? failure
        : ApplicationFailure.create({
            message: failure.message,
            type: failure.type,
            nonRetryable: failure.nonRetryable,
            details: failure.details ? [...failure.details] : undefined,
          });
    return defaultFailureConverter.errorToFailure(error, this.converter);
  }
}

function optionalDuration(ms: number | undefined): ReturnType<typeof msToTs> | undefined {
  return ms === undefined ? undefined : msToTs(ms);
}

function isPairArray(
  value: readonly SearchAttributeUpdatePair[] | Record<string, Payload>,
): value is readonly SearchAttributeUpdatePair[] {
  return Array.isArray(value);
}
