import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyRequest,
  type FastifyServerOptions,
  type RouteOptions,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Database } from '../db/client';
import type { Invitations } from '../application/invitations';
import type { JourneyGateway } from '../application/journey-gateway';
import type { ConversationGateway } from '../application/conversation-gateway';
import type { SellerNotifier } from '../application/agent-tasks';
import auth from './plugins/auth';
import { type ApiKeyStore } from '../application/key-stores';
import { answerUnreadableRequest } from './client-errors';
import deprecation from './plugins/deprecation';
import errors from './plugins/errors';
import failedAuthLimit, { FailedAuthBudget } from './plugins/failed-auth-limit';
import inputGuard from './plugins/input-guard';
import metrics, { type MetricsPluginOptions } from './plugins/metrics';
import { registerTracing } from './plugins/tracing';
import type { Tracing } from '../telemetry/tracing';
import idempotency from './plugins/idempotency';
import { openApiOptions } from './openapi';
import { problem, sendProblem } from './problem';
import collaboratorRoutes from './routes/collaborators';
import conversationRoutes from './routes/conversations';
import auditLogRoutes from './routes/audit-log';
import keyRoutes from './routes/keys';
import profileRoutes from './routes/profiles';
import tenantRoutes from './routes/tenant';
import journeyRoutes from './routes/journeys';
import type { PolicyCatalog } from '../application/policy-catalog';
import { type Reports, createReports } from '../application/reports';
import policyRoutes from './routes/policies';
import purchaseRoutes from './routes/purchases';
import reportRoutes from './routes/reports';
import simulationRoutes from './routes/simulations';
import { BARE_ENVIRONMENT, type SimulationEnvironment } from '../application/simulation';
import segmentRoutes from './routes/segments';
import supportActionRoutes from './routes/support-actions';
import webhookRoutes, { NO_WEBHOOK_SETTINGS, type WebhookSettings } from './routes/webhooks/index';
import webhookEndpointRoutes from './routes/webhook-endpoints';
import type { WebhookEndpointDeps } from '../application/webhook-endpoints';
import type { JourneyWebhookPublisher } from '../domain/webhook-payloads';
import buyerAreaRoutes from '../web/routes/buyer-area';
import { type SellerAppOptions, sellerApp } from '../web/seller/app';
import { createInvitations } from '../application/sign-in';

export interface AppDeps {
  db: Database;
  gateway: JourneyGateway;
  policies: PolicyCatalog;
  keys: ApiKeyStore;
  /** A ready logger (pino instance) or Fastify's logger options; none = silent. */
  logger?: FastifyBaseLogger | FastifyServerOptions['logger'];
  /** Requests per minute per API key; default `RATE_LIMIT_PER_MINUTE` or 6000. */
  rateLimitPerMinute?: number;
  /**
   * Failed authentications (bad keys, signatures, tokens) per client address per minute;
   * default `AUTH_FAILURES_PER_MINUTE` or 60.
   */
  failedAuthPerMinute?: number;
  /** Which proxies' X-Forwarded-For to believe for the client address; default `TRUST_PROXY` (none). */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** Called for every route as it is registered (tests collect them for the authorization matrix). */
  onRoute?: (route: RouteOptions) => void;
  /** Provider webhooks and buyer links (PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN, …); unset ones answer 503/404. */
  webhooks?: WebhookSettings;
  /** The clock of the buyer's pages (links expire, "today" bounds a new due date); `Date.now` by default. */
  now?: () => number;
  /** The buyers' conversation workflows (agent replies, handoff closes); none = agent replies answer 503. */
  conversations?: ConversationGateway;
  /** Tells the seller of agent tasks (opened from the API's side: none today; passed on for later use). */
  sellerNotifier?: SellerNotifier;
  /**
   * The tenants' outbound webhook endpoints: where they may point (private targets, the host
   * resolver) and the waker of delivery queues; none = public targets only, redelivery answers 503.
   */
  webhookEndpoints?: Pick<WebhookEndpointDeps, 'targets' | 'waker'>;
  /** Latency per route and `/metrics` (README, "Metrics"); none = neither. */
  metrics?: MetricsPluginOptions;
  /** Spans for requests (README, "Tracing"); none = no instrumentation at all. */
  tracing?: Tracing | null;
  /** Where what the API learns of journeys (providers' reports, late payments, closes) goes out to webhooks. */
  webhookPublisher?: JourneyWebhookPublisher;
  /** The seller's numbers; by default read from `db` (createReports). */
  reports?: Reports;
  /** TEMPORAL_UI_URL and the namespace, for the payment details' link to a journey's workflow; none = no link. */
  temporalUi?: { url: string; namespace: string } | null;
  /** Sends collaborators' invites (the seller app's sign-in links); none = inviting by email answers 503. */
  invitations?: Invitations;
  /**
   * The seller app under /app: sign-in, sessions, and the pages (`routes`: the panel's and the
   * team's plugins); none = no /app at all. Its clock is `now`.
   */
  sellerApp?: Omit<SellerAppOptions, 'db' | 'now'>;
  /** What simulations plan against: the providers' rate limits and the holiday calendar; none = neither. */
  simulation?: SimulationEnvironment;
}

/**
 * Installment IDs may be 128 characters, past Fastify's default of 100. Up to this bound the
 * route's schema answers an over-long ID (400 naming the field); beyond it the router refuses.
 */
const MAX_PARAM_LENGTH = 256;

/** Builds the HTTP API; tests call this and use `app.inject`, `api/main.ts` calls it and listens. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    // Fastify 5 takes a ready instance only as `loggerInstance`; `logger` is for options.
    ...(isLoggerInstance(deps.logger) ? { loggerInstance: deps.logger } : { logger: deps.logger ?? false }),
    bodyLimit: 1024 * 1024,
    trustProxy: deps.trustProxy ?? trustProxyFromEnv(process.env.TRUST_PROXY),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // The router's own refusals (an over-long parameter, a malformed URL) happen before any hook
    // or error handler and would otherwise leave as plain JSON echoing the whole path.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const status = error.statusCode ?? 400;
      void sendProblem(
        reply,
        status >= 500
          ? problem(500, 'internal', 'Something went wrong on our side')
          : problem(
              status,
              tooLong ? 'path-parameter-too-long' : 'bad-url',
              tooLong ? 'A path parameter is too long' : 'Malformed URL',
              {
                detail: tooLong
                  ? `path parameters are at most ${MAX_PARAM_LENGTH} characters (installment IDs at most 128)`
                  : 'the path is not a valid URL component',
              },
            ),
      );
    },
    clientErrorHandler: answerUnreadableRequest,
    // A caller's x-request-id is kept when it is a plain token (so it can be traced across
    // systems); anything else gets a fresh id rather than reaching the logs as is.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>();
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  // Before every route: the instrumentation wraps routes as they are declared.
  if (deps.tracing) await registerTracing(app, deps.tracing);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errors);
  if (deps.metrics) await app.register(metrics, deps.metrics);
  await app.register(deprecation);
  await app.register(inputGuard);
  await app.register(swagger, openApiOptions());
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  // One budget of failed authentications per address, whether it guessed keys or forged signatures.
  const failedAuth = new FailedAuthBudget(
    deps.failedAuthPerMinute ?? Number(process.env.AUTH_FAILURES_PER_MINUTE || 60),
  );
  // Outside the API-key scope: providers and buyers authenticate by signature.
  await app.register(async (signed) => {
    await signed.register(failedAuthLimit, { budget: failedAuth, isFailure: (s) => s === 401 || s === 403 });
    await signed.register(webhookRoutes, {
      db: deps.db,
      gateway: deps.gateway,
      conversations: deps.conversations,
      now: deps.now,
      settings: deps.webhooks ?? NO_WEBHOOK_SETTINGS,
      publisher: deps.webhookPublisher,
    });
  });
  // The buyer's payment area: web pages under a signed link, with their own limits and answers.
  const webhookSettings = deps.webhooks ?? NO_WEBHOOK_SETTINGS;
  await app.register(buyerAreaRoutes, {
    db: deps.db,
    gateway: deps.gateway,
    policies: deps.policies,
    now: deps.now ?? Date.now,
    linkKeys: webhookSettings.linkKeys,
    secureCookies: webhookSettings.publicBaseUrl?.startsWith('https:') ?? false,
  });
  // One instance of each for the API and the pages: the same numbers, the same invites.
  const now = deps.now ?? Date.now;
  const temporalUi = deps.temporalUi ?? deps.sellerApp?.temporalUi ?? null;
  const reports = deps.reports ?? createReports({ db: deps.db, now, temporalUi });
  const invitations =
    deps.invitations ??
    (deps.sellerApp &&
      createInvitations({
        db: deps.db,
        now,
        mailer: deps.sellerApp.mailer,
        baseUrl: deps.sellerApp.publicBaseUrl,
      }));
  // The seller's app: pages for people signed in by an emailed link, in a scope of its own.
  if (deps.sellerApp)
    await app.register(sellerApp, { ...deps.sellerApp, db: deps.db, now, reports, invitations, temporalUi });

  await app.register(async (authenticated) => {
    // Before the key lookup: an address that keeps failing costs no database work.
    await authenticated.register(failedAuthLimit, { budget: failedAuth, isFailure: (s) => s === 401 });
    await authenticated.register(auth, { keys: deps.keys });
    await authenticated.register(rateLimit, rateLimitOptions(deps.rateLimitPerMinute));
    await authenticated.register(idempotency, { db: deps.db });
    const routeDeps = {
      db: deps.db,
      gateway: deps.gateway,
      policies: deps.policies,
      publisher: deps.webhookPublisher,
      invitations,
    };
    await authenticated.register(journeyRoutes, routeDeps);
    await authenticated.register(supportActionRoutes, routeDeps);
    await authenticated.register(purchaseRoutes, routeDeps);
    await authenticated.register(reportRoutes, { reports, now });
    await authenticated.register(conversationRoutes, {
      ...routeDeps,
      conversations: deps.conversations,
      sellerNotifier: deps.sellerNotifier,
    });
    await authenticated.register(policyRoutes, routeDeps);
    await authenticated.register(simulationRoutes, {
      ...routeDeps,
      now,
      environment: deps.simulation ?? BARE_ENVIRONMENT,
    });
    await authenticated.register(segmentRoutes, routeDeps);
    await authenticated.register(tenantRoutes, routeDeps);
    await authenticated.register(profileRoutes, routeDeps);
    await authenticated.register(collaboratorRoutes, routeDeps);
    await authenticated.register(keyRoutes, routeDeps);
    await authenticated.register(auditLogRoutes, routeDeps);
    await authenticated.register(webhookEndpointRoutes, {
      ...routeDeps,
      now: deps.now ?? Date.now,
      targets: deps.webhookEndpoints?.targets ?? { allowPrivate: false },
      waker: deps.webhookEndpoints?.waker,
    });
  });

  return app;
}

function isLoggerInstance(logger: AppDeps['logger']): logger is FastifyBaseLogger {
  return (
    typeof logger === 'object' && logger !== null && typeof (logger as Partial<FastifyBaseLogger>).child === 'function'
  );
}

/**
 * Per API key (the principal resolved by `auth`, which runs first); a 429 leaves as problem+json through the error
 * handler.
 */
function rateLimitOptions(perMinute = Number(process.env.RATE_LIMIT_PER_MINUTE || 6000)) {
  if (!Number.isInteger(perMinute) || perMinute < 1)
    throw new Error('RATE_LIMIT_PER_MINUTE must be a positive integer');
  return {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => request.principal?.keyId ?? request.ip,
    errorResponseBuilder: (_request: FastifyRequest, context: { max: number; after: string }) =>
      Object.assign(new Error(`Rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`), {
        statusCode: 429,
        code: 'RATE_LIMITED',
      }),
  };
}

/** TRUST_PROXY: unset (no proxy), `true` (any), or a comma-separated list of proxy addresses / CIDRs. */
export function trustProxyFromEnv(value: string | undefined): FastifyServerOptions['trustProxy'] {
  if (!value) return false;
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
