/**
 * Tier 4, web, in a real browser (Debian's Chromium through playwright-core): every panel page in
 * every locale, at a phone's width and a desktop's, scanned by axe-core for WCAG 2.1 A/AA issues
 * and checked for sideways scrolling; the filters used with JavaScript off. The pages run over the
 * fixture reports behind the stand-in seller scope (test/web/panel-fixtures.ts; `?lang=` picks
 * the signed-in person's locale), the tasks over a migrated PGlite. Full-page screenshots go to
 * artifacts/seller-app/. Without Chromium the file is skipped with the reason printed, except
 * under CI, where it fails (the rule of pages.browser.test.ts).
 */
import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { openAgentTask } from '../../db/conversation-repository';
import { type Locale, SUPPORTED_LOCALES, isLocale } from '../../domain/locales';
import { PANEL_COPY } from '../../web/panel/copy';
import { blockingViolations } from '../support/axe';
import { VIEWPORTS, type Viewport, chromiumFor, openPage } from '../support/browser-pages';
import { launchChromium } from '../support/chromium';
import { TENANT, owner, panelApp } from './panel-fixtures';

const ARTIFACTS = new URL('../../artifacts/seller-app/', import.meta.url).pathname;

/** Every panel page, by the name its screenshot takes, with the status it answers. */
const PAGES = {
  overview: { url: '/app/overview?from=2026-03-01&to=2026-03-31', status: 200 },
  'overview-to-fix': { url: '/app/overview?from=2026-03-31&to=2026-03-01&country=Brazil', status: 400 },
  payments: { url: '/app/payments?cursor=abc', status: 200 },
  payment: { url: '/app/payments/inst_2', status: 200 },
  tasks: { url: '/app/tasks', status: 200 },
  'not-found': { url: '/app/purchases/pur_1/installments/0', status: 404 },
} as const;

const chromium = chromiumFor('the panel pages in a browser');

describe.skipIf(chromium.skip)('the panel pages in a real browser', () => {
  let app: FastifyInstance;
  let database: DatabaseHandle;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!chromium.path) throw new Error(`${chromium.missing} (CI requires the browser tests)`);
    database = openDatabase({ dataDir: 'memory://' });
    await database.migrate();
    const task = { tenantId: TENANT, buyerId: 'buyer_2', holdUntil: new Date('2026-03-12T08:00:00Z') };
    await openAgentTask(database.db, {
      ...task,
      id: 'task_1',
      kind: 'handoff',
      reason: 'asked_for_human',
      at: new Date('2026-03-10T08:00:00Z'),
    });
    await openAgentTask(database.db, {
      ...task,
      id: 'task_2',
      kind: 'call',
      reason: 'call_step',
      at: new Date('2026-03-11T08:00:00Z'),
    });
    app = await panelApp({
      db: database.db,
      seller: (query) => owner(typeof query.lang === 'string' && isLocale(query.lang) ? query.lang : 'en'),
    });
    origin = await app.listen({ host: '127.0.0.1', port: 0 });
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium(chromium.path);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  const open = (url: string, viewport: Viewport, javaScriptEnabled = true) =>
    openPage(browser, `${origin}${url}`, viewport, javaScriptEnabled);

  describe.each(SUPPORTED_LOCALES)('in %s', (locale: Locale) => {
    it.each(Object.keys(PAGES) as (keyof typeof PAGES)[])(
      'the %s page has no serious or critical axe issue and fits a phone and a desktop',
      async (name) => {
        for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
          const { url, status: expected } = PAGES[name];
          const { page, status, close } = await open(`${url}${url.includes('?') ? '&' : '?'}lang=${locale}`, viewport);
          expect(status).toBe(expected);
          await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
          // The charts' numbers are folded in <details>: open them so they are scanned and photographed.
          for (const summary of await page.locator('summary').all()) await summary.click();
          expect(await blockingViolations(page)).toEqual([]);
          const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
          expect(overflow, `${name} scrolls sideways at ${viewport.width}px`).toBeLessThanOrEqual(0);
          await page.screenshot({ path: `${ARTIFACTS}panel-${name}-${locale}-${viewportName}.png`, fullPage: true });
          await close();
        }
      },
      60_000,
    );
  });

  it('shows each chart as one named image', async () => {
    const { page, close } = await open('/app/overview?lang=es', VIEWPORTS.desktop);
    const copy = PANEL_COPY.es.charts;
    await expect(page.getByRole('img').count()).resolves.toBe(3);
    for (const name of [copy.curve.title, copy.funnel.title({ days: 3 }), copy.daily.title])
      await expect(page.getByRole('img', { name }).count()).resolves.toBe(1);
    await close();
  });

  it('filters with JavaScript off: the form carries the filters, and a wrong one is said next to its field', async () => {
    const { page, close } = await open('/app/payments?lang=fr', VIEWPORTS.phone, false);
    const copy = PANEL_COPY.fr;
    await page.getByLabel(copy.filters.standing).selectOption('overdue');
    await page.getByLabel(copy.filters.country).fill('F1');
    await page.getByRole('button', { name: copy.filters.apply }).click();
    await page.waitForURL(/country=F1/);
    const url = new URL(page.url());
    expect(url.searchParams.get('standing')).toBe('overdue');
    expect(url.searchParams.get('lang')).toBe('fr');
    const country = page.getByLabel(copy.filters.country);
    await expect(country.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#filter-country-error').textContent()).resolves.toContain(copy.problems.invalid_country);
    await close();
  });
});
