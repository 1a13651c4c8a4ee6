import { and, eq, gt, inArray, isNull, lte, notInArray, sql } from 'drizzle-orm';
import { CHANNEL_TABLE, type Channel, carrierOf, normalizeAddress, replyWindowMs } from '../domain/channels';
import type { BuyerContactRecord } from '../domain/compliance';
import { MS_PER_DAY } from '../domain/local-time';
import { CONVERSATION_REPLY_TEMPLATE } from '../domain/conversation';
import { CONFIRMATION_TEMPLATES } from '../domain/templates';
import { buyerOptedOut } from './buyer-consent-repository';
import type { Database } from './client';
import { attempts, contactPoints, installments, journeys } from './schema';

/**
 * The buyer's contact state across journeys: the contact ledger (attempts), consent and
 * reachability per address (contact_points), and the lookups webhooks need. A contact point
 * belongs to the channel that carries the address (domain/channels.ts `carrier`): the
 * assistant's consent and window are its WhatsApp number's, so whatever is read or recorded for
 * the assistant is read or recorded on `whatsapp`.
 */

export const ATTEMPT_STATUSES = [
  /** The intent row: written under the buyer's lock before the provider is called. */
  'sending',
  /** The provider may have sent it (a timeout after the request left): never sent again. */
  'unconfirmed',
  'sent',
  'delivered',
  /** The provider or the carrier could not deliver it after accepting it. */
  'undelivered',
  'bounced',
  'complained',
  /** The provider refused it at once (invalid address, opted out, no template): nothing went out. */
  'rejected',
  /** The provider certainly did not take it (429, 5xx): the activity retries. */
  'retryable',
] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/** Statuses of attempts that reached (or may have reached) the buyer: what the frequency cap counts. */
export const CONTACT_STATUSES: readonly AttemptStatus[] = [
  'sending',
  'unconfirmed',
  'sent',
  'delivered',
  'undelivered',
  'bounced',
  'complained',
];

/**
 * Later news wins, never earlier news: provider callbacks arrive out of order (`sent` after
 * `delivered`), and a bounce or complaint is final.
 */
const STATUS_RANK: Record<AttemptStatus, number> = {
  retryable: 0,
  sending: 1,
  unconfirmed: 2,
  sent: 3,
  delivered: 4,
  undelivered: 5,
  rejected: 5,
  bounced: 6,
  complained: 7,
};

export function attemptStatusRank(status: string): number {
  return STATUS_RANK[status as AttemptStatus] ?? -1;
}

const WEEK_MS = 7 * MS_PER_DAY;

type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'execute'>;

/**
 * Serializes the guard's read-decide-reserve for one buyer: two journeys of the same buyer
 * cannot both see two contacts in the week and both send a third and a fourth. Held until the
 * transaction ends. (`/` never occurs in ids, so the key is unambiguous.)
 */
export async function lockBuyer(tx: Executor, tenantId: string, buyerId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${tenantId}/${buyerId}`}, 0))`);
}

/**
 * Instants of the buyer's contacts in the week before `now`, over all their journeys and
 * channels. Confirmations and conversation replies answer the buyer: they are not contacts the
 * cap counts.
 */
export async function contactLedger(tx: Executor, tenantId: string, buyerId: string, now: number): Promise<number[]> {
  const rows = await tx
    .select({ sentAt: attempts.sentAt })
    .from(attempts)
    .where(
      and(
        eq(attempts.tenantId, tenantId),
        eq(attempts.buyerId, buyerId),
        inArray(attempts.status, [...CONTACT_STATUSES]),
        notInArray(attempts.template, [...CONFIRMATION_TEMPLATES, CONVERSATION_REPLY_TEMPLATE]),
        gt(attempts.sentAt, new Date(now - WEEK_MS)),
      ),
    );
  return rows.flatMap((r) => (r.sentAt ? [r.sentAt.getTime()] : []));
}

export interface ContactPointState {
  optedOut: boolean;
  suppressed: boolean;
  lastInboundAt: number | null;
}

/** Consent and reachability of an address on a channel (its carrier's contact point). */
export async function contactPointState(tx: Executor, channel: Channel, address: string): Promise<ContactPointState> {
  const carrier = carrierOf(channel);
  const [row] = await tx
    .select()
    .from(contactPoints)
    .where(and(eq(contactPoints.channel, carrier), eq(contactPoints.address, normalizeAddress(carrier, address))))
    .limit(1);
  return {
    optedOut: !!row?.optedOutAt,
    suppressed: !!row?.suppressedAt,
    lastInboundAt: row?.lastInboundAt?.getTime() ?? null,
  };
}

/**
 * Whether this buyer may be written to at this address on this channel: the address's consent
 * (STOP, unsubscribe link, complaint) and the buyer's, recorded by support (on the channel or its
 * carrier: a WhatsApp stop closes the assistant), and whether the address can be reached.
 */
export async function buyerConsentAt(
  tx: Executor,
  ref: { tenantId: string; buyerId: string; channel: Channel; address: string },
): Promise<ContactPointState> {
  const [point, buyerStopped] = await Promise.all([
    contactPointState(tx, ref.channel, ref.address),
    buyerOptedOut(tx, ref),
  ]);
  return { ...point, optedOut: point.optedOut || buyerStopped };
}

/** The guard's view of one buyer at one address, for one channel. */
export async function buyerContactRecord(
  tx: Executor,
  ref: { tenantId: string; buyerId: string; channel: Channel; address: string; now: number },
): Promise<BuyerContactRecord> {
  const [contacts, point] = await Promise.all([
    contactLedger(tx, ref.tenantId, ref.buyerId, ref.now),
    buyerConsentAt(tx, ref),
  ]);
  return {
    contacts,
    optedOut: point.optedOut ? [ref.channel] : [],
    suppressed: point.suppressed ? [ref.channel] : [],
    // Only a channel with a reply window (its carrier's) cares when the buyer last wrote.
    lastWhatsAppInboundAt: replyWindowMs(ref.channel) === null ? null : point.lastInboundAt,
  };
}

async function upsertContactPoint(
  db: Executor,
  channel: Channel,
  address: string,
  set: Partial<typeof contactPoints.$inferInsert>,
): Promise<void> {
  const now = new Date();
  const carrier = carrierOf(channel);
  await db
    .insert(contactPoints)
    .values({ channel: carrier, address: normalizeAddress(carrier, address), ...set, updatedAt: now })
    .onConflictDoUpdate({ target: [contactPoints.channel, contactPoints.address], set: { ...set, updatedAt: now } });
}

/** The buyer asked not to be contacted on this channel at this address (STOP, complaint, support request). */
export async function recordOptOut(
  db: Executor,
  channel: Channel,
  address: string,
  source: string,
  at = new Date(),
): Promise<void> {
  await upsertContactPoint(db, channel, address, { optedOutAt: at, optOutSource: source });
}

/** The buyer opted back in (START): only their own word reopens a channel they closed. */
export async function recordOptIn(db: Executor, channel: Channel, address: string, source: string): Promise<void> {
  await upsertContactPoint(db, channel, address, { optedOutAt: null, optOutSource: source });
}

/** A provider says this address can never be reached on this channel (hard bounce, invalid number). */
export async function recordSuppression(
  db: Executor,
  channel: Channel,
  address: string,
  reason: string,
  at = new Date(),
): Promise<void> {
  await upsertContactPoint(db, channel, address, { suppressedAt: at, suppressionReason: reason });
}

/** The buyer wrote to us on this channel (opens WhatsApp's 24-hour window). Never moves backwards. */
export async function recordInbound(db: Executor, channel: Channel, address: string, at: Date): Promise<void> {
  const carrier = carrierOf(channel);
  await db
    .insert(contactPoints)
    .values({ channel: carrier, address: normalizeAddress(carrier, address), lastInboundAt: at })
    .onConflictDoUpdate({
      target: [contactPoints.channel, contactPoints.address],
      set: {
        lastInboundAt: sql`greatest(${contactPoints.lastInboundAt}, excluded.last_inbound_at)`,
        updatedAt: new Date(),
      },
    });
}

/**
 * The provider says WhatsApp's 24-hour window is closed at this address (Twilio 63016 on a
 * free-form message): forget the buyer's last inbound message, so the next WhatsApp send uses the
 * approved template. With `sentBefore` (when the refused message went out), an inbound message
 * the buyer wrote after it is kept: that one opened a new window.
 */
export async function recordWindowClosed(
  db: Executor,
  channel: Channel,
  address: string,
  sentBefore?: Date | null,
): Promise<void> {
  const carrier = carrierOf(channel);
  const point = and(eq(contactPoints.channel, carrier), eq(contactPoints.address, normalizeAddress(carrier, address)));
  await db
    .update(contactPoints)
    .set({ lastInboundAt: null, updatedAt: new Date() })
    .where(sentBefore ? and(point, lte(contactPoints.lastInboundAt, sentBefore)) : point);
}

/**
 * Moves an attempt's status forward from a provider callback, found by its id or the provider's
 * message id. Returns the attempt as stored (null when unknown). An older status never
 * overwrites a newer one, so duplicated and reordered callbacks are harmless.
 */
export async function advanceAttemptStatus(
  db: Database,
  ref: { attemptId?: string | undefined; providerMessageId?: string | undefined },
  status: AttemptStatus,
  detail: { error?: string | null; providerMessageId?: string } = {},
): Promise<typeof attempts.$inferSelect | null> {
  const match = ref.attemptId
    ? eq(attempts.id, ref.attemptId)
    : ref.providerMessageId
      ? eq(attempts.providerMessageId, ref.providerMessageId)
      : null;
  if (!match) return null;
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(attempts).where(match).limit(1).for('update');
    if (!row) return null;
    if (attemptStatusRank(status) <= attemptStatusRank(row.status)) return row;
    const [updated] = await tx
      .update(attempts)
      .set({
        status,
        updatedAt: new Date(),
        ...(detail.error !== undefined && { error: detail.error }),
        ...(detail.providerMessageId && !row.providerMessageId && { providerMessageId: detail.providerMessageId }),
      })
      .where(eq(attempts.id, row.id))
      .returning();
    return updated ?? row;
  });
}

export interface JourneyAtAddress {
  tenantId: string;
  installmentId: string;
  journeyId: string;
  buyerId: string;
  locale: string;
}

/** Journeys still running whose buyer uses this address on this channel, in every tenant. */
export async function openJourneysAt(db: Database, channel: Channel, address: string): Promise<JourneyAtAddress[]> {
  const normalized = normalizeAddress(channel, address);
  const { addressField, addressKind } = CHANNEL_TABLE[channel];
  // A channel without addresses (in-app) is never at one.
  if (addressField === null) return [];
  const stored = sql`(${installments.buyer}->>${addressField}::text)`;
  const matchesAddress =
    addressKind === 'email' ? sql`lower(${stored}) = ${normalized}` : sql`${stored} = ${normalized}`;
  const rows = await db
    .select({
      tenantId: journeys.tenantId,
      installmentId: journeys.installmentId,
      journeyId: journeys.id,
      buyer: installments.buyer,
    })
    .from(journeys)
    .innerJoin(
      installments,
      and(eq(installments.tenantId, journeys.tenantId), eq(installments.installmentId, journeys.installmentId)),
    )
    .where(and(matchesAddress, isNull(journeys.outcome)));
  return rows.map((r) => ({
    tenantId: r.tenantId,
    installmentId: r.installmentId,
    journeyId: r.journeyId,
    buyerId: r.buyer.id,
    locale: r.buyer.locale,
  }));
}
