/** The API process: `npm run api` (needs TEMPORAL_ADDRESS; DATABASE_URL for PostgreSQL). */
import pino from 'pino';
import { connectClient, temporalSettingsFromEnv, temporalUnreachable } from '../client';
import { openDatabaseFromEnv } from '../db/client';
import { buildApp } from './app';
import { drainOnSignals } from './shutdown';
import { databaseKeyStore } from './key-stores';
import { envKeyStore, firstOf } from './plugins/auth';
import { databasePolicies } from './policies';
import { TemporalJourneyGateway } from './temporal-gateway';
import { webhookSettingsFromEnv } from './routes/webhooks/index';

const settings = temporalSettingsFromEnv();
if (!settings) {
  console.error('Set TEMPORAL_ADDRESS (e.g. localhost:7233) to run the API, or use `npm run dev` for everything in one process.');
  process.exit(1);
}
const ownerKeys = envKeyStore(process.env.API_KEYS);
let webhooks: ReturnType<typeof webhookSettingsFromEnv>;
try {
  webhooks = webhookSettingsFromEnv();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

const database = await openDatabaseFromEnv();
if (ownerKeys.size === 0) {
  console.warn('API_KEYS is not set: only keys created through the API (by an owner) will work.');
}
const { client, connection } = await connectClient(settings).catch((err: unknown) => {
  console.error(temporalUnreachable(settings, err));
  process.exit(1);
});
const app = await buildApp({
  db: database.db,
  gateway: new TemporalJourneyGateway(client, settings.taskQueue),
  policies: databasePolicies(database.db),
  keys: firstOf(ownerKeys, databaseKeyStore(database.db)),
  logger: pino({ name: 'api' }),
  webhooks,
});

void drainOnSignals(app, { cleanups: [() => connection.close(), () => database.close()] });

await app.listen({ host: process.env.HOST ?? '0.0.0.0', port: Number(process.env.PORT ?? 3000) });
