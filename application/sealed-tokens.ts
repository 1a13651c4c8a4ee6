/**
 * Sealed tokens: the one rule for every buyer link we send (unsubscribe, payment area; DESIGN §7
 * "buyer links signed and expiring"). A token carries its own data and expiry, encrypted so
 * nothing personal can be read from the URL (or from logs and mail-scanner reports that keep
 * it), and signed so nothing in it can be changed: nothing is stored.
 *
 * Token layout (base64url, no padding):
 *
 *   version 2 (1 byte) | key id (4) | iv (12) | AES-256-GCM ciphertext | GCM tag (16) | HMAC-SHA256 (first 16)
 *
 * The plaintext is expiry (uint32, seconds since the epoch) | payload (the link kind's bytes).
 * Encrypt-then-MAC: the HMAC covers every byte before it and is compared in constant time before
 * anything is decrypted. The MAC is cut to 128 bits (as in RFC 4868) to keep links short in an
 * SMS. The key id says which key of the ring sealed the token, so opening is one MAC.
 *
 * Version 1 (unsubscribe links sent before key rotation) has no key id and a full 32-byte MAC;
 * it is still opened, trying the current key and then the previous one in its grace period.
 *
 * Encryption, MAC and IV keys are derived (HKDF-SHA256) from the secret with the link kind as
 * salt: one secret never serves two purposes, and a token of one kind never opens as another.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { KEY_ID_BYTES, type LinkKey, type LinkKeyRing } from './link-keys';

const VERSION = 2;
const LEGACY_VERSION = 1;
const IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
const EXPIRY_BYTES = 4;
/** Where each version keeps its key id and MAC. */
const LAYOUT: Readonly<Record<number, { keyIdBytes: number; macBytes: number }>> = {
  [LEGACY_VERSION]: { keyIdBytes: 0, macBytes: 32 },
  [VERSION]: { keyIdBytes: KEY_ID_BYTES, macBytes: 16 },
};
/** Longer than any token we make (ids and addresses are bounded); anything longer is not ours. */
const MAX_TOKEN_CHARS = 1024;
const DAY_MS = 86_400_000;

export type OpenedToken =
  { ok: true; payload: Buffer; expiresAt: number } | { ok: false; reason: 'malformed' | 'invalid' | 'expired' };

export interface SealedTokens {
  /** A token for `payload`, valid until `expiresAt` (ms, kept to the second); the same inputs give the same token. */
  seal(keys: LinkKeyRing, payload: Uint8Array, expiresAt: number): string;
  /**
   * The payload, if `token` is one of ours, untouched and unexpired at `now`. `malformed`: not even
   * shaped like a token; `invalid`: tampered, another kind of link, or made with a key not in the ring.
   */
  open(keys: LinkKeyRing, token: string, now: number | Date): OpenedToken;
}

interface DerivedKeys {
  encryption: Buffer;
  mac: Buffer;
  iv: Buffer;
}

const millis = (instant: number | Date) => (typeof instant === 'number' ? instant : instant.getTime());

/** When a link made at `now` stops working: `ttlDays` later. */
export function linkExpiry(now: number | Date, ttlDays: number): number {
  if (!(ttlDays > 0)) throw new Error('ttlDays must be positive');
  return millis(now) + ttlDays * DAY_MS;
}

function mac(key: Buffer, ...parts: Buffer[]): Buffer {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** Sealing and opening for one kind of link; `kind` is the HKDF salt (unsubscribe: 'dunning-unsubscribe-link'). */
export function sealedTokens(kind: string): SealedTokens {
  const derived = new Map<string, DerivedKeys>();

  function keysOf(key: LinkKey): DerivedKeys {
    let keys = derived.get(key.secret);
    if (!keys) {
      // The labels name the key generation, not the token version: version 1 and 2 share them.
      const derive = (label: string) => Buffer.from(hkdfSync('sha256', key.secret, kind, label, 32));
      keys = { encryption: derive('v1 encryption'), mac: derive('v1 mac'), iv: derive('v1 iv') };
      if (derived.size > 8) derived.clear();
      derived.set(key.secret, keys);
    }
    return keys;
  }

  function seal(ring: LinkKeyRing, payload: Uint8Array, expiresAt: number): string {
    const seconds = Math.floor(expiresAt / 1000);
    if (!Number.isSafeInteger(seconds) || seconds <= 0 || seconds > 0xffffffff)
      throw new Error('the link expiry is out of range');
    const keys = keysOf(ring.current);
    const plaintext = Buffer.alloc(EXPIRY_BYTES + payload.length);
    plaintext.writeUInt32BE(seconds, 0);
    plaintext.set(payload, EXPIRY_BYTES);
    const header = Buffer.concat([Buffer.from([VERSION]), ring.current.id]);
    // A synthetic IV (a MAC of header and plaintext, as in SIV): the same data and expiry always
    // give the same token, so a re-sent message is byte-identical (Resend's Idempotency-Key refuses
    // a changed payload). An IV repeats only with its plaintext, so GCM never reuses a nonce on
    // different data; the header in it keeps version 1 IVs (a MAC of the plaintext) apart.
    const iv = mac(keys.iv, header, plaintext).subarray(0, IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv, { authTagLength: GCM_TAG_BYTES });
    cipher.setAAD(header);
    const body = Buffer.concat([header, iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return Buffer.concat([body, mac(keys.mac, body).subarray(0, LAYOUT[VERSION]!.macBytes)]).toString('base64url');
  }

  /** The keys a token may have been sealed with: the one its id names, or (version 1) both in the ring. */
  function candidates(ring: LinkKeyRing, keyId: Buffer, version: number): { key: LinkKey; until: number }[] {
    const all = [{ key: ring.current, until: Infinity }, ...(ring.previous ? [ring.previous] : [])];
    if (version === LEGACY_VERSION) return all;
    return all.filter(({ key }) => key.id.equals(keyId));
  }

  function open(ring: LinkKeyRing, token: string, now: number | Date): OpenedToken {
    if (token.length === 0 || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token))
      return { ok: false, reason: 'malformed' };
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length === 0) return { ok: false, reason: 'malformed' };
    const version = bytes.readUInt8(0);
    const layout = LAYOUT[version];
    if (!layout) return { ok: false, reason: 'invalid' };
    const headerBytes = 1 + layout.keyIdBytes;
    if (bytes.length < headerBytes + IV_BYTES + EXPIRY_BYTES + GCM_TAG_BYTES + layout.macBytes)
      return { ok: false, reason: 'malformed' };
    const body = bytes.subarray(0, bytes.length - layout.macBytes);
    const given = bytes.subarray(bytes.length - layout.macBytes);
    const sealer = candidates(ring, bytes.subarray(1, headerBytes), version).find(({ key }) =>
      timingSafeEqual(given, mac(keysOf(key).mac, body).subarray(0, layout.macBytes)),
    );
    if (!sealer) return { ok: false, reason: 'invalid' };
    // Ours, but its key's grace period is over: as good as expired.
    if (millis(now) >= sealer.until) return { ok: false, reason: 'expired' };

    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        keysOf(sealer.key).encryption,
        body.subarray(headerBytes, headerBytes + IV_BYTES),
        {
          authTagLength: GCM_TAG_BYTES,
        },
      );
      decipher.setAAD(body.subarray(0, headerBytes));
      decipher.setAuthTag(body.subarray(body.length - GCM_TAG_BYTES));
      plaintext = Buffer.concat([
        decipher.update(body.subarray(headerBytes + IV_BYTES, body.length - GCM_TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    const expiresAt = plaintext.readUInt32BE(0) * 1000;
    if (millis(now) >= expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, payload: plaintext.subarray(EXPIRY_BYTES), expiresAt };
  }

  return { seal, open };
}
