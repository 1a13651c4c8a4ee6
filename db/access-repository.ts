import { and, asc, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { BUILT_IN_PROFILES, type BuiltInProfileId } from '../domain/permissions';
import type { Database } from './client';
import { apiKeys, collaborators, permissionProfiles, tenants } from './schema';

export function isBuiltInProfileId(id: string): id is BuiltInProfileId {
  return Object.prototype.hasOwnProperty.call(BUILT_IN_PROFILES, id);
}

/** The permissions of a profile: built-in profiles need no row; a custom one comes from its row. */
export function profilePermissions(profileId: string, row: string[] | null): string[] | null {
  if (isBuiltInProfileId(profileId)) return [...BUILT_IN_PROFILES[profileId].permissions];
  return row;
}

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
    .leftJoin(
      collaborators,
      and(eq(collaborators.tenantId, apiKeys.tenantId), eq(collaborators.id, apiKeys.collaboratorId)),
    )
    .leftJoin(
      permissionProfiles,
      and(eq(permissionProfiles.tenantId, collaborators.tenantId), eq(permissionProfiles.id, collaborators.profileId)),
    )
    .where(and(eq(apiKeys.secretHash, secretHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  if (row.collaboratorId === null)
    return { keyId: row.keyId, tenantId: row.tenantId, lastUsedAt: row.lastUsedAt, collaborator: null };
  // A key whose collaborator is gone or disabled, or whose profile is gone, opens nothing.
  if (row.profileId === null || row.collaboratorDisabledAt !== null) return null;
  const permissions = profilePermissions(row.profileId, row.permissions);
  if (permissions === null) return null;
  return {
    keyId: row.keyId,
    tenantId: row.tenantId,
    lastUsedAt: row.lastUsedAt,
    collaborator: { id: row.collaboratorId, profileId: row.profileId, permissions },
  };
}

/** Records a key's use, at most once per `everyMs`, so reads do not turn into a write each. */
export async function touchKey(db: Database, keyId: string, now: Date, everyMs = 60_000): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiKeys.id, keyId),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - everyMs))),
      ),
    );
}

// ---------------------------------------------------------------------------------------------
// Management by the tenant's owner: the tenant, its profiles, collaborators and keys.

export type TenantRow = typeof tenants.$inferSelect;
export type ProfileRow = typeof permissionProfiles.$inferSelect;
export type CollaboratorRow = typeof collaborators.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** A tenant's row exists once its first journey is recorded; management creates it when needed. */
export async function ensureTenant(
  db: Pick<Database, 'insert'>,
  tenantId: string,
  name: string = tenantId,
): Promise<void> {
  await db.insert(tenants).values({ id: tenantId, name }).onConflictDoNothing();
}

export async function findTenant(db: Database, tenantId: string): Promise<TenantRow | null> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  return row ?? null;
}

export async function updateTenant(
  db: Database,
  tenantId: string,
  changes: Partial<
    Pick<
      TenantRow,
      'name' | 'defaultPolicyId' | 'checkoutUrlTemplate' | 'paymentMethodUrlTemplate' | 'notificationEmail'
    >
  >,
): Promise<TenantRow> {
  await ensureTenant(db, tenantId);
  if (Object.keys(changes).length === 0) return (await findTenant(db, tenantId))!;
  const [row] = await db.update(tenants).set(changes).where(eq(tenants.id, tenantId)).returning();
  return row!;
}

export async function listProfiles(db: Database, tenantId: string): Promise<ProfileRow[]> {
  return db
    .select()
    .from(permissionProfiles)
    .where(eq(permissionProfiles.tenantId, tenantId))
    .orderBy(asc(permissionProfiles.id));
}

export async function findProfile(db: Database, tenantId: string, profileId: string): Promise<ProfileRow | null> {
  const [row] = await db
    .select()
    .from(permissionProfiles)
    .where(and(eq(permissionProfiles.tenantId, tenantId), eq(permissionProfiles.id, profileId)))
    .limit(1);
  return row ?? null;
}

/** Inserts a custom profile; null when the tenant already has one with this id. */
export async function insertProfile(
  db: Database,
  tenantId: string,
  profile: { id: string; name: string; permissions: string[] },
): Promise<ProfileRow | null> {
  await ensureTenant(db, tenantId);
  const [row] = await db
    .insert(permissionProfiles)
    .values({ tenantId, ...profile, builtIn: false })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

export async function updateProfile(
  db: Database,
  tenantId: string,
  profileId: string,
  changes: { name?: string; permissions?: string[] },
  now: Date,
): Promise<ProfileRow | null> {
  const [row] = await db
    .update(permissionProfiles)
    .set({ ...changes, updatedAt: now })
    .where(
      and(
        eq(permissionProfiles.tenantId, tenantId),
        eq(permissionProfiles.id, profileId),
        eq(permissionProfiles.builtIn, false),
      ),
    )
    .returning();
  return row ?? null;
}

/**
 * Deletes a custom profile unless a collaborator (enabled or disabled) still refers to it, in one
 * statement so a collaborator added meanwhile cannot be left without a profile.
 */
export async function deleteProfile(
  db: Database,
  tenantId: string,
  profileId: string,
): Promise<'deleted' | 'not_found' | 'in_use'> {
  const deleted = await db
    .delete(permissionProfiles)
    .where(
      and(
        eq(permissionProfiles.tenantId, tenantId),
        eq(permissionProfiles.id, profileId),
        eq(permissionProfiles.builtIn, false),
        sql`not exists (select 1 from ${collaborators} where ${collaborators.tenantId} = ${tenantId} and ${collaborators.profileId} = ${profileId})`,
      ),
    )
    .returning({ id: permissionProfiles.id });
  if (deleted.length > 0) return 'deleted';
  return (await findProfile(db, tenantId, profileId)) ? 'in_use' : 'not_found';
}

export async function listCollaborators(db: Database, tenantId: string): Promise<CollaboratorRow[]> {
  return db
    .select()
    .from(collaborators)
    .where(eq(collaborators.tenantId, tenantId))
    .orderBy(asc(collaborators.createdAt), asc(collaborators.id));
}

export async function findCollaborator(
  db: Database,
  tenantId: string,
  collaboratorId: string,
): Promise<CollaboratorRow | null> {
  const [row] = await db
    .select()
    .from(collaborators)
    .where(and(eq(collaborators.tenantId, tenantId), eq(collaborators.id, collaboratorId)))
    .limit(1);
  return row ?? null;
}

/** How many collaborators (not disabled) act through each of the tenant's profiles. */
export async function countCollaboratorsByProfile(db: Database, tenantId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ profileId: collaborators.profileId, count: sql<number>`count(*)::int` })
    .from(collaborators)
    .where(and(eq(collaborators.tenantId, tenantId), isNull(collaborators.disabledAt)))
    .groupBy(collaborators.profileId);
  return new Map(rows.map((r) => [r.profileId, Number(r.count)]));
}

/** The tenant's seat (not disabled) of a person, by lower-case email; another id than `except`'s. */
export async function findSeatByEmail(
  db: Database,
  tenantId: string,
  email: string,
  except?: string,
): Promise<CollaboratorRow | null> {
  const [row] = await db
    .select()
    .from(collaborators)
    .where(
      and(
        eq(collaborators.tenantId, tenantId),
        eq(collaborators.email, email),
        isNull(collaborators.disabledAt),
        except === undefined ? undefined : ne(collaborators.id, except),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Inserts a collaborator; null when the person already has an active seat in the tenant (same email). */
export async function insertCollaborator(
  db: Database,
  tenantId: string,
  collaborator: { id: string; name: string; profileId: string; email?: string | null; invitedAt?: Date | null },
): Promise<CollaboratorRow | null> {
  await ensureTenant(db, tenantId);
  const [row] = await db
    .insert(collaborators)
    .values({ tenantId, ...collaborator })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

export async function updateCollaborator(
  db: Database,
  tenantId: string,
  collaboratorId: string,
  changes: { name?: string; profileId?: string; disabledAt?: Date | null; invitedAt?: Date },
): Promise<CollaboratorRow | null> {
  if (Object.keys(changes).length === 0) return findCollaborator(db, tenantId, collaboratorId);
  const [row] = await db
    .update(collaborators)
    .set(changes)
    .where(and(eq(collaborators.tenantId, tenantId), eq(collaborators.id, collaboratorId)))
    .returning();
  return row ?? null;
}

export async function insertApiKey(
  db: Database,
  key: {
    id: string;
    tenantId: string;
    collaboratorId: string | null;
    name: string;
    secretHash: string;
    prefix: string;
  },
): Promise<ApiKeyRow> {
  await ensureTenant(db, key.tenantId);
  const [row] = await db.insert(apiKeys).values(key).returning();
  return row!;
}

export async function listApiKeys(db: Database, tenantId: string): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.tenantId, tenantId))
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

/** Revokes a key of the tenant; revoking it again keeps the first revocation time. Null when unknown. */
export async function revokeApiKey(
  db: Database,
  tenantId: string,
  keyId: string,
  now: Date,
): Promise<ApiKeyRow | null> {
  await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)));
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, keyId)))
    .limit(1);
  return row ?? null;
}
