import { and, asc, eq, isNull } from 'drizzle-orm';
import type { InstallmentInput } from '../domain/installment';
import type { Database } from './client';
import { installmentOfRow } from './journey-repository';
import { installments, journeys } from './schema';

/**
 * The installments of a tenant's journeys still running (not yet closed), by due date: the
 * portfolio a what-if simulation runs a policy over. At most `limit`; `more` says whether there
 * are others.
 */
export async function openInstallments(
  db: Database,
  tenantId: string,
  limit: number,
): Promise<{ installments: InstallmentInput[]; more: boolean }> {
  const rows = await db
    .select({ installment: installments })
    .from(journeys)
    .innerJoin(
      installments,
      and(eq(installments.tenantId, journeys.tenantId), eq(installments.installmentId, journeys.installmentId)),
    )
    .where(and(eq(journeys.tenantId, tenantId), isNull(journeys.outcome)))
    .orderBy(asc(journeys.dueDate), asc(journeys.id))
    .limit(limit + 1);
  return { installments: rows.slice(0, limit).map((r) => installmentOfRow(r.installment)), more: rows.length > limit };
}
