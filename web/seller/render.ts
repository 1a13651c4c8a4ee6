/**
 * CONTRACT (issue 14): how a seller-app page is sent. Routes compute their page's data (already
 * worded in `request.seller.locale`) and call this; the layout (web/templates/seller-layout.eta)
 * adds the navigation, the account switcher and sign-out from `request.seller`. A page template
 * starts with `<% layout('./seller-layout') %>` and reads its own data from `it.page`.
 *
 * The sign-in work owns this file and the layout; this first version is the stub the other
 * pages are built against.
 */
import type { FastifyReply } from 'fastify';

export interface SellerPage {
  /** The document title (without the product name, which the layout appends). */
  title: string;
}

export function renderSellerPage<P extends SellerPage>(
  reply: FastifyReply,
  template: string,
  page: P,
  status = 200,
): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'same-origin')
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    )
    .view(template, { page, seller: reply.request.seller });
}
