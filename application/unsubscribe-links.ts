/**
 * Signed, expiring one-click unsubscribe links (RFC 8058), with nothing stored: the token
 * (application/sealed-tokens.ts) carries the channel and the normalized address, encrypted so
 * the address cannot be read from the URL.
 *
 * Payload: channel (1 byte) | address (UTF-8). Its keys are derived with the kind
 * 'dunning-unsubscribe-link', as before key rotation: links sent then still open.
 */
import { type Channel, normalizeAddress } from '../domain/channels';
import { withoutTrailingSlash } from '../domain/urls';
import type { LinkKeyRing } from './link-keys';
import { linkExpiry, sealedTokens } from './sealed-tokens';

const tokens = sealedTokens('dunning-unsubscribe-link');

const CHANNEL_CODES: Readonly<Record<Channel, number>> = {
  email: 1,
  sms: 2,
  whatsapp: 3,
  assistant: 4,
  agent: 5,
  in_app: 6,
};
const CHANNEL_BY_CODE = new Map<number, Channel>(
  Object.entries(CHANNEL_CODES).map(([channel, code]) => [code, channel as Channel]),
);

export interface UnsubscribeTarget {
  channel: Channel;
  address: string;
}

export interface UnsubscribeLinkOptions {
  /** The link keys (LINK_SIGNING_SECRET, …): new links use the current one. */
  keys: LinkKeyRing;
  /** PUBLIC_BASE_URL: the public root of this API. */
  baseUrl: string;
  /** Milliseconds since the epoch (or a Date): when the link is made. */
  now: number | Date;
  /** How long the link works; 60 days by default. */
  ttlDays?: number;
}

export type UnsubscribeTokenCheck =
  | { ok: true; channel: Channel; address: string; expiresAt: number }
  | { ok: false; reason: 'malformed' | 'invalid' | 'expired' };

/** An opaque token for this channel and address, valid until `now + ttlDays`. */
export function createUnsubscribeToken(
  target: UnsubscribeTarget,
  options: Pick<UnsubscribeLinkOptions, 'keys' | 'now' | 'ttlDays'>,
): string {
  const expiresAt = linkExpiry(options.now, options.ttlDays ?? 60);
  const address = Buffer.from(normalizeAddress(target.channel, target.address), 'utf8');
  if (address.length === 0) throw new Error('an unsubscribe link needs an address');
  const payload = Buffer.concat([Buffer.from([CHANNEL_CODES[target.channel]]), address]);
  return tokens.seal(options.keys, payload, expiresAt);
}

/** `${baseUrl}/unsubscribe/${token}`: the URL for List-Unsubscribe and the message footer. */
export function createUnsubscribeUrl(target: UnsubscribeTarget, options: UnsubscribeLinkOptions): string {
  return `${withoutTrailingSlash(options.baseUrl)}/unsubscribe/${createUnsubscribeToken(target, options)}`;
}

/**
 * Whether `token` is one of ours, untouched and unexpired at `now`; if so, whom it unsubscribes.
 * `malformed`: not even shaped like a token; `invalid`: tampered, or made with another key.
 */
export function verifyUnsubscribeToken(token: string, keys: LinkKeyRing, now: number | Date): UnsubscribeTokenCheck {
  const opened = tokens.open(keys, token, now);
  if (!opened.ok) return opened;
  const channel = CHANNEL_BY_CODE.get(opened.payload[0] ?? 0);
  const address = opened.payload.subarray(1).toString('utf8');
  if (!channel || !address) return { ok: false, reason: 'invalid' };
  return { ok: true, channel, address, expiresAt: opened.expiresAt };
}
