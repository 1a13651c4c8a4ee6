/**
 * `npm run soak`: a load and fault test of the product as deployed, on loopback, bounded in time.
 *
 * It runs `npm run api` and `npm run worker` as real processes on a PostgreSQL cluster of its own
 * (a throwaway PostgreSQL 15 in a temporary directory) and a Temporal dev server of its own, and
 * drives them for SOAK_SECONDS (default 180) with a steady mix of journey starts, payments,
 * due-date changes and provider webhooks. Meanwhile the database is restarted once and the worker
 * is killed (SIGKILL) and replaced once. Afterwards, once the worker has caught up, it checks
 * through the database and Temporal that no journey was lost or duplicated, every payment counted
 * once, no message sent twice, and that every API error was a 503 with Retry-After; prints the
 * figures; exits 0 when every check holds, 1 otherwise.
 *
 * Knobs: SOAK_SECONDS, SOAK_CLIENTS (8), SOAK_DB_OUTAGE_SECONDS (8), SOAK_SETTLE_SECONDS (150),
 * SOAK_RETRY_BUDGET_SECONDS (60), SOAK_PAUSE_MS (150), SOAK_PG_BIN.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { openDatabase } from '../db/client';
import { defaultPolicy } from '../domain/policy';
import { freePort, startDevServer } from '../scripts/temporal-dev-server';
import { provideTemporalCli } from '../scripts/temporal-tools';
import { zoneWhereItIs } from '../test/e2e/dev-server/real-time';
import { type Check, type Verification, Verifier } from './soak/checks';
import { cleanUp, delay, installExitHandlers, onCleanup } from './soak/cleanup';
import { Load, type WebhookSecrets } from './soak/load';
import { type ThrowawayPostgres, createPostgres } from './soak/postgres';
import { type ProductProcess, Supervisor, startScript } from './soak/processes';
import { type Timeline, printReport } from './soak/report';
import { Traffic } from './soak/traffic';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.SOAK_SECONDS ?? 180);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 8);
const OUTAGE_SECONDS = Number(process.env.SOAK_DB_OUTAGE_SECONDS ?? 8);
const SETTLE_SECONDS = Number(process.env.SOAK_SETTLE_SECONDS ?? 150);
/** Set-up, the load, the retries still in flight, the settling and the checks, with room to spare. */
const HARD_TIMEOUT_MS = (SECONDS + SETTLE_SECONDS + 420) * 1000;

const TENANT = 'soak';
const POLICY_ID = 'soak';
const RUN_ID = `s${Date.now().toString(36)}`;
const KEY = `soak-key-${RUN_ID}`;
const WEBHOOKS: WebhookSecrets = {
  publicBaseUrl: 'https://soak.example.com',
  twilioAuthToken: `twilio-token-${RUN_ID}`,
  resendWebhookSecret: `whsec_${Buffer.from(`resend-secret-${RUN_ID}-0123456789`).toString('base64')}`,
};

/**
 * Reminders in real time: the day before the due date (email) and the due day (SMS) at 08:00,
 * every weekday, no holidays. Buyers live where it is mid-afternoon, so a journey due today
 * sends its SMS at once, and a due date moved to tomorrow sends the day-before email at once.
 * Twelve reschedules are allowed, so due-date changes keep restarting the ladder.
 */
const soakPolicy = (() => {
  const { version: _version, ...document } = defaultPolicy;
  return {
    ...document,
    id: POLICY_ID,
    steps: [
      { offsetDays: -1, channel: 'email', template: 'pre_due', sendAt: '08:00' },
      { offsetDays: 0, channel: 'sms', template: 'due_today', sendAt: '08:00' },
      { offsetDays: 14, channel: 'email', template: 'overdue_late', sendAt: '11:00' },
    ],
    allowedWeekdays: [1, 2, 3, 4, 5, 6, 7],
    maxContactsPer7Days: 7,
    reschedule: { maxDaysBeyondOriginalDue: 30, maxTimes: 12 },
    holidays: { observePublicHolidays: false },
  };
})();

const WALL_START = Date.now();
const say = (line: string) => console.log(`[soak] ${line}`);
const since = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** The environment the product's processes get: ours, without any provider key (reminders go to the outbox). */
function productEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(RESEND_|TWILIO_|OPENAI_|LINK_SIGNING_)|^(PUBLIC_BASE_URL|TEMPORAL_PAYLOAD_KEYS)$/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...overrides };
}

interface System {
  pg: ThrowawayPostgres;
  temporalAddress: string;
  /** The API, restarted should it crash (the crash still fails the soak). */
  api: Supervisor;
  workers: ProductProcess[];
  startWorker(): Promise<ProductProcess>;
  base: string;
  logDir: string;
}

async function startSystem(): Promise<System> {
  const logDir = mkdtempSync(join(tmpdir(), 'dunning-soak-logs-'));
  const cli = await provideTemporalCli({ say });
  if ('reason' in cli) throw new Error(`no Temporal CLI for the dev server: ${cli.reason} (try npm run tools)`);

  const pg = await createPostgres(await freePort());
  say(`PostgreSQL 15 of our own at ${pg.url} (${pg.dir})`);
  const server = await startDevServer({
    cliPath: cli.path,
    port: 0,
    uiPort: null,
    logFile: join(logDir, 'temporal.log'),
  });
  onCleanup('the Temporal dev server', () => server.stop());
  say(`Temporal dev server at ${server.address}`);

  // A prebuilt bundle, as in production: the replacement worker then polls within seconds. It
  // goes with the database's directory, removed at the end; the logs stay.
  const bundle = join(pg.dir, 'workflow-bundle.js');
  await promisify(execFile)(`${ROOT}/node_modules/.bin/tsx`, ['scripts/build-workflow-bundle.ts', bundle], {
    cwd: ROOT,
  });

  const port = await freePort();
  const shared = {
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: server.namespace,
    TEMPORAL_TASK_QUEUE: `soak-${RUN_ID}`,
    LOG_LEVEL: 'info',
  };
  const workerEnv = productEnv({ ...shared, WORKFLOW_BUNDLE_PATH: bundle });
  const apiEnv = productEnv({
    ...shared,
    API_KEYS: `${TENANT}:${KEY}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: WEBHOOKS.publicBaseUrl,
    TWILIO_AUTH_TOKEN: WEBHOOKS.twilioAuthToken,
    RESEND_WEBHOOK_SECRET: WEBHOOKS.resendWebhookSecret,
    // Forged webhooks are part of the load: the per-address budget of failed authentications
    // would otherwise answer 429 to everything from loopback after 60 of them.
    AUTH_FAILURES_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_MINUTE: '1000000',
  });

  const workers: ProductProcess[] = [];
  const startWorker = async () => {
    const worker = startScript('worker', workerEnv, join(logDir, `worker-${workers.length + 1}.log`));
    workers.push(worker);
    await worker.waitFor('worker polling');
    return worker;
  };
  const api = new Supervisor((n) => startScript('api', apiEnv, join(logDir, `api-${n}.log`)), 'Server listening');
  onCleanup('the API supervisor', () => api.stop());
  // Both migrate at start, at once: the advisory lock lets one do it.
  await Promise.all([startWorker(), api.ready()]);
  return { pg, temporalAddress: server.address, api, workers, startWorker, base: `http://127.0.0.1:${port}`, logDir };
}

async function createPolicy(base: string): Promise<void> {
  const response = await fetch(`${base}/v1/policies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(soakPolicy),
  });
  if (response.status !== 201) throw new Error(`creating the soak policy: ${response.status} ${await response.text()}`);
}

/** The database restart at 30 % of the run, the worker crash at 60 %: never at the same time. */
async function injectFaults(system: System, timeline: Timeline, durationMs: number): Promise<void> {
  const at = (fraction: number) => delay(Math.max(0, timeline.loadStart + fraction * durationMs - Date.now()));

  await at(0.3);
  timeline.dbDown = Date.now();
  say(`stopping PostgreSQL (pg_ctl stop -m fast) at +${since(timeline.loadStart)}`);
  await system.pg.stop();
  await delay(OUTAGE_SECONDS * 1000);
  await system.pg.start();
  timeline.dbUp = Date.now();
  say(`PostgreSQL back at +${since(timeline.loadStart)}`);

  await at(0.6);
  timeline.workerKilled = Date.now();
  say(`killing the worker (SIGKILL) at +${since(timeline.loadStart)}`);
  await system.workers.at(-1)!.stop('SIGKILL');
  await system.startWorker();
  timeline.workerPolling = Date.now();
  say(`the new worker polls at +${since(timeline.loadStart)}`);
}

/** Checks of the run itself: the faults happened, the API answered as it should, nothing intended was dropped. */
function runChecks(system: System, timeline: Timeline, traffic: Traffic, load: Load): Check[] {
  const wrong5xx = traffic.serverErrors.filter((e) => e.status !== 'network' && !(e.status === 503 && e.retryAfter));
  const network = traffic.serverErrors.filter((e) => e.status === 'network');
  const { ledger } = load;
  const crashes = system.api.crashes;
  const starts = [...ledger.installments.values()];
  const payments = starts.flatMap((r) => [...r.payments.values()]);
  const notStarted = starts.filter((r) => r.start !== 'accepted').length;
  const notPaid = payments.filter((p) => p.state !== 'accepted').length;
  const startOrPay: readonly string[] = ['start', 'payment'];
  const others = ledger.unexpected.filter((u) => !startOrPay.includes(u.kind));
  const mine = ledger.unexpected.filter((u) => startOrPay.includes(u.kind));
  const describe = (u: (typeof others)[number]) => `${u.kind}: ${u.route} → ${u.status} ${u.body.slice(0, 120)}`;
  return [
    {
      name: 'the faults happened',
      pass: Boolean(timeline.dbUp && timeline.workerPolling),
      detail: `database restarted: ${timeline.dbUp ? 'yes' : 'no'}; worker killed and replaced: ${timeline.workerPolling ? 'yes' : 'no'}`,
    },
    {
      name: 'the API process stayed up',
      pass: crashes.length === 0,
      detail: crashes.length
        ? `${crashes.length} crashes (restarted each time) — first: ${crashes[0]!.lastWords.split('\n').find((l) => /Error/.test(l)) ?? JSON.stringify(crashes[0]!.exit)}`
        : 'no crash',
    },
    {
      name: 'every API 5xx a 503 with Retry-After',
      pass: wrong5xx.length === 0,
      detail: `${traffic.serverErrors.length - network.length} 5xx answers, ${wrong5xx.length} of them not a 503 with Retry-After`,
    },
    {
      name: 'no connection dropped or timed out',
      pass: network.length === 0,
      detail: `${network.length} network errors${network.length ? ` — e.g. ${network[0]!.route}: ${network[0]!.body}` : ''}`,
    },
    {
      name: 'every intended start and payment accepted',
      pass: notStarted === 0 && notPaid === 0,
      detail: `${starts.length} starts (${notStarted} not accepted), ${payments.length} payments (${notPaid} not accepted)${mine.length ? ` — e.g. ${mine.slice(0, 3).map(describe).join('; ')}` : ''}`,
    },
    {
      name: 'every other answer as expected',
      pass: others.length === 0,
      detail: `${others.length} unexpected${others.length ? ` — e.g. ${others.slice(0, 3).map(describe).join('; ')}` : ''}`,
    },
  ];
}

async function verifyRecords(system: System, load: Load): Promise<Verification> {
  const database = openDatabase({ url: system.pg.url, maxConnections: 4 });
  onCleanup('the checks’ database connections', () => database.close());
  const connection = await Connection.connect({ address: system.temporalAddress });
  onCleanup('the checks’ Temporal connection', () => connection.close());
  const verifier = new Verifier(database.db, new Client({ connection }), TENANT, load.ledger);
  return verifier.verify(SETTLE_SECONDS * 1000);
}

async function main(): Promise<number> {
  installExitHandlers(HARD_TIMEOUT_MS);
  say(`setting up (run ${RUN_ID}; load ${SECONDS} s with ${CLIENTS} clients)…`);
  const system = await startSystem();
  await createPolicy(system.base);
  say(`API at ${system.base}, worker polling; set-up took ${since(WALL_START)}; logs in ${system.logDir}`);

  const durationMs = SECONDS * 1000;
  const traffic = new Traffic(system.base, `Bearer ${KEY}`);
  const timeline: Timeline = { loadStart: Date.now() };
  const load = new Load({
    traffic,
    runId: RUN_ID,
    policyId: POLICY_ID,
    timeZone: zoneWhereItIs(15),
    clients: CLIENTS,
    until: timeline.loadStart + durationMs,
    webhooks: WEBHOOKS,
  });
  const progress = setInterval(() => {
    const sent = [...traffic.figures.values()].reduce((n, f) => n + f.sent, 0);
    say(`+${since(timeline.loadStart)}: ${sent} requests, ${load.ledger.accepted.length} journeys started`);
  }, 15_000);
  await Promise.all([load.run(), injectFaults(system, timeline, durationMs)]).finally(() => clearInterval(progress));
  timeline.loadEnd = Date.now();
  say(`load done after ${since(timeline.loadStart)}; waiting for the worker to catch up, then checking…`);

  const verification = await verifyRecords(system, load);
  const checks = [...runChecks(system, timeline, traffic, load), ...verification.checks];
  checks.push({
    name: 'the worker caught up',
    pass: verification.settledAfterSeconds !== null,
    detail:
      verification.settledAfterSeconds !== null
        ? `records agreed ${verification.settledAfterSeconds.toFixed(1)} s after the load`
        : `not within ${SETTLE_SECONDS} s: ${verification.unsettled.join('; ')}`,
  });
  await printReport({
    traffic,
    timeline,
    verification,
    checks,
    apiCrashes: system.api.crashes,
    logDir: system.logDir,
    wallSeconds: (Date.now() - WALL_START) / 1000,
    seconds: SECONDS,
    clients: CLIENTS,
  });
  return checks.every((c) => c.pass) ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`[soak] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}
await cleanUp();
say(`${code === 0 ? 'PASS' : 'FAIL'} — ${since(WALL_START)} wall time, clean-up included`);
process.exit(code);
