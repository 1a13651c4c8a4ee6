/**
 * The owner's management of who may act for the tenant, as use cases the API (`/v1/profiles`,
 * `/v1/collaborators`, `/v1/keys`, `/v1/audit-log`) and the Collaboration Center pages share:
 * permission profiles, collaborators (invited people and key-holding systems), API keys and the
 * audit log. Callers are authorized before (owner only); each write here is audited with the
 * caller's Principal as its author. A refusal is a result naming the input field at fault, never
 * an exception, so each surface words it its own way.
 */
import {
  type ApiKeyRow,
  type CollaboratorRow,
  type ProfileRow,
  countCollaboratorsByProfile,
  deleteProfile,
  findCollaborator,
  findProfile,
  findSeatByEmail,
  insertCollaborator,
  insertProfile,
  isBuiltInProfileId,
  listApiKeys,
  listCollaborators,
  listProfiles,
  revokeApiKey,
  updateCollaborator,
  updateProfile,
} from '../db/access-repository';
import { type AuditRow, auditLogPage } from '../db/audit-repository';
import type { Database } from '../db/client';
import type { TimeCursor } from '../db/time-cursor';
import { BUILT_IN_PROFILES, type BuiltInProfileId, type Permission } from '../domain/permissions';
import { type AuditActor, type AuditEcho, recordAudit } from './audit';
import { decodeTimeCursor, encodeTimeCursor, pageOf } from './conversations';
import { newId } from './ids';
import type { Invitations } from './invitations';
import { type Principal, issueApiKey } from './key-stores';

export interface AccessDeps {
  db: Database;
  /** Sends collaborators' invites; none = adding a person with an email is refused as unavailable. */
  invitations?: Invitations | undefined;
  now: () => Date;
}

/** Who is acting, and where their audited writes are also reported (the request log). */
export interface Caller {
  principal: Principal;
  echo?: AuditEcho | undefined;
}

/** What the rules refuse; `field` is the input at fault. */
export type AccessRefusal =
  | { kind: 'profile_exists'; field: 'id' }
  | { kind: 'built_in_profile' }
  | { kind: 'profile_not_found' }
  | { kind: 'profile_in_use' }
  | { kind: 'unknown_profile'; field: 'profileId' }
  | { kind: 'email_taken'; field: 'email' | 'disabled' }
  | { kind: 'invitations_unavailable' }
  | { kind: 'collaborator_not_found' }
  | { kind: 'not_invitable'; reason: 'no_email' | 'accepted' | 'disabled' }
  | { kind: 'unknown_collaborator'; field: 'collaboratorId' }
  | { kind: 'collaborator_disabled'; field: 'collaboratorId' }
  | { kind: 'key_not_found' };

/** A write done: its result and who the audit log records as its author. */
export type Done<T> = { kind: 'done'; value: T; recordedBy: AuditActor };
export type AccessResult<T> = Done<T> | AccessRefusal;

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

async function audited<T>(
  deps: AccessDeps,
  caller: Caller,
  value: T,
  action: string,
  target: Record<string, unknown>,
): Promise<Done<T>> {
  const recordedBy = await recordAudit(deps.db, caller.principal, { action, target }, caller.echo);
  return { kind: 'done', value, recordedBy };
}

// ---------------------------------------------------------------------------------------------
// Profiles: the built-in ones (read-only, no row) and the tenant's own.

export interface ProfileSummary {
  id: string;
  name: string;
  permissions: string[];
  builtIn: boolean;
  createdAt: Date | null;
  updatedAt: Date | null;
}

export function builtInProfile(id: BuiltInProfileId): ProfileSummary {
  const p = BUILT_IN_PROFILES[id];
  return { id, name: p.name, permissions: [...p.permissions], builtIn: true, createdAt: null, updatedAt: null };
}

const customProfile = (row: ProfileRow): ProfileSummary => ({
  id: row.id,
  name: row.name,
  permissions: row.permissions,
  builtIn: false,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export async function tenantProfiles(db: Database, tenantId: string): Promise<ProfileSummary[]> {
  const builtIn = (Object.keys(BUILT_IN_PROFILES) as BuiltInProfileId[]).map(builtInProfile);
  const custom = (await listProfiles(db, tenantId)).filter((p) => !isBuiltInProfileId(p.id)).map(customProfile);
  return [...builtIn, ...custom];
}

export async function tenantProfile(db: Database, tenantId: string, profileId: string) {
  if (isBuiltInProfileId(profileId)) return builtInProfile(profileId);
  const row = await findProfile(db, tenantId, profileId);
  return row ? customProfile(row) : null;
}

/** How many collaborators (not disabled) a change of each profile reaches at once. */
export const collaboratorsPerProfile = countCollaboratorsByProfile;

export async function createProfile(
  deps: AccessDeps,
  caller: Caller,
  input: { id: string; name: string; permissions: readonly Permission[] },
): Promise<AccessResult<ProfileSummary>> {
  if (isBuiltInProfileId(input.id)) return { kind: 'profile_exists', field: 'id' };
  const permissions = unique(input.permissions);
  const row = await insertProfile(deps.db, caller.principal.tenantId, { ...input, permissions });
  if (!row) return { kind: 'profile_exists', field: 'id' };
  return audited(deps, caller, customProfile(row), 'profile.created', { profileId: row.id, permissions });
}

export async function changeProfile(
  deps: AccessDeps,
  caller: Caller,
  profileId: string,
  changes: { name?: string | undefined; permissions?: readonly Permission[] | undefined },
): Promise<AccessResult<ProfileSummary>> {
  if (isBuiltInProfileId(profileId)) return { kind: 'built_in_profile' };
  const { name, permissions } = changes;
  const row = await updateProfile(
    deps.db,
    caller.principal.tenantId,
    profileId,
    { ...(name !== undefined && { name }), ...(permissions !== undefined && { permissions: unique(permissions) }) },
    deps.now(),
  );
  if (!row) return { kind: 'profile_not_found' };
  const fields = Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== undefined);
  return audited(deps, caller, customProfile(row), 'profile.updated', { profileId, fields });
}

export async function removeProfile(
  deps: AccessDeps,
  caller: Caller,
  profileId: string,
): Promise<AccessResult<{ id: string }>> {
  if (isBuiltInProfileId(profileId)) return { kind: 'built_in_profile' };
  const result = await deleteProfile(deps.db, caller.principal.tenantId, profileId);
  if (result === 'not_found') return { kind: 'profile_not_found' };
  if (result === 'in_use') return { kind: 'profile_in_use' };
  return audited(deps, caller, { id: profileId }, 'profile.deleted', { profileId });
}

// ---------------------------------------------------------------------------------------------
// Collaborators: people invited by email (pending until they accept) and systems holding keys.

export type CollaboratorStatus = 'pending' | 'active' | 'disabled';

/** A person is pending until they accept the invite; a system (no email) is active at once. */
export function collaboratorStatus(row: CollaboratorRow): CollaboratorStatus {
  if (row.disabledAt) return 'disabled';
  return row.email !== null && row.acceptedAt === null ? 'pending' : 'active';
}

export const tenantCollaborators = listCollaborators;

async function profileKnown(db: Database, tenantId: string, profileId: string): Promise<boolean> {
  return isBuiltInProfileId(profileId) || (await findProfile(db, tenantId, profileId)) !== null;
}

/** The seat was added (pending, audited) but its invite could not be sent: "send again" retries it. */
export class InviteNotSent extends Error {
  constructor(
    readonly collaboratorId: string,
    cause: unknown,
  ) {
    super('the collaborator was added but the invite could not be sent', { cause });
  }
}

function invite(invitations: Invitations, caller: Caller, row: CollaboratorRow & { email: string }) {
  return invitations.send({
    tenantId: row.tenantId,
    collaboratorId: row.id,
    email: row.email,
    name: row.name,
    invitedBy: caller.principal.userId ?? caller.principal.keyId,
  });
}

/**
 * Adds a collaborator. With an email, a person: invited at once (the invite can be sent again);
 * one seat per person and tenant while it is not disabled.
 */
export async function addCollaborator(
  deps: AccessDeps,
  caller: Caller,
  input: { name: string; profileId: string; email?: string | undefined },
): Promise<AccessResult<CollaboratorRow>> {
  const { tenantId } = caller.principal;
  const email = input.email?.toLowerCase();
  if (!(await profileKnown(deps.db, tenantId, input.profileId))) return { kind: 'unknown_profile', field: 'profileId' };
  if (email !== undefined) {
    if (!deps.invitations) return { kind: 'invitations_unavailable' };
    if (await findSeatByEmail(deps.db, tenantId, email)) return { kind: 'email_taken', field: 'email' };
  }
  const row = await insertCollaborator(deps.db, tenantId, {
    id: newId('col'),
    name: input.name,
    profileId: input.profileId,
    ...(email !== undefined && { email, invitedAt: deps.now() }),
  });
  // The check above and the insert are not atomic: the unique seat index settles a race.
  if (!row) return { kind: 'email_taken', field: 'email' };
  const done = await audited(deps, caller, row, 'collaborator.created', {
    collaboratorId: row.id,
    profileId: row.profileId,
    invited: email !== undefined,
  });
  // After the row and its audit line: a failed send leaves a pending seat the owner can invite again.
  if (row.email !== null && deps.invitations)
    await invite(deps.invitations, caller, { ...row, email: row.email }).catch((cause: unknown) => {
      throw new InviteNotSent(row.id, cause);
    });
  return done;
}

/** Renames, moves to another profile, disables (remove) or enables again. */
export async function changeCollaborator(
  deps: AccessDeps,
  caller: Caller,
  collaboratorId: string,
  changes: { name?: string | undefined; profileId?: string | undefined; disabled?: boolean | undefined },
): Promise<AccessResult<CollaboratorRow>> {
  const { tenantId } = caller.principal;
  const current = await findCollaborator(deps.db, tenantId, collaboratorId);
  if (!current) return { kind: 'collaborator_not_found' };
  const { name, profileId, disabled } = changes;
  if (profileId !== undefined && !(await profileKnown(deps.db, tenantId, profileId)))
    return { kind: 'unknown_profile', field: 'profileId' };
  const enabling = disabled === false && current.disabledAt !== null;
  if (enabling && current.email !== null && (await findSeatByEmail(deps.db, tenantId, current.email, current.id)))
    return { kind: 'email_taken', field: 'disabled' };
  const row =
    (await updateCollaborator(deps.db, tenantId, collaboratorId, {
      ...(name !== undefined && { name }),
      ...(profileId !== undefined && { profileId }),
      // Disabling again keeps the first time; enabling clears it.
      ...(disabled === true && current.disabledAt === null && { disabledAt: deps.now() }),
      ...(disabled === false && { disabledAt: null }),
    })) ?? current;
  const fields = Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== undefined);
  return audited(deps, caller, row, 'collaborator.updated', { collaboratorId, fields });
}

/** Sends a pending collaborator's invite again (a new link replaces the unused one). */
export async function resendInvite(
  deps: AccessDeps,
  caller: Caller,
  collaboratorId: string,
): Promise<AccessResult<CollaboratorRow>> {
  const { tenantId } = caller.principal;
  const current = await findCollaborator(deps.db, tenantId, collaboratorId);
  if (!current) return { kind: 'collaborator_not_found' };
  if (current.email === null) return { kind: 'not_invitable', reason: 'no_email' };
  if (current.disabledAt !== null) return { kind: 'not_invitable', reason: 'disabled' };
  if (current.acceptedAt !== null) return { kind: 'not_invitable', reason: 'accepted' };
  const { invitations } = deps;
  if (!invitations) return { kind: 'invitations_unavailable' };
  const row = (await updateCollaborator(deps.db, tenantId, collaboratorId, { invitedAt: deps.now() })) ?? current;
  const done = await audited(deps, caller, row, 'collaborator.invite_resent', { collaboratorId });
  await invite(invitations, caller, { ...row, email: current.email });
  return done;
}

// ---------------------------------------------------------------------------------------------
// API keys: the secret exists only in the answer that creates the key.

export const tenantKeys = listApiKeys;

export async function createKey(
  deps: AccessDeps,
  caller: Caller,
  input: { name: string; collaboratorId?: string | undefined },
): Promise<AccessResult<{ key: ApiKeyRow; secret: string }>> {
  const { tenantId } = caller.principal;
  const { collaboratorId } = input;
  if (collaboratorId !== undefined) {
    const holder = await findCollaborator(deps.db, tenantId, collaboratorId);
    if (!holder) return { kind: 'unknown_collaborator', field: 'collaboratorId' };
    if (holder.disabledAt) return { kind: 'collaborator_disabled', field: 'collaboratorId' };
  }
  const issued = await issueApiKey(deps.db, { tenantId, collaboratorId: collaboratorId ?? null, name: input.name });
  return audited(deps, caller, issued, 'key.created', {
    keyId: issued.key.id,
    collaboratorId: issued.key.collaboratorId,
  });
}

/** Revokes a key at once; revoking it again keeps the first time. */
export async function revokeKey(deps: AccessDeps, caller: Caller, keyId: string): Promise<AccessResult<ApiKeyRow>> {
  const row = await revokeApiKey(deps.db, caller.principal.tenantId, keyId, deps.now());
  if (!row) return { kind: 'key_not_found' };
  return audited(deps, caller, row, 'key.revoked', { keyId });
}

// ---------------------------------------------------------------------------------------------
// The audit log, the newest first.

/** A page cursor of the audit log, or null when it is not one of ours (its row ids are numbers). */
export function decodeAuditCursor(raw: string): TimeCursor | null {
  const cursor = decodeTimeCursor(raw);
  return cursor && /^\d{1,15}$/.test(cursor.id) ? cursor : null;
}

export function auditPage(db: Database, tenantId: string, query: { limit: number; after?: TimeCursor | undefined }) {
  return pageOf<AuditRow>(
    (limit) => auditLogPage(db, tenantId, { limit, after: query.after }),
    query.limit,
    (row) => encodeTimeCursor({ at: row.at, id: String(row.id) }),
  );
}
