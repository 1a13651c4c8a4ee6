/**
 * Tier 5, dev server: `npm run dev` as a new user runs it — one process that starts the Temporal
 * dev server, the worker and the API on embedded PGlite, prints where everything is, and takes
 * it all down again on Ctrl+C (or on a failure) without leaving a server behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDunningClient } from '../../../packages/api-client/src/index';
import { freePort, portInUse, startDevServer } from '../../../scripts/temporal-dev-server';
import { startScript } from '../processes';
import { devServer, e2e, skipWithout } from '../servers';
import { dueNowInstallment } from './real-time';

const DEV_KEY = 'dev-key-change-me';

describe.skipIf(skipWithout(devServer, '`npm run dev`'))('npm run dev', () => {
  let dataDir: string;
  let ports: { api: number; temporal: number; ui: number };
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dunning-dev-'));
    ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
    env = {
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      TEMPORAL_ADDRESS: '',
      DATABASE_URL: '',
      API_KEYS: '',
    };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const startJourney = async () => {
    const dunning = createDunningClient({ baseUrl: `http://127.0.0.1:${ports.api}`, apiKey: DEV_KEY });
    const { tenantId: _t, ...body } = dueNowInstallment();
    const { data, response } = await dunning.POST('/v1/journeys', { body });
    expect(response.status).toBe(201);
    return data;
  };

  /** The journeys the Temporal UI lists for a search, through the UI server's own HTTP API. */
  const listedInUi = async (query: string): Promise<string[]> => {
    const response = await fetch(
      `http://127.0.0.1:${ports.ui}/api/v1/namespaces/default/workflows?query=${encodeURIComponent(query)}`,
    );
    expect(response.status).toBe(200);
    const { executions = [] } = (await response.json()) as { executions?: { execution: { workflowId: string } }[] };
    return executions.map((e) => e.execution.workflowId);
  };

  const waitForUi = async (query: string, workflowId: string) => {
    for (let i = 0; i < 50; i++) {
      if ((await listedInUi(query)).includes(workflowId)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${workflowId} not listed in the UI for ${query}`);
  };

  it('reaches "ready", serves a journey visible in the Temporal UI, and Ctrl+C stops everything', async () => {
    const dev = startScript('dev', env);
    await dev.waitFor('is ready', 120_000);
    const printed = dev.output();
    expect(printed).toContain(`http://localhost:${ports.api}/docs`);
    expect(printed).toContain(`http://localhost:${ports.ui}/namespaces/default/workflows`);
    expect(printed).toContain(`TEMPORAL_ADDRESS=127.0.0.1:${ports.temporal}`);
    expect(printed).toContain(DEV_KEY);

    const { journeyId } = await startJourney();
    await waitForUi(`DunningTenant = "demo" AND DunningStage = "pre_due"`, journeyId);

    // One process, one /metrics with everything: the API's, the worker's and the Temporal SDK's.
    expect(printed).toContain(`http://localhost:${ports.api}/metrics`);
    const metrics = await (await fetch(`http://127.0.0.1:${ports.api}/metrics`)).text();
    expect(metrics).toMatch(
      /^dunning_http_request_duration_seconds_count\{method="POST",route="\/v1\/journeys",status_code="201"\} 1$/m,
    );
    expect(metrics).toMatch(/^dunning_journeys\{stage="pre_due",outcome="none"\} 1$/m);
    expect(metrics).toContain('# TYPE dunning_sends_total counter');
    expect(metrics).toMatch(/^temporal_worker_task_slots_available\{/m);

    expect((await dev.stop('SIGINT')).code).toBe(0);
    for (const port of Object.values(ports)) expect(await portInUse(port)).toBe(false);
  });

  it('starts again on the same data, now encrypting: journeys kept, the UI decoding through the codec server', async () => {
    const codecPort = await freePort();
    const dev = startScript('dev', {
      ...env,
      TEMPORAL_PAYLOAD_KEYS: `dev:${randomBytes(32).toString('base64')}`,
      CODEC_PORT: String(codecPort),
    });
    await dev.waitFor('is ready', 120_000);
    const codecUrl = `http://127.0.0.1:${codecPort}`;
    expect(dev.output()).toContain(`Codec server  ${codecUrl}`);
    const settings = (await (await fetch(`http://127.0.0.1:${ports.ui}/api/v1/settings`)).json()) as {
      Codec?: { Endpoint?: string };
    };
    expect(settings.Codec?.Endpoint).toBe(codecUrl);
    const decoded = await fetch(`${codecUrl}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"payloads":[]}',
    });
    expect(await decoded.json()).toEqual({ payloads: [] });
    const second = await startJourney();
    await waitForUi(`DunningTenant = "demo"`, second.journeyId);
    expect((await listedInUi(`DunningTenant = "demo"`)).length).toBe(2);
    expect((await dev.stop('SIGTERM')).code).toBe(0);
    for (const port of [...Object.values(ports), codecPort]) expect(await portInUse(port)).toBe(false);
  });

  it('registers the search attributes in a dev server database created without them', async () => {
    // A database file written by a plain `temporal server start-dev` (which then ignores
    // --search-attribute for good): npm run dev must register them itself.
    const otherData = await mkdtemp(join(tmpdir(), 'dunning-dev-plain-'));
    try {
      const plain = await startDevServer({
        cliPath: (e2e.cli as { path: string }).path,
        port: ports.temporal,
        uiPort: null,
        dbFilename: join(otherData, 'temporal.sqlite'),
        logFile: '/dev/null',
        registerSearchAttributes: false,
      });
      await plain.stop();
      const dev = startScript('dev', { ...env, DATA_DIR: otherData });
      await dev.waitFor('is ready', 120_000);
      const { journeyId } = await startJourney();
      await waitForUi(`DunningTenant = "demo" AND DunningStage = "pre_due"`, journeyId);
      expect((await dev.stop('SIGINT')).code).toBe(0);
    } finally {
      await rm(otherData, { recursive: true, force: true });
    }
  });

  it('a configuration mistake stops it before anything starts, naming the variable', async () => {
    const dev = startScript('dev', { ...env, RESEND_API_KEY: 're_test_key' });
    const exit = await dev.exited;
    expect(exit.code).toBe(1);
    expect(dev.output()).toMatch(/RESEND_FROM/);
    for (const port of Object.values(ports)) expect(await portInUse(port)).toBe(false);
  });

  it('a port already taken stops it with one sentence, and what it had started is stopped too', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.api, '127.0.0.1', resolve));
    try {
      const dev = startScript('dev', env);
      const exit = await dev.exited;
      expect(exit.code).toBe(1);
      expect(dev.output()).toContain(`could not listen on 127.0.0.1:${ports.api}`);
      expect(await portInUse(ports.temporal)).toBe(false);
      expect(await portInUse(ports.ui)).toBe(false);
    } finally {
      blocker.close();
    }
  });
});
