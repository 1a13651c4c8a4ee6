import type { Database } from '../db/client';
import { findKeyHolder, touchKey } from '../db/access-repository';
import { isPermission } from '../domain/permissions';
import { ALL_PERMISSIONS, type ApiKeyStore, sha256Hex } from './plugins/auth';

/** Keys the tenants manage through the API, stored as digests in the database. */
export function databaseKeyStore(db: Database, now: () => Date = () => new Date()): ApiKeyStore {
  return {
    async authenticate(secret) {
      const holder = await findKeyHolder(db, sha256Hex(secret));
      if (!holder) return null;
      await touchKey(db, holder.keyId, now());
      if (!holder.collaborator) return { tenantId: holder.tenantId, keyId: holder.keyId, role: 'owner', permissions: ALL_PERMISSIONS };
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
