import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../db/client';
import { type ApiKeyRow, findKeyHolder, insertApiKey, touchKey } from '../db/access-repository';
import { isPermission } from '../domain/permissions';
import { ALL_PERMISSIONS, type ApiKeyStore, sha256Hex } from './plugins/auth';

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
    id: `key_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
    tenantId: key.tenantId,
    collaboratorId: key.collaboratorId,
    name: key.name,
    secretHash: sha256Hex(secret),
    prefix: secret.slice(0, PREFIX_LENGTH),
  });
  return { key: row, secret };
}
