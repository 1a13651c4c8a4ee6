/**
 * Tier 5, dev server: the product as it is deployed — `npm run worker` and `npm run api` as
 * separate processes on PostgreSQL and a real Temporal server — driven only through HTTP. The
 * worker is killed mid-journey (no graceful shutdown) and another takes over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DunningClient, createDunningClient } from '../../../packages/api-client/src/index';
import { findJourney, listEvents, listPayments } from '../../../db/journey-repository';
import { freePort } from '../../../scripts/temporal-dev-server';
import { journeyWorkflowId } from '../../../workflows/messages';
import { type TestDatabase, openTestDatabase, postgresAvailability } from '../../support/databases';
import { uniqueId } from '../../support/fixtures';
import { eventually } from '../eventually';
import { type ProductProcess, startScript } from '../processes';
import { type DevServerEnv, devServer, e2e, skipWithout, startTestDevServer } from '../servers';
import { dueNowInstallment, dueNowPolicy } from './real-time';

const KEY = 'e2e-owner-key';
const METRICS_TOKEN = 'e2e-metrics-token';
const TENANT = 'acme';

const skip =
  skipWithout(devServer, 'the API and worker processes on the dev server') || !postgresAvailability.available;
if (!postgresAvailability.available && !skip)
  console.warn(`the API and worker processes skipped: ${postgresAvailability.reason}`);

describe.skipIf(skip)('npm run api and npm run worker as processes, on PostgreSQL and the dev server', () => {
  let server: DevServerEnv;
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let api: ProductProcess;
  const workers: ProductProcess[] = [];
  let dunning: DunningClient;

  /** Each worker's /metrics port (METRICS_PORT), in the order they started. */
  const metricsPorts: number[] = [];
  const startWorker = async () => {
    const metricsPort = await freePort();
    const worker = startScript('worker', { ...env, METRICS_PORT: String(metricsPort) });
    workers.push(worker);
    metricsPorts.push(metricsPort);
    await worker.waitFor('worker polling');
    return worker;
  };

  beforeAll(async () => {
    server = await startTestDevServer();
    database = await openTestDatabase('postgres', { migrate: false });
    const port = await freePort();
    dunning = createDunningClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY });
    env = {
      DATABASE_URL: database.url!,
      TEMPORAL_ADDRESS: server.server.address,
      TEMPORAL_NAMESPACE: server.server.namespace,
      TEMPORAL_TASK_QUEUE: uniqueId('e2e-processes'),
      WORKFLOW_BUNDLE_PATH: e2e.workflowBundlePath ?? '',
      API_KEYS: `${TENANT}:${KEY}`,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      METRICS_TOKEN,
    };
    // Both migrate at start, at once: the advisory lock lets one do it.
    api = startScript('api', env);
    await Promise.all([startWorker(), api.waitFor('Server listening')]);
  });

  afterAll(async () => {
    await api?.stop();
    for (const worker of workers) await worker.stop();
    await server?.teardown();
    await database?.dispose();
  });

  const journeyStatus = async (installmentId: string) =>
    (await dunning.GET('/v1/journeys/{installmentId}', { params: { path: { installmentId } } })).data;

  it('a journey started, reminded and paid through HTTP, across a worker crash', async () => {
    const policy = await dunning.POST('/v1/policies', { body: { ...dueNowPolicy, id: 'due-now' } });
    expect(policy.response.status).toBe(201);
    const { tenantId: _tenant, ...installment } = dueNowInstallment({ tenantId: TENANT, policyId: 'due-now' });
    const started = await dunning.POST('/v1/journeys', { body: installment });
    expect(started.response.status).toBe(201);
    expect(started.data).toMatchObject({
      journeyId: journeyWorkflowId(TENANT, installment.installmentId),
      created: true,
    });
    expect((await dunning.POST('/v1/journeys', { body: installment })).response.status).toBe(200);

    const reminded = await eventually('the first reminder, read through the API', async () => {
      const status = await journeyStatus(installment.installmentId);
      return status.attempts.sent === 1 ? status : undefined;
    });
    expect(reminded).toMatchObject({ source: 'workflow', stage: 'pre_due', policy: { id: 'due-now', version: 1 } });
    // The worker's /metrics (METRICS_PORT, behind METRICS_TOKEN): its send, with the Temporal SDK's series.
    const workerMetrics = `http://127.0.0.1:${metricsPorts[0]}/metrics`;
    expect((await fetch(workerMetrics)).status).toBe(401);
    const scraped = await (
      await fetch(workerMetrics, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(scraped).toMatch(/^dunning_sends_total\{channel="email",kind="reminder",result="sent"\} 1$/m);
    expect(scraped).toMatch(/^temporal_activity_execution_latency_bucket\{/m);

    // The worker dies without draining; another process takes over from the history.
    const crashed = await workers[0]!.stop('SIGKILL');
    expect(crashed.signal).toBe('SIGKILL');
    await startWorker();

    const paid = await dunning.POST('/v1/journeys/{installmentId}/payments', {
      params: { path: { installmentId: installment.installmentId } },
      body: { paymentId: 'pay-1', amountMinor: installment.amount.amountMinor, currency: installment.amount.currency },
    });
    expect(paid.response.status).toBe(202);
    const closed = await eventually(
      'the paid journey, read through the API',
      async () => {
        const status = await journeyStatus(installment.installmentId);
        return status.source === 'database' && status.outcome ? status : undefined;
      },
      60_000,
    );
    expect(closed).toMatchObject({
      outcome: 'paid_before_due',
      stage: 'closed',
      attempts: { sent: 1 },
      amountPaidMinor: installment.amount.amountMinor,
    });

    const row = await findJourney(database.db, TENANT, installment.installmentId);
    expect(row).toMatchObject({ outcome: 'paid_before_due', policyId: 'due-now' });
    // The payment is confirmed to the buyer before the journey ends.
    const types = await eventually('the payment confirmed', async () => {
      const recorded = (await listEvents(database.db, row!.id)).map((e) => e.type);
      return recorded.includes('confirmation_sent') ? recorded : undefined;
    });
    expect(types).toEqual(['started', 'step_sent', 'payment_received', 'confirmation_sent']);
    expect((await listPayments(database.db, row!.id)).map((p) => p.paymentId)).toEqual(['pay-1']);
    const listed = await dunning.GET('/v1/journeys', { params: { query: { outcome: ['paid_before_due'] } } });
    expect(listed.data.items.map((j) => j.installmentId)).toContain(installment.installmentId);
  });

  it('both processes drain and exit cleanly on SIGTERM', async () => {
    expect(await api.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const worker = workers.at(-1)!;
    expect(await worker.stop('SIGTERM')).toMatchObject({ code: 0 });
  });
});
