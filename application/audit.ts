/**
 * The tenant's audit log as the use cases write it: every tenant-level write (profiles,
 * collaborators, keys, policies, the tenant) is appended with who made it. The author comes from
 * the caller's Principal, an API key or a signed-in person, never from anything the caller says.
 */
import { type AuditActor, appendAudit } from '../db/audit-repository';
import type { Database } from '../db/client';
import type { Principal } from './key-stores';

export type { AuditActor } from '../db/audit-repository';

/** Who made a write: the key (or person), and for a collaborator who and through which profile. Ids only. */
export function auditActor({ keyId, userId, collaboratorId, profileId }: Principal): AuditActor {
  return {
    keyId,
    ...(userId && { userId }),
    ...(collaboratorId && { collaboratorId }),
    ...(profileId && { profileId }),
  };
}

export interface AuditedWrite {
  action: string;
  target: Record<string, unknown>;
  actor: AuditActor;
}

/** Where a recorded write is also reported (the request log); targets hold ids only. */
export type AuditEcho = (write: AuditedWrite & { tenantId: string }) => void;

/** The echo that writes each audited write as a line of a (pino-like) log: ids only. */
export function logAudit(log: { info(entry: object, message: string): void }): AuditEcho {
  return ({ action, tenantId, target, actor }) =>
    log.info({ audit: { action, tenantId, target, actor } }, `audit: ${action}`);
}

/** Appends the write to the tenant's append-only log; returns its author for the answer. */
export async function recordAudit(
  db: Database,
  principal: Principal,
  write: { action: string; target: Record<string, unknown> },
  echo?: AuditEcho,
): Promise<AuditActor> {
  const actor = auditActor(principal);
  await appendAudit(db, { tenantId: principal.tenantId, ...write, actor });
  echo?.({ tenantId: principal.tenantId, ...write, actor });
  return actor;
}
