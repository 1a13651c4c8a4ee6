import type { FastifyRequest } from 'fastify';
import type { Caller } from '../application/access';
import { type AuditEcho, auditActor, logAudit, recordAudit } from '../application/audit';
import type { Database } from '../db/client';

/** Who made a request: the key (or signed-in person), and for a collaborator who and through which profile. */
export const recordedBy = (request: FastifyRequest) => auditActor(request.principal);

/** The request log's line for each audited write (ids only, like the audit log itself). */
export const auditEcho = (request: FastifyRequest): AuditEcho => logAudit(request.log);

/**
 * Appends a tenant-level write (profiles, collaborators, keys, policies, the tenant) to the
 * append-only audit log and the request log; returns its author for the response.
 */
export function auditWrite(db: Database, request: FastifyRequest, action: string, target: Record<string, unknown>) {
  return recordAudit(db, request.principal, { action, target }, auditEcho(request));
}

/** The caller of an access use case: the request's Principal, its audited writes echoed to the request log. */
export const callerOf = (request: FastifyRequest): Caller => ({
  principal: request.principal,
  echo: auditEcho(request),
});
