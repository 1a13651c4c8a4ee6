/**
 * What every browser test file of the web pages shares: Debian's Chromium or the reason it is
 * missing (skipped with the reason printed, except under CI, where the file fails), the two
 * widths pages are checked at, and opening a page in a fresh context.
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { blockingViolations } from './axe';
import { e2e, skipWithout } from '../e2e/servers';

export const VIEWPORTS = { phone: { width: 360, height: 800 }, desktop: { width: 1280, height: 900 } } as const;
export type Viewport = { width: number; height: number };

export interface ChromiumPlan {
  path: string | null;
  /** Why there is no Chromium ('' when there is one). */
  missing: string;
  skip: boolean;
}

export function chromiumFor(what: string): ChromiumPlan {
  const path = 'path' in e2e.chromium ? e2e.chromium.path : null;
  const missing = 'reason' in e2e.chromium ? e2e.chromium.reason : '';
  const skip = skipWithout(path ? { available: true, description: path } : { available: false, reason: missing }, what);
  return { path, missing, skip };
}

/** A page in a fresh context; the pages' CSP forbids scripts, so axe's injection bypasses it. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport: Viewport,
  javaScriptEnabled = true,
): Promise<{ page: Page; status: number | undefined; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport, bypassCSP: true, javaScriptEnabled });
  const page = await context.newPage();
  const response = await page.goto(url);
  return { page, status: response?.status(), close: () => context.close() };
}

/**
 * What every page must be wherever it is opened: in the asked language, without a serious or
 * critical axe issue, without sideways scrolling at the viewport's width; then photographed.
 */
export async function expectUsablePage(
  page: Page,
  { locale, what, screenshot }: { locale: string; what: string; screenshot: string },
): Promise<void> {
  await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
  expect(await blockingViolations(page), what).toEqual([]);
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow, `${what} scrolls sideways`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshot, fullPage: true });
}
