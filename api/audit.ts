import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../db/audit-repository';
import type { Database } from '../db/client';

/**
 * Who made a request: the key (or, through a seller-app session, the signed-in person: `userId`,
 * which is then also the `keyId`), and for a collaborator who and through which profile.
 */
export function recordedBy(request: FastifyRequest) {
  const { keyId, userId, collaboratorId, profileId } = request.principal;
  return {
    keyId,
    ...(userId && { userId }),
    ...(collaboratorId && { collaboratorId }),
    ...(profileId && { profileId }),
  };
}

/**
 * Appends a tenant-level write (profiles, collaborators, keys, policies, the tenant) to the
 * append-only audit log and the request log; returns its author for the response.
 */
export async function auditWrite(
  db: Database,
  request: FastifyRequest,
  action: string,
  target: Record<string, unknown>,
) {
  const actor = recordedBy(request);
  await appendAudit(db, { tenantId: request.principal.tenantId, action, actor, target });
  request.log.info({ audit: { action, tenantId: request.principal.tenantId, target, actor } }, `audit: ${action}`);
  return actor;
}
