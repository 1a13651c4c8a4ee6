/**
 * Tier 4, the seller app's sign-in in a real browser (Debian's Chromium through playwright-core):
 * a person signs in with JavaScript off (the form, the emailed link, the button), switches account
 * and signs out; the sign-in, "check your email", confirm, accounts and refusal pages in every
 * locale pass axe (no serious or critical WCAG 2.1 A/AA issue) and fit a 360 px phone. Screenshots
 * go to artifacts/seller-app/.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { type Locale, SUPPORTED_LOCALES } from '../../domain/locales';
import { SELLER_COPY } from '../../web/seller/copy';
import { e2e, skipWithout } from '../e2e/servers';
import { blockingViolations } from '../support/axe';
import { launchChromium } from '../support/chromium';
import { type SellerHarness, seedCollaborator, seedOwner, startSellerApp } from './seller-support';

const ARTIFACTS = new URL('../../artifacts/seller-app/', import.meta.url).pathname;
const VIEWPORTS = { phone: { width: 360, height: 800 }, desktop: { width: 1280, height: 900 } } as const;

const chromiumPath = 'path' in e2e.chromium ? e2e.chromium.path : null;
const skip = skipWithout(
  chromiumPath
    ? { available: true, description: chromiumPath }
    : { available: false, reason: 'reason' in e2e.chromium ? e2e.chromium.reason : '' },
  'the seller app in a browser',
);

describe.skipIf(skip)('seller app sign-in in a real browser', () => {
  let database: DatabaseHandle;
  let seller: SellerHarness;
  let origin: string;
  let browser: Browser;
  let shops = 0;

  beforeAll(async () => {
    if (!chromiumPath) throw new Error('Chromium is required for the browser tests');
    database = openDatabase({ dataDir: 'memory://' });
    await database.migrate();
    seller = await startSellerApp(database.db, () => Date.now(), {
      sellerApp: { publicBaseUrl: 'http://127.0.0.1' },
    });
    origin = await seller.api.app.listen({ host: '127.0.0.1', port: 0 });
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium(chromiumPath);
  });
  afterAll(async () => {
    await browser?.close();
    await seller?.api.app.close();
    await database?.close();
  });

  /** An owner of one shop who assists another (so the layout shows the account switcher). */
  async function person() {
    shops += 1;
    const owner = await seedOwner(database.db, `shop-a${shops}`, 'Loja Aurora');
    const other = await seedOwner(database.db, `shop-b${shops}`, 'Boutique Boréal');
    await seedCollaborator(database.db, other.tenantId, 'analyst', owner.email);
    return { email: owner.email, assisted: other.tenantId };
  }

  async function open(viewport: { width: number; height: number }, javaScriptEnabled = true) {
    const context = await browser.newContext({ viewport, bypassCSP: true, javaScriptEnabled });
    return { page: await context.newPage(), close: () => context.close() };
  }

  /** Signs in through the pages: the form, then the emailed link and its button. */
  async function signIn(page: Page, email: string, locale: Locale, next = '/app/accounts') {
    await page.goto(`${origin}/app/sign-in?lang=${locale}&next=${encodeURIComponent(next)}`);
    await page.getByLabel(SELLER_COPY[locale].signIn.email).fill(email);
    await page.getByRole('button', { name: SELLER_COPY[locale].signIn.submit }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe(SELLER_COPY[locale].signIn.sentTitle);
    const link = new URL(seller.mailer.sent.filter((e) => e.to === email).at(-1)!.link);
    // The emailed link opens in the browser's language (here the page's, as a person's browser would say).
    await page.goto(`${origin}${link.pathname}${link.search}&lang=${locale}`);
    await page.getByRole('button', { name: SELLER_COPY[locale].signIn.confirmButton }).click();
  }

  async function scan(page: Page, name: string) {
    expect(await blockingViolations(page), name).toEqual([]);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow, name).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
  }

  it('signs in with JavaScript off, switches account and signs out', async () => {
    const { page, close } = await open(VIEWPORTS.phone, false);
    const { email, assisted } = await person();
    await signIn(page, email, 'en');
    expect(new URL(page.url()).pathname).toBe('/app/accounts');
    await expect(page.locator('.seller-product').textContent()).resolves.toContain('Loja Aurora');
    await page.getByLabel(SELLER_COPY.en.layout.accountInUse).selectOption(assisted);
    await page.getByRole('button', { name: SELLER_COPY.en.layout.switchAccount }).click();
    await page.goto(`${origin}/app/accounts`);
    await expect(page.locator('.seller-product').textContent()).resolves.toContain('Boutique Boréal');
    await page.getByRole('button', { name: SELLER_COPY.en.layout.signOut }).click();
    expect(new URL(page.url()).pathname).toBe('/app/sign-in');
    await page.goto(`${origin}/app/accounts`);
    expect(new URL(page.url()).pathname).toBe('/app/sign-in');
    await close();
  });

  describe.each(SUPPORTED_LOCALES)('in %s', (locale: Locale) => {
    it.each(Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[])(
      'the sign-in pages have no serious or critical axe issue on a %s',
      async (viewport) => {
        const suffix = `${locale}${viewport === 'phone' ? '' : '-desktop'}`;
        const { page, close } = await open(VIEWPORTS[viewport]);
        await page.goto(`${origin}/app/sign-in?lang=${locale}`);
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
        await scan(page, `sign-in-${suffix}`);
        await page.getByRole('button', { name: SELLER_COPY[locale].signIn.submit }).click();
        await expect(page.locator('h1').textContent()).resolves.toBe(SELLER_COPY[locale].signIn.title);
        await scan(page, `sign-in-invalid-${suffix}`);
        await page.goto(`${origin}/app/sign-in/confirm?token=none-such&lang=${locale}`);
        await scan(page, `link-problem-${suffix}`);
        await signIn(page, (await person()).email, locale, `/app/accounts?lang=${locale}`);
        await expect(page.locator('h1').textContent()).resolves.toBe(SELLER_COPY[locale].accounts.title);
        await scan(page, `accounts-${suffix}`);
        await close();
      },
    );
  });
});
