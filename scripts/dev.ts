/**
 * `npm run dev`: the whole product on one machine with no configuration — PGlite (unless
 * DATABASE_URL), a Temporal dev server (unless TEMPORAL_ADDRESS), the worker and the API.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { buildApp } from '../api/app';
import { databaseKeyStore } from '../api/key-stores';
import { envKeyStore, firstOf } from '../api/plugins/auth';
import { databasePolicies } from '../api/policies';
import { TemporalJourneyGateway } from '../api/temporal-gateway';
import { Client } from '@temporalio/client';
import { connectClient, connectionOptions, dataConverterFromEnv, temporalSettingsFromEnv, temporalUnreachable } from '../client';
import { openDatabaseFromEnv } from '../db/client';
import { createJourneyWorker, deliveryChannelsFromEnv } from '../worker';
import { DEFAULT_TASK_QUEUE } from '../workflows/messages';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

const logger = pino({ name: 'dev', transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } });
const DATA_DIR = process.env.DATA_DIR ?? '.data';
const UI_PORT = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
const API_PORT = Number(process.env.PORT ?? 3000);

function temporalCliOnPath(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function startTemporal() {
  const configured = temporalSettingsFromEnv();
  if (configured) {
    let connected: Awaited<ReturnType<typeof connectClient>>;
    let native: NativeConnection;
    try {
      connected = await connectClient(configured);
      native = await NativeConnection.connect(await connectionOptions(configured));
    } catch (err) {
      console.error(`\n${temporalUnreachable(configured, err)} Or unset TEMPORAL_ADDRESS to use a local dev server.\n`);
      process.exit(1);
    }
    const { client, connection } = connected;
    return { client, close: async () => { await native.close(); await connection.close(); }, native, namespace: configured.namespace, taskQueue: configured.taskQueue, uiUrl: process.env.TEMPORAL_UI_URL ?? '(your Temporal UI)' };
  }
  const cli = temporalCliOnPath();
  mkdirSync(DATA_DIR, { recursive: true });
  logger.info(cli ? `starting the Temporal dev server from ${cli}` : 'starting the Temporal dev server (the SDK downloads it on first use)');
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        ...(cli && { executable: { type: 'existing-path' as const, path: cli } }),
        ui: true,
        uiPort: UI_PORT,
        dbFilename: `${DATA_DIR}/temporal.sqlite`,
        searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      },
    });
  } catch (err) {
    const message = (err as Error).message;
    const why = /download/i.test(message) ? 'the SDK could not download its dev server' : message.split('\n')[0];
    console.error(
      `\nNo Temporal server could be started (${why}): set TEMPORAL_ADDRESS to a running server, put the Temporal CLI (\`temporal\`) on your PATH, or run once with internet access.\n`,
    );
    if (process.env.DEBUG) console.error(err);
    process.exit(1);
  }
  // The environment's own client knows nothing of payload encryption: build ours on its connection.
  const dataConverter = dataConverterFromEnv();
  const client = dataConverter ? new Client({ connection: env.connection, namespace: env.namespace ?? 'default', dataConverter }) : env.client;
  return { client, native: env.nativeConnection, close: () => env.teardown(), namespace: env.namespace ?? 'default', taskQueue: DEFAULT_TASK_QUEUE, uiUrl: `http://localhost:${UI_PORT}` };
}

const database = await openDatabaseFromEnv({ ...process.env, PGLITE_DIR: process.env.PGLITE_DIR ?? `${DATA_DIR}/pglite` });
logger.info(database.kind === 'pglite' ? `database: PGlite in ${process.env.PGLITE_DIR ?? `${DATA_DIR}/pglite`}` : 'database: PostgreSQL (DATABASE_URL)');
const temporal = await startTemporal();

// Providers are read first: a half-configured one stops the start with the variable named.
const { summary: providers, ...channels } = deliveryChannelsFromEnv(process.env);
const worker = await createJourneyWorker({
  ...channels,
  connection: temporal.native,
  namespace: temporal.namespace,
  taskQueue: temporal.taskQueue,
  db: database.db,
  logger,
  dataConverter: dataConverterFromEnv(),
});
const workerRun = worker.run();

const devKey = 'dev-key-change-me';
const ownerKeys = envKeyStore(process.env.API_KEYS ?? `demo:${devKey}`);
const app = await buildApp({
  db: database.db,
  gateway: new TemporalJourneyGateway(temporal.client, temporal.taskQueue),
  policies: databasePolicies(database.db),
  keys: firstOf(ownerKeys, databaseKeyStore(database.db)),
  logger: { level: 'info', transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } },
});
await app.listen({ host: '127.0.0.1', port: API_PORT });

console.log(`
  Dunning orchestrator is running.
    API docs     http://localhost:${API_PORT}/docs
    Temporal UI  ${temporal.uiUrl}
    Channels     email: ${providers.email}, sms: ${providers.sms}, whatsapp: ${providers.whatsapp}
    API key      ${process.env.API_KEYS ? '(from API_KEYS)' : `${devKey}  (tenant "demo"; set API_KEYS to choose your own)`}
  Press Ctrl+C to stop.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await app.close();
  worker.shutdown();
  await workerRun;
  await temporal.close();
  await database.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
