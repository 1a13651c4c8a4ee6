/**
 * The new key's secret reaches its one page in a cookie: over plain http (PUBLIC_BASE_URL http)
 * it must not be `Secure`, or a browser drops it and the secret is never shown; on https it is.
 */
import { afterEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases';
import { type SellerHarness, seedOwner, startSellerApp } from './seller-support';

let seller: SellerHarness | undefined;
afterEach(async () => {
  await seller?.api.app.close();
  seller = undefined;
});

describeEachDatabase('the new key cookie', (getDb) => {
  it.each([
    ['http://shop.internal:3000', false],
    ['https://collect.example.com', true],
  ] as const)('over %s is Secure: %s, and the page shows the secret once', async (publicBaseUrl, secure) => {
    seller = await startSellerApp(getDb(), () => Date.now(), { trustProxy: true, sellerApp: { publicBaseUrl } });
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    // A proxy in front says https where the public URL is (the session cookie is Secure there).
    if (secure) browser.headers = { 'x-forwarded-proto': 'https' };
    await browser.signInDirectly(owner.email);
    await browser.get('/app/team/keys');
    const created = await browser.post('/app/team/keys', { name: 'Shop backend', collaboratorId: '' });
    expect(created.statusCode).toBe(303);
    const keyCookie = (created.cookies as { name: string; secure?: boolean }[]).find((c) => c.name === 'team_new_key');
    expect(keyCookie).toBeDefined();
    expect(Boolean(keyCookie!.secure)).toBe(secure);
    // Still sent beside the session cookie (the session is saved on the same answer).
    expect(browser.sessionCookie()).toBeDefined();
    const shown = await browser.get('/app/team/keys/created');
    expect(shown.body).toMatch(/<code>dk_live_[A-Za-z0-9_-]+<\/code>/);
    const reload = await browser.get('/app/team/keys/created');
    expect(reload.statusCode).toBe(303);
  });
});
