/**
 * The purchase ledger in the database: schedules and payments reported for purchases, read
 * together with the journeys of the purchase's installments and their payments. A journey's
 * installment is an entry of its purchase's ledger even when the payment system never sent a
 * schedule (`installments.purchase_id`; an installment reported without a purchase is a purchase
 * of one, keyed by its own id — see domain/purchase.ts).
 */
import { and, eq, inArray, isNull, notInArray, or, sql } from 'drizzle-orm';
import type { Buyer } from '../domain/installment';
import {
  type LedgerPayment,
  type ScheduleProblem,
  type ScheduleStatus,
  declaredPayments,
  scheduleChangeProblems,
} from '../domain/ledger';
import type { Database } from './client';
import { withTenants } from './journey-repository';
import { installments, journeys, payments, purchaseInstallments, purchasePayments, purchases } from './schema';

export type PurchaseRow = typeof purchases.$inferSelect;
export type ScheduleRow = typeof purchaseInstallments.$inferSelect;

/** An installment of the purchase that became a journey. */
export interface JourneyEntryRow {
  installmentId: string;
  installmentNumber: number;
  installmentCount: number;
  journeyId: string | null;
  buyer: Buyer;
  productId: string;
  productName: string;
  amountMinor: number;
  currency: string;
  paymentUrl: string;
  /** The schedule's due date (the journey's original one). */
  originalDueDate: string;
  /** Where the journey moved it, if it did. */
  dueDate: string;
  outcome: string | null;
  policyId: string | null;
  policyVersion: number | null;
}

export interface StoredLedger {
  purchase: PurchaseRow | null;
  schedule: ScheduleRow[];
  journeys: JourneyEntryRow[];
  /** The purchase's payments and its journeys' payments, each payment id once. */
  payments: (LedgerPayment & { currency: string })[];
}

export async function findLedger(db: Database, tenantId: string, purchaseId: string): Promise<StoredLedger> {
  const [purchase] = await db
    .select()
    .from(purchases)
    .where(and(eq(purchases.tenantId, tenantId), eq(purchases.purchaseId, purchaseId)));
  const schedule = await db
    .select()
    .from(purchaseInstallments)
    .where(and(eq(purchaseInstallments.tenantId, tenantId), eq(purchaseInstallments.purchaseId, purchaseId)))
    .orderBy(purchaseInstallments.number);
  const journeyEntries: JourneyEntryRow[] = await db
    .select({
      installmentId: installments.installmentId,
      installmentNumber: installments.installmentNumber,
      installmentCount: installments.installmentCount,
      journeyId: journeys.id,
      buyer: installments.buyer,
      productId: installments.productId,
      productName: installments.productName,
      amountMinor: installments.amountMinor,
      currency: installments.currency,
      paymentUrl: installments.paymentUrl,
      originalDueDate: sql<string>`coalesce(${journeys.originalDueDate}, ${installments.dueDate})`,
      dueDate: sql<string>`coalesce(${journeys.dueDate}, ${installments.dueDate})`,
      outcome: journeys.outcome,
      policyId: journeys.policyId,
      policyVersion: journeys.policyVersion,
    })
    .from(installments)
    .leftJoin(
      journeys,
      and(eq(journeys.tenantId, installments.tenantId), eq(journeys.installmentId, installments.installmentId)),
    )
    .where(
      and(
        eq(installments.tenantId, tenantId),
        or(
          eq(installments.purchaseId, purchaseId),
          and(isNull(installments.purchaseId), eq(installments.installmentId, purchaseId)),
        ),
      ),
    )
    .orderBy(installments.installmentNumber);
  const reported = await db
    .select()
    .from(purchasePayments)
    .where(and(eq(purchasePayments.tenantId, tenantId), eq(purchasePayments.purchaseId, purchaseId)));
  const journeyIds = journeyEntries.flatMap((j) => (j.journeyId ? [j.journeyId] : []));
  const journeyPayments =
    journeyIds.length === 0 ? [] : await db.select().from(payments).where(inArray(payments.journeyId, journeyIds));
  const numberOfJourney = new Map(journeyEntries.map((j) => [j.journeyId, j.installmentNumber]));
  const seen = new Set<string>();
  const all = [
    ...reported.map((p) => ({ ...p, paidAt: p.paidAt.getTime() })),
    ...journeyPayments.map((p) => ({
      paymentId: p.paymentId,
      installmentNumber: numberOfJourney.get(p.journeyId)!,
      amountMinor: p.amountMinor,
      currency: p.currency,
      paidAt: p.paidAt.getTime(),
    })),
  ].filter((p) => !seen.has(p.paymentId) && seen.add(p.paymentId));
  return {
    purchase: purchase ?? null,
    schedule,
    journeys: journeyEntries,
    payments: all.map(({ paymentId, installmentNumber, amountMinor, currency, paidAt }) => ({
      paymentId,
      installmentNumber,
      amountMinor,
      currency,
      paidAt,
    })),
  };
}

export interface ScheduleWrite {
  tenantId: string;
  purchaseId: string;
  buyer: Buyer;
  product: { id: string; name: string };
  currency: string;
  installments: {
    number: number;
    installmentId?: string | undefined;
    amountMinor: number;
    dueDate: string;
    status: ScheduleStatus;
    paidAt?: number | undefined;
    paymentUrl?: string | undefined;
  }[];
}

/**
 * Writes a purchase's schedule, in one transaction under the purchase's row lock: refused (and
 * nothing written) when it would rewrite history; otherwise the purchase and its installments
 * take the new values, installments left out are removed (none of them has a payment), and the
 * installments the schedule says are paid get their declared payment.
 */
export async function writeSchedule(
  db: Database,
  write: ScheduleWrite,
): Promise<{ created: boolean } | { problems: ScheduleProblem[] }> {
  const attempt = () =>
    db.transaction(async (tx) => {
      const key = and(eq(purchases.tenantId, write.tenantId), eq(purchases.purchaseId, write.purchaseId));
      const inserted = await tx
        .insert(purchases)
        .values(purchaseRow(write))
        .onConflictDoNothing()
        .returning({ id: purchases.purchaseId });
      const [current] = await tx.select().from(purchases).where(key).for('update');
      const recorded = (await findLedger(tx as unknown as Database, write.tenantId, write.purchaseId)).payments;
      const problems = scheduleChangeProblems(
        { buyerId: current!.buyerId, currency: current!.currency, payments: recorded },
        { buyerId: write.buyer.id, currency: write.currency, numbers: write.installments.map((i) => i.number) },
      );
      if (problems.length > 0) throw new ScheduleRefused(problems);
      await tx
        .update(purchases)
        .set({ ...purchaseRow(write), updatedAt: new Date() })
        .where(key);
      const numbers = write.installments.map((i) => i.number);
      await tx
        .delete(purchaseInstallments)
        .where(
          and(
            eq(purchaseInstallments.tenantId, write.tenantId),
            eq(purchaseInstallments.purchaseId, write.purchaseId),
            notInArray(purchaseInstallments.number, numbers),
          ),
        );
      const rows = write.installments.map((i) => ({
        tenantId: write.tenantId,
        purchaseId: write.purchaseId,
        number: i.number,
        installmentId: i.installmentId ?? null,
        amountMinor: i.amountMinor,
        dueDate: i.dueDate,
        canceled: i.status === 'canceled',
        paymentUrl: i.paymentUrl ?? null,
      }));
      await tx
        .insert(purchaseInstallments)
        .values(rows)
        .onConflictDoUpdate({
          target: [purchaseInstallments.tenantId, purchaseInstallments.purchaseId, purchaseInstallments.number],
          set: {
            installmentId: sql`excluded.installment_id`,
            amountMinor: sql`excluded.amount_minor`,
            dueDate: sql`excluded.due_date`,
            canceled: sql`excluded.canceled`,
            paymentUrl: sql`excluded.payment_url`,
            updatedAt: sql`now()`,
          },
        });
      const declared = declaredPayments(
        write.installments.map((i) => ({ ...i, canceled: i.status === 'canceled' })),
        recorded,
      );
      if (declared.length > 0)
        await tx
          .insert(purchasePayments)
          .values(
            declared.map((p) => ({
              tenantId: write.tenantId,
              purchaseId: write.purchaseId,
              paymentId: p.paymentId,
              installmentNumber: p.installmentNumber,
              amountMinor: p.amountMinor,
              currency: write.currency,
              paidAt: new Date(p.paidAt),
              source: 'schedule',
            })),
          )
          .onConflictDoNothing();
      return { created: inserted.length > 0 };
    });
  try {
    return await withTenants(db, [write.tenantId], attempt);
  } catch (err) {
    if (err instanceof ScheduleRefused) return { problems: err.problems };
    throw err;
  }
}

/** Thrown inside the transaction so that nothing of a refused schedule is written. */
class ScheduleRefused extends Error {
  constructor(readonly problems: ScheduleProblem[]) {
    super('the schedule would rewrite the purchase history');
  }
}

function purchaseRow(write: Omit<ScheduleWrite, 'installments'>): typeof purchases.$inferInsert {
  return {
    tenantId: write.tenantId,
    purchaseId: write.purchaseId,
    buyerId: write.buyer.id,
    buyer: write.buyer,
    productId: write.product.id,
    productName: write.product.name,
    currency: write.currency,
  };
}

/**
 * Records a payment reported for one installment of a purchase. Idempotent by payment id (also
 * against the payments its journey recorded). A purchase known only from its journeys gets its
 * row first, from what they say of it.
 */
export async function recordPurchasePayment(
  db: Database,
  purchase: Omit<ScheduleWrite, 'installments'>,
  payment: LedgerPayment & { currency: string },
): Promise<'recorded' | 'duplicate'> {
  return withTenants(db, [purchase.tenantId], () =>
    db.transaction(async (tx) => {
      await tx.insert(purchases).values(purchaseRow(purchase)).onConflictDoNothing();
      const inserted = await tx
        .insert(purchasePayments)
        .values({
          tenantId: purchase.tenantId,
          purchaseId: purchase.purchaseId,
          paymentId: payment.paymentId,
          installmentNumber: payment.installmentNumber,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          paidAt: new Date(payment.paidAt),
          source: 'api',
        })
        .onConflictDoNothing()
        .returning({ paymentId: purchasePayments.paymentId });
      return inserted.length > 0 ? 'recorded' : 'duplicate';
    }),
  );
}
