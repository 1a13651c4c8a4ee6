/**
 * Signed, expiring links to the buyer's payment area (`${PUBLIC_BASE_URL}/pay/<token>`), carried
 * by every reminder. The token (application/sealed-tokens.ts) binds tenant, buyer and purchase,
 * encrypted: some payment systems use the buyer's email as their id.
 *
 * Payload: three length-prefixed UTF-8 strings (1 byte of length each): tenant | buyer | purchase.
 * Binary rather than JSON to keep the link short in an SMS: with ids of ten characters or so the
 * token is about 110 characters. With ids at their limit (128 each) it reaches about 590, past
 * the router's 256-character limit on a parameter: the route takes the token as a wildcard
 * (`/pay/*`), like the unsubscribe route.
 */
import type { BuyerPurchase } from '../domain/purchase';
import { withoutTrailingSlash } from '../domain/urls';
import type { LinkKeyRing } from './link-keys';
import { linkExpiry, sealedTokens } from './sealed-tokens';

const tokens = sealedTokens('dunning-buyer-area-link');

/** The longest id a token can carry, in UTF-8 bytes (one length byte). Ids we accept are at most 128 characters. */
const MAX_ID_BYTES = 255;

export interface BuyerAreaLinkOptions {
  /** The link keys (LINK_SIGNING_SECRET, …): new links use the current one. */
  keys: LinkKeyRing;
  /** PUBLIC_BASE_URL: the public root of this service. */
  baseUrl: string;
  /** Milliseconds since the epoch (or a Date): when the link is made. */
  now: number | Date;
  /** How long the link works: the journey policy's `buyerArea.linkTtlDays` (domain/policy.ts). */
  ttlDays: number;
}

export type BuyerAreaTokenCheck =
  ({ ok: true; expiresAt: number } & BuyerPurchase) | { ok: false; reason: 'malformed' | 'invalid' | 'expired' };

/** The path of the payment area under PUBLIC_BASE_URL, before the token. */
export const BUYER_AREA_PATH = '/pay/';

const FIELDS = ['tenantId', 'buyerId', 'purchaseId'] as const;

function encode(binding: BuyerPurchase): Buffer {
  const parts: Buffer[] = [];
  for (const field of FIELDS) {
    const bytes = Buffer.from(binding[field], 'utf8');
    if (bytes.length === 0 || bytes.length > MAX_ID_BYTES)
      throw new Error(`a payment-area link needs a ${field} of 1 to ${MAX_ID_BYTES} bytes`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  return Buffer.concat(parts);
}

/** The binding in `payload`, or null unless it is exactly three non-empty ids. */
function decode(payload: Buffer): BuyerPurchase | null {
  const ids: string[] = [];
  let at = 0;
  for (let i = 0; i < FIELDS.length; i++) {
    const length = payload[at] ?? 0;
    if (length === 0 || at + 1 + length > payload.length) return null;
    ids.push(payload.subarray(at + 1, at + 1 + length).toString('utf8'));
    at += 1 + length;
  }
  if (at !== payload.length) return null;
  const [tenantId, buyerId, purchaseId] = ids as [string, string, string];
  return { tenantId, buyerId, purchaseId };
}

/** An opaque token for this binding, valid until `now + ttlDays`; the same inputs give the same token. */
export function createBuyerAreaToken(
  binding: BuyerPurchase,
  options: Pick<BuyerAreaLinkOptions, 'keys' | 'now' | 'ttlDays'>,
): string {
  return tokens.seal(options.keys, encode(binding), linkExpiry(options.now, options.ttlDays));
}

/** `${baseUrl}/pay/${token}`: the link every reminder carries. */
export function createBuyerAreaUrl(binding: BuyerPurchase, options: BuyerAreaLinkOptions): string {
  return `${withoutTrailingSlash(options.baseUrl)}${BUYER_AREA_PATH}${createBuyerAreaToken(binding, options)}`;
}

/**
 * Whether `token` is one of ours, untouched and unexpired at `now`; if so, whose payment area it
 * opens. `malformed`: not even shaped like a token; `invalid`: tampered, another kind of link, or
 * made with a key not in the ring; `expired`: past its expiry or its key's grace period.
 */
export function verifyBuyerAreaToken(token: string, keys: LinkKeyRing, now: number | Date): BuyerAreaTokenCheck {
  const opened = tokens.open(keys, token, now);
  if (!opened.ok) return opened;
  const binding = decode(opened.payload);
  if (!binding) return { ok: false, reason: 'invalid' };
  return { ok: true, ...binding, expiresAt: opened.expiresAt };
}
