/** The API process: `npm run api` (needs TEMPORAL_ADDRESS; DATABASE_URL for PostgreSQL). */
import { simulationEnvironmentFromEnv } from '../activities/simulation-environment';
import { randomBytes } from 'node:crypto';
import { connectClient, temporalSettingsFromEnv, temporalUnreachable } from '../client';
import { openDatabaseFromEnv } from '../db/client';
import { buildApp } from './app';
import { createLogger } from '../application/logging';
import { databaseKeyStore } from '../application/key-stores';
import { firstOf } from '../application/key-stores';
import { databasePolicies } from '../application/policy-catalog';
import { type ApiSettings, apiSettingsFromEnv } from './settings';
import type { SignInMailer } from '../application/sign-in';
import { providerConfigFromEnv, sendersFromConfig } from '../activities/channels/provider-config';
import { emailSignInMailer, printedSignInMailer } from '../web/seller/mailer';
import { drainOnSignals } from './shutdown';
import { TemporalJourneyGateway } from '../application/temporal-journey-gateway';
import { TemporalConversationGateway } from '../application/temporal-conversation-gateway';
import { TemporalWebhookWaker } from '../application/temporal-webhook-waker';
import { countJourneysByStage } from '../db/journey-repository';
import { createMetrics } from '../telemetry/metrics';
import { metricsSettingsFromEnv } from '../telemetry/settings';
import { tracingClientInterceptors } from '../telemetry/temporal-tracing';
import { type Tracing, tracingFromEnv } from '../telemetry/tracing';
import { createWebhookPublisher } from '../application/webhook-publisher';

/**
 * How the seller app's sign-in and invite emails leave: through Resend when RESEND_API_KEY is set,
 * else printed to stdout (one line per link, never the address), as `npm run dev` does.
 */
function signInMailerFromEnv(env: NodeJS.ProcessEnv): { mailer: SignInMailer; via: 'resend' | 'stdout' } {
  const email = sendersFromConfig(providerConfigFromEnv(env)).email;
  return email
    ? { mailer: emailSignInMailer(email), via: 'resend' }
    : { mailer: printedSignInMailer((line) => console.log(line)), via: 'stdout' };
}

const temporal = temporalSettingsFromEnv();
if (!temporal) {
  console.error(
    'Set TEMPORAL_ADDRESS (e.g. localhost:7233) to run the API, or use `npm run dev` for everything in one process.',
  );
  process.exit(1);
}
let settings: ApiSettings;
let tracing: Tracing | null;
let metricsToken: string | undefined;
let signInMail: ReturnType<typeof signInMailerFromEnv>;
try {
  settings = apiSettingsFromEnv(process.env);
  signInMail = signInMailerFromEnv(process.env);
  tracing = tracingFromEnv(process.env, 'dunning-api');
  metricsToken = metricsSettingsFromEnv(process.env).token;
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

const logger = createLogger('api');
const database = await openDatabaseFromEnv();
if (settings.ownerKeys.size === 0) {
  logger.warn('API_KEYS is not set: only keys created through the API (by an owner) will work');
}
if (!settings.sessionSecret)
  logger.warn('SESSION_SECRET is not set: seller app sessions end when this process restarts');
if (signInMail.via === 'stdout')
  logger.warn('RESEND_API_KEY is not set: seller app sign-in and invite links are printed to stdout');
const metrics = createMetrics();
metrics.countJourneysWith(() => countJourneysByStage(database.db));
const { client, connection } = await connectClient(temporal, {
  interceptors: tracing ? tracingClientInterceptors() : undefined,
}).catch((err: unknown) => {
  console.error(temporalUnreachable(temporal, err));
  process.exit(1);
});
const webhookWaker = new TemporalWebhookWaker(client, temporal.taskQueue);
const app = await buildApp({
  db: database.db,
  gateway: new TemporalJourneyGateway(client, temporal.taskQueue),
  conversations: new TemporalConversationGateway(client, temporal.taskQueue),
  policies: databasePolicies(database.db),
  simulation: simulationEnvironmentFromEnv(process.env),
  keys: firstOf(settings.ownerKeys, databaseKeyStore(database.db)),
  logger,
  webhooks: settings.webhooks,
  webhookEndpoints: {
    targets: { allowPrivate: settings.allowPrivateWebhookTargets },
    waker: webhookWaker,
  },
  webhookPublisher: createWebhookPublisher({ db: database.db, waker: webhookWaker }),
  metrics: { metrics, token: metricsToken },
  tracing,
  sellerApp: {
    sessionSecret: settings.sessionSecret ?? randomBytes(32).toString('base64url'),
    publicBaseUrl: settings.webhooks.publicBaseUrl ?? `http://localhost:${process.env.PORT ?? 3000}`,
    mailer: signInMail.mailer,
    temporalUi: process.env.TEMPORAL_UI_URL
      ? { url: process.env.TEMPORAL_UI_URL, namespace: temporal.namespace }
      : null,
  },
});

void drainOnSignals(app, {
  cleanups: [() => connection.close(), () => database.close(), async () => tracing?.shutdown()],
});

await app.listen({ host: process.env.HOST ?? '0.0.0.0', port: Number(process.env.PORT ?? 3000) });
