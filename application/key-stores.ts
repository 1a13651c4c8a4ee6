import { createHash, randomBytes } from 'node:crypto';
import { newId } from './ids';
import type { Database } from '../db/client';
import { type ApiKeyRow, findKeyHolder, insertApiKey, touchKey } from '../db/access-repository';
import { PERMISSIONS, type Permission, isPermission } from '../domain/permissions';

/** Who is calling: resolved from the API key on every request. */
export interface Principal {
  tenantId: string;
  /**
   * A stable, non-secret identifier of the caller, recorded as the actor of every write: the API
   * key's id, or for a person signed in to the seller app their user id (`usr_…`, = `userId`).
   */
  keyId: string;
  /** Set when a person signed in to the seller app (a session), not an API key, is calling. */
  userId?: string;
  role: 'owner' | 'collaborator';
  collaboratorId?: string;
  profileId?: string;
  permissions: ReadonlySet<Permission>;
}

/** Where API keys are looked up; the secret itself is never stored, only its SHA-256 digest. */
export interface ApiKeyStore {
  authenticate(secret: string): Promise<Principal | null>;
}

export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

export const ALL_PERMISSIONS: ReadonlySet<Permission> = new Set(PERMISSIONS);

/**
 * Owner keys from the environment (`API_KEYS=tenant:key[,tenant:key…]`): how a new installation
 * gets its first key. Only digests are kept in memory.
 */
export function envKeyStore(spec: string | undefined): ApiKeyStore & { size: number } {
  const owners = new Map<string, Principal>();
  for (const entry of (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = entry.indexOf(':');
    if (at <= 0 || at === entry.length - 1) throw new Error('API_KEYS must look like tenant:key[,tenant:key…]');
    const digest = sha256Hex(entry.slice(at + 1));
    owners.set(digest, {
      tenantId: entry.slice(0, at),
      keyId: `key_${digest.slice(0, 12)}`,
      role: 'owner',
      permissions: ALL_PERMISSIONS,
    });
  }
  return {
    size: owners.size,
    // Looked up by digest: the secret is never compared byte by byte, so timing reveals nothing useful.
    authenticate: async (secret) => owners.get(sha256Hex(secret)) ?? null,
  };
}

/** The first store that knows the key answers. */
export function firstOf(...stores: ApiKeyStore[]): ApiKeyStore {
  return {
    async authenticate(secret) {
      for (const store of stores) {
        const principal = await store.authenticate(secret);
        if (principal) return principal;
      }
      return null;
    },
  };
}

/** Keys the tenants manage through the API, stored as digests in the database. */
export function databaseKeyStore(db: Database, now: () => Date = () => new Date()): ApiKeyStore {
  return {
    async authenticate(secret) {
      const holder = await findKeyHolder(db, sha256Hex(secret));
      if (!holder) return null;
      await touchKey(db, holder.keyId, now());
      if (!holder.collaborator)
        return { tenantId: holder.tenantId, keyId: holder.keyId, role: 'owner', permissions: ALL_PERMISSIONS };
      return {
        tenantId: holder.tenantId,
        keyId: holder.keyId,
        role: 'collaborator',
        collaboratorId: holder.collaborator.id,
        profileId: holder.collaborator.profileId,
        permissions: new Set(holder.collaborator.permissions.filter(isPermission)),
      };
    },
  };
}

export const SECRET_PREFIX = 'dk_live_';
/** How many characters of the secret are kept in clear, to recognise a key in lists. */
const PREFIX_LENGTH = SECRET_PREFIX.length + 6;

/** A new secret: `dk_live_` and 32 random bytes, base64url. */
export function newSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Creates a key for the tenant's owner (collaboratorId null) or one collaborator. The secret is
 * returned once, here; only its SHA-256 digest and first characters are stored.
 */
export async function issueApiKey(
  db: Database,
  key: { tenantId: string; collaboratorId: string | null; name: string },
): Promise<{ key: ApiKeyRow; secret: string }> {
  const secret = newSecret();
  const row = await insertApiKey(db, {
    id: newId('key'),
    tenantId: key.tenantId,
    collaboratorId: key.collaboratorId,
    name: key.name,
    secretHash: sha256Hex(secret),
    prefix: secret.slice(0, PREFIX_LENGTH),
  });
  return { key: row, secret };
}
