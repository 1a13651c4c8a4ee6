/**
 * The buyer's payment area at `/pay/<token>`: the signed link every reminder carries.
 *
 *   GET  /pay/<token>                          the page
 *   GET  /pay/<token>?go=pay|method&installment=N   "Pay now" / "Change payment method" (recorded, 303)
 *   POST /pay/<token>?intent=due-date|partial|promise&installment=N   the forms (CSRF-protected)
 *
 * The token is a wildcard, not a parameter: with long ids it outgrows the router's limit
 * (application/buyer-links.ts). A tampered, foreign or expired link gets a polite page and never
 * data. Requests are rate limited per link, forms carry a CSRF token (double-submit cookie scoped
 * to /pay), and every answer is a page: a buyer never sees JSON.
 */
import { createHash } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  type BuyerArea,
  type BuyerAreaDeps,
  askForNewDueDate,
  choosePartialAmount,
  followLink,
  openBuyerArea,
  promiseToPay,
} from '../../application/buyer-area';
import { BUYER_AREA_PATH, verifyBuyerAreaToken } from '../../application/buyer-links';
import type { LinkKeyRing } from '../../application/link-keys';
import { isLocalDate } from '../../domain/local-time';
import { parseAmountInput } from '../buyer-area/amount-input';
import type { BuyerAreaNotice } from '../buyer-area/view';
import { chooseLocale } from '../locale-choice';
import { renderBuyerArea, renderLinkProblem, webPages } from '../plugin';
import { buyerAreaView } from './buyer-area-view';

export interface BuyerAreaRouteOptions extends BuyerAreaDeps {
  /** The link keys; null when the deployment has none (the area then answers as if it did not exist). */
  linkKeys: LinkKeyRing | null;
  /** Whether the public URL is https: the CSRF cookie is then `Secure`. */
  secureCookies: boolean;
  /** Requests per minute per link (GET and POST together); forms are further limited to a fifth of it. */
  requestsPerMinute?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    buyerArea?: BuyerArea;
  }
}

const TOKEN_ROUTE = `${BUYER_AREA_PATH}*`;

const buyerAreaRoutes: FastifyPluginAsync<BuyerAreaRouteOptions> = async (app, options) => {
  const { linkKeys, secureCookies, requestsPerMinute = 60, ...deps } = options;
  await app.register(webPages);
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  await app.register(cookie);
  await app.register(csrf, {
    cookieKey: '_csrf',
    cookieOpts: { path: BUYER_AREA_PATH.slice(0, -1), sameSite: 'strict', httpOnly: true, secure: secureCookies },
  });
  await app.register(rateLimit, {
    max: requestsPerMinute,
    timeWindow: 60_000,
    // Per link: one buyer's page cannot be hammered, and nobody's link spends another's budget.
    keyGenerator: (request) => `pay:${createHash('sha256').update(tokenOf(request)).digest('base64url').slice(0, 22)}`,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`rate limit of ${context.max} per minute`), { statusCode: 429 }),
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error.statusCode === 429) return renderLinkProblem(reply, { reason: 'too_many_requests' });
    const area = request.buyerArea;
    if (area && error.code?.startsWith('FST_CSRF')) return answer(reply, area, { key: 'form_expired' }, 403);
    request.log.error({ err: error }, 'buyer area request failed');
    if (area) return answer(reply, area, { key: 'something_went_wrong' }, 503);
    return reply.code(503).type('text/plain; charset=utf-8').send('Service unavailable, please try again later.');
  });

  /** Opens the link into `request.buyerArea`, or answers with the polite page. */
  const openLink = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!linkKeys) return renderLinkProblem(reply, { reason: 'not_found' });
    const check = verifyBuyerAreaToken(tokenOf(request), linkKeys, deps.now());
    if (!check.ok)
      return renderLinkProblem(reply, { reason: check.reason === 'expired' ? 'expired_link' : 'invalid_link' });
    const area = await openBuyerArea(deps, check);
    // Someone else's purchase, or none: the same page as a tampered link, so nothing is learned.
    if (!area) return renderLinkProblem(reply, { reason: 'invalid_link' });
    request.buyerArea = area;
  };

  const answer = (reply: FastifyReply, area: BuyerArea, notice: BuyerAreaNotice | undefined, status = 200) =>
    renderBuyerArea(
      reply,
      buyerAreaView(area, {
        self: `${BUYER_AREA_PATH}${tokenOf(reply.request)}`,
        csrfToken: reply.generateCsrf(),
        notice,
      }),
      status,
    );

  app.get(TOKEN_ROUTE, { schema: { hide: true }, preHandler: openLink }, async (request, reply) => {
    const area = request.buyerArea!;
    const { go, installment } = request.query as Record<string, string | undefined>;
    if (go === 'pay' || go === 'method') {
      const url = await followLink(deps, area, Number(installment), go === 'pay' ? 'pay_now' : 'payment_method');
      if (url) return reply.redirect(url, 303);
    }
    return answer(reply, area, undefined);
  });

  app.post(
    TOKEN_ROUTE,
    {
      schema: { hide: true },
      config: { rateLimit: { max: Math.max(1, Math.floor(requestsPerMinute / 5)), timeWindow: 60_000 } },
      preHandler: [openLink, app.csrfProtection],
    },
    async (request, reply) => {
      const area = request.buyerArea!;
      const { intent, installment } = request.query as Record<string, string | undefined>;
      const form = (request.body ?? {}) as Record<string, string | undefined>;
      const number = Number(installment);
      if (intent === 'due-date') {
        const dueDate = form.dueDate ?? '';
        const answered = isLocalDate(dueDate)
          ? await askForNewDueDate(deps, area, number, dueDate)
          : ({ kind: 'refused', reason: 'invalid_date' } as const);
        if (answered.kind === 'unavailable') return answer(reply, area, { key: 'something_went_wrong' }, 409);
        if (answered.kind === 'refused')
          return answer(reply, area, { key: 'due_date_refused', reason: answered.reason }, 422);
        // Opened again: the page shows the journey's new plan.
        const moved = await openBuyerArea(deps, area.binding);
        const notice = { key: 'due_date_changed', installmentNumber: number, newDueDate: answered.dueDate } as const;
        return answer(reply, moved ?? area, notice);
      }
      if (intent === 'promise') {
        const date = form.promiseDate ?? '';
        const locale = chooseLocale({ lang: form.lang, buyerLocale: area.ledger.buyer.locale });
        const typed = form.amount?.trim() ? parseAmountInput(form.amount, area.ledger.currency, locale) : null;
        if (typed && !typed.ok) return answer(reply, area, { key: 'amount_unreadable' }, 422);
        const answered = isLocalDate(date)
          ? await promiseToPay(deps, area, number, { date, amountMinor: typed?.amountMinor })
          : ({ kind: 'refused', reason: 'invalid_date' } as const);
        if (answered.kind === 'unavailable') return answer(reply, area, { key: 'something_went_wrong' }, 409);
        if (answered.kind === 'refused')
          return answer(reply, area, { key: 'promise_refused', reason: answered.reason }, 422);
        // Opened again: the card shows the open promise instead of the form.
        const promised = await openBuyerArea(deps, area.binding);
        const notice = {
          key: 'promise_made',
          installmentNumber: number,
          date: answered.date,
          amountMinor: answered.amountMinor,
        } as const;
        return answer(reply, promised ?? area, notice);
      }
      if (intent === 'partial') {
        const locale = chooseLocale({ lang: form.lang, buyerLocale: area.ledger.buyer.locale });
        const typed = parseAmountInput(form.amount ?? '', area.ledger.currency, locale);
        if (!typed.ok) return answer(reply, area, { key: 'amount_unreadable' }, 422);
        const chosen = await choosePartialAmount(deps, area, number, typed.amountMinor);
        if (chosen.kind === 'checkout') return reply.redirect(chosen.url, 303);
        if (chosen.kind === 'unavailable') return answer(reply, area, { key: 'something_went_wrong' }, 409);
        const notice: BuyerAreaNotice =
          chosen.reason === 'below_minimum'
            ? { key: 'partial_below_minimum', minimumMinor: chosen.minimumMinor }
            : chosen.reason === 'above_balance'
              ? { key: 'partial_above_maximum', maximumMinor: chosen.maximumMinor }
              : { key: 'partial_not_allowed' };
        return answer(reply, area, notice, 422);
      }
      return answer(reply, area, undefined, 400);
    },
  );
};

function tokenOf(request: FastifyRequest): string {
  return (request.params as { '*'?: string })['*'] ?? '';
}

export default buyerAreaRoutes;
