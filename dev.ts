/**
 * `npm run dev`: the whole product on one machine with no configuration — PGlite (unless
 * DATABASE_URL), a Temporal dev server (unless TEMPORAL_ADDRESS) on a fixed address that other
 * processes and the `temporal` CLI can attach to, the worker, the API, and the codec server when
 * payloads are encrypted. Configuration is checked before anything starts; a failure or Ctrl+C
 * stops everything this process started.
 */
import { simulationEnvironmentFromEnv } from './activities/simulation-environment';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { buildApp } from './api/app';
import { databaseKeyStore } from './application/key-stores';
import { firstOf } from './application/key-stores';
import { databasePolicies } from './application/policy-catalog';
import { apiSettingsFromEnv } from './api/settings';
import { TemporalJourneyGateway } from './application/temporal-journey-gateway';
import { TemporalConversationGateway } from './application/temporal-conversation-gateway';
import { TemporalWebhookWaker } from './application/temporal-webhook-waker';
import { createWebhookPublisher } from './application/webhook-publisher';
import { assistantEngineFromEnv } from './activities/assistant/engine-from-env';
import {
  connectionOptions,
  dataConverterFromEnv,
  registerSearchAttributes,
  temporalSettingsFromEnv,
  temporalUnreachable,
} from './client';
import { buildCodecServer, codecCorsOrigins } from './codec/server';
import { payloadCodecFromEnv } from './codec/encryption-codec';
import { openDatabaseFromEnv } from './db/client';
import { createJourneyWorker, deliveryChannelsFromEnv, ensureReconcileSchedule, installSdkRuntime } from './worker';
import { countJourneysByStage } from './db/journey-repository';
import { temporalCoreMetrics } from './telemetry/exposition';
import { createMetrics } from './telemetry/metrics';
import { freeLoopbackAddress, metricsSettingsFromEnv } from './telemetry/settings';
import { tracingClientInterceptors } from './telemetry/temporal-tracing';
import { tracingFromEnv } from './telemetry/tracing';
import { createLogger } from './application/logging';
import { createSignInLink, ensureTenantOwner } from './application/sign-in';
import { printedSignInMailer } from './web/seller/mailer';
import { DEFAULT_TASK_QUEUE } from './workflows/messages';
import { startDevServer } from './scripts/temporal-dev-server';
import { findTemporalCli, provideTemporalCli } from './scripts/temporal-tools';

const DEV_KEY = 'dev-key-change-me';
/** The dev tenant's owner in the seller app (/app); the dev key's tenant is "demo". */
const DEV_OWNER_EMAIL = process.env.DEV_OWNER_EMAIL || 'owner@example.com';
const DATA_DIR = resolve(process.env.DATA_DIR ?? '.data');
const HOST = process.env.HOST ?? '127.0.0.1';
const API_PORT = Number(process.env.PORT ?? 3000);
const TEMPORAL_PORT = Number(process.env.TEMPORAL_PORT ?? 7233);
const UI_PORT = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
const CODEC_PORT = Number(process.env.CODEC_PORT ?? 8888);

const pretty = { target: 'pino-pretty', options: { ignore: 'pid,hostname' } };
const logger = createLogger('dev', { transport: pretty });

/** Stopped in reverse order of starting, whatever way we stop. */
const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
const onStop = (what: string, run: () => Promise<unknown>) => cleanups.push({ what, run });
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const { what, run } of cleanups.reverse()) {
      await run().catch((err: unknown) => logger.warn({ err }, `stopping ${what} failed`));
    }
  }
  process.exit(code);
}
/** Ends the start with one sentence (and everything already started stopped). */
async function fail(sentence: string): Promise<never> {
  console.error(`\n${sentence}\n`);
  return stopAll(1);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

// 1. Configuration, before anything starts. The buyer's payment-area links work on this machine
//    out of the box: signed with a secret kept in the data folder (so links sent before a restart
//    still open), pointing at this API.
mkdirSync(DATA_DIR, { recursive: true });
process.env.LINK_SIGNING_SECRET ||= devLinkSecret(`${DATA_DIR}/link-signing-secret`);
process.env.PUBLIC_BASE_URL ||= `http://localhost:${API_PORT}`;
let config: {
  channels: ReturnType<typeof deliveryChannelsFromEnv>;
  api: ReturnType<typeof apiSettingsFromEnv>;
  codec: ReturnType<typeof payloadCodecFromEnv>;
  assistant: ReturnType<typeof assistantEngineFromEnv>;
  metrics: ReturnType<typeof metricsSettingsFromEnv>;
  tracing: ReturnType<typeof tracingFromEnv>;
};
try {
  config = {
    channels: deliveryChannelsFromEnv(process.env),
    api: apiSettingsFromEnv(process.env, { defaultApiKeys: `demo:${DEV_KEY}` }),
    codec: payloadCodecFromEnv(process.env),
    assistant: assistantEngineFromEnv(process.env),
    metrics: metricsSettingsFromEnv(process.env),
    tracing: tracingFromEnv(process.env, 'dunning'),
  };
} catch (err) {
  await fail(`Configuration: ${(err as Error).message}`);
  throw err;
}
const { summary: providers, ...channels } = config.channels;
const dataConverter = dataConverterFromEnv();
const { tracing } = config;
if (tracing) onStop('tracing', () => tracing.shutdown());
// The SDK's runtime, before any connection: its worker metrics join the API's /metrics, so one
// scrape of this one process has everything.
const temporalMetricsAddress = config.metrics.temporalAddress ?? (await freeLoopbackAddress());
installSdkRuntime(logger, { metricsAddress: temporalMetricsAddress });
const metrics = createMetrics();

// 2. The database.
const pgliteDir = process.env.PGLITE_DIR ?? `${DATA_DIR}/pglite`;
const database = await openDatabaseFromEnv({ ...process.env, PGLITE_DIR: pgliteDir }).catch((err: unknown) =>
  fail(
    `The database could not be opened (${(err as Error).message.split('\n')[0]}).${process.env.DATABASE_URL ? '' : ` Is another \`npm run dev\` using ${pgliteDir}?`}`,
  ),
);
onStop('the database', () => database.close());
metrics.countJourneysWith(() => countJourneysByStage(database.db));
logger.info(database.kind === 'pglite' ? `database: PGlite in ${pgliteDir}` : 'database: PostgreSQL (DATABASE_URL)');

// 3. The codec server, before the UI that calls it.
let codecUrl: string | null = null;
if (config.codec) {
  const codecServer = await buildCodecServer({
    codec: config.codec,
    corsOrigins: codecCorsOrigins(process.env, [`http://localhost:${UI_PORT}`, `http://${HOST}:${UI_PORT}`]),
  });
  await codecServer
    .listen({ host: HOST, port: CODEC_PORT })
    .catch((err: unknown) =>
      fail(`The codec server could not listen on ${HOST}:${CODEC_PORT} (${(err as Error).message}): set CODEC_PORT.`),
    );
  onStop('the codec server', () => codecServer.close());
  codecUrl = `http://${HOST}:${CODEC_PORT}`;
}

// 4. Temporal.
interface Temporal {
  address: string;
  namespace: string;
  taskQueue: string;
  uiUrl: string;
  native: NativeConnection;
  client: Client;
}

async function connectTo(
  address: string,
  namespace: string,
  taskQueue: string,
  uiUrl: string,
  settings = temporalSettingsFromEnv(),
): Promise<Temporal> {
  const options = settings ? await connectionOptions(settings) : { address };
  const native = await NativeConnection.connect(options);
  onStop('the worker connection', () => native.close());
  const connection = await Connection.connect(options);
  onStop('the client connection', () => connection.close());
  return {
    address,
    namespace,
    taskQueue,
    uiUrl,
    native,
    client: new Client({
      connection,
      namespace,
      ...(dataConverter && { dataConverter }),
      ...(tracing && { interceptors: tracingClientInterceptors() }),
    }),
  };
}

async function sdkCanDownload(): Promise<boolean> {
  const resolves = lookup('temporal.download').then(
    () => true,
    () => false,
  );
  return Promise.race([resolves, new Promise<boolean>((r) => setTimeout(() => r(false), 3_000).unref())]);
}

async function startTemporal(): Promise<Temporal> {
  const configured = temporalSettingsFromEnv();
  if (configured) {
    try {
      return await connectTo(
        configured.address,
        configured.namespace,
        configured.taskQueue,
        process.env.TEMPORAL_UI_URL ?? '(your Temporal UI)',
        configured,
      );
    } catch (err) {
      return fail(`${temporalUnreachable(configured, err)} Or unset TEMPORAL_ADDRESS to use a local dev server.`);
    }
  }
  const devServer = {
    port: TEMPORAL_PORT,
    ip: HOST,
    uiPort: UI_PORT,
    dbFilename: `${DATA_DIR}/temporal.sqlite`,
    ...(codecUrl && { uiCodecEndpoint: codecUrl }),
  };
  let cli = findTemporalCli();
  if (!cli && (await sdkCanDownload())) {
    logger.info('starting the Temporal dev server (the SDK downloads it on first use)');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: HOST,
        port: TEMPORAL_PORT,
        ui: true,
        uiPort: UI_PORT,
        dbFilename: devServer.dbFilename,
        extraArgs: codecUrl ? ['--ui-codec-endpoint', codecUrl] : [],
      },
    }).catch((err: unknown) =>
      fail(`The SDK could not start its Temporal dev server (${(err as Error).message.split('\n')[0]}).`),
    );
    onStop('the Temporal dev server', () => env.teardown());
    await registerSearchAttributes(env.connection, 'default');
    return connectTo(`${HOST}:${TEMPORAL_PORT}`, 'default', DEFAULT_TASK_QUEUE, `http://localhost:${UI_PORT}`);
  }
  if (!cli) {
    const provided = await provideTemporalCli({ say: (line) => logger.info(line) });
    if ('reason' in provided) {
      return fail(
        `No Temporal server can be had here (${provided.reason}): set TEMPORAL_ADDRESS to a running server, put the Temporal CLI (\`temporal\`) on your PATH, or install Go to build it.`,
      );
    }
    cli = provided.path;
  }
  logger.info(`starting the Temporal dev server from ${cli}`);
  const server = await startDevServer({
    ...devServer,
    cliPath: cli,
    namespace: 'default',
    logFile: `${DATA_DIR}/temporal.log`,
  }).catch((err: unknown) => fail(`The Temporal dev server did not start: ${(err as Error).message}`));
  onStop('the Temporal dev server', () => server.stop());
  return connectTo(server.address, server.namespace, DEFAULT_TASK_QUEUE, server.uiUrl!.replace(HOST, 'localhost'));
}

const temporal = await startTemporal();

// 5. The worker and the API, publishing to the tenants' webhooks through one publisher.
const webhookWaker = new TemporalWebhookWaker(temporal.client, temporal.taskQueue);
const webhookPublisher = createWebhookPublisher({ db: database.db, waker: webhookWaker });
const worker = await createJourneyWorker({
  ...channels,
  connection: temporal.native,
  namespace: temporal.namespace,
  taskQueue: temporal.taskQueue,
  db: database.db,
  logger,
  dataConverter,
  assistantEngine: config.assistant,
  metrics,
  tracing,
  webhookPublisher,
  allowPrivateWebhookTargets: config.api.allowPrivateWebhookTargets,
}).catch((err: unknown) => fail(`The worker could not start: ${(err as Error).message}`));
await ensureReconcileSchedule(temporal.client, temporal.taskQueue);
const workerRun = worker.run();
workerRun.catch((err: unknown) => {
  logger.error({ err }, 'the worker stopped');
  void stopAll(1);
});
onStop('the worker', async () => {
  worker.shutdown();
  await workerRun.catch(() => {});
});

const app = await buildApp({
  db: database.db,
  gateway: new TemporalJourneyGateway(temporal.client, temporal.taskQueue),
  conversations: new TemporalConversationGateway(temporal.client, temporal.taskQueue),
  policies: databasePolicies(database.db),
  simulation: simulationEnvironmentFromEnv(process.env),
  keys: firstOf(config.api.ownerKeys, databaseKeyStore(database.db)),
  logger: logger.child({ name: 'api' }),
  webhooks: config.api.webhooks,
  webhookEndpoints: {
    targets: { allowPrivate: config.api.allowPrivateWebhookTargets },
    waker: webhookWaker,
  },
  webhookPublisher,
  metrics: { metrics, token: config.metrics.token, extra: temporalCoreMetrics(temporalMetricsAddress) },
  tracing,
  sellerApp: {
    // A new secret each run: sessions end with the process, which suits a development machine.
    sessionSecret: config.api.sessionSecret ?? randomBytes(32).toString('base64url'),
    publicBaseUrl: process.env.PUBLIC_BASE_URL,
    mailer: printedSignInMailer((line) => console.log(`  ${line}`)),
    temporalUi: { url: temporal.uiUrl, namespace: temporal.namespace },
  },
});
onStop('the API', () => app.close());
await app
  .listen({ host: HOST, port: API_PORT })
  .catch((err: unknown) =>
    fail(`The API could not listen on ${HOST}:${API_PORT} (${(err as Error).message}): set PORT.`),
  );

// The seller app's owner of the dev tenant, and a link to sign in with at once.
const signInDeps = { db: database.db, now: Date.now, baseUrl: process.env.PUBLIC_BASE_URL };
await ensureTenantOwner(database.db, 'demo', DEV_OWNER_EMAIL);
const { link: ownerSignInLink } = await createSignInLink(signInDeps, DEV_OWNER_EMAIL);

const api = `http://localhost:${API_PORT}`;
const key = process.env.API_KEYS ? '<your key>' : DEV_KEY;
const example = JSON.stringify({
  installmentId: 'inst-1',
  product: { id: 'course-ts', name: 'TypeScript Mastery' },
  buyer: { id: 'b-1', name: 'Ana', email: 'ana@example.com', locale: 'pt-BR', timezone: 'America/Sao_Paulo' },
  amount: { amountMinor: 19990, currency: 'BRL' },
  installmentNumber: 2,
  installmentCount: 6,
  dueDate: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
  paymentUrl: 'https://pay.example.com/i/inst-1',
});
console.log(`
  Dunning orchestrator is ready.
    API docs      ${api}/docs
    Metrics       ${api}/metrics${config.metrics.token ? '  (Authorization: Bearer $METRICS_TOKEN)' : ''}${tracing ? '; traces go to OTEL_EXPORTER_OTLP_ENDPOINT' : ''}
    API key       ${process.env.API_KEYS ? '(from API_KEYS)' : `${DEV_KEY}  (tenant "demo"; set API_KEYS to choose your own)`}
    Temporal UI   ${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows
    Temporal      TEMPORAL_ADDRESS=${temporal.address}  (for \`npm run worker\`, \`npm run api\`, the \`temporal\` CLI)${codecUrl ? `\n    Codec server  ${codecUrl}  (the UI decodes journey payloads through it)` : ''}
    Channels      email: ${providers.email}, sms: ${providers.sms}, whatsapp: ${providers.whatsapp}
    Buyer area    ${process.env.PUBLIC_BASE_URL}/pay/…  (every reminder carries its signed link; the outbox keeps them)
    Seller app    ${process.env.PUBLIC_BASE_URL}/app  (owner of "demo": DEV_OWNER_EMAIL, default owner@example.com; sign-in links are printed here)
    Sign in       ${ownerSignInLink}  (works once, for 15 minutes)
    Database      ${database.kind === 'pglite' ? `PGlite in ${pgliteDir}` : 'PostgreSQL (DATABASE_URL)'}

  Start a journey:
    curl -s ${api}/v1/journeys -H 'authorization: Bearer ${key}' -H 'content-type: application/json' -d '${example}'

  Press Ctrl+C to stop.
`);

/** This machine's link secret: made once, kept beside the data, readable by its owner only. */
function devLinkSecret(path: string): string {
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}
