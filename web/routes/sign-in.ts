/**
 * Signing in to the seller app by an emailed link, signing out, and accepting an invite.
 *
 *   GET  /app                        → /app/overview
 *   GET  /app/sign-in                the form (email)
 *   POST /app/sign-in                "check your email", whether or not the address is known
 *   GET  /app/sign-in/confirm?token  a button (mail scanners open GET links; only the POST signs in)
 *   POST /app/sign-in/confirm        uses the link once, starts a new session, lands on `next`
 *   POST /app/sign-out               ends the session
 *   GET  /app/invites/accept?token   the tenant and a button
 *   POST /app/invites/accept         takes the seat and signs in with that account in use
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  type SignInDeps,
  acceptInvite,
  openInvite,
  requestSignInLink,
  signInLinkUsable,
  useSignInLink,
} from '../../application/sign-in';
import { emailSchema } from '../../domain/value-schemas';
import { SELLER_COPY } from '../seller/copy';
import { renderSignedOutPage, requestLocale } from '../seller/render';
import { renderMessage } from '../seller/messages';
import { safeNextPath } from '../seller/next-path';
import { startSession } from '../seller/sessions';

export interface SignInRouteOptions extends SignInDeps {
  /** Link requests per client address per 15 minutes. */
  linkRequestsPerAddress: number;
}

const anyone = { sessionAccess: 'anyone' } as const;

/** A form field as the client sent it, when it is one string. */
export function formField(request: FastifyRequest, name: string): string | undefined {
  const body = request.body;
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function queryField(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

const signInRoutes: FastifyPluginAsync<SignInRouteOptions> = async (app, options) => {
  const { linkRequestsPerAddress, ...deps } = options;

  const signInForm = (
    reply: FastifyReply,
    {
      next,
      email = '',
      problem,
      status = 200,
      linkProblem = false,
    }: {
      next?: string | null;
      email?: string;
      problem?: string;
      status?: number;
      linkProblem?: boolean;
    },
  ) => {
    const locale = requestLocale(reply.request);
    const copy = SELLER_COPY[locale].signIn;
    return renderSignedOutPage(
      reply,
      'sign-in-form',
      {
        title: linkProblem ? copy.linkProblemTitle : copy.title,
        heading: linkProblem ? copy.linkProblemTitle : copy.title,
        intro: linkProblem ? copy.linkProblemBody : copy.intro,
        emailLabel: copy.email,
        submit: linkProblem ? copy.sendNewLink : copy.submit,
        csrfToken: reply.generateCsrf(),
        lang: locale,
        next: next ?? null,
        email,
        problem: problem ?? null,
      },
      { status },
    );
  };

  app.get('/app', { config: anyone, schema: { hide: true } }, async (_request, reply) =>
    reply.redirect('/app/overview', 303),
  );

  app.get('/app/sign-in', { config: anyone, schema: { hide: true } }, async (request, reply) =>
    signInForm(reply, { next: safeNextPath(queryField(request, 'next')) }),
  );

  app.post(
    '/app/sign-in',
    {
      config: { ...anyone, rateLimit: { max: linkRequestsPerAddress, timeWindow: 15 * 60_000 } },
      schema: { hide: true },
    },
    async (request, reply) => {
      const next = safeNextPath(formField(request, 'next'));
      const typed = (formField(request, 'email') ?? '').trim();
      const email = emailSchema.safeParse(typed);
      const locale = requestLocale(request);
      if (!email.success)
        return signInForm(reply, {
          next,
          email: typed.slice(0, 254),
          problem: SELLER_COPY[locale].signIn.emailInvalid,
          status: 400,
        });
      // Whatever happened (unknown address, over its limit, the mail provider down), the same page:
      // nobody learns from it whether an address has an account.
      await requestSignInLink(deps, { email: email.data, locale, next: next ?? undefined }).catch((err: unknown) =>
        request.log.error({ err }, 'a sign-in link could not be sent'),
      );
      const copy = SELLER_COPY[locale].signIn;
      return renderMessage(reply, { title: copy.sentTitle, heading: copy.sentTitle, lines: [copy.sentBody] }, 200);
    },
  );

  app.get('/app/sign-in/confirm', { config: anyone, schema: { hide: true } }, async (request, reply) => {
    const token = queryField(request, 'token') ?? '';
    const next = safeNextPath(queryField(request, 'next'));
    if (!(await signInLinkUsable(deps, token))) return signInForm(reply, { next, linkProblem: true, status: 410 });
    const copy = SELLER_COPY[requestLocale(request)].signIn;
    return renderSignedOutPage(reply, 'sign-in-confirm', {
      title: copy.confirmTitle,
      heading: copy.confirmTitle,
      body: copy.confirmBody,
      button: copy.confirmButton,
      action: '/app/sign-in/confirm',
      csrfToken: reply.generateCsrf(),
      token,
      next,
    });
  });

  app.post('/app/sign-in/confirm', { config: anyone, schema: { hide: true } }, async (request, reply) => {
    const next = safeNextPath(formField(request, 'next'));
    const userId = await useSignInLink(deps, formField(request, 'token') ?? '');
    if (!userId) return signInForm(reply, { next, linkProblem: true, status: 410 });
    await startSession(request, { userId, now: deps.now() });
    return reply.redirect(next ?? '/app/overview', 303);
  });

  app.post(
    '/app/sign-out',
    { config: { sessionAccess: 'signed_in' }, schema: { hide: true } },
    async (request, reply) => {
      await request.session.destroy();
      return reply.redirect('/app/sign-in', 303);
    },
  );

  const inviteProblem = (reply: FastifyReply) => {
    const copy = SELLER_COPY[requestLocale(reply.request)].invite;
    return renderMessage(
      reply,
      { title: copy.problemTitle, heading: copy.problemTitle, lines: [copy.problemBody] },
      410,
    );
  };

  app.get('/app/invites/accept', { config: anyone, schema: { hide: true } }, async (request, reply) => {
    const token = queryField(request, 'token') ?? '';
    const invite = await openInvite(deps, token);
    if (!invite) return inviteProblem(reply);
    const copy = SELLER_COPY[requestLocale(request)].invite;
    return renderSignedOutPage(reply, 'sign-in-confirm', {
      title: copy.title,
      heading: copy.title,
      body: copy.body({ tenant: invite.tenantName }),
      button: copy.accept,
      action: '/app/invites/accept',
      csrfToken: reply.generateCsrf(),
      token,
      next: null,
    });
  });

  app.post('/app/invites/accept', { config: anyone, schema: { hide: true } }, async (request, reply) => {
    const accepted = await acceptInvite(deps, formField(request, 'token') ?? '');
    if (!accepted) return inviteProblem(reply);
    await startSession(request, { userId: accepted.userId, tenantId: accepted.tenantId, now: deps.now() });
    return reply.redirect('/app/overview', 303);
  });
};

export default signInRoutes;
