/**
 * Tier 1: which addresses webhooks may go to (SSRF). The ranges ipaddr.js names are its own
 * tests' business; these are the addresses it calls unicast that we still refuse, and the
 * operator's switch.
 */
import { describe, expect, it } from 'vitest';
import { forbiddenAddress, hostOf, webhookUrlProblem } from '../../domain/webhook-targets';

const strict = { allowPrivate: false };
const relaxed = { allowPrivate: true };

describe('webhook targets', () => {
  it('refuses IPv4-compatible IPv6 (::/96), which embeds an IPv4 address, whatever the switch says', () => {
    for (const ip of ['::7f00:1', '::a9fe:a9fe', '::a00:1', '::808:808']) {
      expect(forbiddenAddress(ip, strict)).toBe('ipv4Compatible');
      expect(forbiddenAddress(ip, relaxed)).toBe('ipv4Compatible');
    }
    expect(webhookUrlProblem('https://[::7f00:1]/hooks', relaxed)).toBe('forbidden_address');
    // Their neighbours keep their own ranges; a public address passes.
    expect(forbiddenAddress('::1', strict)).toBe('loopback');
    expect(forbiddenAddress('::', strict)).toBe('unspecified');
    expect(forbiddenAddress('::ffff:7f00:1', strict)).toBe('loopback');
    expect(forbiddenAddress('2606:4700::1111', strict)).toBeNull();
    expect(forbiddenAddress('1.1.1.1', strict)).toBeNull();
  });

  it('allows the private ranges only with the switch', () => {
    expect(forbiddenAddress('10.0.0.1', strict)).toBe('private');
    expect(forbiddenAddress('10.0.0.1', relaxed)).toBeNull();
    expect(forbiddenAddress('169.254.169.254', relaxed)).toBeNull();
    expect(forbiddenAddress('224.0.0.1', relaxed)).toBe('multicast');
  });

  it('takes the brackets off an IPv6 literal host', () => {
    expect(hostOf(new URL('https://[::1]:8443/x'))).toBe('::1');
    expect(hostOf(new URL('https://hooks.example.com/x'))).toBe('hooks.example.com');
  });
});
