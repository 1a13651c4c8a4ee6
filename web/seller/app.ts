/**
 * The seller app under /app, in a scope of its own: its form parser, cookie, Postgres sessions,
 * CSRF bound to the session and rate limits do not meet the buyer area's or the API's. The
 * sign-in and accounts routes are built in; the panel's and the Collaboration Center's are listed
 * in ./routes.ts and get the same sessions, the same authorization and the same CSRF check.
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import session from '@fastify/session';
import type { FastifyPluginAsync } from 'fastify';
import type { Invitations } from '../../application/invitations';
import type { Reports } from '../../application/reports';
import { type SignInMailer, createInvitations } from '../../application/sign-in';
import type { Database } from '../../db/client';
import { postgresSessionStore } from '../../db/session-store';
import { webPages } from '../plugin';
import accountRoutes from '../routes/accounts';
import signInRoutes from '../routes/sign-in';
import type { SellerRouteDeps } from './context';
import { answerFailure, answerFormExpired, answerTooMany } from './messages';
import { SELLER_PAGE_ROUTES } from './routes';
import { sellerSessions } from './sessions';

export interface SellerAppOptions {
  db: Database;
  now: () => number;
  /** SESSION_SECRET: signs the session cookie (at least 32 characters). */
  sessionSecret: string;
  /** PUBLIC_BASE_URL: the emailed links point here; https makes the cookie `Secure`. */
  publicBaseUrl: string;
  mailer: SignInMailer;
  /** The reports the panel shows; none = every report call fails (until an implementation is wired). */
  reports?: Reports;
  /** Invites; by default emailed through `mailer` (application/sign-in.ts createInvitations). */
  invitations?: Invitations;
  temporalUi?: SellerRouteDeps['temporalUi'];
  /** Route plugins besides web/seller/routes.ts SELLER_PAGE_ROUTES (tests add their own). */
  extraRoutes?: FastifyPluginAsync<SellerRouteDeps>[];
  /** A session ends after this long without a request (default 8 h) … */
  idleMs?: number;
  /** … and this long after sign-in whatever happens (default 7 days). */
  absoluteMs?: number;
  /** Sign-in link requests per client address per 15 minutes (default 20). */
  linkRequestsPerAddress?: number;
}

export const SESSION_COOKIE = 'seller_session';

const unwired = () => {
  throw new Error('no Reports implementation is wired into the seller app');
};
/** Stands in for the reports until an implementation is passed: a page that asks fails loudly. */
const NO_REPORTS: Reports = {
  overview: async () => unwired(),
  tracking: async () => unwired(),
  paymentDetails: async () => unwired(),
  attribution: async () => unwired(),
  attributionRows: async () => unwired(),
  recoveryCurve: async () => unwired(),
  dailyRecovered: async () => unwired(),
  trackingCsv: () => unwired(),
  attributionCsv: () => unwired(),
};
const HOUR = 3_600_000;

export function sessionCookieName(secure: boolean): string {
  // `__Secure-` (not `__Host-`, which requires Path=/): a browser keeps it only from https.
  return secure ? `__Secure-${SESSION_COOKIE}` : SESSION_COOKIE;
}

export const sellerApp: FastifyPluginAsync<SellerAppOptions> = async (app, options) => {
  const { db, now, idleMs = 8 * HOUR, absoluteMs = 7 * 24 * HOUR } = options;
  if (options.sessionSecret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
  const secure = options.publicBaseUrl.startsWith('https:');
  const mailDeps = { db, now, mailer: options.mailer, baseUrl: options.publicBaseUrl };

  await app.register(webPages, { serveStylesheet: false });
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  await app.register(cookie);
  await app.register(session, {
    secret: options.sessionSecret,
    cookieName: sessionCookieName(secure),
    cookie: { path: '/app', httpOnly: true, sameSite: 'lax', secure, maxAge: idleMs },
    store: postgresSessionStore(db, { idleMs, now }),
    saveUninitialized: false,
    rolling: true,
  });
  await app.register(csrf, { sessionPlugin: '@fastify/session' });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`rate limit of ${context.max}`), { statusCode: 429 }),
  });
  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error.statusCode === 429) return answerTooMany(reply);
    if (error.code?.startsWith('FST_CSRF')) return answerFormExpired(reply);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
      return answerFailure(reply, error.statusCode);
    request.log.error({ err: error }, 'seller app request failed');
    return answerFailure(reply, 500);
  });
  await app.register(sellerSessions, { db, now, absoluteMs });

  await app.register(signInRoutes, { ...mailDeps, linkRequestsPerAddress: options.linkRequestsPerAddress ?? 20 });
  await app.register(accountRoutes);
  const routeDeps: SellerRouteDeps = {
    db,
    now,
    reports: options.reports ?? NO_REPORTS,
    invitations: options.invitations ?? createInvitations(mailDeps),
    temporalUi: options.temporalUi ?? null,
    secureCookies: secure,
  };
  for (const routes of [...SELLER_PAGE_ROUTES, ...(options.extraRoutes ?? [])]) await app.register(routes, routeDeps);
};
