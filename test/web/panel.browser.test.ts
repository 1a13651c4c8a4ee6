/**
 * Tier 4, web, in a real browser (Debian's Chromium through playwright-core): every panel page in
 * every locale, at a phone's width and a desktop's, scanned by axe-core for WCAG 2.1 A/AA issues
 * and checked for sideways scrolling; the filters used with JavaScript off. The pages run over the
 * fixture reports behind the stand-in seller scope (test/web/panel-fixtures.ts; `?lang=` picks
 * the signed-in person's locale, `?as=empty` an account with nothing), the tasks and the
 * experiments over a migrated PGlite (a running experiment made through the API, with journeys in
 * every arm, and a draft rival: test/web/experiment-fixtures.ts). Full-page screenshots go to
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
import experimentRoutes from '../../web/routes/experiments';
import panelRoutes from '../../web/routes/panel';
import { VIEWPORTS, type Viewport, chromiumFor, expectUsablePage, openPage } from '../support/browser-pages';
import { launchChromium } from '../support/chromium';
import { startApi } from '../api/support';
import { LAB_TENANT, LADDER, RIVAL, payArm, seedLab, startJourneys } from './experiment-fixtures';
import { owner, panelApp } from './panel-fixtures';

const ARTIFACTS = new URL('../../artifacts/seller-app/', import.meta.url).pathname;

/** Every panel page, by the name its screenshot takes, with the status it answers. */
const PAGES = {
  overview: { url: '/app/overview?from=2026-03-01&to=2026-03-31', status: 200 },
  'overview-to-fix': { url: '/app/overview?from=2026-03-31&to=2026-03-01&country=Brazil', status: 400 },
  payments: { url: '/app/payments?cursor=abc', status: 200 },
  payment: { url: '/app/payments/inst_2', status: 200 },
  tasks: { url: '/app/tasks', status: 200 },
  'not-found': { url: '/app/purchases/pur_1/installments/0', status: 404 },
  experiments: { url: '/app/experiments', status: 200 },
  'experiments-empty': { url: '/app/experiments?as=empty', status: 200 },
  'experiment-results': { url: `/app/experiments/${LADDER.id}`, status: 200 },
  'experiment-draft': { url: `/app/experiments/${RIVAL.id}`, status: 200 },
  'experiment-not-found': { url: '/app/experiments/no-such', status: 404 },
} as const;

/** A running experiment with journeys in every arm, arm b's paid; a draft rival on the same rule. */
async function seedExperiments(handle: DatabaseHandle) {
  const api = await startApi(handle.db);
  await seedLab(api);
  expect((await api.call({ method: 'POST', url: `/v1/experiments/${LADDER.id}/start` })).statusCode).toBe(200);
  await startJourneys(api, 16);
  await payArm(api, handle.db, LADDER.id, 'b');
  await api.app.close();
}

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
    await seedExperiments(database);
    const task = { tenantId: LAB_TENANT, buyerId: 'buyer_2', holdUntil: new Date('2026-03-12T08:00:00Z') };
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
      routes: [panelRoutes, experimentRoutes],
      seller: (query) =>
        owner(
          typeof query.lang === 'string' && isLocale(query.lang) ? query.lang : 'en',
          query.as === 'empty' ? 'tenant-empty' : LAB_TENANT,
        ),
    });
    origin = await app.listen({ host: '127.0.0.1', port: 0 });
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium(chromium.path);
  }, 120_000);
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
          // The charts' numbers are folded in <details>: open them so they are scanned and photographed.
          for (const summary of await page.locator('summary').all()) await summary.click();
          await expectUsablePage(page, {
            locale,
            what: `${name} at ${viewport.width}px`,
            screenshot: `${ARTIFACTS}panel-${name}-${locale}-${viewportName}.png`,
          });
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
