/**
 * The keys that sign and encrypt buyer links (unsubscribe, payment area): one ring for every
 * kind of link, read from the environment by the API and the workers alike.
 *
 *   LINK_SIGNING_SECRET           the current key: every new link is sealed with it
 *   LINK_SIGNING_PREVIOUS_SECRET  the key before the last rotation (optional)
 *   LINK_SIGNING_PREVIOUS_UNTIL   ISO 8601 instant ending its grace period (required with it)
 *
 * Rotating: move the secret to LINK_SIGNING_PREVIOUS_SECRET, set a new LINK_SIGNING_SECRET, and
 * set the grace end past the longest link lifetime still in buyers' inboxes (links live up to
 * 90 days); links of the previous key work until then, and none after.
 *
 * Each key has a short id derived from it (never from which the secret could be read back), so a
 * token names its key and is checked with one MAC.
 */
import { hkdfSync } from 'node:crypto';
import { z } from 'zod';

/** The shortest link secret the API and the workers accept. */
export const MIN_LINK_SECRET_LENGTH = 16;

/** Bytes of a key id: enough to tell two keys apart (a clash is refused), few for short URLs. */
export const KEY_ID_BYTES = 4;

export interface LinkKey {
  readonly secret: string;
  /** KEY_ID_BYTES derived from the secret: what a token says about its key. */
  readonly id: Buffer;
}

export interface LinkKeyRing {
  /** Seals every new link. */
  readonly current: LinkKey;
  /** The key before the last rotation: its links are accepted until `until` (ms since the epoch). */
  readonly previous: { readonly key: LinkKey; readonly until: number } | null;
}

function linkKey(name: string, secret: string): LinkKey {
  if (secret.length < MIN_LINK_SECRET_LENGTH) throw new Error(secretTooShort(name));
  const id = Buffer.from(hkdfSync('sha256', secret, 'dunning-link-key-id', '', KEY_ID_BYTES));
  return { secret, id };
}

const secretTooShort = (name: string) =>
  `${name} must be at least ${MIN_LINK_SECRET_LENGTH} characters (32 random bytes recommended)`;

/** The current secret, and the previous one with the end of its grace period; throws naming the variable. */
export function linkKeyRing(current: string, previous?: { secret: string; until: number | Date }): LinkKeyRing {
  const currentKey = linkKey('LINK_SIGNING_SECRET', current);
  if (!previous) return { current: currentKey, previous: null };
  const previousKey = linkKey('LINK_SIGNING_PREVIOUS_SECRET', previous.secret);
  if (previous.secret === current) throw new Error('LINK_SIGNING_PREVIOUS_SECRET must differ from LINK_SIGNING_SECRET');
  // Tokens name their key by id: two keys with one id could not be told apart.
  if (previousKey.id.equals(currentKey.id))
    throw new Error('LINK_SIGNING_PREVIOUS_SECRET and LINK_SIGNING_SECRET have the same key id: choose another secret');
  const until = typeof previous.until === 'number' ? previous.until : previous.until.getTime();
  if (!Number.isFinite(until)) throw new Error('LINK_SIGNING_PREVIOUS_UNTIL must be an instant');
  return { current: currentKey, previous: { key: previousKey, until } };
}

/** An instant with its offset (2026-03-01T00:00:00Z, …-03:00), as the API reads instants: never a local reading. */
const instantSchema = z.iso.datetime({ offset: true });

/**
 * The key ring the environment configures (null without LINK_SIGNING_SECRET: links are off), or
 * every problem with it, naming variables and never their values. Unset and blank are the same.
 */
export function linkKeysFromEnv(env: NodeJS.ProcessEnv): { keys: LinkKeyRing | null; problems: string[] } {
  const read = (name: string) => env[name]?.trim() || undefined;
  const current = read('LINK_SIGNING_SECRET');
  const previous = read('LINK_SIGNING_PREVIOUS_SECRET');
  const until = read('LINK_SIGNING_PREVIOUS_UNTIL');
  const problems: string[] = [];
  if (current !== undefined && current.length < MIN_LINK_SECRET_LENGTH)
    problems.push(secretTooShort('LINK_SIGNING_SECRET'));
  if (previous !== undefined) {
    if (current === undefined) problems.push('LINK_SIGNING_PREVIOUS_SECRET is set without LINK_SIGNING_SECRET');
    if (previous.length < MIN_LINK_SECRET_LENGTH) problems.push(secretTooShort('LINK_SIGNING_PREVIOUS_SECRET'));
    if (until === undefined)
      problems.push(
        'LINK_SIGNING_PREVIOUS_UNTIL is required with LINK_SIGNING_PREVIOUS_SECRET: the end of its grace period, e.g. 2026-03-01T00:00:00Z',
      );
  } else if (until !== undefined) {
    problems.push('LINK_SIGNING_PREVIOUS_UNTIL is set without LINK_SIGNING_PREVIOUS_SECRET');
  }
  if (until !== undefined && !instantSchema.safeParse(until).success)
    problems.push('LINK_SIGNING_PREVIOUS_UNTIL must be an ISO 8601 instant with its offset, e.g. 2026-03-01T00:00:00Z');
  if (problems.length || current === undefined) return { keys: null, problems };
  try {
    const grace =
      previous !== undefined && until !== undefined ? { secret: previous, until: Date.parse(until) } : undefined;
    return { keys: linkKeyRing(current, grace), problems };
  } catch (err) {
    return { keys: null, problems: [(err as Error).message] };
  }
}
