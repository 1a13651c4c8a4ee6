/**
 * Attempts: one row per message a journey tried to send, written as an intent before the
 * provider is called and settled by its answer (or a status callback later).
 */
import { and, desc, eq, inArray, isNotNull, max } from 'drizzle-orm';
import type { Database } from './client';
import { attempts } from './schema';

export type AttemptRow = typeof attempts.$inferSelect;
/** What an intent row says before the provider answers. */
export type AttemptIntent = Omit<typeof attempts.$inferInsert, 'id' | 'createdAt'>;

type Executor = Pick<Database, 'select' | 'insert' | 'update'>;

export async function findAttempt(db: Executor, id: string): Promise<AttemptRow | undefined> {
  const [row] = await db.select().from(attempts).where(eq(attempts.id, id)).limit(1);
  return row;
}

export async function listAttempts(db: Database, journeyId: string): Promise<AttemptRow[]> {
  return db.select().from(attempts).where(eq(attempts.journeyId, journeyId)).orderBy(attempts.createdAt, attempts.id);
}

/**
 * Writes the intent row of an attempt, or takes over one a provider certainly did not take
 * (`retryable`). False when another try of the same attempt holds it.
 */
export async function reserveAttempt(tx: Executor, id: string, intent: AttemptIntent): Promise<boolean> {
  const [reserved] = await tx
    .insert(attempts)
    .values({ id, ...intent })
    .onConflictDoUpdate({ target: attempts.id, set: intent, setWhere: eq(attempts.status, 'retryable') })
    .returning({ id: attempts.id });
  return reserved !== undefined;
}

/**
 * Settles an intent row. Only a row still `sending` moves: a status callback that arrived first
 * (`delivered`), or another try of the activity that already settled it, is never overwritten.
 */
export async function settleAttempt(
  db: Executor,
  id: string,
  set: Partial<Omit<typeof attempts.$inferInsert, 'id'>>,
  at: number,
): Promise<void> {
  await db
    .update(attempts)
    .set({ ...set, updatedAt: new Date(at) })
    .where(and(eq(attempts.id, id), eq(attempts.status, 'sending')));
}

/**
 * The buyers we last wrote to at an address on these channels, the latest first (tenant and
 * buyer ids): whose conversation a message from that address most likely continues.
 */
export async function buyersLastContactedAt(
  db: Database,
  channels: readonly string[],
  recipient: string,
): Promise<{ tenantId: string; buyerId: string }[]> {
  const lastSent = max(attempts.sentAt);
  const rows = await db
    .select({ tenantId: attempts.tenantId, buyerId: attempts.buyerId, lastSent })
    .from(attempts)
    .where(
      and(inArray(attempts.channel, [...channels]), eq(attempts.recipient, recipient), isNotNull(attempts.buyerId)),
    )
    .groupBy(attempts.tenantId, attempts.buyerId)
    .orderBy(desc(lastSent));
  return rows.map((r) => ({ tenantId: r.tenantId, buyerId: r.buyerId! }));
}
