/**
 * Tier 5, dev server, in Chromium: the seller app as a seller meets it. `npm run dev` runs on a
 * PostgreSQL database of this test's own; the payment system's ledger goes in through the public
 * API with the dev key; the owner signs in from the link the process printed and reads the
 * overview, whose numbers must equal what this test's own SQL computes from the database; the
 * owner invites a collaborator through a profile with `reports:read` only, who sees the overview
 * but no team page, and loses the overview at the next page load once the owner unticks the
 * permission; a collaborator of two sellers switches accounts and sees the other's name and
 * numbers. Full-page screenshots of each step go to artifacts/seller-app/ (with
 * UPDATE_SCREENSHOTS=1 the overview also replaces the README's docs/images/seller-panel.png).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DunningClient, createDunningClient } from '../../../packages/api-client/src/index';
import { addDays } from '../../../domain/local-time';
import { formatAmount } from '../../../domain/messages';
import { freePort } from '../../../scripts/temporal-dev-server';
import { TEAM_COPY } from '../../../web/team/copy';
import { blockingViolations } from '../../support/axe';
import { launchChromium } from '../../support/chromium';
import { type TestDatabase, checkPostgres, openTestDatabase } from '../../support/databases';
import { type ProductProcess, startScript } from '../processes';
import { devServer, e2e, skipWithout } from '../servers';
import {
  PANEL,
  SELLER,
  type Shoot,
  acceptInvite,
  keyFigures,
  openSignInLink,
  outputMark,
  printedLink,
  signIn,
} from './seller-browser';
import { type OverviewTruth, overdueBuyers, overviewTruth } from './seller-oracle';
import { type JourneyState, type SellerLedger, purchaseOf, seedLedger } from './seller-seed';

const ARTIFACTS = new URL('../../../artifacts/seller-app/', import.meta.url).pathname;
const README_SCREENSHOT = new URL('../../../docs/images/seller-panel.png', import.meta.url).pathname;
const DEV_KEY = 'dev-key-change-me';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 800 };
const TEAM = TEAM_COPY.en;

const OWNER = { email: 'owner@pottery.example', tenantId: 'demo', tenantName: 'Pottery Studio' };
const SECOND = { email: 'owner@ceramics.example', tenantId: 'ceramics', tenantName: 'Ceramics Co' };
const COLLABORATOR = { name: 'Sam Reviewer', email: 'sam@helpers.example' };
const PROFILE = { id: 'reports_only', name: 'Reports only' };

/** Pottery Studio's ledger: every kind of installment the overview tells apart, in BRL. */
const POTTERY: SellerLedger = {
  currency: 'BRL',
  product: { id: 'wheel-course', name: 'Wheel Throwing' },
  purchases: [
    purchaseOf('ana', [-20, 12_000, 'declared_on_time'], [-5, 12_000, 'recovered'], [10, 12_000, 'upcoming']),
    // Its first installment is due before the default period: counted nowhere in it.
    purchaseOf(
      'bruno',
      [-45, 30_000, 'declared_on_time'],
      [-12, 30_000, 'reported_on_time'],
      [-3, 30_000, 'in_recovery'],
    ),
    purchaseOf('carla', [-15, 8_500, 'recovered'], [-8, 8_500, 'canceled'], [20, 9_000, 'upcoming']),
    purchaseOf('davi', [-6, 5_000, 'paid_late_without_journey'], [-2, 5_000, 'overdue']),
    purchaseOf('elisa', [-10, 15_000, 'in_recovery']),
  ],
};

/** Ceramics Co's smaller ledger, in EUR: other numbers, so a switch shows. */
const CERAMICS: SellerLedger = {
  currency: 'EUR',
  product: { id: 'glaze-course', name: 'Glazing' },
  purchases: [purchaseOf('fatima', [-10, 20_000, 'reported_on_time'], [-4, 20_000, 'in_recovery'])],
};

const chromiumPath = 'path' in e2e.chromium ? e2e.chromium.path : null;
const postgresStatus = await checkPostgres();
const skip =
  skipWithout(devServer, 'the seller app end to end') ||
  skipWithout(
    chromiumPath ? { available: true, description: chromiumPath } : { available: false, reason: 'no Chromium' },
    'the seller app in a browser',
  ) ||
  skipWithout(
    postgresStatus.available
      ? { available: true, description: 'PostgreSQL' }
      : { available: false, reason: postgresStatus.reason },
    'the seller app on PostgreSQL',
  );

const today = () => new Date().toISOString().slice(0, 10);

/** What the overview must say for the database's numbers, worded as an English reader sees them. */
function figuresOf(truth: OverviewTruth): Record<string, { value: string; detail: string }> {
  const money = (minor: number) => formatAmount(minor, truth.currency, 'en');
  const count = (n: number) => new Intl.NumberFormat('en').format(n);
  const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });
  const o = PANEL.overview;
  const of = (n: number) => o.installmentsOf({ count: count(n), expected: count(truth.expected.installments) });
  return {
    [o.efficiency]: {
      value: percent.format(truth.paidMinor / truth.expected.amountMinor),
      detail: o.efficiencyDetail({ paid: money(truth.paidMinor), expected: money(truth.expected.amountMinor) }),
    },
    [o.paidOnTime]: { value: count(truth.paidOnTime), detail: of(truth.paidOnTime) },
    [o.recovered]: { value: count(truth.recovered), detail: of(truth.recovered) },
    [o.recoveredAmount]: { value: money(truth.recoveredMinor), detail: '' },
    [o.inRecoveryNow]: {
      value: money(truth.inRecoveryNow.outstandingMinor),
      detail: o.inRecoveryDetail({
        journeys: count(truth.inRecoveryNow.journeys),
        outstanding: money(truth.inRecoveryNow.outstandingMinor),
      }),
    },
    [o.expectedUpcoming({ days: 30 })]: {
      value: money(truth.upcoming.amountMinor),
      detail: o.expectedUpcomingDetail({
        installments: count(truth.upcoming.installments),
        amount: money(truth.upcoming.amountMinor),
      }),
    },
  };
}

describe.skipIf(skip)('the seller app on `npm run dev`, in Chromium', () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  let dataDir: string;
  let dev: ProductProcess;
  let origin: string;
  /** The Temporal UI's address, as npm run dev printed it. */
  let temporalUi: string;
  let env: NodeJS.ProcessEnv;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let owner: Page;
  let collaborator: Page;

  beforeAll(async () => {
    if (!chromiumPath) throw new Error('no Chromium (CI requires the browser tests)');
    database = await openTestDatabase('postgres');
    sql = postgres(database.url!, { max: 2, onnotice: () => {} });
    dataDir = await mkdtemp(join(tmpdir(), 'dunning-seller-app-'));
    const port = await freePort();
    env = {
      DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_ADDRESS: '',
      DATABASE_URL: database.url!,
      API_KEYS: '',
      DEV_OWNER_EMAIL: OWNER.email,
    };
    dev = startScript('dev', env);
    await dev.waitFor('is ready', 120_000);
    origin = `http://localhost:${port}`;
    temporalUi = dev.output().match(/Temporal UI\s+(\S+)\/namespaces\//)![1]!;
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium(chromiumPath);
    owner = await newPerson();
    collaborator = await newPerson();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await dev?.stop('SIGINT');
    await sql?.end();
    await database?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** A browser of one's own (cookies apart); the pages' CSP forbids scripts, so axe bypasses it. */
  async function newPerson(): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    contexts.push(context);
    return context.newPage();
  }

  /** Full-page screenshots numbered in the order the flow takes them: flow-01-sign-in.png, … */
  let shots = 0;
  const shoot: Shoot = (page, step) => {
    shots += 1;
    return page.screenshot({ path: `${ARTIFACTS}flow-${String(shots).padStart(2, '0')}-${step}.png`, fullPage: true });
  };

  const api = (key: string): DunningClient => createDunningClient({ baseUrl: origin, apiKey: key });
  const journeysOf = (tenantId: string) => ({
    stateOf: async (installmentId: string) =>
      (
        await sql<JourneyState[]>`
          select j.stage, j.outcome,
            (select count(*) from attempts a where a.journey_id = j.id and a.sent_at is not null)::int as sent
          from journeys j where j.tenant_id = ${tenantId} and j.installment_id = ${installmentId}`
      )[0],
  });
  const truthOf = (tenantId: string) =>
    overviewTruth(
      sql,
      tenantId,
      { from: addDays(today(), -29), to: today() },
      { from: today(), to: addDays(today(), 29) },
    );

  /** `npm run tenant:create` against the same database: the tenant, its owner, and the owner key it prints. */
  async function createTenant(tenant: { tenantId: string; tenantName: string; email: string }): Promise<string> {
    const command = startScript('tenant:create', env, [
      '--id',
      tenant.tenantId,
      '--name',
      tenant.tenantName,
      '--owner-email',
      tenant.email,
    ]);
    const exit = await command.exited;
    expect(exit.code, command.output()).toBe(0);
    const key = command.output().match(/shown once, store it now:\s+(\S+)/)?.[1];
    expect(key, command.output()).toBeDefined();
    return key!;
  }

  async function openOverview(page: Page) {
    const response = await page.goto(`${origin}/app/overview?lang=en`);
    return response?.status();
  }

  async function refusedWith(page: Page, path: string, sentence: string) {
    const response = await page.goto(`${origin}${path}${path.includes('?') ? '&' : '?'}lang=en`);
    expect(response?.status(), path).toBe(403);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(SELLER.refusals.forbiddenTitle);
    expect(await page.textContent('main')).toContain(sentence);
  }

  it("takes the payment system's ledger through the API, and the owner signs in from the printed link", async () => {
    const dunning = api(DEV_KEY);
    const named = await dunning.PATCH('/v1/tenant', { body: { name: OWNER.tenantName } });
    expect(named.response.status).toBe(200);
    await seedLedger(dunning, POTTERY, journeysOf(OWNER.tenantId));

    await openSignInLink(owner, await printedLink(dev, 'ownerAtStart', 0), shoot);
    expect(owner.url()).toBe(`${origin}/app/overview`);
  });

  it("shows the owner the overview's numbers exactly as the database tells them", async () => {
    expect(await openOverview(owner)).toBe(200);
    const truth = await truthOf(OWNER.tenantId);
    // The seed made every kind of installment the figures tell apart; none is zero by accident.
    expect(truth).toMatchObject({ paidOnTime: 2, recovered: 2, inRecoveryNow: { journeys: 2 } });
    expect(await keyFigures(owner)).toEqual(figuresOf(truth));
    await expect.poll(() => owner.textContent('header')).toContain(OWNER.tenantName);
    // Soft: a finding is reported with the rest of the flow still run.
    expect.soft(await blockingViolations(owner)).toEqual([]);
    // The funnel's rows are the ladder's steps, numbered from 1: a payment's confirmation is no step.
    const funnel = owner.getByRole('region', { name: PANEL.charts.funnel.title({ days: 7 }) });
    expect
      .soft(await funnel.textContent())
      .not.toContain(PANEL.charts.funnel.stepLabel({ n: 0, channel: PANEL.channels.email }));
    await shoot(owner, 'owner-overview');
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await mkdir(dirname(README_SCREENSHOT), { recursive: true });
      await owner.screenshot({ path: README_SCREENSHOT, fullPage: true });
    }

    // On a phone the same figures fit the screen: nothing scrolls sideways.
    await owner.setViewportSize(PHONE);
    expect((await keyFigures(owner))[PANEL.overview.efficiency]).toEqual(figuresOf(truth)[PANEL.overview.efficiency]);
    expect.soft(await owner.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await shoot(owner, 'owner-overview-phone');
    await owner.setViewportSize(DESKTOP);
  });

  it('tracks the payments: filtered to the overdue, the table lists exactly the installments the database has overdue', async () => {
    await owner.goto(`${origin}/app/payments?lang=en`);
    await owner.getByLabel(PANEL.filters.standing).selectOption({ label: PANEL.standings.overdue });
    await owner.getByRole('button', { name: PANEL.filters.apply }).click();
    await owner.waitForURL(/standing=overdue/);
    const rows = owner.getByRole('table', { name: PANEL.tracking.caption }).locator('tbody').getByRole('row');
    // Each row names its buyer's id under the name.
    const shown = await rows.locator('small').allTextContents();
    const expected = await overdueBuyers(sql, OWNER.tenantId, { from: addDays(today(), -29), to: today() });
    expect(expected.length).toBeGreaterThan(1);
    expect(shown.sort()).toEqual([...expected].sort());
    await shoot(owner, 'owner-tracking-overdue');
  });

  it("shows a recovered payment's journey, and its link opens the workflow in the Temporal UI", async () => {
    const [journey] = await sql<{ id: string }[]>`
      select id from journeys where tenant_id = ${OWNER.tenantId} and installment_id = 'pur-ana-2'`;
    const response = await owner.goto(`${origin}/app/purchases/pur-ana/installments/2?lang=en`);
    expect(response?.status()).toBe(200);
    await owner.getByRole('heading', { name: PANEL.details.title({ product: POTTERY.product.name, n: 2 }) }).waitFor();
    const timeline = owner.getByRole('region', { name: PANEL.details.timeline }).getByRole('listitem');
    await expect
      .poll(() => timeline.allInnerTexts())
      .toContainEqual(expect.stringContaining(PANEL.details.attempt({ channel: PANEL.channels.email })));
    await shoot(owner, 'owner-payment-details');

    const inTemporal = owner.getByRole('link', { name: PANEL.details.temporal });
    const href = await inTemporal.getAttribute('href');
    expect(href).toBe(`${temporalUi}/namespaces/default/workflows/${encodeURIComponent(journey!.id)}`);
    await inTemporal.click();
    await owner.getByText(journey!.id).first().waitFor({ timeout: 30_000 });
    await shoot(owner, 'owner-temporal-ui');
  });

  it('an invited collaborator sees what the profile allows, and loses it at the next page load once the owner edits it', async () => {
    // A profile of the owner's own: reports:read and nothing else.
    await owner.goto(`${origin}/app/team/profiles/new?lang=en`);
    await owner.getByLabel(TEAM.profiles.id).fill(PROFILE.id);
    await owner.getByLabel(TEAM.profiles.name).fill(PROFILE.name);
    await owner.getByRole('checkbox', { name: TEAM.permissions['reports:read'] }).check();
    await shoot(owner, 'owner-new-profile');
    await owner.getByRole('button', { name: TEAM.profiles.create }).click();
    await expect.poll(() => owner.textContent('main')).toContain(TEAM.notices.profile_created);

    // The invite: name, email and profile on the collaborators page; the link comes out of npm run dev.
    await owner.goto(`${origin}/app/team/collaborators?lang=en`);
    await owner.getByLabel(TEAM.collaborators.name).fill(COLLABORATOR.name);
    await owner.getByLabel(TEAM.collaborators.email, { exact: true }).fill(COLLABORATOR.email);
    await owner.getByLabel(TEAM.collaborators.profile, { exact: true }).selectOption({ label: PROFILE.name });
    const mark = outputMark(dev);
    await owner.getByRole('button', { name: TEAM.collaborators.addSubmit }).click();
    await expect.poll(() => owner.textContent('main')).toContain(TEAM.notices.collaborator_invited);
    expect(await owner.textContent('main')).toContain(TEAM.collaborators.statuses.pending);
    await shoot(owner, 'owner-invited');
    const invite = await printedLink(dev, 'invite', mark);

    await acceptInvite(collaborator, invite, shoot, 'invite');
    expect(await openOverview(collaborator)).toBe(200);
    expect(await keyFigures(collaborator)).toEqual(figuresOf(await truthOf(OWNER.tenantId)));
    const nav = collaborator.getByRole('navigation', { name: SELLER.layout.navigation });
    await expect.poll(() => nav.getByRole('link', { name: SELLER.layout.overview }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: SELLER.layout.team }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: SELLER.layout.tasks }).count()).toBe(0);
    await shoot(collaborator, 'collaborator-overview');
    for (const path of ['/app/team/collaborators', '/app/team/profiles', '/app/team/keys', '/app/team/audit'])
      await refusedWith(collaborator, path, SELLER.refusals.ownerOnly);
    await shoot(collaborator, 'collaborator-refused-team');

    // The owner sees the seat active, then unticks reports:read: the very next load is refused.
    await owner.goto(`${origin}/app/team/collaborators?lang=en`);
    expect(await owner.textContent('main')).toContain(TEAM.collaborators.statuses.active);
    await editProfile(owner, { 'reports:read': false });
    await refusedWith(collaborator, '/app/overview', SELLER.refusals.missingPermission({ permission: 'reports:read' }));
    // …and the navigation stops offering what the profile no longer allows.
    for (const refused of [SELLER.layout.overview, SELLER.layout.payments])
      expect.soft(await nav.getByRole('link', { name: refused }).count(), refused).toBe(0);
    await shoot(collaborator, 'collaborator-refused-overview');

    // Ticked again, it opens again at once.
    await editProfile(owner, { 'reports:read': true });
    expect(await openOverview(collaborator)).toBe(200);
  });

  it('a collaborator of two sellers switches between them and sees each one’s name and numbers', async () => {
    const ceramicsKey = await createTenant(SECOND);
    await seedLedger(api(ceramicsKey), CERAMICS, journeysOf(SECOND.tenantId));
    const mark = outputMark(dev);
    const invited = await api(ceramicsKey).POST('/v1/collaborators', {
      body: { name: COLLABORATOR.name, email: COLLABORATOR.email, profileId: 'analyst' },
    });
    expect(invited.response.status).toBe(201);
    await acceptInvite(collaborator, await printedLink(dev, 'invite', mark), shoot, 'second-invite');

    // Accepting put the new account in use: its name, its numbers (not the first seller's).
    const [ceramics, pottery] = [figuresOf(await truthOf(SECOND.tenantId)), figuresOf(await truthOf(OWNER.tenantId))];
    expect(ceramics).not.toEqual(pottery);
    expect(await openOverview(collaborator)).toBe(200);
    await expect.poll(() => collaborator.textContent('header')).toContain(SECOND.tenantName);
    expect(await keyFigures(collaborator)).toEqual(ceramics);
    await shoot(collaborator, 'collaborator-second-account');

    await switchTo(collaborator, OWNER.tenantName);
    expect(await openOverview(collaborator)).toBe(200);
    await expect.poll(() => collaborator.textContent('header')).toContain(OWNER.tenantName);
    expect(await keyFigures(collaborator)).toEqual(pottery);
    await shoot(collaborator, 'collaborator-switched-back');
  });

  it('a person who signed out signs in again from a link asked for on the sign-in page, to every account', async () => {
    await collaborator.getByRole('button', { name: SELLER.layout.signOut }).click();
    await collaborator.goto(`${origin}/app/overview?lang=en`);
    await collaborator.getByRole('heading', { name: SELLER.signIn.title }).waitFor();
    await signIn(collaborator, origin, COLLABORATOR.email, dev, shoot);
    expect(await openOverview(collaborator)).toBe(200);
    const accounts = collaborator.getByLabel(SELLER.layout.accountInUse).getByRole('option');
    expect((await accounts.allTextContents()).sort()).toEqual([SECOND.tenantName, OWNER.tenantName].sort());
  });

  /** The owner ticks or unticks permissions of the custom profile and saves it. */
  async function editProfile(page: Page, permissions: Partial<Record<keyof typeof TEAM.permissions, boolean>>) {
    await page.goto(`${origin}/app/team/profiles/${PROFILE.id}?lang=en`);
    for (const [permission, ticked] of Object.entries(permissions) as [keyof typeof TEAM.permissions, boolean][])
      await page.getByRole('checkbox', { name: TEAM.permissions[permission] }).setChecked(ticked);
    await page.getByRole('button', { name: TEAM.profiles.save }).click();
    await expect.poll(() => page.textContent('main')).toContain(TEAM.notices.profile_updated);
  }

  /** The layout's account switcher: choose the account, press the button. */
  async function switchTo(page: Page, tenantName: string) {
    await page.getByLabel(SELLER.layout.accountInUse).selectOption({ label: tenantName });
    await page.getByRole('button', { name: SELLER.layout.switchAccount }).click();
    await expect.poll(() => page.textContent('header')).toContain(tenantName);
  }
});
