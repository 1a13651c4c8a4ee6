/**
 * CONTRACT (issue 14): how a seller-app page is sent. Routes compute their page's data (already
 * worded in `request.seller.locale`) and call `renderSellerPage`; the layout
 * (web/templates/seller-layout.eta) adds the skip link, the languages, the navigation, the account
 * switcher and sign-out from `it.chrome`. A page template starts with
 * `<% layout('./seller-layout') %>` and reads its own data from `it.page` (and, signed in,
 * `it.seller`). Pages for people not signed in (sign-in, invites, refusals) use
 * `renderSignedOutPage`: the same layout without navigation.
 */
import { type AccessRule, refusal } from '../../domain/permissions';
import { EXPERIMENTS_COPY } from '../experiments/copy';
import { PANEL_ACCESS, PANEL_PATHS } from '../panel/navigation';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../domain/locales';
import { chooseLocale } from '../locale-choice';
import { type PagePolicy, sendPage } from '../plugin';
import { type PageFrame, pageFrame } from '../page-frame';
import { SELLER_COPY } from './copy';
import type { SellerContext } from './context';

export interface SellerPage {
  /** The document title (without the product name, which the layout appends). */
  title: string;
}

/** What the layout prints around a page. */
export interface SellerChrome {
  frame: PageFrame;
  product: string;
  navigationLabel: string;
  nav: { href: string; label: string; current: boolean }[];
  switcher: {
    label: string;
    button: string;
    csrfToken: string;
    options: { tenantId: string; label: string; selected: boolean }[];
  } | null;
  signOut: { label: string; csrfToken: string } | null;
}

/** The page's language: `?lang=` (or a posted `lang`), else the browser's, else English. */
export function requestLocale(request: FastifyRequest): Locale {
  const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  return chooseLocale({
    lang: (request.query as Record<string, unknown> | undefined)?.lang ?? body.lang,
    acceptLanguage: request.headers['accept-language'],
  });
}

export function renderSellerPage<P extends SellerPage>(
  reply: FastifyReply,
  template: string,
  page: P,
  status = 200,
): FastifyReply {
  const seller = reply.request.seller;
  return send(reply, template, { page, seller, chrome: signedInChrome(reply.request, seller, page.title) }, status);
}

/** A page for someone not signed in (or whose session opens no account): no navigation. */
export function renderSignedOutPage<P extends SellerPage>(
  reply: FastifyReply,
  template: string,
  page: P,
  { status = 200, signOutToken }: { status?: number; signOutToken?: string } = {},
): FastifyReply {
  const locale = requestLocale(reply.request);
  const copy = SELLER_COPY[locale].layout;
  const chrome: SellerChrome = {
    frame: pageFrame(locale, `${page.title} · ${copy.product}`, reply.request.url),
    product: copy.product,
    navigationLabel: copy.navigation,
    nav: [],
    switcher: null,
    signOut: signOutToken ? { label: copy.signOut, csrfToken: signOutToken } : null,
  };
  return send(reply, template, { page, chrome }, status);
}

function signedInChrome(request: FastifyRequest, seller: SellerContext, title: string): SellerChrome {
  const copy = SELLER_COPY[seller.locale].layout;
  const path = request.url.split('?', 1)[0]!;
  // The same rules the routes declare: the navigation offers only pages that would not refuse.
  const links: { href: string; label: string; rule: AccessRule | null }[] = [
    { href: PANEL_PATHS.overview, label: copy.overview, rule: PANEL_ACCESS.reports },
    { href: PANEL_PATHS.payments, label: copy.payments, rule: PANEL_ACCESS.reports },
    { href: PANEL_PATHS.tasks, label: copy.tasks, rule: PANEL_ACCESS.tasks },
    { href: PANEL_PATHS.experiments, label: EXPERIMENTS_COPY[seller.locale].nav, rule: PANEL_ACCESS.reports },
    { href: '/app/team', label: copy.team, rule: { ownerOnly: true } },
    { href: '/app/accounts', label: copy.accounts, rule: null },
  ];
  return {
    frame: pageFrame(seller.locale, `${title} · ${seller.tenantName}`, request.url),
    product: copy.product,
    navigationLabel: copy.navigation,
    nav: links
      .filter((l) => l.rule === null || refusal(seller.principal, l.rule) === null)
      .map(({ href, label }) => ({ href, label, current: path === href || path.startsWith(`${href}/`) })),
    switcher:
      seller.accounts.length > 1
        ? {
            label: copy.accountInUse,
            button: copy.switchAccount,
            csrfToken: seller.csrfToken,
            options: seller.accounts.map((a) => ({
              tenantId: a.tenantId,
              label: a.tenantName,
              selected: a.tenantId === seller.principal.tenantId,
            })),
          }
        : null,
    signOut: { label: copy.signOut, csrfToken: seller.csrfToken },
  };
}

/** Seller pages post their forms only here and may keep the referrer on this site. */
const SELLER_PAGE_POLICY: PagePolicy = { referrerPolicy: 'same-origin', formAction: 'self' };

function send(reply: FastifyReply, template: string, data: object, status: number): FastifyReply {
  return sendPage(reply, status, template, data, SELLER_PAGE_POLICY);
}
