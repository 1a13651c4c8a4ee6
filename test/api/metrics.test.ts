/**
 * The API's /metrics: Prometheus text with the latency of each route under its pattern (never the
 * URL and its IDs), the journeys per stage and outcome read from the table (cached, so scrapes stay
 * cheap), the token when one is set, and no place in the API document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countJourneysByStage } from '../../db/journey-repository';
import { createMetrics, type Metrics } from '../../telemetry/metrics';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, startApi, startBody } from './support';

const TOKEN = 'metrics-token-for-tests';

describeEachDatabase('the API’s /metrics', (getDb) => {
  let api: ApiHarness;
  let metrics: Metrics;
  let journeyQueries = 0;
  beforeAll(async () => {
    metrics = createMetrics();
    metrics.countJourneysWith(() => {
      journeyQueries += 1;
      return countJourneysByStage(getDb());
    });
    api = await startApi(getDb(), Date.now, {
      metrics: { metrics, token: TOKEN, extra: async () => 'temporal_worker_start 1\n' },
    });
  });
  afterAll(async () => {
    await api.app.close();
  });

  const scrape = async () => {
    const response = await api.call({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  };

  it('refuses a scrape without the token, or with another one, as problem+json', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`]) {
      const response = await api.call({
        method: 'GET',
        url: '/metrics',
        key: null,
        headers: authorization ? { authorization } : {},
      });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).not.toContain('dunning_');
    }
  });

  it('times each request under its route’s pattern, method and status; the IDs in the URL stay out', async () => {
    const installmentId = uniqueId('inst-metrics');
    const started = await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) });
    expect(started.statusCode).toBe(201);
    const read = await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` });
    expect(read.statusCode).toBe(200);
    const missing = await api.call({ method: 'GET', url: `/v1/journeys/${uniqueId('nowhere')}` });
    expect(missing.statusCode).toBe(404);
    await api.call({ method: 'GET', url: `/no/such/route/${installmentId}` });

    const text = await scrape();
    expect(text).toMatch(
      /dunning_http_request_duration_seconds_count\{method="POST",route="\/v1\/journeys",status_code="201"\} 1\n/,
    );
    expect(text).toMatch(
      /dunning_http_request_duration_seconds_count\{method="GET",route="\/v1\/journeys\/:installmentId",status_code="200"\} 1\n/,
    );
    expect(text).toMatch(
      /dunning_http_request_duration_seconds_count\{method="GET",route="\/v1\/journeys\/:installmentId",status_code="404"\} 1\n/,
    );
    expect(text).toMatch(/route="unmatched",status_code="404"/);
    expect(text).not.toContain(installmentId);
    expect(text).not.toContain('nowhere');
  });

  it('counts journeys by stage and outcome from the table, reading it at most once a minute', async () => {
    const before = await scrape();
    const openBefore = Number(/dunning_journeys\{stage="pre_due",outcome="none"\} (\d+)/.exec(before)?.[1] ?? 0);
    expect(openBefore).toBeGreaterThan(0);
    const queriesBefore = journeyQueries;
    await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(uniqueId('inst-later')) });
    const cached = await scrape();
    expect(journeyQueries).toBe(queriesBefore);
    expect(cached).toContain(`dunning_journeys{stage="pre_due",outcome="none"} ${openBefore}`);
  });

  it('appends the Temporal SDK’s series to ours: one scrape target per process', async () => {
    const text = await scrape();
    expect(text).toContain('# TYPE dunning_sends_total counter');
    expect(text.trimEnd().endsWith('temporal_worker_start 1')).toBe(true);
  });

  it('is not part of the API document', async () => {
    const document = (await api.call({ method: 'GET', url: '/docs/json', key: null })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).not.toContain('/metrics');
  });
});

describe('the API’s /metrics without METRICS_TOKEN', () => {
  it('answers a client on this machine only: nothing is public by default', async () => {
    const { openDatabase } = await import('../../db/client');
    const handle = openDatabase({ dataDir: 'memory://' });
    await handle.migrate();
    const api = await startApi(handle.db, Date.now, { metrics: { metrics: createMetrics() } });
    const from = (remoteAddress: string) => api.call({ method: 'GET', url: '/metrics', key: null, remoteAddress });
    for (const local of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const response = await from(local);
      expect(response.statusCode, local).toBe(200);
      expect(response.body).toContain('dunning_');
    }
    for (const outside of ['203.0.113.9', '10.0.0.4', '2001:db8::1']) {
      const response = await from(outside);
      expect(response.statusCode, outside).toBe(401);
      expect(response.json().detail).toMatch(/METRICS_TOKEN/);
      expect(response.body).not.toContain('dunning_');
    }
    await api.app.close();
    await handle.close();
  });
});

describe('the API without metrics', () => {
  it('has no /metrics', async () => {
    const { openDatabase } = await import('../../db/client');
    const handle = openDatabase({ dataDir: 'memory://' });
    await handle.migrate();
    const api = await startApi(handle.db);
    expect((await api.call({ method: 'GET', url: '/metrics', key: null })).statusCode).toBe(404);
    await api.app.close();
    await handle.close();
  });
});
