/**
 * The worker's /metrics (METRICS_PORT): Prometheus text with ours and the Temporal SDK's series,
 * behind METRICS_TOKEN when it is set, on loopback and for this machine only when nothing is set;
 * nothing else answers.
 */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../telemetry/metrics';
import { type MetricsServer, startMetricsServer } from '../../telemetry/metrics-server';
import { metricsSettingsFromEnv } from '../../telemetry/settings';

describe('the worker’s metrics server', () => {
  const metrics = createMetrics();
  let server: MetricsServer;
  let url: string;
  beforeAll(async () => {
    metrics.sends.inc({ channel: 'email', kind: 'reminder', result: 'sent' });
    server = await startMetricsServer(
      { registry: metrics.registry, token: 'scrape-token', extra: async () => 'temporal_request 3\n' },
      { port: 0, host: '127.0.0.1' },
    );
    url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  it('answers a scrape with the token: our series, then the Temporal SDK’s', async () => {
    const response = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer scrape-token' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('dunning_sends_total{channel="email",kind="reminder",result="sent"} 1');
    expect(text).toContain('process_cpu_seconds_total');
    expect(text.trimEnd().endsWith('temporal_request 3')).toBe(true);
  });

  it('refuses a scrape without the token or with another one', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer scrape-tokem' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect(await wrong.text()).toBe('');
  });

  it('answers nothing but GET /metrics', async () => {
    expect((await fetch(`${url}/`)).status).toBe(404);
    const post = await fetch(`${url}/metrics`, { method: 'POST', headers: { authorization: 'Bearer scrape-token' } });
    expect(post.status).toBe(404);
  });
});

/** An address of this machine that is not loopback, when it has one. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === 'IPv4')?.address;

describe('the worker’s metrics server without a token or a host', () => {
  let server: MetricsServer;
  beforeAll(async () => {
    server = await startMetricsServer({ registry: createMetrics().registry }, { port: 0 });
  });
  afterAll(() => server.close());

  it('listens on loopback only, and answers a scrape from this machine', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(200);
    if (outsideAddress) await expect(fetch(`http://${outsideAddress}:${server.port}/metrics`)).rejects.toThrow();
  });

  it.skipIf(!outsideAddress)('on every address (METRICS_HOST) without a token, answers this machine only', async () => {
    const open = await startMetricsServer({ registry: createMetrics().registry }, { port: 0, host: '0.0.0.0' });
    try {
      expect((await fetch(`http://127.0.0.1:${open.port}/metrics`)).status).toBe(200);
      expect((await fetch(`http://${outsideAddress}:${open.port}/metrics`)).status).toBe(401);
    } finally {
      await open.close();
    }
  });
});

describe('metrics settings', () => {
  it('read METRICS_PORT, METRICS_HOST, METRICS_TOKEN and TEMPORAL_METRICS_ADDRESS; no port means no worker endpoint', () => {
    expect(metricsSettingsFromEnv({})).toEqual({
      port: null,
      host: undefined,
      token: undefined,
      temporalAddress: null,
    });
    expect(
      metricsSettingsFromEnv({
        METRICS_PORT: '9464',
        METRICS_HOST: '0.0.0.0',
        METRICS_TOKEN: 't',
        TEMPORAL_METRICS_ADDRESS: '127.0.0.1:9465',
      }),
    ).toEqual({ port: 9464, host: '0.0.0.0', token: 't', temporalAddress: '127.0.0.1:9465' });
  });

  it('name the variable that is wrong', () => {
    expect(() => metricsSettingsFromEnv({ METRICS_PORT: 'ninety' })).toThrow(/METRICS_PORT/);
    expect(() => metricsSettingsFromEnv({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(() => metricsSettingsFromEnv({ TEMPORAL_METRICS_ADDRESS: 'localhost' })).toThrow(/TEMPORAL_METRICS_ADDRESS/);
  });
});
