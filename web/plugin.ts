/**
 * The presentation layer of the buyer's pages as a fastify plugin: eta templates through
 * @fastify/view, the stylesheet, and the two render helpers routes call once they know what to
 * show. Routes compute a `BuyerAreaView` (data); everything worded or formatted happens here.
 *
 * The templates and the stylesheet are read from beside this module (import.meta.url), so they
 * are found from the repository with tsx and from the image: the Dockerfile copies the whole
 * source tree (`COPY . .`), web/templates and web/static included; if it ever copies selectively,
 * it must copy those two folders.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Locale } from '../domain/locales';
import { presentBuyerArea } from './buyer-area/present';
import type { BuyerAreaView } from './buyer-area/view';
import type { LinkProblemReason } from './copy';
import { LINK_PROBLEM_STATUS, presentLinkProblem } from './link-problem';
import { chooseLocale } from './locale-choice';

const TEMPLATES = fileURLToPath(new URL('./templates/', import.meta.url));
const STYLESHEET = new URL('./static/pages.css', import.meta.url);

export interface WebPagesOptions {
  /** Where the stylesheet is served ("/assets/" by default); its name carries a hash of its content. */
  assetsPrefix?: string;
  /**
   * Whether this registration serves the stylesheet (default yes). A second area registering the
   * view engine in its own scope says no: the route exists once, the URL is the same.
   */
  serveStylesheet?: boolean;
}

/**
 * Registers the view engine and serves the stylesheet. Wrapped with fastify-plugin so
 * `reply.view` reaches the routes registered beside it.
 */
export const webPages = fp<WebPagesOptions>(
  async (app, { assetsPrefix = '/assets/', serveStylesheet = true }) => {
    const css = await readFile(STYLESHEET);
    // A new stylesheet gets a new URL, so browsers may keep each one for a year.
    const stylesheet = `${assetsPrefix}pages.${createHash('sha256').update(css).digest('hex').slice(0, 12)}.css`;
    await app.register(fastifyView, {
      engine: { eta: new Eta({ views: TEMPLATES, autoEscape: true }) },
      templates: TEMPLATES,
      defaultContext: { stylesheet },
    });
    if (!serveStylesheet) return;
    app.get(stylesheet, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('content-type', 'text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(css),
    );
  },
  { name: 'web-pages', fastify: '5.x' },
);

/**
 * Sends the buyer's payment area, in the language `?lang=` (or the posted `lang`) asks for, else
 * the buyer's, else the browser's. `status` lets a POST that failed answer 4xx with the page.
 */
export function renderBuyerArea(reply: FastifyReply, view: BuyerAreaView, status = 200): FastifyReply {
  const locale = chooseLocale({ lang: requestedLang(reply.request), buyerLocale: view.buyerLocale, ...browser(reply) });
  return sendPage(reply, status, 'buyer-area', presentBuyerArea(view, locale));
}

/**
 * Sends the polite page for a link that cannot be shown (tampered, someone else's, expired, not
 * found, rate-limited). `locale` is a hint when the caller knows one without trusting the link
 * (e.g. from an expired but authentic token); `?lang=` and Accept-Language come first and after.
 */
export function renderLinkProblem(
  reply: FastifyReply,
  {
    reason,
    status = LINK_PROBLEM_STATUS[reason],
    locale,
  }: { reason: LinkProblemReason; status?: number; locale?: Locale },
): FastifyReply {
  const chosen = chooseLocale({ lang: requestedLang(reply.request), buyerLocale: locale, ...browser(reply) });
  return sendPage(reply, status, 'link-problem', presentLinkProblem(reason, chosen, reply.request.url));
}

/**
 * What a page's answer says about itself. The buyer's pages show personal data under a bearer
 * link: no referrer carries the link to the checkout, and form-action stays open (a form's route
 * may redirect to the payment provider's checkout).
 */
export interface PagePolicy {
  referrerPolicy: 'no-referrer' | 'same-origin';
  formAction: 'any' | 'self';
}

const BUYER_PAGE_POLICY: PagePolicy = { referrerPolicy: 'no-referrer', formAction: 'any' };

/** Sends a page: no cache keeps it, no search engine lists it, no other site frames it, no script runs. */
export function sendPage(
  reply: FastifyReply,
  status: number,
  template: string,
  data: object,
  policy: PagePolicy = BUYER_PAGE_POLICY,
): FastifyReply {
  const formAction = policy.formAction === 'self' ? " form-action 'self';" : '';
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', policy.referrerPolicy)
    .header('x-robots-tag', 'noindex, nofollow')
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'self'; img-src 'self';${formAction} base-uri 'none'; frame-ancestors 'none'`,
    )
    .view(template, data);
}

/** `lang` from the query, or from the posted form (every form of the area posts it). */
function requestedLang(request: FastifyRequest): unknown {
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.lang;
  const body = request.body;
  return fromQuery ?? (body && typeof body === 'object' ? (body as Record<string, unknown>).lang : undefined);
}

function browser(reply: FastifyReply): { acceptLanguage: string | undefined } {
  return { acceptLanguage: reply.request.headers['accept-language'] };
}
