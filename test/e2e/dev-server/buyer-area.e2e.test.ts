/**
 * The buyer's payment area end to end: a real journey on the dev server sends its reminder to the
 * outbox with a signed link; the buyer opens that link in Chromium, sees the amounts in their
 * language, asks for a date inside the policy (the journey's update accepts it and its plan moves),
 * one beyond it (refused with the reason), pays part below the minimum (refused) and above it (the
 * payment system's checkout). The page is scanned by axe and photographed in every locale.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../api/app';
import { NO_WEBHOOK_SETTINGS } from '../../../api/routes/webhooks/index';
import { createBuyerAreaUrl } from '../../../application/buyer-links';
import { envKeyStore } from '../../../application/key-stores';
import { linkKeyRing } from '../../../application/link-keys';
import { fixedPolicies } from '../../../application/policy-catalog';
import { SUPPORTED_LOCALES } from '../../../domain/locales';
import { addDays } from '../../../domain/local-time';
import { formatAmount, formatDate } from '../../../domain/messages';
import type { Policy } from '../../../domain/policy';
import { WEB_COPY } from '../../../web/copy';
import { blockingViolations } from '../../support/axe';
import { launchChromium } from '../../support/chromium';
import { eventually } from '../eventually';
import { devServer, e2e, skipWithout } from '../servers';
import { useDevServerHarness } from './harness';
import { dueNowPolicy } from './real-time';

const ARTIFACTS = new URL('../../../artifacts/buyer-area/', import.meta.url).pathname;
const KEYS = linkKeyRing('e2e-buyer-area-link-secret');
const API_KEY = 'e2e-buyer-area-key';
const CHECKOUT = 'https://pay.example.com/checkout/{purchaseId}/{installmentNumber}?amount={amountMinor}';
const chromiumPath = 'path' in e2e.chromium ? e2e.chromium.path : null;

/** The due-now ladder, with a partial-payment minimum and a ten-day reschedule limit. */
const policy: Policy = {
  ...dueNowPolicy,
  id: 'buyer-area-now',
  partialPayments: { allowed: true, minimumMinor: 2_000 },
  reschedule: { maxDaysBeyondOriginalDue: 10, maxTimes: 2 },
};

const skip =
  skipWithout(devServer, "the buyer's payment area end to end") ||
  skipWithout(
    chromiumPath ? { available: true, description: chromiumPath } : { available: false, reason: 'no Chromium' },
    "the buyer's payment area in a browser",
  );

describe.skipIf(skip)("the buyer's payment area, from an outbox reminder, on the dev server", () => {
  let origin = '';
  const h = useDevServerHarness(
    {},
    {
      // The link the worker puts in reminders points at this test's API (its port is known once it listens).
      buyerAreaUrl: (binding, at, ttlDays) =>
        createBuyerAreaUrl(binding, { keys: KEYS, baseUrl: origin, now: at, ttlDays }),
    },
  );
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    if (!chromiumPath) throw new Error('no Chromium (CI requires the browser tests)');
    app = await buildApp({
      db: h.db,
      gateway: h.gateway,
      policies: fixedPolicies((id) => (id === policy.id ? policy : null)),
      keys: envKeyStore(`tenant-a:${API_KEY}`),
      webhooks: { ...NO_WEBHOOK_SETTINGS, linkKeys: KEYS },
    });
    origin = await app.listen({ host: '127.0.0.1', port: 0 });
    const tenant = await app.inject({
      method: 'PATCH',
      url: '/v1/tenant',
      headers: { authorization: `Bearer ${API_KEY}` },
      payload: { name: 'Pottery Studio', buyerArea: { checkoutUrlTemplate: CHECKOUT } },
    });
    expect(tenant.statusCode).toBe(200);
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium(chromiumPath);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a buyer opens the link from the reminder, moves the due date within the policy, and pays part of what is owed', async () => {
    const locale = 'es';
    const { installment, journeyId, handle } = await h.startJourney(
      { purchaseId: `pur-${Date.now()}`, buyer: { locale }, amount: { amountMinor: 10_000, currency: 'EUR' } },
      { policy },
    );
    const link = await eventually('the reminder with its link in the outbox', async () => {
      const reminder = (await h.attempts(journeyId)).find((a) => a.template === 'due_today');
      return reminder?.body.match(new RegExp(`${origin}/pay/[A-Za-z0-9_-]+`))?.[0];
    });
    const copy = WEB_COPY[locale];
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, bypassCSP: true });
    const page = await context.newPage();
    try {
      await page.goto(link);
      await expect.poll(() => page.textContent('main')).toContain('Intro to Pottery');
      const body = (await page.textContent('main'))!;
      expect(body).toContain('Pottery Studio');
      expect(body).toContain(formatAmount(10_000, 'EUR', locale));
      expect(await blockingViolations(page)).toEqual([]);

      // A date inside the policy: the journey accepts it, and its plan moves with it.
      const inside = addDays(installment.dueDate, 5);
      await submitDueDate(page, inside);
      await expect.poll(() => page.textContent('[role="status"]')).toContain(formatDate(inside, locale));
      await expect.poll(async () => (await h.status(handle)).dueDate).toBe(inside);
      expect((await h.status(handle)).reschedules).toBe(1);

      // Beyond the policy's limit (a browser without date validation sends it): refused with the reason.
      await submitDueDate(page, addDays(installment.dueDate, 30), { bypassPickerBounds: true });
      await expect.poll(() => page.textContent('[role="alert"]')).toContain(copy.notices.dueDateRefused.beyond_limit);
      expect((await h.status(handle)).dueDate).toBe(inside);

      // Part of the amount: below the minimum refused, above it to the payment system's checkout.
      await submitPartial(page, '10,00');
      await expect
        .poll(() => page.textContent('[role="alert"]'))
        .toContain(copy.notices.partialBelowMinimum({ minimum: formatAmount(2_000, 'EUR', locale) }));
      await page.route('https://pay.example.com/**', (route) => route.fulfill({ status: 200, body: 'checkout' }));
      await submitPartial(page, '25,50');
      await page.waitForURL(/pay\.example\.com/);
      expect(page.url()).toBe(`https://pay.example.com/checkout/${installment.purchaseId}/2?amount=2550`);

      // What the buyer did is on the journey's record, with the buyer as actor, and the new date is confirmed.
      await expect
        .poll(() => h.eventTypes(journeyId))
        .toEqual(expect.arrayContaining(['due_date_changed', 'buyer_action']));
      await eventually('the due-date confirmation in the outbox', async () =>
        (await h.attempts(journeyId)).find((a) => a.template === 'due_date_change_confirmation'),
      );

      // The page in every language, for the README and the reviewers; axe finds nothing serious in any.
      for (const shown of SUPPORTED_LOCALES) {
        await page.goto(`${link}?lang=${shown}`);
        expect(await blockingViolations(page), shown).toEqual([]);
        await page.screenshot({ path: `${ARTIFACTS}e2e-${shown}.png`, fullPage: true });
      }
    } finally {
      await context.close();
    }
  });
});

/** Opens the new-date form of the first installment that offers it and sends `date`. */
async function submitDueDate(page: Page, date: string, options: { bypassPickerBounds?: boolean } = {}) {
  const form = page.locator('form[action*="intent=due-date"]').first();
  await form.locator('xpath=ancestor::details').locator('summary').click();
  if (options.bypassPickerBounds) await form.evaluate((f) => f.setAttribute('novalidate', ''));
  await form.locator('input[type="date"]').fill(date);
  await Promise.all([page.waitForLoadState('load'), form.locator('button[type="submit"]').click()]);
}

async function submitPartial(page: Page, amount: string) {
  const form = page.locator('form[action*="intent=partial"]').first();
  await form.locator('xpath=ancestor::details').locator('summary').click();
  await form.locator('input[name="amount"]').fill(amount);
  await form.locator('button[type="submit"]').click();
}
