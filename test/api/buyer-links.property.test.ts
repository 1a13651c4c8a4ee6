/**
 * The tokens of buyer links (application/sealed-tokens.ts) through the payment-area links, and
 * the unsubscribe links sent before the tokens named their key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBuyerAreaToken, createBuyerAreaUrl, verifyBuyerAreaToken } from '../../application/buyer-links';
import { linkKeyRing } from '../../application/link-keys';
import type { BuyerPurchase } from '../../domain/purchase';
import { createUnsubscribeToken, verifyUnsubscribeToken } from '../../application/unsubscribe-links';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1, 12, 30, 15, 250);
const SECRET = 'payment-area-secret-for-tests-0123456789';
const KEYS = linkKeyRing(SECRET);

/** Ids as payment systems send them: our id alphabet, and emails (some use them as buyer ids). */
const id = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/),
  fc.emailAddress().filter((email) => email.length <= 128),
);
const binding: fc.Arbitrary<BuyerPurchase> = fc.record({ tenantId: id, buyerId: id, purchaseId: id });
const ttlDays = fc.integer({ min: 1, max: 90 });
const made = fc.record({ binding, ttlDays, now: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2060, 0, 1) }) });

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('payment-area links', () => {
  it('any binding round-trips, expiring ttlDays after it was made (to the second)', () => {
    fc.assert(
      fc.property(made, ({ binding, ttlDays, now }) => {
        const token = createBuyerAreaToken(binding, { keys: KEYS, now, ttlDays });
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
        const check = verifyBuyerAreaToken(token, KEYS, now);
        expect(check).toEqual({ ok: true, ...binding, expiresAt: Math.floor((now + ttlDays * DAY) / 1000) * 1000 });
      }),
    );
  });

  it('is expired at and after its expiry, and only then', () => {
    fc.assert(
      fc.property(made, fc.nat(400 * DAY), ({ binding, ttlDays, now }, later) => {
        const token = createBuyerAreaToken(binding, { keys: KEYS, now, ttlDays });
        const check = verifyBuyerAreaToken(token, KEYS, now);
        if (!check.ok) throw new Error('a fresh token must verify');
        expect(verifyBuyerAreaToken(token, KEYS, check.expiresAt - 1).ok).toBe(true);
        expect(verifyBuyerAreaToken(token, KEYS, check.expiresAt + later)).toEqual({ ok: false, reason: 'expired' });
      }),
    );
  });

  it('flipping any bit of a token makes it invalid or malformed, never a link for other data', () => {
    fc.assert(
      fc.property(binding, fc.nat(), fc.integer({ min: 0, max: 7 }), (b, at, bit) => {
        const bytes = Buffer.from(createBuyerAreaToken(b, { keys: KEYS, now: NOW, ttlDays: 30 }), 'base64url');
        bytes[at % bytes.length]! ^= 1 << bit;
        const check = verifyBuyerAreaToken(bytes.toString('base64url'), KEYS, NOW);
        expect(check.ok).toBe(false);
        if (!check.ok) expect(['invalid', 'malformed']).toContain(check.reason);
      }),
    );
  });

  it('changing any character of a token never verifies to other data', () => {
    fc.assert(
      fc.property(
        binding,
        fc.nat(),
        fc.constantFrom(...BASE64URL, '=', '.', '/', '+', ' ', '%'),
        (b, at, replacement) => {
          const token = createBuyerAreaToken(b, { keys: KEYS, now: NOW, ttlDays: 30 });
          const chars = [...token];
          chars[at % chars.length] = replacement;
          const changed = chars.join('');
          const check = verifyBuyerAreaToken(changed, KEYS, NOW);
          // The last character carries some bits past the last byte: a change there may leave the bytes equal.
          const sameBytes =
            /^[A-Za-z0-9_-]+$/.test(changed) &&
            Buffer.from(changed, 'base64url').equals(Buffer.from(token, 'base64url'));
          if (sameBytes) expect(check).toMatchObject({ ok: true, ...b });
          else expect(check.ok).toBe(false);
        },
      ),
    );
  });

  it('a token made with an unrelated secret is invalid, and so is one of another kind of link', () => {
    fc.assert(
      fc.property(binding, fc.string({ minLength: 16, maxLength: 64 }), (b, other) => {
        fc.pre(other !== SECRET);
        const foreign = createBuyerAreaToken(b, { keys: linkKeyRing(other), now: NOW, ttlDays: 30 });
        expect(verifyBuyerAreaToken(foreign, KEYS, NOW)).toEqual({ ok: false, reason: 'invalid' });
      }),
    );
    const unsubscribe = createUnsubscribeToken(
      { channel: 'email', address: 'a@example.com' },
      { keys: KEYS, now: NOW },
    );
    expect(verifyBuyerAreaToken(unsubscribe, KEYS, NOW)).toEqual({ ok: false, reason: 'invalid' });
    const area = createBuyerAreaToken(
      { tenantId: 't', buyerId: 'b', purchaseId: 'p' },
      { keys: KEYS, now: NOW, ttlDays: 30 },
    );
    expect(verifyUnsubscribeToken(area, KEYS, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('is the same for the same binding, instant and lifetime (a retried message is byte-identical), and only then', () => {
    fc.assert(
      fc.property(made, made, (one, two) => {
        const make = ({ binding, ttlDays, now }: typeof one) =>
          createBuyerAreaToken(binding, { keys: KEYS, now, ttlDays });
        expect(make(one)).toBe(make({ ...one, binding: { ...one.binding } }));
        const sameExpiry =
          Math.floor((one.now + one.ttlDays * DAY) / 1000) === Math.floor((two.now + two.ttlDays * DAY) / 1000);
        const sameBinding = JSON.stringify(one.binding) === JSON.stringify(two.binding);
        expect(make(one) === make(two)).toBe(sameExpiry && sameBinding);
      }),
    );
  });

  it('shows no id in clear, in any encoding', () => {
    const email = 'ana.souza@example.com';
    const token = createBuyerAreaToken(
      { tenantId: 'acme-courses', buyerId: email, purchaseId: 'purchase-98765' },
      { keys: KEYS, now: NOW, ttlDays: 30 },
    );
    for (const text of [email, 'ana.souza', 'acme-courses', 'purchase-98765']) {
      for (const form of [text, Buffer.from(text).toString('base64url'), encodeURIComponent(text)])
        expect(token).not.toContain(form);
      expect(Buffer.from(token, 'base64url').includes(Buffer.from(text))).toBe(false);
    }
  });

  it('is short enough for an SMS with everyday ids, and within the token limit with the longest', () => {
    const everyday = createBuyerAreaUrl(
      { tenantId: 'acme', buyerId: 'b_8f3k2a9x', purchaseId: 'p_1234567' },
      { keys: KEYS, baseUrl: 'https://pay.acme.example/', now: NOW, ttlDays: 30 },
    );
    expect(everyday.startsWith('https://pay.acme.example/pay/')).toBe(true);
    expect(everyday.length).toBeLessThan(140);
    const longest = 'x'.repeat(128);
    const token = createBuyerAreaToken(
      { tenantId: longest, buyerId: longest, purchaseId: longest },
      { keys: KEYS, now: NOW, ttlDays: 90 },
    );
    // Past fastify's 256-character parameter limit: the route must take it as a wildcard (/pay/*).
    expect(token.length).toBeGreaterThan(256);
    expect(verifyBuyerAreaToken(token, KEYS, NOW)).toMatchObject({ ok: true, buyerId: longest });
  });

  it('refuses garbage as malformed or invalid, never ok', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 1200 }), (garbage) => {
        expect(verifyBuyerAreaToken(garbage, KEYS, NOW).ok).toBe(false);
      }),
    );
    for (const garbage of ['', 'A', '../../etc/passwd', 'x'.repeat(2000)])
      expect(verifyBuyerAreaToken(garbage, KEYS, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('refuses ids it could not carry', () => {
    const options = { keys: KEYS, now: NOW, ttlDays: 30 };
    expect(() => createBuyerAreaToken({ tenantId: '', buyerId: 'b', purchaseId: 'p' }, options)).toThrow(/tenantId/);
    expect(() => createBuyerAreaToken({ tenantId: 't', buyerId: 'é'.repeat(128), purchaseId: 'p' }, options)).toThrow(
      /buyerId/,
    );
    expect(() =>
      createBuyerAreaToken({ tenantId: 't', buyerId: 'b', purchaseId: 'p' }, { ...options, ttlDays: 0 }),
    ).toThrow(/ttlDays/);
  });
});

describe('key rotation', () => {
  const OLD = 'the-secret-before-rotation-0123456789';
  const NEW = 'the-secret-after-rotation-9876543210';
  const GRACE_END = NOW + 45 * DAY;
  const before = linkKeyRing(OLD);
  const rotated = linkKeyRing(NEW, { secret: OLD, until: new Date(GRACE_END) });
  const b = { tenantId: 'acme', buyerId: 'buyer-1', purchaseId: 'purchase-1' };

  it('a token of the previous key is accepted before the grace end and refused from it on', () => {
    fc.assert(
      fc.property(fc.integer({ min: NOW, max: GRACE_END - 1 }), fc.nat(400 * DAY), (inGrace, after) => {
        const token = createBuyerAreaToken(b, { keys: before, now: NOW, ttlDays: 90 });
        expect(verifyBuyerAreaToken(token, rotated, inGrace)).toMatchObject({ ok: true, ...b });
        expect(verifyBuyerAreaToken(token, rotated, GRACE_END + after)).toEqual({ ok: false, reason: 'expired' });
      }),
    );
    // Once the previous key is dropped from the environment, its tokens are not ours.
    const token = createBuyerAreaToken(b, { keys: before, now: NOW, ttlDays: 90 });
    expect(verifyBuyerAreaToken(token, linkKeyRing(NEW), NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('new tokens use the current key: they verify without the previous one, and not with it alone', () => {
    const token = createBuyerAreaToken(b, { keys: rotated, now: NOW, ttlDays: 30 });
    expect(verifyBuyerAreaToken(token, linkKeyRing(NEW), NOW)).toMatchObject({ ok: true });
    expect(verifyBuyerAreaToken(token, before, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(token).not.toBe(createBuyerAreaToken(b, { keys: before, now: NOW, ttlDays: 30 }));
  });

  it('an expired token of the previous key stays expired in its grace period', () => {
    const token = createBuyerAreaToken(b, { keys: before, now: NOW, ttlDays: 1 });
    expect(verifyBuyerAreaToken(token, rotated, NOW + 2 * DAY)).toEqual({ ok: false, reason: 'expired' });
  });

  it('applies to unsubscribe links too', () => {
    const token = createUnsubscribeToken({ channel: 'sms', address: '+5511987654321' }, { keys: before, now: NOW });
    expect(verifyUnsubscribeToken(token, rotated, NOW + DAY)).toMatchObject({ ok: true, address: '+5511987654321' });
    expect(verifyUnsubscribeToken(token, rotated, GRACE_END)).toEqual({ ok: false, reason: 'expired' });
  });
});

describe('unsubscribe links sent before tokens named their key', () => {
  // Made by the code of commit 94818e6 (version 1: no key id, a 32-byte MAC) with this secret,
  // on 2026-11-01: the first for 60 days, the second for 30.
  const FIXTURE_SECRET = 'fixture-link-secret-0123456789';
  const MADE = Date.UTC(2026, 10, 1);
  const EMAIL =
    'Ad34h0EXupSzmU65Sy0eU1pBrYdMvClcwMED7gNZOx_rYm4SSVj8KWquLb1Id7zs0W1NgQy1ijctU8Fc3CCb84xZEqOJaFC8ir3djDu6ZY52_X0N4cYF';
  const WHATSAPP =
    'AZrRu2ZfZdo3j-8zyszg3fkEn4NDOjiAJqVdPfR_2kOKcr5IKSHuV-eHpQXIpLmPWQzdXjgHXEpymrhUaUcrKekdbS0U2EEiOTeC2_0TRYM';

  it('still verify with the key they were made with, current or previous in its grace period', () => {
    const keys = linkKeyRing(FIXTURE_SECRET);
    expect(verifyUnsubscribeToken(EMAIL, keys, MADE + DAY)).toEqual({
      ok: true,
      channel: 'email',
      address: 'ana.souza@example.com',
      expiresAt: MADE + 60 * DAY,
    });
    expect(verifyUnsubscribeToken(WHATSAPP, keys, MADE)).toEqual({
      ok: true,
      channel: 'whatsapp',
      address: '+5511987654321',
      expiresAt: MADE + 30 * DAY,
    });
    expect(verifyUnsubscribeToken(EMAIL, keys, MADE + 60 * DAY)).toEqual({ ok: false, reason: 'expired' });
    const rotated = linkKeyRing('a-newer-link-secret-0123456789', { secret: FIXTURE_SECRET, until: MADE + 10 * DAY });
    expect(verifyUnsubscribeToken(EMAIL, rotated, MADE + DAY)).toMatchObject({ ok: true, channel: 'email' });
    expect(verifyUnsubscribeToken(EMAIL, rotated, MADE + 10 * DAY)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyUnsubscribeToken(EMAIL, linkKeyRing('a-newer-link-secret-0123456789'), MADE)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('are not forged by flipping a bit', () => {
    const keys = linkKeyRing(FIXTURE_SECRET);
    const bytes = Buffer.from(EMAIL, 'base64url');
    for (let at = 0; at < bytes.length * 8; at++) {
      const changed = Buffer.from(bytes);
      changed[at >> 3]! ^= 1 << (at & 7);
      expect(verifyUnsubscribeToken(changed.toString('base64url'), keys, MADE).ok, `bit ${at}`).toBe(false);
    }
  });
});
