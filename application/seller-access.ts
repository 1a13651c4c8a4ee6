/**
 * Who a signed-in person is and what they may do in the account in use, read from the database
 * on every request: a profile edited or a seat removed applies at their next click. The
 * permissions are those an API key of the same owner or collaborator would have.
 */
import type { Database } from '../db/client';
import { type AccountRow, type UserRow, findUser, listAccounts } from '../db/user-repository';
import { isPermission } from '../domain/permissions';
import { ALL_PERMISSIONS, type Principal } from './key-stores';

export interface SignedInPerson {
  user: UserRow;
  /** Every account they may act for; empty when the last seat was removed. */
  accounts: AccountRow[];
}

export async function signedInPerson(db: Database, userId: string): Promise<SignedInPerson | null> {
  const user = await findUser(db, userId);
  return user ? { user, accounts: await listAccounts(db, userId) } : null;
}

/** The account in use: the one the session chose while it is still theirs, else their first. */
export function accountInUse(accounts: AccountRow[], chosen: string | undefined): AccountRow | undefined {
  return accounts.find((a) => a.tenantId === chosen) ?? accounts[0];
}

/** The caller as the one authorization rule (domain/permissions.ts `refusal`) sees it. */
export function principalOf(userId: string, account: AccountRow): Principal {
  if (account.role === 'owner')
    return { tenantId: account.tenantId, keyId: userId, userId, role: 'owner', permissions: ALL_PERMISSIONS };
  return {
    tenantId: account.tenantId,
    keyId: userId,
    userId,
    role: 'collaborator',
    ...(account.collaboratorId && { collaboratorId: account.collaboratorId }),
    ...(account.profileId && { profileId: account.profileId }),
    permissions: new Set((account.permissions ?? []).filter(isPermission)),
  };
}
