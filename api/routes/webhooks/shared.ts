import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { Database } from '../../../db/client';
import { type JourneyAtAddress, openJourneysAt } from '../../../db/contact-repository';
import type { Channel } from '../../../domain/channels';
import type { Actor } from '../../../domain/journey';
import type { WebhookPublisher } from '../../../domain/webhook-events';
import { messageJourneys } from '../../../application/fan-out';
import type { JourneyGateway } from '../../../application/journey-gateway';
import type { ConversationGateway } from '../../../application/conversation-gateway';
import { type Problem, problem, problemResponse } from '../../problem';
import { type LinkKeyRing, linkKeysFromEnv } from '../../../application/link-keys';
import { publicBaseUrlProblem } from '../../../domain/urls';

/**
 * What the webhook and buyer-link routes need from the environment (read in api/main.ts). A
 * route whose provider is not configured answers 503 naming the missing variable.
 */
export interface WebhookSettings {
  /** PUBLIC_BASE_URL: the https root Twilio calls (its signatures cover the exact URL) and buyer links start with. */
  publicBaseUrl: string | null;
  /** TWILIO_AUTH_TOKEN: the key of Twilio's X-Twilio-Signature. */
  twilioAuthToken: string | null;
  /** RESEND_WEBHOOK_SECRET: the `whsec_…` secret of the Resend webhook (svix signatures). */
  resendWebhookSecret: string | null;
  /** LINK_SIGNING_SECRET (and the previous one in its grace period): sign and encrypt buyer links. */
  linkKeys: LinkKeyRing | null;
}

/** How a provider callback can be refused, as the document lists it. */
export const webhookErrorResponses = {
  400: problemResponse('Correctly signed, but not what the provider sends: `errors` names each field'),
  401: problemResponse('No signature'),
  403: problemResponse('The signature does not match this request'),
  429: problemResponse('Too many failed signatures from this address: retry after the `Retry-After` seconds'),
  503: problemResponse('The provider is not configured here: the detail names the variable to set'),
} as const;

/** A callback taken in: recorded, or not ours to act on. No body (the document reads `undefined` as none). */
export const webhookTaken = { 204: z.undefined().describe('Taken in: recorded, or not ours to act on') } as const;

export const NO_WEBHOOK_SETTINGS: WebhookSettings = {
  publicBaseUrl: null,
  twilioAuthToken: null,
  resendWebhookSecret: null,
  linkKeys: null,
};

export interface WebhookDeps {
  db: Database;
  gateway: JourneyGateway;
  settings: WebhookSettings;
  /** Buyers' conversations: a message that is no keyword goes to the buyer's; none = not answered. */
  conversations?: ConversationGateway | undefined;
  /** The clock a buyer's message is recorded at (the reply window counts from it); `Date.now` by default. */
  now?: (() => number) | undefined;
  /** Tells the tenants' webhooks what providers said of a reminder (delivered, failed); none = not told. */
  publisher?: WebhookPublisher | undefined;
}

const RESEND_SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** Every problem with the settings, naming variables and never their values (a key ring is checked when made). */
export function webhookSettingsProblems(settings: WebhookSettings): string[] {
  const problems: string[] = [];
  if (settings.publicBaseUrl !== null) {
    // The same rule as the workers', which build the URLs Twilio will sign.
    const problem = publicBaseUrlProblem(settings.publicBaseUrl);
    if (problem) problems.push(problem);
  }
  if (settings.resendWebhookSecret !== null && !RESEND_SECRET.test(settings.resendWebhookSecret)) {
    problems.push('RESEND_WEBHOOK_SECRET must be the webhook signing secret Resend shows (whsec_ followed by base64)');
  }
  return problems;
}

/** Reads and checks the settings; throws naming each bad variable. Unset and blank are the same. */
export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : null;
  };
  const links = linkKeysFromEnv(env);
  const settings: WebhookSettings = {
    publicBaseUrl: read('PUBLIC_BASE_URL')?.replace(/\/+$/, '') ?? null,
    twilioAuthToken: read('TWILIO_AUTH_TOKEN'),
    resendWebhookSecret: read('RESEND_WEBHOOK_SECRET'),
    linkKeys: links.keys,
  };
  const problems = [...webhookSettingsProblems(settings), ...links.problems];
  if (problems.length) throw new Error(problems.join('; '));
  return settings;
}

/** 503 naming the variables a route needs: it changes nothing until they are set. */
export function notConfigured(what: string, missing: string[]): Problem {
  return problem(503, 'webhook-not-configured', `${what} is not configured`, {
    detail: `Set ${missing.join(' and ')} to enable this route.`,
  });
}

/** 400 naming each offending field of a correctly signed but malformed payload. */
export function malformed(where: 'body' | 'querystring', error: z.ZodError, prefix = ''): Problem {
  return problem(400, 'invalid-request', 'Invalid request', {
    detail: `The ${where} does not match what the provider sends.`,
    errors: error.issues.map((issue) => ({
      in: where,
      path: prefix + (issue.path.map(String).join('.') || '(root)'),
      message: issue.message,
    })),
  });
}

/**
 * Tells every open journey at this address (in every tenant) about a consent change already
 * recorded in contact_points. That row is the authority — the guard checks it before every
 * send — so a journey the gateway cannot reach now is logged, not retried or failed: the
 * provider gets its 2xx and does not redeliver a change we have kept.
 */
export async function notifyJourneys(
  log: FastifyBaseLogger,
  journeys: readonly JourneyAtAddress[],
  change: 'optOut' | 'optIn',
  channel: Channel,
  gateway: JourneyGateway,
  actor: Actor,
): Promise<void> {
  await messageJourneys(
    journeys,
    (ref) => gateway[change](ref, { channel, actor }),
    log,
    `consent (${change} ${channel}) recorded, and the guard reads it before every send`,
  );
}

/** The open journeys at an address, then each told of the change. */
export async function notifyJourneysAt(
  log: FastifyBaseLogger,
  deps: Pick<WebhookDeps, 'db' | 'gateway'>,
  change: 'optOut' | 'optIn',
  channel: Channel,
  address: string,
  actor: Actor,
): Promise<JourneyAtAddress[]> {
  const journeys = await openJourneysAt(deps.db, channel, address);
  await notifyJourneys(log, journeys, change, channel, deps.gateway, actor);
  return journeys;
}
