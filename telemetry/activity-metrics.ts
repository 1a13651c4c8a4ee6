/**
 * Counts what the delivery activities report, from the outside: an activity inbound interceptor
 * reads `deliverReminder`'s outcome (domain/delivery.ts) and `deliverWebhook`'s
 * (activities/contracts.ts), and what they throw, so the activities stay free of metrics code.
 */
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { WebhookDeliveryOutcome } from '../activities/contracts';
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
/** The provider's own refusal codes read `provider:code` (e.g. `twilio:21211`); our reasons have no colon. */
const isProviderCode = (reason: string): boolean => reason.includes(':');

/** What a delivery is, from deliverReminder's argument: its channel and kind. */
interface DeliveryLabels {
  channel: string;
  kind: 'reminder' | 'confirmation';
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

function recordDeliveryFailure(metrics: Metrics, { channel, kind }: DeliveryLabels, err: unknown): void {
  metrics.sends.inc({ channel, kind, result: 'failed' });
  const code = PROVIDER_FAILURES[failureType(err)];
  if (code) metrics.providerErrors.inc({ channel, code });
}

function recordWebhookOutcome(metrics: Metrics, outcome: WebhookDeliveryOutcome): void {
  metrics.webhookDeliveries.inc({ result: outcome.status });
  if (outcome.status === 'delivered' && outcome.lagMs !== undefined)
    metrics.webhookDeliveryLag.observe(outcome.lagMs / 1000);
}

/** An ApplicationFailure's type, else the error's name. */
function failureType(err: unknown): string {
  const { type, name } = (err ?? {}) as { type?: unknown; name?: unknown };
  return typeof type === 'string' ? type : typeof name === 'string' ? name : '';
}

function deliveryOf(args: unknown[]): DeliveryLabels {
  const { channel, kind } = (args[0] ?? {}) as { channel?: unknown; kind?: unknown };
  return {
    channel: CHANNEL_NAMES.includes(channel as Channel) ? (channel as Channel) : 'other',
    // Deliveries from before confirmations carry no kind: they are reminders.
    kind: kind === 'confirmation' ? 'confirmation' : 'reminder',
  };
}

export class MetricsActivityInbound implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly metrics: Metrics,
    private readonly activityType: string,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    if (this.activityType === 'deliverReminder') {
      const delivery = deliveryOf(input.args);
      try {
        const outcome = (await next(input)) as DeliveryOutcome;
        recordDeliveryOutcome(this.metrics, delivery, outcome);
        return outcome;
      } catch (err) {
        recordDeliveryFailure(this.metrics, delivery, err);
        throw err;
      }
    }
    if (this.activityType === 'deliverWebhook') {
      try {
        const outcome = (await next(input)) as WebhookDeliveryOutcome;
        recordWebhookOutcome(this.metrics, outcome);
        return outcome;
      } catch (err) {
        this.metrics.webhookDeliveries.inc({ result: 'failed' });
        throw err;
      }
    }
    return next(input);
  }
}

/** The worker's `interceptors.activity` entry. */
export function activityMetrics(metrics: Metrics): ActivityInterceptorsFactory {
  return (ctx) => ({ inbound: new MetricsActivityInbound(metrics, ctx.info.activityType) });
}
