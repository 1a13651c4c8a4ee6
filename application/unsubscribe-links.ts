/**
 * Signed, expiring one-click unsubscribe links (RFC 8058; DESIGN §7 "buyer links signed and
 * expiring"), with nothing stored: the token carries the channel, the normalized address and
 * the expiry, encrypted so the address cannot be read from the URL (or from logs and
 * mail-scanner reports that keep it).
 *
 * Token layout (base64url, no padding):
 *
 *   version (1 byte) | iv (12) | AES-256-GCM ciphertext | GCM tag (16) | HMAC-SHA256 (32)
 *
 * The plaintext is expiry (uint32, seconds since the epoch) | channel (1 byte) | address (UTF-8).
 * Encrypt-then-MAC: the HMAC covers every byte before it, so channel, address and expiry are
 * signed, and it is compared in constant time before anything is decrypted. The encryption and
 * MAC keys are derived (HKDF-SHA256) from LINK_SIGNING_SECRET with distinct labels, so the one
 * secret never serves two purposes. Rotating the secret invalidates every link sent before.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { type Channel, normalizeAddress } from '../domain/channels';

const VERSION = 1;
const IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
const MAC_BYTES = 32;
const HEADER_BYTES = 1 + IV_BYTES;
const FIXED_PLAINTEXT_BYTES = 4 + 1;
/** Addresses are at most 254 characters (email); anything longer than this is not ours. */
const MAX_TOKEN_CHARS = 1024;
const DAY_MS = 86_400_000;

const CHANNEL_CODES: Readonly<Record<Channel, number>> = { email: 1, sms: 2, whatsapp: 3 };
const CHANNEL_BY_CODE = new Map<number, Channel>(
  Object.entries(CHANNEL_CODES).map(([channel, code]) => [code, channel as Channel]),
);

/** The shortest LINK_SIGNING_SECRET the API and the workers accept. */
export const MIN_LINK_SECRET_LENGTH = 16;

export interface UnsubscribeTarget {
  channel: Channel;
  address: string;
}

export interface UnsubscribeLinkOptions {
  /** LINK_SIGNING_SECRET. */
  secret: string;
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

interface Keys {
  encryption: Buffer;
  mac: Buffer;
  iv: Buffer;
}

const derived = new Map<string, Keys>();

function keysFor(secret: string): Keys {
  if (secret.length < MIN_LINK_SECRET_LENGTH)
    throw new Error(`LINK_SIGNING_SECRET must be at least ${MIN_LINK_SECRET_LENGTH} characters`);
  let keys = derived.get(secret);
  if (!keys) {
    const derive = (label: string) => Buffer.from(hkdfSync('sha256', secret, 'dunning-unsubscribe-link', label, 32));
    keys = { encryption: derive('v1 encryption'), mac: derive('v1 mac'), iv: derive('v1 iv') };
    if (derived.size > 8) derived.clear();
    derived.set(secret, keys);
  }
  return keys;
}

function mac(key: Buffer, bytes: Buffer): Buffer {
  return createHmac('sha256', key).update(bytes).digest();
}

const millis = (now: number | Date) => (typeof now === 'number' ? now : now.getTime());

/** An opaque token for this channel and address, valid until `now + ttlDays`. */
export function createUnsubscribeToken(
  target: UnsubscribeTarget,
  options: Pick<UnsubscribeLinkOptions, 'secret' | 'now' | 'ttlDays'>,
): string {
  const ttlDays = options.ttlDays ?? 60;
  if (!(ttlDays > 0)) throw new Error('ttlDays must be positive');
  const keys = keysFor(options.secret);
  const expiresAt = Math.floor((millis(options.now) + ttlDays * DAY_MS) / 1000);
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0 || expiresAt > 0xffffffff)
    throw new Error('the link expiry is out of range');
  const address = Buffer.from(normalizeAddress(target.channel, target.address), 'utf8');
  if (address.length === 0) throw new Error('an unsubscribe link needs an address');
  const plaintext = Buffer.alloc(FIXED_PLAINTEXT_BYTES + address.length);
  plaintext.writeUInt32BE(expiresAt, 0);
  plaintext.writeUInt8(CHANNEL_CODES[target.channel], 4);
  address.copy(plaintext, FIXED_PLAINTEXT_BYTES);

  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(VERSION, 0);
  // A synthetic IV (a MAC of the plaintext, as in SIV): the same address and expiry always give
  // the same token, so a re-sent email is byte-identical (Resend's Idempotency-Key refuses a
  // changed payload). An IV repeats only with its plaintext, so GCM never reuses a nonce on
  // different data.
  mac(keys.iv, plaintext).copy(header, 1, 0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, header.subarray(1), { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(header.subarray(0, 1));
  const body = Buffer.concat([header, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([body, mac(keys.mac, body)]).toString('base64url');
}

/** `${baseUrl}/unsubscribe/${token}`: the URL for List-Unsubscribe and the message footer. */
export function createUnsubscribeUrl(target: UnsubscribeTarget, options: UnsubscribeLinkOptions): string {
  return `${options.baseUrl.replace(/\/+$/, '')}/unsubscribe/${createUnsubscribeToken(target, options)}`;
}

/**
 * Whether `token` is one of ours, untouched and unexpired at `now`; if so, whom it unsubscribes.
 * `malformed`: not even shaped like a token; `invalid`: tampered, or made with another secret.
 */
export function verifyUnsubscribeToken(token: string, secret: string, now: number | Date): UnsubscribeTokenCheck {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token))
    return { ok: false, reason: 'malformed' };
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length < HEADER_BYTES + FIXED_PLAINTEXT_BYTES + 1 + GCM_TAG_BYTES + MAC_BYTES)
    return { ok: false, reason: 'malformed' };
  if (bytes.readUInt8(0) !== VERSION) return { ok: false, reason: 'invalid' };
  const keys = keysFor(secret);
  const body = bytes.subarray(0, bytes.length - MAC_BYTES);
  const given = bytes.subarray(bytes.length - MAC_BYTES);
  if (!timingSafeEqual(given, mac(keys.mac, body))) return { ok: false, reason: 'invalid' };

  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.encryption, body.subarray(1, HEADER_BYTES), {
      authTagLength: GCM_TAG_BYTES,
    });
    decipher.setAAD(body.subarray(0, 1));
    decipher.setAuthTag(body.subarray(body.length - GCM_TAG_BYTES));
    plaintext = Buffer.concat([
      decipher.update(body.subarray(HEADER_BYTES, body.length - GCM_TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const channel = CHANNEL_BY_CODE.get(plaintext.readUInt8(4));
  const address = plaintext.subarray(FIXED_PLAINTEXT_BYTES).toString('utf8');
  if (!channel || !address) return { ok: false, reason: 'invalid' };
  const expiresAt = plaintext.readUInt32BE(0) * 1000;
  if (millis(now) >= expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, channel, address, expiresAt };
}
