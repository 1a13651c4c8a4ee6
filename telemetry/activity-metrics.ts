/**
 * Counts what the delivery activities report, from the outside: an activity inbound interceptor
 * reads `deliverReminder`'s outcome (domain/delivery.ts), `sendConversationMessage`'s and
 * `deliverWebhook`'s (activities/contracts.ts), and what they throw, so the activities stay free
 * of metrics code.
 */
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { type ConversationMessageOutcome, NO_ENDPOINT, type WebhookDeliveryOutcome } from '../activities/contracts';
import { CHANNEL_NAMES, type Channel } from '../domain/channels';
import type { DeliveryOutcome } from '../domain/delivery';
import { type Metrics, labelValue } from './metrics';

/** Decisions the compliance guard takes itself (domain/compliance.ts), as opposed to a provider's refusal. */
const GUARD_REFUSALS = new Set(['suppressed', 'whatsapp_template_unavailable']);
/** Failures thrown by a provider call (activities/provider-send.ts), by what they mean. */
const PROVIDER_FAILURES: Record<string, string> = {
  ProviderUnavailable: 'unavailable',
  ProviderUnavailableError: 'unavailable',
  ProviderOutcomeUnknownError: 'outcome_unknown',
};
/**
 * Refusals that read `provider:code` but no provider made: the in-app channel's tenant has no
 * endpoint for it (activities/channels/in-app.ts). The send's result counts it; it is no error.
 */
const NOT_PROVIDER_ERRORS = new Set([`webhook:${NO_ENDPOINT}`]);
/** The provider's own refusal codes read `provider:code` (e.g. `twilio:21211`); our reasons have no colon. */
const isProviderCode = (reason: string): boolean => reason.includes(':') && !NOT_PROVIDER_ERRORS.has(reason);

/** What a send is, from its activity's argument: its channel and kind. */
interface DeliveryLabels {
  channel: string;
  kind: 'reminder' | 'confirmation' | 'reply';
}

function recordDeliveryOutcome(metrics: Metrics, { channel, kind }: DeliveryLabels, outcome: DeliveryOutcome): void {
  metrics.sends.inc({ channel, kind, result: outcome.status });
  switch (outcome.status) {
    case 'sent':
      return;
    case 'deferred':
      metrics.guardDecisions.inc({ rule: labelValue(outcome.reason), decision: 'deferred' });
      return;
    case 'opted_out':
      if (isProviderCode(outcome.source)) metrics.providerErrors.inc({ channel, code: labelValue(outcome.source) });
      else metrics.guardDecisions.inc({ rule: 'opted_out', decision: 'refused' });
      return;
    case 'undeliverable':
      if (isProviderCode(outcome.reason)) metrics.providerErrors.inc({ channel, code: labelValue(outcome.reason) });
      else if (GUARD_REFUSALS.has(outcome.reason))
        metrics.guardDecisions.inc({ rule: outcome.reason, decision: 'refused' });
      return;
  }
}

/** A reply is sent or refused (by the guard or the provider); a provider's refusal keeps its code. */
function recordReplyOutcome(metrics: Metrics, { channel, kind }: DeliveryLabels, outcome: ConversationMessageOutcome) {
  metrics.sends.inc({ channel, kind, result: outcome.status });
  if (outcome.reason && isProviderCode(outcome.reason))
    metrics.providerErrors.inc({ channel, code: labelValue(outcome.reason) });
}

function recordDeliveryFailure(metrics: Metrics, { channel, kind }: DeliveryLabels, err: unknown): void {
  metrics.sends.inc({ channel, kind, result: 'failed' });
  const code = PROVIDER_FAILURES[failureType(err)];
  if (code) metrics.providerErrors.inc({ channel, code });
}

function recordWebhookOutcome(metrics: Metrics, outcome: WebhookDeliveryOutcome): void {
  metrics.webhookDeliveries.inc({ result: outcome.status });
  // A manual redelivery would measure from the original event (days later): lag is the first delivery's.
  if (outcome.status === 'delivered' && outcome.lagMs !== undefined && !outcome.redelivered)
    metrics.webhookDeliveryLag.observe(outcome.lagMs / 1000);
}

/** An ApplicationFailure's type, else the error's name. */
function failureType(err: unknown): string {
  const { type, name } = (err ?? {}) as { type?: unknown; name?: unknown };
  return typeof type === 'string' ? type : typeof name === 'string' ? name : '';
}

function channelOf(args: unknown[]): string {
  const channel = (args[0] as { channel?: unknown } | undefined)?.channel;
  return CHANNEL_NAMES.includes(channel as Channel) ? (channel as Channel) : 'other';
}

function deliveryOf(args: unknown[]): DeliveryLabels {
  // Deliveries from before confirmations carry no kind: they are reminders.
  const kind = (args[0] as { kind?: unknown } | undefined)?.kind === 'confirmation' ? 'confirmation' : 'reminder';
  return { channel: channelOf(args), kind };
}

function replyOf(args: unknown[]): DeliveryLabels {
  return { channel: channelOf(args), kind: 'reply' };
}

/** What an activity's result or failure counts for. */
interface ActivityRecorder {
  succeeded(metrics: Metrics, args: unknown[], result: unknown): void;
  failed(metrics: Metrics, args: unknown[], err: unknown): void;
}

const RECORDERS: Record<string, ActivityRecorder> = {
  deliverReminder: {
    succeeded: (metrics, args, outcome) => recordDeliveryOutcome(metrics, deliveryOf(args), outcome as DeliveryOutcome),
    failed: (metrics, args, err) => recordDeliveryFailure(metrics, deliveryOf(args), err),
  },
  // A reply in a buyer's conversation (the assistant's, an agent's) is a send on its channel too.
  sendConversationMessage: {
    succeeded: (metrics, args, outcome) =>
      recordReplyOutcome(metrics, replyOf(args), outcome as ConversationMessageOutcome),
    failed: (metrics, args, err) => recordDeliveryFailure(metrics, replyOf(args), err),
  },
  deliverWebhook: {
    succeeded: (metrics, _args, outcome) => recordWebhookOutcome(metrics, outcome as WebhookDeliveryOutcome),
    failed: (metrics) => metrics.webhookDeliveries.inc({ result: 'failed' }),
  },
};

export class MetricsActivityInbound implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly metrics: Metrics,
    private readonly activityType: string,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const recorder = RECORDERS[this.activityType];
    if (!recorder) return next(input);
    try {
      const result = await next(input);
      recorder.succeeded(this.metrics, input.args, result);
      return result;
    } catch (err) {
      recorder.failed(this.metrics, input.args, err);
      throw err;
    }
  }
}

/** The worker's `interceptors.activity` entry. */
export function activityMetrics(metrics: Metrics): ActivityInterceptorsFactory {
  return (ctx) => ({ inbound: new MetricsActivityInbound(metrics, ctx.info.activityType) });
}
