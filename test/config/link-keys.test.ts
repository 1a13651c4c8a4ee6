/** The link keys a deployment configures (LINK_SIGNING_*), read alike by the API and the workers. */
import { describe, expect, it } from 'vitest';
import { webhookSettingsFromEnv } from '../../api/routes/webhooks/index';
import { verifyBuyerAreaToken } from '../../application/buyer-links';
import { linkKeysFromEnv } from '../../application/link-keys';
import { deliveryChannelsFromEnv } from '../../worker';

const CURRENT = 'the-current-link-secret-0123456789';
const PREVIOUS = 'the-previous-link-secret-9876543210';
const ROTATED = {
  LINK_SIGNING_SECRET: CURRENT,
  LINK_SIGNING_PREVIOUS_SECRET: PREVIOUS,
  LINK_SIGNING_PREVIOUS_UNTIL: '2027-01-31T00:00:00-03:00',
};

describe('linkKeysFromEnv', () => {
  it('without LINK_SIGNING_SECRET there are no keys, and no problem', () => {
    expect(linkKeysFromEnv({})).toEqual({ keys: null, problems: [] });
    expect(linkKeysFromEnv({ LINK_SIGNING_SECRET: '  ' })).toEqual({ keys: null, problems: [] });
  });

  it('a current key alone, or with the previous one until the end of its grace period', () => {
    const alone = linkKeysFromEnv({ LINK_SIGNING_SECRET: ` ${CURRENT} ` });
    expect(alone.problems).toEqual([]);
    expect(alone.keys).toMatchObject({ current: { secret: CURRENT }, previous: null });
    const rotated = linkKeysFromEnv(ROTATED);
    expect(rotated.problems).toEqual([]);
    expect(rotated.keys?.previous).toMatchObject({ key: { secret: PREVIOUS }, until: Date.UTC(2027, 0, 31, 3) });
    // Each key has its own id, derived from it: no secret in it.
    expect(rotated.keys!.current.id.equals(rotated.keys!.previous!.key.id)).toBe(false);
    expect(alone.keys!.current.id.equals(rotated.keys!.current.id)).toBe(true);
  });

  it.each([
    [{ LINK_SIGNING_SECRET: 'short' }, /LINK_SIGNING_SECRET must be at least 16 characters/],
    [{ ...ROTATED, LINK_SIGNING_PREVIOUS_SECRET: 'short' }, /LINK_SIGNING_PREVIOUS_SECRET must be at least 16/],
    [{ ...ROTATED, LINK_SIGNING_PREVIOUS_UNTIL: '' }, /LINK_SIGNING_PREVIOUS_UNTIL is required/],
    [
      { ...ROTATED, LINK_SIGNING_PREVIOUS_UNTIL: '2027-01-31' },
      /LINK_SIGNING_PREVIOUS_UNTIL must be an ISO 8601 instant/,
    ],
    [{ ...ROTATED, LINK_SIGNING_PREVIOUS_UNTIL: '2027-01-31T00:00:00' }, /must be an ISO 8601 instant with its offset/],
    [{ ...ROTATED, LINK_SIGNING_PREVIOUS_UNTIL: '2027-02-31T00:00:00Z' }, /LINK_SIGNING_PREVIOUS_UNTIL must be/],
    [{ ...ROTATED, LINK_SIGNING_PREVIOUS_UNTIL: 'next month' }, /LINK_SIGNING_PREVIOUS_UNTIL must be/],
    [
      { LINK_SIGNING_SECRET: CURRENT, LINK_SIGNING_PREVIOUS_UNTIL: '2027-01-31T00:00:00Z' },
      /set without LINK_SIGNING_PREVIOUS_SECRET/,
    ],
    [{ ...ROTATED, LINK_SIGNING_SECRET: '' }, /LINK_SIGNING_PREVIOUS_SECRET is set without LINK_SIGNING_SECRET/],
    [
      { ...ROTATED, LINK_SIGNING_PREVIOUS_SECRET: CURRENT },
      /LINK_SIGNING_PREVIOUS_SECRET must differ from LINK_SIGNING_SECRET/,
    ],
  ])('refuses %j, naming the variable', (env, message) => {
    const { keys, problems } = linkKeysFromEnv(env);
    expect(keys).toBeNull();
    expect(problems.join('; ')).toMatch(message);
    // The API and the workers refuse the same environment, never repeating a secret.
    for (const read of [() => deliveryChannelsFromEnv(env), () => webhookSettingsFromEnv(env)]) {
      expect(read).toThrow(message);
      expect(read).not.toThrow(new RegExp(`${CURRENT}|${PREVIOUS}`));
    }
  });

  it('the workers link reminders to the payment area with the current key, only with PUBLIC_BASE_URL', () => {
    expect(deliveryChannelsFromEnv(ROTATED).buyerAreaUrl).toBeUndefined();
    const channels = deliveryChannelsFromEnv({ ...ROTATED, PUBLIC_BASE_URL: 'https://dunning.example.com' });
    const at = Date.UTC(2026, 11, 1);
    const binding = { tenantId: 'acme', buyerId: 'buyer-1', purchaseId: 'purchase-1' };
    const url = channels.buyerAreaUrl!(binding, at, 7);
    expect(url).toMatch(/^https:\/\/dunning\.example\.com\/pay\/[A-Za-z0-9_-]+$/);
    expect(channels.buyerAreaUrl!(binding, at, 7)).toBe(url);
    const token = url.split('/').pop()!;
    const api = webhookSettingsFromEnv({ ...ROTATED, PUBLIC_BASE_URL: 'https://dunning.example.com' });
    expect(verifyBuyerAreaToken(token, api.linkKeys!, at)).toEqual({
      ok: true,
      ...binding,
      expiresAt: at + 7 * 86_400_000,
    });
    const current = linkKeysFromEnv({ LINK_SIGNING_SECRET: CURRENT }).keys!;
    expect(verifyBuyerAreaToken(token, current, at).ok).toBe(true);
  });
});
