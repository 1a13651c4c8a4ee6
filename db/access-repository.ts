import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from './client';
import { apiKeys, collaborators, permissionProfiles } from './schema';

export interface KeyHolder {
  keyId: string;
  tenantId: string;
  lastUsedAt: Date | null;
  /** Null for the owner's keys. */
  collaborator: { id: string; profileId: string; permissions: string[] } | null;
}

/**
 * The holder of an active key, by the SHA-256 digest of its secret: the key is not revoked and,
 * for a collaborator's key, the collaborator is not disabled. Null otherwise.
 */
export async function findKeyHolder(db: Database, secretHash: string): Promise<KeyHolder | null> {
  const [row] = await db
    .select({
      keyId: apiKeys.id,
      tenantId: apiKeys.tenantId,
      lastUsedAt: apiKeys.lastUsedAt,
      collaboratorId: apiKeys.collaboratorId,
      collaboratorDisabledAt: collaborators.disabledAt,
      profileId: collaborators.profileId,
      permissions: permissionProfiles.permissions,
    })
    .from(apiKeys)
    .leftJoin(collaborators, and(eq(collaborators.tenantId, apiKeys.tenantId), eq(collaborators.id, apiKeys.collaboratorId)))
    .leftJoin(permissionProfiles, and(eq(permissionProfiles.tenantId, collaborators.tenantId), eq(permissionProfiles.id, collaborators.profileId)))
    .where(and(eq(apiKeys.secretHash, secretHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  if (row.collaboratorId === null) return { keyId: row.keyId, tenantId: row.tenantId, lastUsedAt: row.lastUsedAt, collaborator: null };
  // A key whose collaborator is gone or disabled, or whose profile is gone, opens nothing.
  if (row.profileId === null || row.collaboratorDisabledAt !== null || row.permissions === null) return null;
  return {
    keyId: row.keyId,
    tenantId: row.tenantId,
    lastUsedAt: row.lastUsedAt,
    collaborator: { id: row.collaboratorId, profileId: row.profileId, permissions: row.permissions },
  };
}

/** Records a key's use, at most once per `everyMs`, so reads do not turn into a write each. */
export async function touchKey(db: Database, keyId: string, now: Date, everyMs = 60_000): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`${new Date(now.getTime() - everyMs)}`))));
}
