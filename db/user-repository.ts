/**
 * The people who sign in to the seller app: users, the tenants they own or assist, and the
 * single-use links (sign-in and invite) emailed to them. Only a link's SHA-256 digest is stored.
 */
import { and, asc, count, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import { BUILT_IN_PROFILES } from '../domain/permissions';
import { isBuiltInProfileId, profilePermissions } from './access-repository';
import type { Database } from './client';
import { collaborators, permissionProfiles, signInLinks, tenantOwners, tenants, users } from './schema';

export type UserRow = typeof users.$inferSelect;
export type SignInLinkRow = typeof signInLinks.$inferSelect;
export type LinkPurpose = 'sign_in' | 'invite';

export async function findUserByEmail(db: Database, email: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return row ?? null;
}

export async function findUser(db: Database, userId: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row ?? null;
}

/** The user with this (lower-case) email, created with `newId` on first sight. */
export async function ensureUser(
  db: Pick<Database, 'insert' | 'select'>,
  user: { newId: string; email: string; name?: string | null },
): Promise<UserRow> {
  await db
    .insert(users)
    .values({ id: user.newId, email: user.email, name: user.name ?? null })
    .onConflictDoNothing({ target: users.email });
  const [row] = await db.select().from(users).where(eq(users.email, user.email)).limit(1);
  return row!;
}

export async function addTenantOwner(db: Database, tenantId: string, userId: string): Promise<void> {
  await db.insert(tenantOwners).values({ tenantId, userId }).onConflictDoNothing();
}

export async function recordSignIn(db: Pick<Database, 'update'>, userId: string, at: Date): Promise<void> {
  await db.update(users).set({ lastSignedInAt: at }).where(eq(users.id, userId));
}

/** A tenant a person may act for, with what they may do there, read fresh on every request. */
export interface AccountRow {
  tenantId: string;
  tenantName: string;
  role: 'owner' | 'collaborator';
  collaboratorId?: string;
  profileId?: string;
  profileName?: string;
  /** A collaborator's profile permissions (unchecked strings); none for an owner. */
  permissions?: string[];
}

/**
 * The tenants the user owns, then those where an accepted, enabled collaborator seat is theirs,
 * each once (a seat in a tenant they also own adds nothing), by tenant name.
 */
export async function listAccounts(db: Database, userId: string): Promise<AccountRow[]> {
  const owned = await db
    .select({ tenantId: tenantOwners.tenantId, tenantName: tenants.name })
    .from(tenantOwners)
    .leftJoin(tenants, eq(tenants.id, tenantOwners.tenantId))
    .where(eq(tenantOwners.userId, userId))
    .orderBy(asc(tenants.name), asc(tenantOwners.tenantId));
  const seats = await db
    .select({
      tenantId: collaborators.tenantId,
      tenantName: tenants.name,
      collaboratorId: collaborators.id,
      profileId: collaborators.profileId,
      profileName: permissionProfiles.name,
      permissions: permissionProfiles.permissions,
    })
    .from(collaborators)
    .leftJoin(tenants, eq(tenants.id, collaborators.tenantId))
    .leftJoin(
      permissionProfiles,
      and(eq(permissionProfiles.tenantId, collaborators.tenantId), eq(permissionProfiles.id, collaborators.profileId)),
    )
    .where(and(eq(collaborators.userId, userId), isNotNull(collaborators.acceptedAt), isNull(collaborators.disabledAt)))
    .orderBy(asc(tenants.name), asc(collaborators.tenantId));
  const accounts: AccountRow[] = owned.map((o) => ({
    tenantId: o.tenantId,
    tenantName: o.tenantName ?? o.tenantId,
    role: 'owner',
  }));
  for (const seat of seats) {
    if (accounts.some((a) => a.tenantId === seat.tenantId)) continue;
    const permissions = profilePermissions(seat.profileId, seat.permissions);
    // A seat whose custom profile is gone opens nothing, as its API keys would not.
    if (permissions === null) continue;
    accounts.push({
      tenantId: seat.tenantId,
      tenantName: seat.tenantName ?? seat.tenantId,
      role: 'collaborator',
      collaboratorId: seat.collaboratorId,
      profileId: seat.profileId,
      profileName: isBuiltInProfileId(seat.profileId)
        ? BUILT_IN_PROFILES[seat.profileId].name
        : (seat.profileName ?? seat.profileId),
      permissions,
    });
  }
  return accounts;
}

export async function insertLink(
  db: Pick<Database, 'insert'>,
  link: {
    tokenHash: string;
    purpose: LinkPurpose;
    email: string;
    tenantId?: string;
    collaboratorId?: string;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db.insert(signInLinks).values(link);
}

/** How many links of this purpose the address was sent since `since` (the per-address limit). */
export async function countLinksSince(db: Database, email: string, purpose: LinkPurpose, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(signInLinks)
    .where(and(eq(signInLinks.email, email), eq(signInLinks.purpose, purpose), gt(signInLinks.createdAt, since)));
  return row?.n ?? 0;
}

/** A link that may still be used: unused and not expired at `now`. */
export async function findUsableLink(
  db: Database,
  tokenHash: string,
  purpose: LinkPurpose,
  now: Date,
): Promise<SignInLinkRow | null> {
  const [row] = await db
    .select()
    .from(signInLinks)
    .where(usable(tokenHash, purpose, now))
    .limit(1);
  return row ?? null;
}

/**
 * Marks the link used and returns it, in one statement: of two requests racing with one link,
 * exactly one gets it. Null when unknown, used or expired.
 */
export async function consumeLink(
  db: Pick<Database, 'update'>,
  tokenHash: string,
  purpose: LinkPurpose,
  now: Date,
): Promise<SignInLinkRow | null> {
  const [row] = await db
    .update(signInLinks)
    .set({ usedAt: now })
    .where(usable(tokenHash, purpose, now))
    .returning();
  return row ?? null;
}

function usable(tokenHash: string, purpose: LinkPurpose, now: Date) {
  return and(
    eq(signInLinks.tokenHash, tokenHash),
    eq(signInLinks.purpose, purpose),
    isNull(signInLinks.usedAt),
    gt(signInLinks.expiresAt, now),
  );
}

/** Drops a collaborator's unused invites: a new invite replaces them. */
export async function dropUnusedInvites(db: Database, tenantId: string, collaboratorId: string): Promise<void> {
  await db
    .delete(signInLinks)
    .where(
      and(
        eq(signInLinks.purpose, 'invite'),
        eq(signInLinks.tenantId, tenantId),
        eq(signInLinks.collaboratorId, collaboratorId),
        isNull(signInLinks.usedAt),
      ),
    );
}

/**
 * Gives a pending seat to the user, unless the collaborator was removed (or its email changed)
 * since the invite; true when the seat is now theirs.
 */
export async function acceptSeat(
  db: Pick<Database, 'update'>,
  seat: { tenantId: string; collaboratorId: string; email: string; userId: string; at: Date },
): Promise<boolean> {
  const rows = await db
    .update(collaborators)
    .set({ userId: seat.userId, acceptedAt: seat.at })
    .where(
      and(
        eq(collaborators.tenantId, seat.tenantId),
        eq(collaborators.id, seat.collaboratorId),
        eq(collaborators.email, seat.email),
        isNull(collaborators.disabledAt),
        // Accepting twice (two invites opened) keeps the first acceptance.
        sql`(${collaborators.acceptedAt} is null or ${collaborators.userId} = ${seat.userId})`,
      ),
    )
    .returning({ id: collaborators.id });
  return rows.length > 0;
}

/** A pending or accepted seat still open to the invite's address, for the accept page. */
export async function findInvitedSeat(
  db: Database,
  tenantId: string,
  collaboratorId: string,
  email: string,
): Promise<{ tenantName: string } | null> {
  const [row] = await db
    .select({ tenantName: tenants.name, tenantId: collaborators.tenantId })
    .from(collaborators)
    .leftJoin(tenants, eq(tenants.id, collaborators.tenantId))
    .where(
      and(
        eq(collaborators.tenantId, tenantId),
        eq(collaborators.id, collaboratorId),
        eq(collaborators.email, email),
        isNull(collaborators.disabledAt),
      ),
    )
    .limit(1);
  return row ? { tenantName: row.tenantName ?? row.tenantId } : null;
}
