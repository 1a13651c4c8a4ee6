/**
 * Who is looking, on every seller-app request: the session (web_sessions, via @fastify/session)
 * names a user; their accounts and permissions are read fresh; the route's rule is checked with
 * domain/permissions.ts `refusal`, the same function API keys go through. Every POST must carry
 * the session's CSRF token. Routes declare `config.permission` or `config.ownerOnly` exactly as
 * API routes do; the few open without them say so with `config.sessionAccess`.
 */
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from '../../application/key-stores';
import { accountInUse, principalOf, signedInPerson } from '../../application/seller-access';
import type { Database } from '../../db/client';
import { refusal } from '../../domain/permissions';
import type { SellerContext } from './context';
import { answerNoAccount, answerRefused, answerSignedOut } from './messages';
import { requestLocale } from './render';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A seller-app route open without `permission`/`ownerOnly`: `anyone` (sign-in, invites: no
     * session needed) or `signed_in` (accounts, sign-out: anyone signed in, even with no account left).
     */
    sessionAccess?: 'anyone' | 'signed_in';
  }
  interface Session {
    /** The signed-in person; absent before sign-in. */
    userId?: string;
    /** The account (tenant) in use, as last chosen. */
    tenantId?: string;
    /** When the person signed in (ms): the session's absolute limit counts from here. */
    signedInAt?: number;
    _csrf?: string;
  }
}

export interface SellerSessionOptions {
  db: Database;
  now: () => number;
  /** How long a session may last after sign-in, however active. */
  absoluteMs: number;
}

export const sellerSessions = fp<SellerSessionOptions>(
  async (app, { db, now, absoluteMs }) => {
    app.decorateRequest('seller', null as unknown as SellerContext);
    // Pages that write go through the API's helpers (api/audit.ts recordedBy, api/plugins/auth.ts
    // actorOf), which read the caller from `request.principal`: a session sets it as a key would.
    app.decorateRequest('principal', null as unknown as Principal);

    app.addHook('preHandler', async (request, reply) => {
      const access = request.routeOptions.config.sessionAccess;
      const userId = await sessionUser(request, now, absoluteMs);
      if (!userId) return access === 'anyone' ? undefined : answerSignedOut(reply);
      const person = await signedInPerson(db, userId);
      if (!person) {
        await request.session.regenerate();
        return access === 'anyone' ? undefined : answerSignedOut(reply);
      }
      const account = accountInUse(person.accounts, request.session.tenantId);
      if (!account) return access === undefined ? answerNoAccount(reply, reply.generateCsrf()) : undefined;
      request.seller = {
        user: { id: person.user.id, email: person.user.email, name: person.user.name },
        accounts: person.accounts.map((a) => ({
          tenantId: a.tenantId,
          tenantName: a.tenantName,
          role: a.role,
          profileName: a.profileName,
        })),
        principal: principalOf(userId, account),
        tenantName: account.tenantName,
        csrfToken: reply.generateCsrf(),
        locale: requestLocale(request),
      };
      request.principal = request.seller.principal;
      if (access) return undefined;
      const refused = refusal(request.seller.principal, request.routeOptions.config);
      if (refused?.reason === 'undeclared')
        request.log.error({ url: request.routeOptions.url }, 'seller route declares no permission: refused');
      if (refused) return answerRefused(reply, refused);
      return undefined;
    });

    // After the session is known: a refused request never reaches the CSRF check's error page.
    app.addHook('preHandler', (request, reply, done) => {
      if (request.method === 'GET' || request.method === 'HEAD') return done();
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'seller-sessions', dependencies: ['@fastify/session', '@fastify/csrf-protection'] },
);

/**
 * The session's user, unless the session outlived its absolute limit: it is then replaced by a
 * fresh signed-out one (its row deleted), so the sign-in page can still carry a CSRF token.
 */
async function sessionUser(request: FastifyRequest, now: () => number, absoluteMs: number) {
  const { userId, signedInAt } = request.session;
  if (!userId) return null;
  if (signedInAt === undefined || now() - signedInAt >= absoluteMs) {
    await request.session.regenerate();
    return null;
  }
  return userId;
}

/** Starts a signed-in session under a new id (no fixation: an id known before sign-in is worth nothing after). */
export async function startSession(
  request: FastifyRequest,
  signIn: { userId: string; tenantId?: string | undefined; now: number },
): Promise<void> {
  await request.session.regenerate();
  request.session.userId = signIn.userId;
  request.session.signedInAt = signIn.now;
  if (signIn.tenantId) request.session.tenantId = signIn.tenantId;
}
