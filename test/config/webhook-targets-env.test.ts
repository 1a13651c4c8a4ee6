/**
 * The operator's switch for private webhook targets (README, "Outbound webhooks"): read once at
 * start, a wrong value stops the API with the variable's name; and the URL check's own resolver,
 * the system's, on names that need no network.
 */
import { describe, expect, it } from 'vitest';
import { apiSettingsFromEnv } from '../../api/settings';
import { allowPrivateTargetsFromEnv, webhookUrlRefusal } from '../../application/webhook-url-check';

describe('WEBHOOKS_ALLOW_PRIVATE_TARGETS', () => {
  it('is off unless set to true', () => {
    expect(allowPrivateTargetsFromEnv({})).toBe(false);
    expect(allowPrivateTargetsFromEnv({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: '' })).toBe(false);
    expect(allowPrivateTargetsFromEnv({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'false' })).toBe(false);
    expect(allowPrivateTargetsFromEnv({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' })).toBe(true);
    expect(apiSettingsFromEnv({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' }).allowPrivateWebhookTargets).toBe(true);
  });

  it('stops the API with the variable named when it is neither true nor false', () => {
    expect(() => apiSettingsFromEnv({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'yes' })).toThrow(
      /WEBHOOKS_ALLOW_PRIVATE_TARGETS must be "true" or "false"/,
    );
  });
});

describe('the URL check with the system resolver', () => {
  it('refuses a name that cannot resolve (.invalid never does)', async () => {
    const refusal = await webhookUrlRefusal('https://receiver.invalid/hooks', { allowPrivate: false });
    expect(refusal).toMatch(/does not resolve/);
  });

  it('accepts a public IP literal without resolving, and refuses a private one unless allowed', async () => {
    expect(await webhookUrlRefusal('https://93.184.215.14/hooks', { allowPrivate: false })).toBeNull();
    expect(await webhookUrlRefusal('https://[::1]/hooks', { allowPrivate: false })).toMatch(
      /private address \(loopback\)/,
    );
    expect(await webhookUrlRefusal('https://[::1]/hooks', { allowPrivate: true })).toBeNull();
  });
});
