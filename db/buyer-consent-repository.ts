import { and, eq, inArray, sql } from 'drizzle-orm';
import { CHANNEL_TABLE, type Channel, consentChannels, normalizeAddress } from '../domain/channels';
import { ensureTenant } from './access-repository';
import type { Database } from './client';
import { buyerOptOuts, installments } from './schema';

/** A buyer's lasting opt-outs (buyer_opt_outs): recorded by support, read by the guard before every send. */

type Executor = Pick<Database, 'select' | 'selectDistinct' | 'insert' | 'delete'>;

export interface BuyerOptOut {
  channel: Channel;
  source: string;
  recordedBy: Record<string, string>;
  recordedAt: Date;
}

type StopRef = { tenantId: string; buyerId: string; channel: Channel };

const theStop = (ref: StopRef) =>
  and(
    eq(buyerOptOuts.tenantId, ref.tenantId),
    eq(buyerOptOuts.buyerId, ref.buyerId),
    eq(buyerOptOuts.channel, ref.channel),
  );

/** Records the buyer's stop, and answers the stop on record: one already there keeps its first source and time. */
export async function recordBuyerOptOut(
  db: Executor,
  input: { tenantId: string; buyerId: string; channel: Channel; source: string; recordedBy: Record<string, string> },
): Promise<BuyerOptOut> {
  // A tenant known only from API_KEYS has no row until its first write.
  await ensureTenant(db, input.tenantId);
  await db.insert(buyerOptOuts).values(input).onConflictDoNothing();
  const [row] = await db.select().from(buyerOptOuts).where(theStop(input)).limit(1);
  return optOutOf(row!);
}

/** The buyer said otherwise: the channel is theirs to be reached on again. Answers whether a stop was on record. */
export async function clearBuyerOptOut(db: Executor, ref: StopRef): Promise<boolean> {
  const deleted = await db.delete(buyerOptOuts).where(theStop(ref)).returning({ channel: buyerOptOuts.channel });
  return deleted.length > 0;
}

/**
 * A START from an address is its buyers' own word: their stops on that channel recorded by
 * support end too, in every tenant whose buyer uses the address.
 */
export async function clearBuyerOptOutsAt(db: Executor, channel: Channel, address: string): Promise<void> {
  const field = CHANNEL_TABLE[channel].addressField;
  // A channel without addresses (in-app) is never at one.
  if (field === null) return;
  const normalized = normalizeAddress(channel, address);
  const buyersAtAddress = db
    .selectDistinct({ tenantId: installments.tenantId, buyerId: installments.buyerId })
    .from(installments)
    .where(
      field === 'email'
        ? sql`lower(${installments.buyer}->>'email') = ${normalized}`
        : sql`(${installments.buyer}->>${field}) = ${normalized}`,
    );
  await db
    .delete(buyerOptOuts)
    .where(
      and(
        eq(buyerOptOuts.channel, channel),
        inArray(sql`(${buyerOptOuts.tenantId}, ${buyerOptOuts.buyerId})`, buyersAtAddress),
      ),
    );
}

export async function listBuyerOptOuts(db: Executor, tenantId: string, buyerId: string): Promise<BuyerOptOut[]> {
  const rows = await db
    .select()
    .from(buyerOptOuts)
    .where(and(eq(buyerOptOuts.tenantId, tenantId), eq(buyerOptOuts.buyerId, buyerId)))
    .orderBy(buyerOptOuts.channel);
  return rows.map(optOutOf);
}

function optOutOf({ channel, source, recordedBy, recordedAt }: typeof buyerOptOuts.$inferSelect): BuyerOptOut {
  return { channel: channel as Channel, source, recordedBy, recordedAt };
}

/**
 * Whether the buyer stopped this channel or the channel that carries it (a WhatsApp stop closes
 * the assistant; an assistant stop leaves WhatsApp reminders open).
 */
export async function buyerOptedOut(db: Pick<Database, 'select'>, ref: StopRef): Promise<boolean> {
  const [row] = await db
    .select({ channel: buyerOptOuts.channel })
    .from(buyerOptOuts)
    .where(
      and(
        eq(buyerOptOuts.tenantId, ref.tenantId),
        eq(buyerOptOuts.buyerId, ref.buyerId),
        inArray(buyerOptOuts.channel, consentChannels(ref.channel)),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** The buyer of an installment on record, or null. */
export async function buyerOfInstallment(
  db: Pick<Database, 'select'>,
  tenantId: string,
  installmentId: string,
): Promise<string | null> {
  const [row] = await db
    .select({ buyerId: installments.buyerId })
    .from(installments)
    .where(and(eq(installments.tenantId, tenantId), eq(installments.installmentId, installmentId)))
    .limit(1);
  return row?.buyerId ?? null;
}
