/**
 * What the seller's systems hear: the events a tenant's webhook endpoints can subscribe to, and
 * the shape each is published in. IDs and amounts only; contact data only in an event about it.
 */
export const WEBHOOK_EVENT_TYPES = [
  'journey.started',
  'journey.stage_changed',
  'journey.closed',
  'reminder.sent',
  'reminder.delivered',
  'reminder.failed',
  'payment.recorded',
  'due_date.changed',
  'journey.paused',
  'journey.resumed',
  'handoff.opened',
  'handoff.closed',
  'opt_out.recorded',
  /** A promise to pay: reminders hold until `holdsUntil`; then it is kept (paid) or broken (the ladder resumes). */
  'promise.made',
  'promise.kept',
  'promise.broken',
  /** A ladder step on the in-app channel: the seller's app or members area shows it to the buyer. */
  'in_app_notification',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * An event to publish, before it has an ID. `sourceKey` names the occurrence it reports, unique
 * in the tenant (e.g. `<journeyId>/event/7`, `attempt/<attemptId>/delivered`): publishing the same
 * occurrence again (an activity's retry, a provider's redelivered callback) is the same event,
 * with the same ID, delivered once per endpoint.
 */
export interface WebhookEventDraft {
  sourceKey: string;
  tenantId: string;
  /** Deliveries are ordered per journey: every event belongs to one. */
  journeyId: string;
  installmentId: string;
  type: WebhookEventType;
  /** Epoch milliseconds of the occurrence. */
  occurredAt: number;
  data: Record<string, unknown>;
}

/**
 * The body every delivery carries (JSON), and what the signature covers with the ID and the
 * timestamp (README, "Outbound webhooks"). `id` is the same on every retry and redelivery: a
 * receiver deduplicates by it.
 */
export interface WebhookPayload {
  id: string;
  type: WebhookEventType;
  /** ISO 8601 instant of the occurrence. */
  occurredAt: string;
  tenantId: string;
  journeyId: string;
  installmentId: string;
  data: Record<string, unknown>;
}

/** Which deliveries one delivery workflow sends, in order: one endpoint's, for one journey. */
export interface WebhookQueueRef {
  endpointId: string;
  journeyId: string;
}

export interface PublishedEvent {
  eventId: string;
  /** The endpoints it was queued for (0: no endpoint of the tenant subscribes to its type). */
  deliveries: number;
}

/**
 * Where events go out from: records each draft once (by source key) with a delivery for every
 * enabled endpoint of its tenant subscribed to its type, then wakes those deliveries. Safe to
 * call again with the same drafts.
 */
export interface WebhookPublisher {
  publish(drafts: readonly WebhookEventDraft[]): Promise<PublishedEvent[]>;
  /** Whether an enabled endpoint of the tenant subscribes to `type` (an in-app step falls through when none does). */
  hasSubscriber(tenantId: string, type: WebhookEventType): Promise<boolean>;
}

/** Starts (or wakes) these queues' delivery workflows: after publishing, and after a manual redelivery. */
export interface WebhookWaker {
  wake(queues: readonly WebhookQueueRef[]): Promise<void>;
}
