/**
 * Tier 4, web, in a real browser (Debian's Chromium through playwright-core): every Collaboration
 * Center page in every locale, at a phone's width and a desktop's, scanned by axe-core (WCAG 2.1
 * A/AA: no serious or critical issue) and checked for sideways scrolling; forms used with
 * JavaScript off (a key created and its secret shown once; a form refused with its fields named).
 * Full-page screenshots go to artifacts/seller-app/. Without Chromium the file is skipped with the
 * reason printed, except under CI, where it fails (the rule of pages.browser.test.ts).
 */
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCollaborator, createKey, createProfile } from '../../application/access';
import { ALL_PERMISSIONS } from '../../application/key-stores';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { type Locale, SUPPORTED_LOCALES } from '../../domain/locales';
import { TEAM_COPY } from '../../web/team/copy';
import { blockingViolations } from '../support/axe';
import { VIEWPORTS, chromiumFor, openPage } from '../support/browser-pages';
import { launchChromium } from '../support/chromium';
import { RecordingInvitations } from '../support/invitations';
import { OWNER_USER, TEAM_TENANT, type TeamHarness, startTeamPages } from './team-support';

const ARTIFACTS = new URL('../../artifacts/seller-app/', import.meta.url).pathname;
const PAGES = {
  profiles: '/app/team/profiles',
  'profile-new': '/app/team/profiles/new',
  'profile-edit': '/app/team/profiles/night-shift',
  'profile-built-in': '/app/team/profiles/support_agent',
  collaborators: '/app/team/collaborators',
  keys: '/app/team/keys',
  audit: '/app/team/audit',
} as const;

const chromium = chromiumFor('the Collaboration Center in a browser');

/** An account with something on every page: a custom profile, a pending person, a system, keys, a log. */
async function seed(handle: DatabaseHandle) {
  const deps = { db: handle.db, invitations: new RecordingInvitations(), now: () => new Date() };
  const caller = {
    principal: {
      tenantId: TEAM_TENANT,
      keyId: OWNER_USER,
      userId: OWNER_USER,
      role: 'owner' as const,
      permissions: ALL_PERMISSIONS,
    },
  };
  await createProfile(deps, caller, {
    id: 'night-shift',
    name: 'Night shift',
    permissions: ['journeys:read', 'journeys:pause', 'conversations:read'],
  });
  await addCollaborator(deps, caller, {
    name: 'Ana Souza',
    email: 'ana.souza@example.com',
    profileId: 'night-shift',
  });
  const system = await addCollaborator(deps, caller, { name: 'Billing service', profileId: 'payment_system' });
  if (system.kind !== 'done') throw new Error(system.kind);
  await createKey(deps, caller, { name: 'billing-prod', collaboratorId: system.value.id });
  await createKey(deps, caller, { name: 'owner-laptop' });
}

describe.skipIf(chromium.skip)('the Collaboration Center in a real browser', () => {
  let handle: DatabaseHandle;
  let team: TeamHarness;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!chromium.path) throw new Error(`${chromium.missing} (CI requires the browser tests)`);
    handle = openDatabase({ dataDir: 'memory://' });
    await handle.migrate();
    await seed(handle);
    team = await startTeamPages(handle.db);
    origin = await team.app.listen({ host: '127.0.0.1', port: 0 });
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium(chromium.path);
  });
  afterAll(async () => {
    await browser?.close();
    await team?.app.close();
    await handle?.close();
  });

  const open = (url: string, viewport: { width: number; height: number }, javaScriptEnabled = true) =>
    openPage(browser, `${origin}${url}`, viewport, javaScriptEnabled);

  describe.each(SUPPORTED_LOCALES)('in %s', (locale: Locale) => {
    it.each(Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[])(
      'every team page has no serious or critical axe issue and fits a %s',
      async (viewport) => {
        for (const [name, path] of Object.entries(PAGES)) {
          const { page, status, close } = await open(`${path}?lang=${locale}`, VIEWPORTS[viewport]);
          expect(status, name).toBe(200);
          await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
          expect(await blockingViolations(page), name).toEqual([]);
          const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
          expect(overflow, name).toBeLessThanOrEqual(0);
          await page.screenshot({
            path: `${ARTIFACTS}team-${name}-${locale}${viewport === 'phone' ? '' : '-desktop'}.png`,
            fullPage: true,
          });
          await close();
        }
      },
    );
  });

  it('creates a key: the secret is shown once, with its warning, and never on reload', async () => {
    const t = TEAM_COPY.en.keys;
    const { page, close } = await open('/app/team/keys', VIEWPORTS.phone);
    await page.getByLabel(t.name, { exact: true }).fill('from-the-browser');
    await page.getByRole('button', { name: t.createSubmit }).click();
    await page.getByRole('heading', { name: t.createdTitle }).waitFor();
    const secret = await page.locator('.team-secret code').textContent();
    expect(secret).toMatch(/^dk_live_/);
    await expect(page.getByRole('alert').textContent()).resolves.toContain(t.secretWarning);
    expect(await blockingViolations(page)).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}team-key-created-en.png`, fullPage: true });
    await page.reload();
    expect(new URL(page.url()).pathname).toBe('/app/team/keys');
    expect(await page.content()).not.toContain(secret!);
    await close();
  });

  it('refuses a form with its fields named and described, without JavaScript', async () => {
    const t = TEAM_COPY.en;
    const { page, close } = await open('/app/team/profiles/new', VIEWPORTS.phone, false);
    await page.getByLabel(t.profiles.id).fill('Pas Valide');
    await page.getByRole('button', { name: t.profiles.create }).click();
    await page.getByRole('alert').waitFor();
    const id = page.getByLabel(t.profiles.id);
    await expect(id.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#profile-id-error').textContent()).resolves.toBe(t.fieldErrors.id);
    await expect(page.locator('#profile-name-error').textContent()).resolves.toBe(t.fieldErrors.name);
    await expect(id.inputValue()).resolves.toBe('Pas Valide');
    await page.screenshot({ path: `${ARTIFACTS}team-profile-errors.png`, fullPage: true });
    await close();
  });
});
