/**
 * The Temporal worker: runs journey workflows and their activities. `npm run worker` starts
 * it against TEMPORAL_ADDRESS and DATABASE_URL; `npm run dev` embeds it.
 */
import { pathToFileURL } from 'node:url';
import {
  DefaultLogger,
  type LogLevel,
  NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import type { Logger } from 'pino';
import { createLogger } from './application/logging';
import { RedactingActivityInbound } from './activities/failure-redaction';
import { type ActivityDeps, createActivities } from './activities';
import type { OpenCallTask } from './activities/channels/agent-task';
import { withOutboxFallback } from './activities/channels/outbox';
import { createAgentTaskSender } from './activities/channels/agent-task';
import { createInAppSender } from './activities/channels/in-app';
import type { WebhookPublisher } from './domain/webhook-events';
import type { ChannelSenders } from './activities/channels/sender';
import { createConversationActivities } from './activities/conversation';
import type { AssistantEngine } from './domain/assistant/engine';
import { menuEngine } from './domain/assistant/menu';
import { assistantEngineFromEnv } from './activities/assistant/engine-from-env';
import { type AgentTaskDeps, openCallTask } from './application/agent-tasks';
import { createConversationTools } from './application/conversation-tools';
import { emailSellerNotifier } from './application/seller-notifier';
import { TemporalConversationGateway } from './application/temporal-conversation-gateway';
import { TemporalJourneyGateway } from './application/temporal-journey-gateway';
import { databasePolicies } from './application/policy-catalog';
import type { LinkKeyRing } from './application/link-keys';
import {
  type ProviderConfig,
  ProviderConfigError,
  providerConfigFromEnv,
  sendersFromConfig,
} from './activities/channels/provider-config';
import { contentSidFor } from './activities/channels/twilio-messaging';
import { CHANNELS, CHANNEL_TABLE, type Channel, type RateLimits, queueRateLimit } from './domain/channels';
import { linkKeysFromEnv } from './application/link-keys';
import { createUnsubscribeUrl } from './application/unsubscribe-links';
import { createBuyerAreaUrl } from './application/buyer-links';
import { RECONCILE_SCHEDULE_ID, RECONCILE_WORKFLOW_TYPE, deliveryTaskQueue } from './workflows/messages';
import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { createReconcileEndedJourneys } from './activities/reconcile';
import { connectionOptions, dataConverterFromEnv, temporalSettingsFromEnv, temporalUnreachable } from './client';
import type { Database } from './db/client';
import { openDatabaseFromEnv } from './db/client';
import { WORKFLOWS_PATH, bundleTraces, loadWorkflowBundle } from './workflow-bundle';
import { activityMetrics } from './telemetry/activity-metrics';
import { temporalCoreMetrics } from './telemetry/exposition';
import { type Metrics, createMetrics } from './telemetry/metrics';
import { startMetricsServer } from './telemetry/metrics-server';
import { freeLoopbackAddress, metricsSettingsFromEnv } from './telemetry/settings';
import { tracingActivityInterceptors, tracingClientInterceptors, tracingSinks } from './telemetry/temporal-tracing';
import { TRACING_WORKFLOW_INTERCEPTORS } from './telemetry/workflow-interceptors';
import { type Tracing, tracingFromEnv } from './telemetry/tracing';
import { createWebhookActivities } from './activities/webhooks';
import { createWebhookPublisher } from './application/webhook-publisher';
import { allowPrivateTargetsFromEnv } from './application/webhook-url-check';
import { temporalReminderHandOver } from './application/temporal-buyer-reminders';
import { TemporalWebhookWaker } from './application/temporal-webhook-waker';
import { webhookTaskQueue } from './workflows/webhook-messages';
import type { JourneyWebhookPublisher } from './domain/webhook-payloads';

/** Webhook tries run at once per worker process unless `webhookConcurrency` says otherwise. */
export const DEFAULT_WEBHOOK_CONCURRENCY = 20;

export interface JourneyWorkerOptions extends Omit<ActivityDeps, 'db' | 'logger' | 'publisher'> {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Database;
  logger: Logger;
  /** A prebuilt bundle (`npm run build:workflows`, its map beside it) for production; otherwise bundled at start. */
  workflowBundlePath?: string | undefined;
  /** Must match the clients' (payload encryption). */
  dataConverter?: DataConverter | undefined;
  /**
   * Deliveries per second per channel, enforced by the server for the channel's task queue; null = no limit (the
   * outbox). Channels sharing a queue (WhatsApp and the assistant) share its limit: the lowest one given.
   */
  rateLimits?: RateLimits;
  /**
   * The channels whose queues this process delivers from (default: all); e.g. a process dedicated to one
   * provider. One worker per distinct queue: the assistant's deliveries are on WhatsApp's.
   */
  deliveryChannels?: readonly Channel[];
  /** Who answers buyers' messages: the model (OPENAI_API_KEY) or the menu; the menu by default. */
  assistantEngine?: AssistantEngine | undefined;
  /** Link keys and PUBLIC_BASE_URL: the assistant sends the buyer's area link; none = the payment URL. */
  links?: { keys: LinkKeyRing; baseUrl: string } | null | undefined;
  /**
   * Journeys kept in memory between workflow tasks (the SDK's default when absent); 0 replays every task from history.
   */
  maxCachedWorkflows?: number;
  /** Where journeys' events go out to the tenants' webhooks; built on this worker's client and queue when absent. */
  webhookPublisher?: JourneyWebhookPublisher | undefined;
  /** WEBHOOKS_ALLOW_PRIVATE_TARGETS: webhooks may go to loopback, link-local and private addresses. */
  allowPrivateWebhookTargets?: boolean | undefined;
  /** How long a webhook receiver has to answer one try (10 s by default). */
  webhookTimeoutMs?: number | undefined;
  /**
   * Webhook tries this process runs at once, on the webhooks' own task queue
   * (`<taskQueue>-webhooks`): receivers that hang take these slots, not the journeys'.
   */
  webhookConcurrency?: number | undefined;
  /** Sends, guard decisions, provider errors and webhook deliveries are counted here (README, "Metrics"). */
  metrics?: Metrics | undefined;
  /**
   * Traces (README, "Tracing"). A prebuilt bundle traces its workflows only when built with tracing
   * (`npm run build:workflows -- --tracing`).
   */
  tracing?: Tracing | null | undefined;
}

/** The workers of one process: journeys (workflows and recording), one per delivery channel, and the webhooks'. */
export interface JourneyWorkers {
  readonly workers: readonly Worker[];
  /** Runs every worker until shutdown; if one fails, the others are shut down too. */
  run(): Promise<void>;
  shutdown(): void;
}

export async function createJourneyWorker(options: JourneyWorkerOptions): Promise<JourneyWorkers> {
  const bundle = options.workflowBundlePath ? await loadWorkflowBundle(options.workflowBundlePath) : null;
  const code: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = bundle
    ? { workflowBundle: bundle }
    : { workflowsPath: WORKFLOWS_PATH };
  // A prebuilt bundle traces its workflows when it was built to; one bundled here, when tracing is on.
  const workflowsTrace = bundle ? bundleTraces(bundle.code) : Boolean(options.tracing);
  if (options.tracing && !workflowsTrace)
    options.logger.warn('tracing is on but the workflow bundle was built without it: workflows make no spans');
  const {
    connection,
    namespace,
    taskQueue,
    db,
    logger,
    dataConverter,
    rateLimits,
    deliveryChannels = CHANNELS,
    maxCachedWorkflows,
    workflowBundlePath: _bundle,
    assistantEngine = menuEngine,
    links,
    allowPrivateWebhookTargets = false,
    webhookTimeoutMs,
    webhookConcurrency = DEFAULT_WEBHOOK_CONCURRENCY,
    webhookPublisher: givenPublisher,
    metrics,
    tracing,
    ...configured
  } = options;
  const client = new Client({
    connection,
    namespace,
    ...(dataConverter && { dataConverter }),
    ...(tracing && { interceptors: tracingClientInterceptors() }),
  });
  const now = configured.now ?? Date.now;
  // One publisher for the process: the in-app channel's sender publishes through it too.
  const webhookWaker = new TemporalWebhookWaker(client, taskQueue);
  const webhookPublisher = givenPublisher ?? createWebhookPublisher({ db, waker: webhookWaker });
  const team = collectionsTeam({
    db,
    client,
    taskQueue,
    logger,
    now,
    senders: configured.senders,
    links,
    webhookPublisher,
  });
  const channels = { ...configured, senders: team.senders, publisher: webhookPublisher };
  const conversations = createConversationActivities({
    db,
    logger,
    now,
    senders: team.senders,
    engine: assistantEngine,
    toolsFor: team.toolsFor,
  });
  const webhookActivities = createWebhookActivities({
    db,
    // The receiver checks the signature's timestamp against its own clock: the wall clock, also under time skipping.
    now: Date.now,
    allowPrivateTargets: allowPrivateWebhookTargets,
    timeoutMs: webhookTimeoutMs,
  });
  const activities = {
    ...createActivities({ db, logger, ...channels, reminderHandOver: temporalReminderHandOver(client, taskQueue) }),
    ...conversations,
    reconcileEndedJourneys: createReconcileEndedJourneys({
      db,
      client,
      logger,
      now,
      publisher: webhookPublisher,
      waker: webhookWaker,
    }),
    // Also here: webhook activities scheduled on the journeys' queue before it had a webhooks queue.
    ...webhookActivities,
  };
  const shared = {
    connection,
    namespace,
    ...(dataConverter && { dataConverter }),
    interceptors: {
      // Outermost first: the span covers the whole try; it and the counters see failures redacted, as histories do.
      activity: [
        ...(tracing ? [tracingActivityInterceptors()] : []),
        ...(metrics ? [activityMetrics(metrics)] : []),
        () => ({ inbound: new RedactingActivityInbound() }),
      ],
      ...(tracing && !bundle && { workflowModules: [TRACING_WORKFLOW_INTERCEPTORS] }),
    },
  };
  // deliverReminder stays on the journeys' queue for deliveries scheduled there before the
  // channel queues existed (it plans them again); new ones go to their channel's queue.
  const journeys = await Worker.create({
    ...shared,
    taskQueue,
    ...code,
    activities,
    ...(workflowsTrace && { sinks: tracingSinks(tracing ?? null) }),
    ...(maxCachedWorkflows !== undefined && { maxCachedWorkflows }),
  });
  const deliveries = await Promise.all(
    deliveryQueues(deliveryChannels, rateLimits).map(({ channel, limit }) => {
      return Worker.create({
        ...shared,
        taskQueue: deliveryTaskQueue(taskQueue, channel),
        // Replies to buyers' messages go out on their channel's queue, under the same limit.
        activities: {
          deliverReminder: activities.deliverReminder,
          sendConversationMessage: activities.sendConversationMessage,
        },
        // Enforced by the server across every worker polling this queue: the provider's own limit.
        ...(limit ? { maxTaskQueueActivitiesPerSecond: limit } : {}),
      });
    }),
  );
  const webhooks = await Worker.create({
    ...shared,
    taskQueue: webhookTaskQueue(taskQueue),
    activities: webhookActivities,
    maxConcurrentActivityTaskExecutions: webhookConcurrency,
  });
  const workers = [journeys, ...deliveries, webhooks];
  const shutdown = (): void => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    workers,
    shutdown,
    async run() {
      const runs = workers.map((worker) =>
        worker.run().catch((err: unknown) => {
          shutdown();
          throw err;
        }),
      );
      // Every worker drains its in-flight tasks before this settles (a send cut off mid-request
      // would be left `sending`); then the first failure, if any, is reported.
      const settled = await Promise.allSettled(runs);
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/**
 * One delivery queue per provider: the distinct queues of `channels` (each named by its first
 * channel), with the provider's rate limit — the lowest limit given for any channel on the queue,
 * whichever of them this process polls for (an assistant-only process keeps WhatsApp's limit).
 */
export function deliveryQueues(
  channels: readonly Channel[],
  rateLimits: RateLimits = {},
): { queue: string; channel: Channel; limit: number | null }[] {
  const queues = new Map<string, { queue: string; channel: Channel; limit: number | null }>();
  for (const channel of channels) {
    const queue = CHANNEL_TABLE[channel].deliveryQueue;
    if (queues.has(queue)) continue;
    queues.set(queue, { queue, channel, limit: queueRateLimit(queue, rateLimits) });
  }
  return [...queues.values()];
}

/**
 * The people side of collections, as the worker's activities act for it: agent tasks (a
 * handoff's hold, a ladder's call task, the seller's notification) and the assistant's tools over
 * the journeys. An agent step opens its call task here: the agent channel's provider is our own
 * task list, whatever the other channels use.
 */
function collectionsTeam(deps: {
  db: Database;
  client: Client;
  taskQueue: string;
  logger: Logger;
  now: () => number;
  senders: ChannelSenders | undefined;
  links: JourneyWorkerOptions['links'];
  webhookPublisher: WebhookPublisher | undefined;
}) {
  const configured = deps.senders ?? withOutboxFallback({});
  const agentTasks: AgentTaskDeps = {
    db: deps.db,
    gateway: new TemporalJourneyGateway(deps.client, deps.taskQueue),
    policies: databasePolicies(deps.db),
    conversations: new TemporalConversationGateway(deps.client, deps.taskQueue),
    notifier: emailSellerNotifier({ db: deps.db, sender: configured.email, apiBaseUrl: deps.links?.baseUrl ?? null }),
    log: deps.logger,
    now: deps.now,
  };
  const senders: ChannelSenders = {
    ...configured,
    // Unless the caller brings a task sender of its own (tests), not the outbox: a call nobody sees is no call.
    agent:
      configured.agent.provider === 'agent'
        ? configured.agent
        : createAgentTaskSender(async (task) => {
            await openCallTask(agentTasks, task);
          }),
    // The seller's app hears in-app steps through the tenant's webhooks.
    in_app: deps.webhookPublisher ? createInAppSender(deps.webhookPublisher) : configured.in_app,
  };
  return {
    senders,
    toolsFor: (binding: Parameters<typeof createConversationTools>[1]) =>
      createConversationTools({ ...agentTasks, links: deps.links }, binding),
  };
}

/** How often journeys that Temporal ended from outside get their records closed, and how far back each run looks. */
export const RECONCILE_EVERY = '5 minutes';
const RECONCILE_LOOKBACK_HOURS = 24;

/**
 * Creates the schedule that closes the records of journeys Temporal ended from outside (see
 * workflows/reconcile.ts), unless it exists. Every worker process calls it at start; the first
 * one creates it. Returns whether this call created it.
 */
export async function ensureReconcileSchedule(client: Client, taskQueue: string): Promise<boolean> {
  try {
    await client.schedule.create({
      scheduleId: RECONCILE_SCHEDULE_ID,
      spec: { intervals: [{ every: RECONCILE_EVERY }] },
      action: {
        type: 'startWorkflow',
        workflowType: RECONCILE_WORKFLOW_TYPE,
        workflowId: RECONCILE_SCHEDULE_ID,
        taskQueue,
        args: [{ lookbackHours: RECONCILE_LOOKBACK_HOURS }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    });
    return true;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return false;
    throw err;
  }
}

export type DeliveryChannels = Pick<
  JourneyWorkerOptions,
  'senders' | 'whatsappTemplateAvailable' | 'rateLimits' | 'unsubscribeUrl' | 'buyerAreaUrl' | 'links'
> & {
  /** Which provider serves each channel (names only: safe to log). */
  summary: Record<Channel, string>;
};

export interface DeliveryChannelOptions {
  /**
   * Opens a call task for an agent step (application/agent-tasks.ts). Without one, agent steps go
   * to the outbox: the attempt row is the task.
   */
  openCallTask?: OpenCallTask | undefined;
}

/**
 * The delivery channels this deployment's environment configures: each provider switched on by
 * its variables (README, "Providers"), the outbox for the rest. A half-configured provider
 * throws, naming the variable.
 */
export function deliveryChannelsFromEnv(
  env: NodeJS.ProcessEnv,
  options: DeliveryChannelOptions = {},
): DeliveryChannels {
  const providers = providerConfigFromEnv(env);
  // The API refuses the same keys: links signed with them would all be refused.
  const { keys, problems } = linkKeysFromEnv(env);
  if (problems.length) throw new ProviderConfigError(problems.join('; '));
  const baseUrl = providers.publicBaseUrl;
  if (providers.email && !(keys && baseUrl)) {
    // Real email must carry a working one-click opt-out (RFC 8058), not a "reply STOP" nobody reads.
    throw new ProviderConfigError(
      'LINK_SIGNING_SECRET and PUBLIC_BASE_URL are required when RESEND_API_KEY is set: every email carries a one-click unsubscribe link',
    );
  }
  // Buyer links need both a public address and keys to sign them with.
  const links = keys && baseUrl ? { keys, baseUrl } : null;
  return {
    senders: withOutboxFallback(sendersFromConfig(providers), { openCallTask: options.openCallTask }),
    whatsappTemplateAvailable: whatsappTemplatesOf(providers),
    rateLimits: providers.rateLimits,
    unsubscribeUrl: links
      ? (address, at) => createUnsubscribeUrl({ channel: 'email', address }, { ...links, now: at })
      : undefined,
    buyerAreaUrl: links
      ? (binding, at, ttlDays) => createBuyerAreaUrl(binding, { ...links, now: at, ttlDays })
      : undefined,
    summary: providerSummary(providers),
    links,
  };
}

/** With Twilio, free-form WhatsApp outside the buyer's window needs an approved template; the outbox has them all. */
function whatsappTemplatesOf(providers: ProviderConfig): ActivityDeps['whatsappTemplateAvailable'] {
  const whatsapp = providers.whatsapp;
  return whatsapp ? (template, locale) => contentSidFor(whatsapp.templates, template, locale) !== null : () => true;
}

function providerSummary(providers: ProviderConfig): Record<Channel, string> {
  return {
    email: providers.email ? 'resend' : 'outbox',
    sms: providers.sms ? 'twilio' : 'outbox',
    whatsapp: providers.whatsapp ? 'twilio' : 'outbox',
    assistant: providers.whatsapp ? 'twilio' : 'outbox',
    // The worker opens call tasks itself (collectionsTeam) when not given a task sender.
    agent: 'agent',
    // Published to the tenant's webhooks by the worker's publisher (collectionsTeam).
    in_app: 'webhook',
  };
}

const SDK_LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * The SDK's runtime, once per process, before the first worker or connection. Its own logs
 * (worker state, workflow `log.*`, activity logs) go through our logger, so a process writes one
 * JSON log; WARN by default: INFO logs every worker state change. With `metricsAddress`, its
 * worker metrics (`temporal_…`) are served there in Prometheus text, for our `/metrics` to include.
 */
export function installSdkRuntime(
  logger: Logger,
  options: { env?: NodeJS.ProcessEnv; metricsAddress?: string | null } = {},
): void {
  const { env = process.env, metricsAddress } = options;
  const wanted = (env.TEMPORAL_LOG_LEVEL ?? 'WARN').toUpperCase() as LogLevel;
  const level = SDK_LOG_LEVELS.includes(wanted) ? wanted : 'WARN';
  Runtime.install({
    ...(metricsAddress && { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } }),
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
      // Delivery workers poll activities only, by design: the SDK's warning about it is noise.
      if (message.startsWith('No workflows registered')) return;
      const method =
        entryLevel === 'TRACE'
          ? 'trace'
          : entryLevel === 'DEBUG'
            ? 'debug'
            : entryLevel === 'INFO'
              ? 'info'
              : entryLevel === 'WARN'
                ? 'warn'
                : 'error';
      logger[method]({ sdk: true, ...meta }, message);
    }),
  });
}

async function main(): Promise<void> {
  const logger = createLogger('worker');
  const metricsSettings = metricsSettingsFromEnv(process.env);
  const temporalMetrics =
    metricsSettings.port === null ? null : (metricsSettings.temporalAddress ?? (await freeLoopbackAddress()));
  installSdkRuntime(logger, { metricsAddress: temporalMetrics });
  const tracing = tracingFromEnv(process.env, 'dunning-worker');
  const settings = temporalSettingsFromEnv();
  if (!settings) {
    console.error(
      'Set TEMPORAL_ADDRESS (e.g. localhost:7233) to run the worker, or use `npm run dev` for everything in one process.',
    );
    process.exit(1);
  }
  const { summary: providers, ...channels } = deliveryChannelsFromEnv(process.env);
  const assistantEngine = assistantEngineFromEnv(process.env);
  const database = await openDatabaseFromEnv();
  const dataConverter = dataConverterFromEnv();
  const metrics = createMetrics();
  const connection = await NativeConnection.connect(await connectionOptions(settings)).catch((err: unknown) => {
    console.error(temporalUnreachable(settings, err));
    process.exit(1);
  });
  const worker = await createJourneyWorker({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    db: database.db,
    logger,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    dataConverter,
    assistantEngine,
    metrics,
    tracing,
    allowPrivateWebhookTargets: allowPrivateTargetsFromEnv(process.env),
    ...channels,
  });
  const metricsServer =
    metricsSettings.port === null
      ? null
      : await startMetricsServer(
          {
            registry: metrics.registry,
            token: metricsSettings.token,
            extra: temporalMetrics ? temporalCoreMetrics(temporalMetrics) : undefined,
          },
          { port: metricsSettings.port, host: metricsSettings.host },
        );
  await ensureReconcileSchedule(
    new Client({ connection, namespace: settings.namespace, ...(dataConverter && { dataConverter }) }),
    settings.taskQueue,
  );
  logger.info(
    {
      taskQueue: settings.taskQueue,
      namespace: settings.namespace,
      database: database.kind,
      providers,
      metricsPort: metricsServer?.port ?? null,
      tracing: tracing !== null,
    },
    'worker polling',
  );
  // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and drains in-flight tasks.
  await worker.run();
  await metricsServer?.close();
  await tracing?.shutdown();
  await connection.close();
  await database.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
