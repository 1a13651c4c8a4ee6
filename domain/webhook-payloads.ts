/**
 * What a journey's recorded history tells the tenant's webhooks: each audit event that a seller's
 * system can act on becomes one event draft, keyed by the journey and the event's sequence number,
 * so recording (or publishing) the same batch again yields the same drafts.
 *
 * Not announced: a skipped or deferred step, a buyer's visit to their payment area, a contact change
 * (personal data) or an opt-in. A handoff's hold on the ladder is told by `handoff.opened` /
 * `handoff.closed`, never as `journey.paused` (a pause is a person's or a client's decision).
 * A cancel or a final action is told by `journey.closed`, with the outcome.
 */
import type { Actor, RecordedEvent } from './journey';
import type { Stage } from './journey';
import type { JourneyStatus } from './status';
import type { PublishedEvent, WebhookEventDraft, WebhookEventType, WebhookPublisher } from './webhook-events';

/** Which journey the drafts belong to: IDs only. */
export interface JourneyRef {
  tenantId: string;
  journeyId: string;
  installmentId: string;
}

type Described = { type: WebhookEventType; data: Record<string, unknown> } | null;

/** The actor's IDs (never a name), when the event has one. */
function actorOf(actor: Actor | undefined): Record<string, unknown> {
  return actor ? { actor } : {};
}

const iso = (ms: number): string => new Date(ms).toISOString();

function describe(event: RecordedEvent): Described {
  switch (event.type) {
    case 'started':
      return { type: 'journey.started', data: actorOf(event.actor) };
    case 'step_sent':
      return {
        type: 'reminder.sent',
        data: {
          kind: 'reminder',
          attemptId: event.attemptId,
          planRevision: event.revision,
          stepIndex: event.stepIndex,
          channel: event.channel,
          requestedChannel: event.requestedChannel,
        },
      };
    case 'step_failed':
      return {
        type: 'reminder.failed',
        data: {
          kind: 'reminder',
          source: 'journey',
          planRevision: event.revision,
          stepIndex: event.stepIndex,
          channel: event.channel,
          reason: event.reason,
          scope: event.scope ?? 'channel',
        },
      };
    case 'confirmation_sent':
      return {
        type: 'reminder.sent',
        data: { kind: 'confirmation', attemptId: event.attemptId, template: event.template, channel: event.channel },
      };
    case 'confirmation_failed':
      return {
        type: 'reminder.failed',
        data: { kind: 'confirmation', source: 'journey', channel: event.channel, reason: event.reason, scope: 'step' },
      };
    case 'payment_received':
      return {
        type: 'payment.recorded',
        data: {
          paymentId: event.paymentId,
          amountMinor: event.amountMinor,
          currency: event.currency,
          ...actorOf(event.actor),
        },
      };
    case 'due_date_changed':
      return { type: 'due_date.changed', data: { from: event.from, to: event.to, ...actorOf(event.actor) } };
    case 'paused':
      return {
        type: 'journey.paused',
        data: { until: event.until === null ? null : iso(event.until), ...actorOf(event.actor) },
      };
    case 'resumed':
      return { type: 'journey.resumed', data: actorOf(event.actor) };
    case 'handoff_opened':
      return {
        type: 'handoff.opened',
        data: { taskId: event.taskId, until: iso(event.until), ...actorOf(event.actor) },
      };
    case 'handoff_closed':
      return { type: 'handoff.closed', data: { taskId: event.taskId, ...actorOf(event.actor) } };
    case 'promise_made':
      return {
        type: 'promise.made',
        data: {
          date: event.date,
          amountMinor: event.amountMinor,
          holdsUntil: iso(event.until),
          ...actorOf(event.actor),
        },
      };
    case 'promise_kept':
      return { type: 'promise.kept', data: {} };
    case 'promise_broken':
      return { type: 'promise.broken', data: {} };
    case 'opted_out':
      // The channel is what the seller needs; the address stays with the journey.
      return { type: 'opt_out.recorded', data: { channel: event.channel, ...actorOf(event.actor) } };
    default:
      return null;
  }
}

/** The journey's amounts as a status says them. */
function amountsOf(status: JourneyStatus): Record<string, unknown> {
  return {
    currency: status.currency,
    amountDueMinor: status.amountDueMinor,
    amountPaidMinor: status.amountPaidMinor,
    outstandingMinor: status.outstandingMinor,
    overpaidMinor: status.overpaidMinor,
  };
}

/**
 * The drafts of a batch of recorded events and the status they lead to, in the events' order; a
 * status with an outcome adds `journey.closed` last. Its key names the close (its instant: an
 * installment started again after a termination closes anew) and the outcome: a late payment
 * that turns `written_off` into `recovered` announces the new outcome once, a batch recorded
 * after the close with the same outcome announces nothing again.
 */
export function journeyWebhookDrafts(
  ref: JourneyRef,
  events: readonly RecordedEvent[],
  status: JourneyStatus,
): WebhookEventDraft[] {
  const drafts: WebhookEventDraft[] = [];
  for (const event of events) {
    const described = describe(event);
    if (!described) continue;
    const data =
      described.type === 'journey.started'
        ? {
            stage: status.stage,
            dueDate: status.originalDueDate,
            policy: status.policy,
            ...amountsOf(status),
            ...described.data,
          }
        : described.data;
    drafts.push({
      ...ref,
      sourceKey: recordedEventSourceKey(ref.journeyId, event.seq),
      type: described.type,
      occurredAt: event.at,
      data,
    });
  }
  if (status.outcome !== null) drafts.push(closedDraft(ref, status, status.outcome));
  return drafts;
}

/** The source key of the webhook event a journey's recorded event is told by. */
export function recordedEventSourceKey(journeyId: string, seq: number): string {
  return `${journeyId}/event/${seq}`;
}

function closedDraft(ref: JourneyRef, status: JourneyStatus, outcome: string): WebhookEventDraft {
  const closedAt = status.closedAt ?? status.asOf;
  return {
    ...ref,
    sourceKey: `${ref.journeyId}/closed/${closedAt}/${outcome}`,
    type: 'journey.closed',
    occurredAt: Date.parse(closedAt),
    data: {
      outcome,
      cancelReason: status.cancelReason,
      finalAction: status.finalAction,
      closedAt,
      ...amountsOf(status),
    },
  };
}

/** Where the journey's stage stands against what its webhooks were last told, after recording `seq`. */
export interface StageAnnouncement {
  ref: JourneyRef;
  stage: Stage;
  /** The newest event number the status reflects: the key of the change, and what keeps a stale record quiet. */
  seq: number;
  at: number;
}

/**
 * `journey.stage_changed` when the stage moved since the last announcement, or null. The first
 * stage is not a change: `journey.started` carries it.
 */
export function stageChangedDraft(published: string | null, next: StageAnnouncement): WebhookEventDraft | null {
  if (published === null || published === next.stage) return null;
  return {
    ...next.ref,
    sourceKey: `${next.ref.journeyId}/stage/${next.seq}/${next.stage}`,
    type: 'journey.stage_changed',
    occurredAt: next.at,
    data: { from: published, to: next.stage },
  };
}

/** What a write put on a journey's record: the events (with their numbers) and the status after them. */
export interface RecordedBatch {
  ref: JourneyRef;
  events: readonly RecordedEvent[];
  status: JourneyStatus;
}

/** The publisher a journey's records go through (the worker's activities, the API's settlements). */
export interface JourneyWebhookPublisher extends WebhookPublisher {
  /**
   * Publishes a batch's drafts and, in the same transaction, the stage change it makes (so a
   * retry neither loses nor repeats it). Safe to call again with the same batch.
   */
  publishRecorded(batch: RecordedBatch): Promise<PublishedEvent[]>;
}

/** What publishing a batch of a journey's recorded events takes: its drafts and where its stage now stands. */
export function journeyWebhooks({ ref, events, status }: RecordedBatch): {
  drafts: WebhookEventDraft[];
  stage: StageAnnouncement;
} {
  return {
    drafts: journeyWebhookDrafts(ref, events, status),
    stage: { ref, stage: status.stage, seq: Math.max(0, ...events.map((e) => e.seq)), at: Date.parse(status.asOf) },
  };
}

/** A provider's word on an attempt, as the attempt row holds it after the callback. */
export interface AttemptReport {
  attemptId: string;
  channel: string;
  status: string;
  /** The provider's error code (e.g. `twilio:30003`), never an address. */
  error: string | null;
  at: number;
}

/** What the provider said the attempt became, for the webhooks: delivered or failed; null for anything else. */
export function attemptStatusDraft(ref: JourneyRef, report: AttemptReport): WebhookEventDraft | null {
  const type: WebhookEventType | null =
    report.status === 'delivered'
      ? 'reminder.delivered'
      : report.status === 'undelivered' || report.status === 'bounced'
        ? 'reminder.failed'
        : null;
  if (!type) return null;
  return {
    ...ref,
    sourceKey: `attempt/${report.attemptId}/${report.status}`,
    type,
    occurredAt: report.at,
    data: {
      attemptId: report.attemptId,
      channel: report.channel,
      ...(type === 'reminder.failed' && { source: 'provider', reason: report.error ?? report.status }),
    },
  };
}
