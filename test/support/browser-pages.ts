/**
 * What the seller app's browser tests share: whether Chromium is there (skipped with the reason
 * printed when not, except under CI, where the file fails), the two widths every page is checked
 * at, and a page opened in a fresh context (the pages' CSP forbids scripts, so axe's injection
 * bypasses it).
 */
import type { Browser } from 'playwright-core';
import { e2e, skipWithout } from '../e2e/servers';

export const VIEWPORTS = { phone: { width: 360, height: 800 }, desktop: { width: 1280, height: 900 } } as const;

export function chromiumFor(what: string): { path: string | null; skip: boolean; missing: string } {
  const path = 'path' in e2e.chromium ? e2e.chromium.path : null;
  const missing = 'reason' in e2e.chromium ? e2e.chromium.reason : '';
  const skip = skipWithout(path ? { available: true, description: path } : { available: false, reason: missing }, what);
  return { path, skip, missing };
}

export async function openPage(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number },
  javaScriptEnabled = true,
) {
  const context = await browser.newContext({ viewport, bypassCSP: true, javaScriptEnabled });
  const page = await context.newPage();
  const response = await page.goto(url);
  return { page, status: response?.status(), close: () => context.close() };
}
