/**
 * The activity interceptor's counters, from synthetic invocations: what deliverReminder and
 * deliverWebhook return or throw becomes sends by channel and result, guard decisions by rule,
 * provider errors by code and webhook deliveries with their lag — and nothing of the delivery
 * (ids, the buyer's address) reaches a label.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import type { WebhookDeliveryOutcome } from '../../activities/contracts';
import type { DeliveryOutcome } from '../../domain/delivery';
import { MetricsActivityInbound } from '../../telemetry/activity-metrics';
import { type Metrics, createMetrics } from '../../telemetry/metrics';

const delivery = {
  journeyId: 'dunning/tenant-secret-1/inst-secret-42',
  attemptId: 'att-secret-7',
  tenantId: 'tenant-secret-1',
  installmentId: 'inst-secret-42',
  buyerId: 'buyer-secret-9',
  channel: 'sms',
  to: '+15555550123',
};

function input(args: unknown[]): ActivityExecuteInput {
  return { args, headers: {} };
}

async function run(metrics: Metrics, activityType: string, args: unknown[], result: () => Promise<unknown>) {
  return new MetricsActivityInbound(metrics, activityType).execute(input(args), result);
}

const count = async (metrics: Metrics, name: string, labels: Record<string, string>) => {
  const metric = (await metrics.registry.getSingleMetric(name)!.get()) as {
    values: { labels: Record<string, string>; value: number; metricName?: string }[];
  };
  return metric.values
    .filter((v) => !v.metricName || v.metricName === name)
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
};

const deliver = (metrics: Metrics, outcome: DeliveryOutcome, channel = 'sms') =>
  run(metrics, 'deliverReminder', [{ ...delivery, channel }], async () => outcome);

describe('the delivery activities’ metrics', () => {
  it('count a sent reminder by channel, and pass its outcome through unchanged', async () => {
    const metrics = createMetrics();
    const outcome: DeliveryOutcome = { status: 'sent', providerMessageId: 'SM123' };
    expect(await deliver(metrics, outcome, 'email')).toBe(outcome);
    await deliver(metrics, outcome, 'email');
    await deliver(metrics, outcome, 'sms');
    expect(await count(metrics, 'dunning_sends_total', { channel: 'email', result: 'sent' })).toBe(2);
    expect(await count(metrics, 'dunning_sends_total', { channel: 'sms', result: 'sent' })).toBe(1);
    expect(await count(metrics, 'dunning_sends_total', { kind: 'reminder' })).toBe(3);
  });

  it('tell a payment’s confirmation from a reminder', async () => {
    const metrics = createMetrics();
    await run(metrics, 'deliverReminder', [{ ...delivery, channel: 'email', kind: 'confirmation' }], async () => ({
      status: 'sent',
      providerMessageId: 're_1',
    }));
    expect(
      await count(metrics, 'dunning_sends_total', { channel: 'email', kind: 'confirmation', result: 'sent' }),
    ).toBe(1);
    expect(await count(metrics, 'dunning_sends_total', { kind: 'reminder' })).toBe(0);
  });

  it('count a deferral as the guard’s decision by its rule', async () => {
    const metrics = createMetrics();
    await deliver(metrics, { status: 'deferred', reason: 'quiet_hours', until: '2026-12-03T08:00:00Z' });
    await deliver(metrics, { status: 'deferred', reason: 'frequency_cap', until: '2026-12-05T08:00:00Z' });
    await deliver(metrics, { status: 'deferred', reason: 'quiet_hours', until: '2026-12-04T08:00:00Z' });
    expect(await count(metrics, 'dunning_sends_total', { result: 'deferred' })).toBe(3);
    expect(await count(metrics, 'dunning_guard_decisions_total', { rule: 'quiet_hours', decision: 'deferred' })).toBe(
      2,
    );
    expect(await count(metrics, 'dunning_guard_decisions_total', { rule: 'frequency_cap' })).toBe(1);
  });

  it('tell the guard’s refusals (consent, suppression) from the provider’s refusal codes', async () => {
    const metrics = createMetrics();
    await deliver(metrics, { status: 'opted_out', source: 'consent' });
    await deliver(metrics, { status: 'undeliverable', reason: 'suppressed' });
    await deliver(metrics, { status: 'undeliverable', reason: 'twilio:21211' });
    await deliver(metrics, { status: 'opted_out', source: 'twilio:21610' });
    expect(await count(metrics, 'dunning_guard_decisions_total', { rule: 'opted_out', decision: 'refused' })).toBe(1);
    expect(await count(metrics, 'dunning_guard_decisions_total', { rule: 'suppressed', decision: 'refused' })).toBe(1);
    expect(await count(metrics, 'dunning_provider_errors_total', { channel: 'sms', code: 'twilio:21211' })).toBe(1);
    expect(await count(metrics, 'dunning_provider_errors_total', { channel: 'sms', code: 'twilio:21610' })).toBe(1);
    expect(await count(metrics, 'dunning_sends_total', { result: 'undeliverable' })).toBe(2);
    expect(await count(metrics, 'dunning_sends_total', { result: 'opted_out' })).toBe(2);
  });

  it('count an in-app step whose tenant has no endpoint as the send’s result only, not a provider’s error', async () => {
    const metrics = createMetrics();
    await deliver(metrics, { status: 'undeliverable', reason: 'webhook:no_endpoint' }, 'in_app');
    expect(await count(metrics, 'dunning_sends_total', { channel: 'in_app', result: 'undeliverable' })).toBe(1);
    expect(await count(metrics, 'dunning_provider_errors_total', {})).toBe(0);
    expect(await count(metrics, 'dunning_guard_decisions_total', {})).toBe(0);
  });

  it('count a thrown try as failed, a provider’s failure by what it means, and rethrow it', async () => {
    const metrics = createMetrics();
    const unavailable = ApplicationFailure.create({ type: 'ProviderUnavailable', message: 'Twilio 503' });
    await expect(run(metrics, 'deliverReminder', [delivery], () => Promise.reject(unavailable))).rejects.toBe(
      unavailable,
    );
    const ours = new Error('connection terminated');
    await expect(run(metrics, 'deliverReminder', [delivery], () => Promise.reject(ours))).rejects.toBe(ours);
    expect(await count(metrics, 'dunning_sends_total', { channel: 'sms', result: 'failed' })).toBe(2);
    expect(await count(metrics, 'dunning_provider_errors_total', { code: 'unavailable' })).toBe(1);
    // A fault of ours is not the provider's error.
    expect(await count(metrics, 'dunning_provider_errors_total', {})).toBe(1);
  });

  it('count webhook deliveries by result, the lag of a delivered one, and a thrown try as failed', async () => {
    const metrics = createMetrics();
    const webhook = (outcome: () => Promise<WebhookDeliveryOutcome>) =>
      run(metrics, 'deliverWebhook', [{ deliveryId: 'whd-secret-1' }], outcome);
    await webhook(async () => ({ status: 'delivered', lagMs: 2_500 }));
    await webhook(async () => ({ status: 'delivered', lagMs: 7_200_000 }));
    await webhook(async () => ({ status: 'already_settled' }));
    // Sent again by hand three days on: a delivery, but not the pipeline's lag.
    await webhook(async () => ({ status: 'delivered', lagMs: 3 * 86_400_000, redelivered: true }));
    const refused = new Error('receiver answered 500');
    await expect(webhook(() => Promise.reject(refused))).rejects.toBe(refused);
    expect(await count(metrics, 'dunning_webhook_deliveries_total', { result: 'delivered' })).toBe(3);
    expect(await count(metrics, 'dunning_webhook_deliveries_total', { result: 'already_settled' })).toBe(1);
    expect(await count(metrics, 'dunning_webhook_deliveries_total', { result: 'failed' })).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('dunning_webhook_delivery_lag_seconds_count 2');
    expect(text).toContain('dunning_webhook_delivery_lag_seconds_sum 7202.5');
    expect(text).toMatch(/dunning_webhook_delivery_lag_seconds_bucket\{le="5"\} 1\n/);
  });

  it('count a conversation’s reply as a send on its channel, a provider’s refusal by its code', async () => {
    const metrics = createMetrics();
    const reply = (outcome: unknown) =>
      run(
        metrics,
        'sendConversationMessage',
        [{ conversationId: 'conv-secret-3', channel: 'whatsapp' }],
        async () => outcome,
      );
    await reply({ status: 'sent' });
    await reply({ status: 'refused', reason: 'window_closed' });
    await reply({ status: 'refused', reason: 'twilio:63016' });
    expect(await count(metrics, 'dunning_sends_total', { channel: 'whatsapp', kind: 'reply', result: 'sent' })).toBe(1);
    expect(await count(metrics, 'dunning_sends_total', { kind: 'reply', result: 'refused' })).toBe(2);
    expect(await count(metrics, 'dunning_provider_errors_total', { channel: 'whatsapp', code: 'twilio:63016' })).toBe(
      1,
    );
    expect(await metrics.registry.metrics()).not.toContain('conv-secret');
  });

  it('leave every other activity alone', async () => {
    const metrics = createMetrics();
    await run(metrics, 'recordJourney', [delivery], async () => undefined);
    expect(await count(metrics, 'dunning_sends_total', {})).toBe(0);
  });

  it('never put an id, an address or free text in a label', async () => {
    const metrics = createMetrics();
    await deliver(metrics, { status: 'sent', providerMessageId: 'SM-secret-provider-id' });
    await deliver(metrics, { status: 'undeliverable', reason: 'twilio:the buyer +15555550123 is gone' });
    await run(metrics, 'deliverReminder', [{ ...delivery, channel: 'carrier-pigeon' }], async () => ({
      status: 'sent',
      providerMessageId: 'x',
    }));
    const text = await metrics.registry.metrics();
    for (const secret of ['secret', '5555550123', 'pigeon', 'the buyer']) expect(text).not.toContain(secret);
    expect(await count(metrics, 'dunning_provider_errors_total', { code: 'other' })).toBe(1);
    expect(await count(metrics, 'dunning_sends_total', { channel: 'other' })).toBe(1);
  });
});
