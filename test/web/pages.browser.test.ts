/**
 * Tier 4, web, in a real browser (Debian's Chromium through playwright-core): the buyer area and
 * the link problem page in every locale, at a phone's width and a desktop's, scanned by axe-core
 * for WCAG 2.1 A/AA issues; a form posted with JavaScript off. Full-page screenshots go to
 * artifacts/buyer-area/ for CI to keep. Without Chromium the file is skipped with the reason
 * printed, except under CI, where it fails (the same rule as the end-to-end tiers).
 */
import { mkdir } from 'node:fs/promises';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Locale, SUPPORTED_LOCALES, isLocale } from '../../domain/locales';
import { formatDate } from '../../domain/messages';
import { WEB_COPY } from '../../web/copy';
import { renderBuyerArea, renderLinkProblem } from '../../web/plugin';
import { PROMISE_COPY } from '../../web/promise/copy';
import { blockingViolations } from '../support/axe';
import { VIEWPORTS, type Viewport, chromiumFor, openPage } from '../support/browser-pages';
import { launchChromium } from '../support/chromium';
import { DUE_DATE_CHANGED, fixtureView, pagesApp } from './fixtures';

const ARTIFACTS = new URL('../../artifacts/buyer-area/', import.meta.url).pathname;

const chromium = chromiumFor('the buyer pages in a browser');

describe.skipIf(chromium.skip)('the buyer pages in a real browser', () => {
  let app: FastifyInstance;
  let origin: string;
  let browser: Browser;
  const posted: Record<string, string>[] = [];

  beforeAll(async () => {
    if (!chromium.path) throw new Error(`${chromium.missing} (CI requires the browser tests)`);
    app = await pagesApp((a) => {
      void a.register(formbody);
      // The fixture purchase, seen by a buyer whose locale is in the path.
      a.get('/pay/:locale/tok3n.sig', async (request, reply) => {
        const { locale } = request.params as { locale: string };
        const notice = 'notice' in (request.query as object) ? DUE_DATE_CHANGED : undefined;
        const view = fixtureView(isLocale(locale) ? locale : 'en', { notice });
        return renderBuyerArea(reply, { ...view, paths: { self: request.url.split('?')[0]! } });
      });
      a.post('/pay/tok3n.sig/installments/:n/due-date', async (request, reply) => {
        posted.push(request.body as Record<string, string>);
        const { dueDate } = request.body as { dueDate: string };
        return renderBuyerArea(
          reply,
          fixtureView('en', { notice: { key: 'due_date_changed', installmentNumber: 4, newDueDate: dueDate } }),
        );
      });
      a.post('/pay/tok3n.sig/installments/:n/promise', async (request, reply) => {
        posted.push(request.body as Record<string, string>);
        const { promiseDate } = request.body as { promiseDate: string };
        const notice = { key: 'promise_made', installmentNumber: 4, date: promiseDate, amountMinor: 12_345 } as const;
        return renderBuyerArea(reply, fixtureView('en', { notice }));
      });
      a.get('/expired/*', async (_request, reply) => renderLinkProblem(reply, { reason: 'expired_link' }));
    });
    origin = await app.listen({ host: '127.0.0.1', port: 0 });
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium(chromium.path);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const open = (url: string, viewport: Viewport, javaScriptEnabled = true) =>
    openPage(browser, `${origin}${url}`, viewport, javaScriptEnabled);

  describe.each(SUPPORTED_LOCALES)('in %s', (locale: Locale) => {
    it.each(Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[])(
      'the payment area with a notice has no serious or critical axe issue on a %s',
      async (viewport) => {
        const { page, status, close } = await open(`/pay/${locale}/tok3n.sig?notice`, VIEWPORTS[viewport]);
        expect(status).toBe(200);
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
        // The forms are folded in <details>: open them so they are scanned and photographed too.
        for (const summary of await page.locator('summary').all()) await summary.click();
        expect(await blockingViolations(page)).toEqual([]);
        // Mobile first: nothing wider than the phone's screen.
        const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({
          path: `${ARTIFACTS}${locale}${viewport === 'phone' ? '' : '-desktop'}.png`,
          fullPage: true,
        });
        await close();
      },
    );

    it('the link problem page has no serious or critical axe issue', async () => {
      for (const viewport of Object.values(VIEWPORTS)) {
        const { page, status, close } = await open(`/expired/tok3n.sig?lang=${locale}`, viewport);
        expect(status).toBe(410);
        await expect(page.locator('h1').textContent()).resolves.toBe(WEB_COPY[locale].linkProblem.expired_link.title);
        expect(await blockingViolations(page)).toEqual([]);
        if (viewport === VIEWPORTS.phone)
          await page.screenshot({ path: `${ARTIFACTS}link-problem-${locale}.png`, fullPage: true });
        await close();
      }
    });
  });

  it('would report what it must not find (the scan is live)', async () => {
    const { page, close } = await open('/expired/x', VIEWPORTS.phone);
    await page.setContent('<html><body><p style="color:#aaa;background:#fff">faint</p><input></body></html>');
    const found = await blockingViolations(page);
    expect(found.join('\n')).toMatch(/color-contrast/);
    expect(found.join('\n')).toMatch(/label/);
    await close();
  });

  it('shows the skip link first on the keyboard, with a visible focus ring', async () => {
    const { page, close } = await open('/pay/en/tok3n.sig', VIEWPORTS.phone);
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(`(() => {
      const element = document.activeElement;
      const top = element.getBoundingClientRect().top;
      return { text: element.textContent, outline: getComputedStyle(element).outlineStyle, top };
    })()`)) as { text: string; outline: string; top: number };
    expect(focused).toMatchObject({ text: WEB_COPY.en.layout.skipToContent, outline: 'solid' });
    expect(focused.top).toBeGreaterThanOrEqual(0);
    await close();
  });

  it('switches language by link, keeping the signed token', async () => {
    const { page, close } = await open('/pay/pt-BR/tok3n.sig', VIEWPORTS.phone);
    await page.getByRole('link', { name: 'Español' }).click();
    expect(new URL(page.url()).pathname).toBe('/pay/pt-BR/tok3n.sig');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await close();
  });

  it('promises to pay with JavaScript off: the form posts the date, an empty amount, the CSRF token and the language', async () => {
    const copy = PROMISE_COPY['pt-BR'];
    const { page, close } = await open('/pay/en/tok3n.sig?lang=pt-BR', VIEWPORTS.phone, false);
    await page.locator('summary', { hasText: copy.legend }).click();
    await page.getByLabel(copy.dateLabel).fill('2026-04-30');
    await page.getByRole('button', { name: copy.submit }).click();
    await page.getByRole('status').waitFor();
    expect(posted.at(-1)).toEqual({ _csrf: 'csrf-token-value', lang: 'pt-BR', promiseDate: '2026-04-30', amount: '' });
    await expect(page.getByRole('status').textContent()).resolves.toContain(formatDate('2026-04-30', 'pt-BR'));
    await close();
  });

  it('asks for a new due date with JavaScript off: the form posts the date, the CSRF token and the language', async () => {
    const { page, close } = await open('/pay/en/tok3n.sig?lang=fr', VIEWPORTS.phone, false);
    await page.locator('summary', { hasText: WEB_COPY.fr.area.dueDateChange.legend }).click();
    await page.getByLabel(WEB_COPY.fr.area.dueDateChange.label).fill('2026-05-02');
    await page.getByRole('button', { name: WEB_COPY.fr.area.dueDateChange.submit }).click();
    await page.getByRole('status').waitFor();
    expect(posted.at(-1)).toEqual({ _csrf: 'csrf-token-value', lang: 'fr', dueDate: '2026-05-02' });
    await expect(page.getByRole('status').textContent()).resolves.toContain(formatDate('2026-05-02', 'fr'));
    await close();
  });
});
