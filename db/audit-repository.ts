import { asc, eq } from 'drizzle-orm';
import type { Database } from './client';
import { auditLog } from './schema';

export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id' | 'at'>;
export type AuditRow = typeof auditLog.$inferSelect;

/** Appends one line to the tenant's audit log (append-only; enforced by a trigger). */
export async function appendAudit(db: Database, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry);
}

export async function listAudit(db: Database, tenantId: string): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(eq(auditLog.tenantId, tenantId)).orderBy(asc(auditLog.id));
}
