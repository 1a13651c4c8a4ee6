import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_WEBHOOK_SETTINGS } from '../../api/routes/webhooks/index';
import {
  createUnsubscribeToken,
  createUnsubscribeUrl,
  verifyUnsubscribeToken,
} from '../../application/unsubscribe-links';
import { linkKeyRing } from '../../application/link-keys';
import type { Database } from '../../db/client';
import { contactPoints } from '../../db/schema';
import { describeEachDatabase } from '../support/databases';
import {
  ALL_SETTINGS,
  LINK_KEYS,
  PUBLIC_BASE_URL,
  type WebhookHarness,
  consentCalls,
  fingerprint,
  seedJourney,
  startWebhookApi,
} from './webhooks-support';

const DAY = 86_400_000;
const link = { keys: LINK_KEYS, baseUrl: PUBLIC_BASE_URL };

/** The token with one character changed (keeping it base64url). */
function tamper(token: string, at: number): string {
  const chars = token.split('');
  chars[at] = chars[at] === 'A' ? 'B' : 'A';
  return chars.join('');
}

describe('unsubscribe links', () => {
  const now = Date.UTC(2026, 10, 1);

  it('round-trips channel and normalized address, under the public base URL', () => {
    const url = createUnsubscribeUrl(
      { channel: 'email', address: '  Ana.Souza@Example.COM ' },
      { ...link, baseUrl: `${PUBLIC_BASE_URL}/`, now },
    );
    expect(url.startsWith(`${PUBLIC_BASE_URL}/unsubscribe/`)).toBe(true);
    const token = url.slice(`${PUBLIC_BASE_URL}/unsubscribe/`.length);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(token, LINK_KEYS, now + DAY)).toEqual({
      ok: true,
      channel: 'email',
      address: 'ana.souza@example.com',
      expiresAt: now + 60 * DAY,
    });
    const sms = createUnsubscribeToken(
      { channel: 'whatsapp', address: 'whatsapp:+5511987654321' },
      { keys: LINK_KEYS, now },
    );
    expect(verifyUnsubscribeToken(sms, LINK_KEYS, now)).toMatchObject({
      ok: true,
      channel: 'whatsapp',
      address: '+5511987654321',
    });
  });

  it('does not reveal the address: not in the URL, not in any encoding of it; the same link only for the same address and instant', () => {
    const address = 'ana.souza@example.com';
    const urls = [0, 1000, 2000].map((later) =>
      createUnsubscribeUrl({ channel: 'email', address }, { ...link, now: now + later }),
    );
    // A retried email is rebuilt as of its first try: the link must come out the same.
    expect(createUnsubscribeUrl({ channel: 'email', address }, { ...link, now })).toBe(urls[0]);
    expect(createUnsubscribeUrl({ channel: 'email', address: 'other@example.com' }, { ...link, now })).not.toBe(
      urls[0],
    );
    for (const url of urls) {
      const token = url.split('/').pop()!;
      for (const form of [
        address,
        'ana.souza',
        'example.com',
        Buffer.from(address).toString('base64url'),
        Buffer.from(address).toString('base64'),
        encodeURIComponent(address),
      ]) {
        expect(token).not.toContain(form);
      }
      const raw = Buffer.from(token, 'base64url');
      expect(raw.includes(Buffer.from('ana.souza'))).toBe(false);
    }
    expect(new Set(urls).size).toBe(3);
  });

  it('expires after ttlDays (60 by default)', () => {
    const token = createUnsubscribeToken({ channel: 'email', address: 'a@example.com' }, { keys: LINK_KEYS, now });
    expect(verifyUnsubscribeToken(token, LINK_KEYS, now + 60 * DAY - 1000).ok).toBe(true);
    expect(verifyUnsubscribeToken(token, LINK_KEYS, now + 60 * DAY)).toEqual({
      ok: false,
      reason: 'expired',
    });
    const short = createUnsubscribeToken(
      { channel: 'email', address: 'a@example.com' },
      { keys: LINK_KEYS, now, ttlDays: 1 },
    );
    expect(verifyUnsubscribeToken(short, LINK_KEYS, now + 2 * DAY)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses tampered tokens (any byte), other secrets and garbage', () => {
    const token = createUnsubscribeToken({ channel: 'email', address: 'a@example.com' }, { keys: LINK_KEYS, now });
    for (let at = 0; at < token.length; at++) {
      const changed = tamper(token, at);
      if (changed === token) continue;
      const result = verifyUnsubscribeToken(changed, LINK_KEYS, now);
      // The last character carries only some bits of the MAC: changing it may leave the bytes equal.
      if (Buffer.from(changed, 'base64url').equals(Buffer.from(token, 'base64url'))) continue;
      expect(result.ok, `character ${at}`).toBe(false);
    }
    expect(verifyUnsubscribeToken(token, linkKeyRing('another-secret-0123456789'), now)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(verifyUnsubscribeToken(token.slice(0, -4), LINK_KEYS, now).ok).toBe(false);
    for (const garbage of ['', 'abc', 'not a token', 'x'.repeat(2000), '../../etc/passwd', `${token}=`]) {
      expect(verifyUnsubscribeToken(garbage, LINK_KEYS, now)).toMatchObject({ ok: false });
    }
  });

  it('refuses a secret too short to sign with', () => {
    expect(() => linkKeyRing('short')).toThrow(/LINK_SIGNING_SECRET/);
  });
});

describeEachDatabase('unsubscribe routes', (getDb) => {
  let api: WebhookHarness;
  beforeAll(async () => {
    api = await startWebhookApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  let counter = 0;
  const uniqueEmail = () => `link${++counter}.${Math.random().toString(36).slice(2, 8)}@example.com`;
  const pathOf = (url: string) => url.slice(PUBLIC_BASE_URL.length);
  const urlFor = (address: string, now = Date.now()) =>
    pathOf(createUnsubscribeUrl({ channel: 'email', address }, { ...link, now }));

  async function contactPoint(db: Database, address: string) {
    const [row] = await db
      .select()
      .from(contactPoints)
      .where(and(eq(contactPoints.channel, 'email'), eq(contactPoints.address, address)));
    return row ?? null;
  }

  it('GET shows a confirm page and changes nothing (mail scanners fetch links)', async () => {
    const address = uniqueEmail();
    await seedJourney(api, { email: address });
    const before = await fingerprint(getDb(), api.gateway);
    const response = await api.inject({ method: 'GET', url: urlFor(address) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toMatch(/<form method="post">/);
    expect(response.body).not.toContain(address);
    expect(await fingerprint(getDb(), api.gateway)).toBe(before);
  });

  it('the one-click POST (RFC 8058) opts the address out across its journeys in every tenant', async () => {
    const address = uniqueEmail();
    const mine = [
      await seedJourney(api, { email: address }, 'tenant-a'),
      await seedJourney(api, { email: address }, 'tenant-b'),
    ];
    const stranger = await seedJourney(api, { email: uniqueEmail() }, 'tenant-a');
    const response = await api.inject({
      method: 'POST',
      url: urlFor(address.toUpperCase()),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(await contactPoint(getDb(), address)).toMatchObject({ optOutSource: 'link' });
    expect(consentCalls(api.gateway, mine)).toEqual(
      mine.map((j) => `optOut ${j.tenantId}/${j.installmentId} email system:unsubscribe-link`).sort(),
    );
    expect(consentCalls(api.gateway, [stranger])).toEqual([]);
  });

  it('the page’s form, a multipart one-click and a bodiless POST all work', async () => {
    for (const request of [
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        payload: 'List-Unsubscribe=One-Click',
      },
      {
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
        payload: '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n',
      },
      {},
    ]) {
      const address = uniqueEmail();
      const response = await api.inject({ method: 'POST', url: urlFor(address), ...request });
      expect(response.statusCode, JSON.stringify(request)).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect((await contactPoint(getDb(), address))?.optedOutAt).toBeInstanceOf(Date);
    }
  });

  it('a very long address still fits (the token is past the router’s parameter limit)', async () => {
    const address = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}.com`;
    const url = urlFor(address);
    expect(url.length).toBeGreaterThan(300);
    const response = await api.inject({
      method: 'POST',
      url,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(200);
    expect((await contactPoint(getDb(), address))?.optOutSource).toBe('link');
  });

  it('expired or tampered links: 403 (a page for browsers, a problem otherwise) and nothing changed', async () => {
    const address = uniqueEmail();
    await seedJourney(api, { email: address });
    const expired = urlFor(address, Date.now() - 61 * DAY);
    const valid = urlFor(address);
    const tampered = `/unsubscribe/${tamper(valid.slice('/unsubscribe/'.length), 20)}`;
    const foreign = pathOf(
      createUnsubscribeUrl(
        { channel: 'email', address },
        { ...link, keys: linkKeyRing('some-other-deployment-secret'), now: Date.now() },
      ),
    );
    const before = await fingerprint(getDb(), api.gateway);
    for (const url of [expired, tampered, foreign, '/unsubscribe/', '/unsubscribe/not-a-token', '/unsubscribe/a/b']) {
      const page = await api.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(403);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      const post = await api.inject({
        method: 'POST',
        url,
        payload: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(post.statusCode, url).toBe(403);
      expect(post.headers['content-type']).toMatch(/^application\/problem\+json/);
      const form = await api.inject({
        method: 'POST',
        url,
        payload: '',
        headers: { accept: 'text/html,application/xhtml+xml' },
      });
      expect(form.statusCode).toBe(403);
      expect(form.headers['content-type']).toMatch(/^text\/html/);
    }
    expect(await fingerprint(getDb(), api.gateway)).toBe(before);
    expect((await api.inject({ method: 'POST', url: expired })).json().detail).toMatch(/expired/);
  });

  it('without LINK_SIGNING_SECRET or PUBLIC_BASE_URL the routes answer 404 and change nothing', async () => {
    const address = uniqueEmail();
    const url = urlFor(address);
    for (const settings of [
      NO_WEBHOOK_SETTINGS,
      { ...ALL_SETTINGS, linkKeys: null },
      { ...ALL_SETTINGS, publicBaseUrl: null },
    ]) {
      const off = await startWebhookApi(getDb(), settings);
      try {
        const before = await fingerprint(getDb(), api.gateway);
        expect((await off.inject({ method: 'GET', url })).statusCode).toBe(404);
        const post = await off.inject({
          method: 'POST',
          url,
          payload: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        expect(post.statusCode).toBe(404);
        expect(post.body).not.toContain(url.slice('/unsubscribe/'.length));
        expect(await fingerprint(getDb(), api.gateway)).toBe(before);
      } finally {
        await off.app.close();
      }
    }
    expect(await contactPoint(getDb(), address)).toBeNull();
  });
});
