import { and, asc, desc, eq } from 'drizzle-orm';
import type { Database } from './client';
import { auditLog } from './schema';
import { type TimeCursor, olderThan } from './time-cursor';

export type { AuditActor } from './schema';

export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id' | 'at'>;
export type AuditRow = typeof auditLog.$inferSelect;

/** Appends one line to the tenant's audit log (append-only; enforced by a trigger). */
export async function appendAudit(db: Database, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry);
}

export async function listAudit(db: Database, tenantId: string): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(eq(auditLog.tenantId, tenantId)).orderBy(asc(auditLog.id));
}

/** A page of the tenant's audit log, the newest first (the tenant and time index serves it). */
export function auditLogPage(
  db: Database,
  tenantId: string,
  page: { limit: number; after?: TimeCursor | undefined },
): Promise<AuditRow[]> {
  const conditions = [eq(auditLog.tenantId, tenantId)];
  if (page.after) conditions.push(olderThan(auditLog.at, auditLog.id, page.after));
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(page.limit);
}
