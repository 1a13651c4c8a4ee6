/**
 * The provider call inside the deliver activity's span is a span of its own, its child: the real
 * Resend SDK (fetch) against a fake Resend, with tracing on and an in-memory exporter. The trace
 * goes out in the request's `traceparent`; the URL's query stays out of the span; a fetch outside
 * any trace makes no span.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResendEmailSender } from '../../activities/channels/resend-email';
import { type Tracing, startTracing } from '../../telemetry/tracing';
import { type FakeResendServer, startFakeResendServer } from '../support/fake-resend-server';

let fake: FakeResendServer;
let tracing: Tracing;
const spans = new InMemorySpanExporter();

beforeAll(async () => {
  fake = await startFakeResendServer();
  tracing = startTracing({ serviceName: 'dunning-test', spanProcessors: [new SimpleSpanProcessor(spans)] });
});
afterAll(async () => {
  await tracing.shutdown();
  await fake.close();
});

describe('the provider call in a trace', () => {
  it('is a client span under the activity’s, and carries the trace to the provider', async () => {
    const sender = createResendEmailSender({
      apiKey: 're_test_key',
      from: 'Acme <billing@acme.test>',
      baseUrl: fake.url,
    });
    const activity = await trace.getTracer('test').startActiveSpan('RunActivity:deliverReminder', async (span) => {
      const outcome = await sender.send({
        channel: 'email',
        attemptId: 'dunning/acme/inst-1/r0/s0/email/1',
        to: 'maria.silva@example.com',
        locale: 'en',
        template: 'due_today',
        tags: { tenant: 'acme', journey: 'dunning/acme/inst-1', step: 's0' },
        subject: 'Your installment is due today',
        text: 'Please pay',
        html: '<p>Please pay</p>',
      });
      expect(outcome.kind).toBe('sent');
      span.end();
      return span.spanContext();
    });

    const call = spans.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT);
    expect(call).toBeDefined();
    expect(call!.spanContext().traceId).toBe(activity.traceId);
    expect(call!.parentSpanId).toBe(activity.spanId);
    expect(call!.attributes['http.request.method']).toBe('POST');
    expect(call!.attributes['url.full']).toBe(`${fake.url}/emails`);
    expect(call!.attributes['http.response.status_code']).toBe(200);
    expect(String(fake.requests.at(-1)!.headers.traceparent)).toContain(activity.traceId);
  });

  it('keeps a URL’s query out of the span', async () => {
    spans.reset();
    await trace.getTracer('test').startActiveSpan('RunActivity:deliverWebhook', async (span) => {
      await fetch(`${fake.url}/hooks?token=secret-of-the-tenant`, { method: 'POST', body: '{}' });
      span.end();
    });
    const call = spans.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT)!;
    expect(call.attributes['url.full']).toBe(`${fake.url}/hooks`);
    expect(JSON.stringify(call.attributes)).not.toContain('secret-of-the-tenant');
  });

  it('makes no span for a fetch outside any trace', async () => {
    spans.reset();
    await fetch(`${fake.url}/emails`, { method: 'POST', body: '{}' });
    expect(spans.getFinishedSpans()).toEqual([]);
  });
});
