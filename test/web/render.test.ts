/**
 * Tier 4, web: the pages as a route sends them, through fastify's inject: localized amounts and
 * dates in every locale, hostile names escaped, forms that carry the CSRF token, and a problem
 * page that names nothing of the purchase.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SUPPORTED_LOCALES } from '../../domain/locales';
import { formatAmount, formatDate } from '../../domain/messages';
import type { BuyerAreaView } from '../../web/buyer-area/view';
import { LINK_PROBLEM_REASONS, WEB_COPY } from '../../web/copy';
import { renderBuyerArea, renderLinkProblem } from '../../web/plugin';
import { CURRENCY_OF, DUE_DATE_CHANGED, fixtureView, pagesApp } from './fixtures';

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
let app: FastifyInstance;
/** The view the next request to /pay/... renders. */
let view: BuyerAreaView;

beforeAll(async () => {
  app = await pagesApp((a) => {
    a.get('/pay/:token', async (_request, reply) => renderBuyerArea(reply, view));
    a.post('/pay/:token/installments/:n/partial', async (_request, reply) => renderBuyerArea(reply, view, 422));
    a.get('/problem/:reason/*', async (request, reply) =>
      renderLinkProblem(reply, { reason: (request.params as { reason: 'invalid_link' }).reason }),
    );
  });
});
afterAll(() => app.close());

async function page(url: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ url, headers });
  return { status: response.statusCode, html: response.body, headers: response.headers };
}

describe.each(SUPPORTED_LOCALES)('the payment area in %s', (locale) => {
  it('shows amounts, dates and statuses in the buyer locale and currency', async () => {
    view = fixtureView(locale, { notice: DUE_DATE_CHANGED });
    const { status, html, headers } = await page('/pay/tok3n.sig');
    const copy = WEB_COPY[locale];
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html).toContain(`<html lang="${locale}">`);
    expect(html).toContain(formatAmount(12_345, CURRENCY_OF[locale], locale));
    expect(html).toContain(formatDate('2026-03-10', locale));
    for (const status of Object.values(copy.statuses).filter((s) => s !== copy.statuses.due_today))
      expect(html).toContain(`</span> ${status}</span>`);
    expect(html).toContain(copy.notices.dueDateChanged({ n: 4, date: formatDate('2026-04-20', locale) }));
  });
});

describe('the payment area', () => {
  it('takes ?lang= over the buyer locale, and the browser language when the buyer locale is unknown', async () => {
    view = fixtureView('pt-BR');
    expect((await page('/pay/tok3n.sig?lang=es')).html).toContain('<html lang="es">');
    view = { ...fixtureView('pt-BR'), buyerLocale: 'de-DE' };
    expect((await page('/pay/tok3n.sig', { 'accept-language': 'fr-CA,fr;q=0.9' })).html).toContain('<html lang="fr">');
  });

  it('answers a posted form in the language the form was shown in, with the status the route chose', async () => {
    view = fixtureView('en', { notice: { key: 'partial_below_minimum', minimumMinor: 1_000 } });
    const response = await app.inject({
      method: 'POST',
      url: '/pay/tok3n.sig/installments/3/partial',
      payload: { lang: 'pt-BR', amount: '1' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('<html lang="pt-BR">');
    expect(response.body).toContain(formatAmount(1_000, 'USD', 'pt-BR'));
  });

  it('escapes hostile product and seller names and drops links that would run script', async () => {
    view = fixtureView('en', { productName: HOSTILE, sellerName: HOSTILE });
    view.installments[2]!.actions.payNowUrl = 'javascript:alert(3)';
    const { html } = await page('/pay/tok3n.sig');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
  });

  it('puts the CSRF token and the language in every form, and keeps the token in language links', async () => {
    view = fixtureView('fr');
    const { html } = await page('/pay/tok3n.sig?lang=fr');
    const forms = html.match(/<form[\s\S]*?<\/form>/g) ?? [];
    expect(forms).toHaveLength(3);
    for (const form of forms) {
      expect(form).toContain('<input type="hidden" name="_csrf" value="csrf-token-value">');
      expect(form).toContain('<input type="hidden" name="lang" value="fr">');
    }
    expect(html).toContain('<input id="installment-3-amount" name="amount" type="text" inputmode="decimal"');
    expect(html).toContain('type="date" min="2026-04-21" max="2026-05-10"');
    for (const locale of SUPPORTED_LOCALES) expect(html).toContain(`href="/pay/tok3n.sig?lang=${locale}"`);
  });

  it('is never cached, never sends its link as a referrer and runs no script', async () => {
    view = fixtureView('en');
    const { headers } = await page('/pay/tok3n.sig');
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['content-security-policy']).not.toContain('script-src');
  });

  it('serves its stylesheet under a content-hashed name, cacheable for good', async () => {
    view = fixtureView('en');
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec((await page('/pay/tok3n.sig')).html)?.[1];
    expect(href).toMatch(/^\/assets\/pages\.[0-9a-f]{12}\.css$/);
    const css = await app.inject({ url: href! });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toContain('immutable');
    expect(css.body).toContain(':focus-visible');
  });
});

describe('the link problem page', () => {
  it.each(LINK_PROBLEM_REASONS)('for %s is polite, localized and sent with its status', async (reason) => {
    const statuses = { invalid_link: 404, expired_link: 410, not_found: 404, too_many_requests: 429 };
    for (const locale of SUPPORTED_LOCALES) {
      const { status, html } = await page(`/problem/${reason}/tok?lang=${locale}`);
      expect(status).toBe(statuses[reason]);
      expect(html).toContain(`<html lang="${locale}">`);
      expect(html).toContain(`<h1>${WEB_COPY[locale].linkProblem[reason].title}</h1>`);
    }
  });

  it('follows Accept-Language without ?lang=', async () => {
    const { html } = await page('/problem/expired_link/tok', { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' });
    expect(html).toContain(`<h1>${WEB_COPY.es.linkProblem.expired_link.title}</h1>`);
  });

  it('shows nothing of any purchase and escapes whatever the link held', async () => {
    view = fixtureView('en');
    const { html } = await page(`/problem/invalid_link/${encodeURIComponent('"><script>x</script>')}?a="><b>`);
    for (const secret of [view.productName, view.sellerName, '123.45', 'csrf-token-value', '<form'])
      expect(html).not.toContain(secret);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
  });
});
