/**
 * Metrics and traces on a real server (README, "Metrics" and "Tracing"): a journey started through
 * the API, reminded by the worker and paid through the API.
 *
 *  - /metrics, scraped afterwards, shows the counters moved: the worker's sends by channel and
 *    result beside the Temporal SDK's own `temporal_…` series (one scrape target), and the API's
 *    latency for the start route.
 *  - the spans, caught by an in-memory exporter: the API's request (Fastify), the client's
 *    StartWorkflow, the workflow's RunWorkflow and StartActivity, the deliver activity's
 *    RunActivity and, inside it, the call to the provider (a fake Resend) share one trace ID.
 *
 * The Temporal series the example dashboard reads are checked against the worker's scrape here.
 * The runtime is installed here, before the harness connects: its metrics endpoint is set once per process.
 */
import { Client } from '@temporalio/client';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../../api/app';
import { envKeyStore } from '../../../application/key-stores';
import { databasePolicies } from '../../../application/policy-catalog';
import { TemporalJourneyGateway } from '../../../application/temporal-journey-gateway';
import { countJourneysByStage } from '../../../db/journey-repository';
import { temporalCoreMetrics } from '../../../telemetry/exposition';
import { createMetrics } from '../../../telemetry/metrics';
import { type MetricsServer, startMetricsServer } from '../../../telemetry/metrics-server';
import { freeLoopbackAddress } from '../../../telemetry/settings';
import { tracingClientInterceptors } from '../../../telemetry/temporal-tracing';
import { startTracing } from '../../../telemetry/tracing';
import { installSdkRuntime } from '../../../worker';
import { journeyWorkflowId } from '../../../workflows/messages';
import { dashboardQueries, seriesIn } from '../../support/dashboard';
import { eventually } from '../eventually';
import { startFakeResendServer } from '../../support/fake-resend-server';
import { createResendEmailSender } from '../../../activities/channels/resend-email';
import { withOutboxFallback } from '../../../activities/channels/outbox';
import { useDevServerHarness } from './harness';
import { dueNowInstallment, dueNowPolicy } from './real-time';

const TENANT = 'tenant-telemetry';
const KEY = 'key-telemetry-owner';

const temporalMetricsAddress = await freeLoopbackAddress();
installSdkRuntime(pino({ level: 'silent' }), { metricsAddress: temporalMetricsAddress });
const spans = new InMemorySpanExporter();
const tracing = startTracing({ serviceName: 'dunning-test', spanProcessors: [new SimpleSpanProcessor(spans)] });
const workerMetrics = createMetrics();
const apiMetrics = createMetrics();
// Email goes to a fake Resend through the real SDK: the provider call is an HTTP request to trace.
const resend = await startFakeResendServer();
const senders = withOutboxFallback({
  email: createResendEmailSender({ apiKey: 're_test_key', from: 'Acme <billing@acme.test>', baseUrl: resend.url }),
});

// Bundled at start (no prebuilt bundle): the workflow's tracing interceptors go in with it.
const h = useDevServerHarness({}, { tracing, metrics: workerMetrics, workflowBundlePath: undefined, senders });
let app: App;
let workerScrape: MetricsServer;

beforeAll(async () => {
  const client = new Client({
    connection: h.server.env.connection,
    namespace: h.server.server.namespace,
    interceptors: tracingClientInterceptors(),
  });
  apiMetrics.countJourneysWith(() => countJourneysByStage(h.db));
  app = await buildApp({
    db: h.db,
    gateway: new TemporalJourneyGateway(client, h.taskQueue),
    policies: databasePolicies(h.db),
    keys: envKeyStore(`${TENANT}:${KEY}`),
    metrics: { metrics: apiMetrics },
    tracing,
  });
  await app.ready();
  workerScrape = await startMetricsServer(
    { registry: workerMetrics.registry, extra: temporalCoreMetrics(temporalMetricsAddress) },
    { port: 0, host: '127.0.0.1' },
  );
});

afterAll(async () => {
  await app?.close();
  await workerScrape?.close();
  await tracing.shutdown();
  await resend.close();
});

const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${KEY}` }, ...(payload && { payload }) });

const finished = (name: RegExp | string) => (span: ReadableSpan) =>
  typeof name === 'string' ? span.name === name : name.test(span.name);

describe('telemetry of a journey started, reminded and paid through the API', () => {
  const full = dueNowInstallment({ tenantId: TENANT, policyId: 'due-now' });
  const { tenantId: _tenant, ...installment } = full;
  const journeyId = journeyWorkflowId(TENANT, installment.installmentId);

  beforeAll(async () => {
    expect((await call('POST', '/v1/policies', { ...dueNowPolicy, id: 'due-now' })).statusCode).toBe(201);
    expect((await call('POST', '/v1/journeys', installment)).statusCode).toBe(201);
    await eventually('the first reminder sent', async () => {
      const attempts = await h.attempts(journeyId);
      return attempts.some((a) => a.status === 'sent') ? attempts : undefined;
    });
    const paid = await call('POST', `/v1/journeys/${installment.installmentId}/payments`, {
      paymentId: 'pay-1',
      amountMinor: installment.amount.amountMinor,
      currency: installment.amount.currency,
    });
    expect(paid.statusCode).toBe(202);
    await h.row(full, (row) => row.outcome === 'paid_before_due', 'the journey closed as paid');
    await h.client.workflow.getHandle(journeyId).result();
  });

  it('moves the worker’s sends, served with the Temporal SDK’s own metrics on one endpoint', async () => {
    // Every Temporal series the example dashboard reads is one a worker serves (some once a workflow completed).
    const dashboardSeries = dashboardQueries()
      .flatMap((q) => seriesIn(q.expr))
      .filter((series) => series.startsWith('temporal_'));
    expect(dashboardSeries.length).toBeGreaterThan(0);
    const served = (body: string, series: string) => new RegExp(`^${series}[{ ]`, 'm').test(body);
    const text = await eventually('the worker’s metrics', async () => {
      const body = await (await fetch(`http://127.0.0.1:${workerScrape.port}/metrics`)).text();
      return dashboardSeries.every((series) => served(body, series)) ? body : undefined;
    });
    expect(text).toMatch(/^dunning_sends_total\{channel="email",kind="reminder",result="sent"\} 1$/m);
    // The payment's confirmation, sent before the journey ended.
    expect(text).toMatch(/^dunning_sends_total\{channel="email",kind="confirmation",result="sent"\} 1$/m);
    expect(text).toContain(h.taskQueue);
    expect(text).not.toContain(installment.installmentId);
  });

  it('moves the API’s latency for the start route, and counts the journey in its stage and outcome', async () => {
    const text = (await call('GET', '/metrics')).body;
    expect(text).toMatch(
      /^dunning_http_request_duration_seconds_count\{method="POST",route="\/v1\/journeys",status_code="201"\} 1$/m,
    );
    expect(text).toMatch(/^dunning_journeys\{stage="closed",outcome="paid_before_due"\} [1-9]/m);
    expect(text).not.toContain(installment.installmentId);
  });

  it('follows the start in one trace: the API’s request, the workflow and the deliver activity', async () => {
    const trace = await eventually(
      'the workflow’s spans exported',
      async () => {
        const all = spans.getFinishedSpans();
        const request = all.find(
          (s) => s.attributes['http.route'] === '/v1/journeys' && s.attributes['http.request.method'] === 'POST',
        );
        if (!request) return undefined;
        const inTrace = all.filter((s) => s.spanContext().traceId === request.spanContext().traceId);
        const names = inTrace.map((s) => s.name);
        return names.includes('RunWorkflow:dunningJourney') && names.includes('RunActivity:deliverReminder')
          ? { request, inTrace, names }
          : undefined;
      },
      30_000,
    );
    expect(trace.names).toEqual(
      expect.arrayContaining([
        'request',
        'StartWorkflow:dunningJourney',
        'RunWorkflow:dunningJourney',
        'StartActivity:deliverReminder',
        'RunActivity:deliverReminder',
      ]),
    );
    const start = trace.inTrace.find(finished('StartWorkflow:dunningJourney'))!;
    const run = trace.inTrace.find(finished('RunWorkflow:dunningJourney'))!;
    const deliver = trace.inTrace.find(finished('RunActivity:deliverReminder'))!;
    // The client's span is the request's; the workflow's is the client's; the activity's is the workflow's.
    expect(start.parentSpanId).toBeDefined();
    expect(trace.inTrace.map((s) => s.spanContext().spanId)).toContain(start.parentSpanId);
    expect(run.parentSpanId).toBe(start.spanContext().spanId);
    const scheduled = trace.inTrace.find((s) => s.spanContext().spanId === deliver.parentSpanId);
    expect(scheduled?.name).toBe('StartActivity:deliverReminder');
    // The provider call is the deliver activity's child, and carries the trace to the provider.
    const providerCall = trace.inTrace.find((s) => s.parentSpanId === deliver.spanContext().spanId);
    expect(providerCall?.attributes['url.full']).toBe(`${resend.url}/emails`);
    expect(String(resend.requests[0]!.headers.traceparent)).toContain(trace.request.spanContext().traceId);
    // The URL's IDs stay out of the request span: its path is the route's pattern.
    expect(trace.request.attributes['url.path']).toBe('/v1/journeys');
  });
});
