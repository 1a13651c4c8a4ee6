import { type SQL, and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import type { JourneyRecord } from '../domain/journey-record';
import type { AuditEvent, EndedOutsideReason } from '../domain/journey';
import type { JourneyStatus } from '../domain/status';
import { type LatePayment, settleEndedOutside, settleLatePayment } from '../domain/settlement';
import { ensureTenant } from './access-repository';
import type { Database } from './client';
import { journeyState, statesOf } from './journey-state';
import { events, installments, journeys, payments } from './schema';

export type JourneyRow = typeof journeys.$inferSelect;

/**
 * Writes what the workflow reports — new audit events, payments and the journey projection —
 * in one transaction. Safe to repeat: events and payments are keyed, and the projection only
 * moves forward (an older record never overwrites a newer one).
 */
export async function recordJourney(db: Database, record: JourneyRecord): Promise<void> {
  await db.transaction(async (tx) => {
    await ensureInstallment(tx, record);
    await appendEvents(tx, record);
    await appendPayments(tx, record);
    // The installment's contact and due date follow the projection: a stale record (an older
    // activity attempt committing late) cannot bring back an old contact.
    if (await advanceProjection(tx, record)) await followProjection(tx, record);
  });
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** The tenant and the installment, created by a journey's first record. */
async function ensureInstallment(tx: Transaction, { installment, status }: JourneyRecord): Promise<void> {
  const tenantId = installment.tenantId;
  await ensureTenant(tx, tenantId);
  await tx
    .insert(installments)
    .values({
      tenantId,
      installmentId: installment.installmentId,
      purchaseId: installment.purchaseId ?? null,
      subscriptionId: installment.subscriptionId ?? null,
      productId: installment.product.id,
      productName: installment.product.name,
      buyerId: installment.buyer.id,
      buyer: installment.buyer,
      amountMinor: installment.amount.amountMinor,
      currency: installment.amount.currency,
      installmentNumber: installment.installmentNumber,
      installmentCount: installment.installmentCount,
      dueDate: status.dueDate,
      paymentUrl: installment.paymentUrl,
      metadata: installment.metadata,
    })
    .onConflictDoNothing();
}

/** The audit events, each once (keyed by journey and sequence number). */
async function appendEvents(tx: Transaction, record: JourneyRecord): Promise<void> {
  if (record.events.length === 0) return;
  await tx
    .insert(events)
    .values(
      record.events.map(({ seq, ...payload }) => ({
        journeyId: record.journeyId,
        seq,
        tenantId: record.installment.tenantId,
        type: payload.type,
        payload,
        occurredAt: new Date(payload.at),
      })),
    )
    .onConflictDoNothing();
}

/** The payments among the events, each once (keyed by journey and payment ID). */
async function appendPayments(tx: Transaction, record: JourneyRecord): Promise<void> {
  const paid = record.events.flatMap((e) => (e.type === 'payment_received' ? [e] : []));
  if (paid.length === 0) return;
  await tx
    .insert(payments)
    .values(
      paid.map((p) => ({
        journeyId: record.journeyId,
        paymentId: p.paymentId,
        tenantId: record.installment.tenantId,
        amountMinor: p.amountMinor,
        currency: p.currency,
        paidAt: new Date(p.at),
      })),
    )
    .onConflictDoNothing();
}

/** The journey projection, unless a newer record already wrote it. Returns whether it was written. */
async function advanceProjection(
  tx: Transaction,
  { journeyId, runId, installment, status, events: recorded }: JourneyRecord,
): Promise<boolean> {
  const lastSeq = Math.max(0, ...recorded.map((e) => e.seq));
  const changes = {
    runId,
    policyId: status.policy.id,
    policyVersion: status.policy.version,
    ...projectionOf(status),
    lastSeq,
  };
  const written = await tx
    .insert(journeys)
    .values({
      id: journeyId,
      tenantId: installment.tenantId,
      installmentId: installment.installmentId,
      ...listKeysOf(installment),
      ...changes,
    })
    .onConflictDoUpdate({
      target: journeys.id,
      set: { ...changes, updatedAt: sql`now()` },
      setWhere: sql`${journeys.lastSeq} <= ${lastSeq}`,
    })
    .returning({ id: journeys.id });
  return written.length > 0;
}

/** The installment's IDs lists filter by, kept on the journey row from its first record (they never change). */
function listKeysOf(installment: JourneyRecord['installment']) {
  return {
    buyerId: installment.buyer.id,
    productId: installment.product.id,
    purchaseId: installment.purchaseId ?? null,
    subscriptionId: installment.subscriptionId ?? null,
  };
}

/** The installment's current contact and due date, as the projection just written says. */
async function followProjection(tx: Transaction, { installment, status }: JourneyRecord): Promise<void> {
  await tx
    .update(installments)
    .set({ buyer: installment.buyer, dueDate: status.dueDate, updatedAt: sql`now()` })
    .where(
      and(eq(installments.tenantId, installment.tenantId), eq(installments.installmentId, installment.installmentId)),
    );
}

export async function findJourney(
  db: Database,
  tenantId: string,
  installmentId: string,
): Promise<JourneyRow | undefined> {
  const [row] = await db
    .select()
    .from(journeys)
    .where(and(eq(journeys.tenantId, tenantId), eq(journeys.installmentId, installmentId)))
    .limit(1);
  return row;
}

export async function listEvents(db: Database, journeyId: string) {
  return db.select().from(events).where(eq(events.journeyId, journeyId)).orderBy(events.seq);
}

export async function listPayments(db: Database, journeyId: string) {
  return db.select().from(payments).where(eq(payments.journeyId, journeyId)).orderBy(payments.paidAt);
}

/**
 * Records a payment for a journey that has already ended (its workflow is closed), settling
 * the projection with the domain's rule. Idempotent by payment ID. Returns false when the
 * journey does not exist.
 */
export async function recordLatePayment(
  db: Database,
  ref: { tenantId: string; installmentId: string },
  payment: LatePayment,
): Promise<'recorded' | 'duplicate' | 'not_found'> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(journeys)
      .where(and(eq(journeys.tenantId, ref.tenantId), eq(journeys.installmentId, ref.installmentId)))
      .for('update');
    if (!row) return 'not_found';
    const inserted = await tx
      .insert(payments)
      .values({
        journeyId: row.id,
        paymentId: payment.paymentId,
        tenantId: row.tenantId,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        paidAt: new Date(payment.at),
      })
      .onConflictDoNothing()
      .returning({ paymentId: payments.paymentId });
    if (inserted.length === 0) return 'duplicate';
    const { status, event } = settleLatePayment(row.status, payment);
    await appendSettlement(tx, row, status, event);
    return 'recorded';
  });
}

/**
 * Closes the record of a journey whose workflow Temporal ended without the journey recording it
 * (see settleEndedOutside). Does nothing to a journey already closed on record. Returns whether
 * it closed it.
 */
export async function closeJourneyEndedOutside(
  db: Database,
  journeyId: string,
  reason: EndedOutsideReason,
  at: number,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(journeys).where(eq(journeys.id, journeyId)).for('update');
    if (!row || row.outcome !== null) return false;
    const { status, event } = settleEndedOutside(row.status, reason, at);
    await appendSettlement(tx, row, status, event);
    return true;
  });
}

/** The projection's columns, as a status says them. */
function projectionOf(status: JourneyStatus) {
  return {
    stage: status.stage,
    outcome: status.outcome,
    dueDate: status.dueDate,
    originalDueDate: status.originalDueDate,
    currency: status.currency,
    amountDueMinor: status.amountDueMinor,
    amountPaidMinor: status.amountPaidMinor,
    overpaidMinor: status.overpaidMinor,
    nextActionAt: status.nextAction?.at ? new Date(status.nextAction.at) : null,
    status,
    closedAt: status.closedAt ? new Date(status.closedAt) : null,
  };
}

/**
 * Settles a journey already on record from outside its workflow (a late payment, an ending
 * Temporal imposed): the next event in its numbering, and the status it leads to.
 */
async function appendSettlement(
  tx: Transaction,
  row: JourneyRow,
  status: JourneyStatus,
  event: AuditEvent,
): Promise<void> {
  const seq = row.lastSeq + 1;
  await tx.insert(events).values({
    journeyId: row.id,
    seq,
    tenantId: row.tenantId,
    type: event.type,
    payload: event,
    occurredAt: new Date(event.at),
  });
  await tx
    .update(journeys)
    .set({ ...projectionOf(status), lastSeq: seq, updatedAt: sql`now()` })
    .where(eq(journeys.id, row.id));
}

/** Filters of the journey list and of pause / resume by filter; every field optional. */
export interface JourneyFilter {
  stages?: readonly string[];
  outcomes?: readonly string[];
  /** Inclusive bounds on the due date (YYYY-MM-DD). */
  dueFrom?: string;
  dueTo?: string;
  buyerId?: string;
  productId?: string;
  purchaseId?: string;
  subscriptionId?: string;
  /** Only journeys that have not ended (outcome null, stage not closed). */
  openOnly?: boolean;
}

/** A position in the (due_date, id) order: the last row of the previous page. */
export interface JourneyCursor {
  dueDate: string;
  id: string;
}

/**
 * One page of a tenant's journeys in the stable order (due_date, id), after `after` when given.
 * Returns up to `limit` rows; the caller asks for one more than it shows to know whether a next
 * page exists.
 */
export async function searchJourneys(
  db: Database,
  tenantId: string,
  filter: JourneyFilter,
  page: { limit: number; after?: JourneyCursor },
): Promise<JourneyRow[]> {
  return (await journeySearch(db, tenantId, filter, page)) ?? [];
}

/**
 * The query searchJourneys runs (the benchmark explains it), or null when the filter can match
 * nothing. Every page is read from an index in (due_date, id) order, bounded by the cursor, so that
 * a page costs about its own rows whatever the filter:
 *  - no stage, outcome or "open" filter: the index that leads with the filter's ID (else the
 *    tenant's), in order;
 *  - a buyer, purchase or subscription, whose journeys are a handful: those in order, filtered;
 *  - otherwise one range of the state index (or product and state index) per state the filter
 *    admits, the ranges merged in order.
 */
export function journeySearch(
  db: Database,
  tenantId: string,
  filter: JourneyFilter,
  page: { limit: number; after?: JourneyCursor },
) {
  const states = statesOf(filter);
  if (states?.length === 0) return null;
  const conditions = [eq(journeys.tenantId, tenantId)];
  if (filter.buyerId !== undefined) conditions.push(eq(journeys.buyerId, filter.buyerId));
  if (filter.productId !== undefined) conditions.push(eq(journeys.productId, filter.productId));
  if (filter.purchaseId !== undefined) conditions.push(eq(journeys.purchaseId, filter.purchaseId));
  if (filter.subscriptionId !== undefined) conditions.push(eq(journeys.subscriptionId, filter.subscriptionId));
  if (filter.dueFrom) conditions.push(gte(journeys.dueDate, filter.dueFrom));
  if (filter.dueTo) conditions.push(lte(journeys.dueDate, filter.dueTo));
  if (page.after) {
    // A row comparison, not an OR of the two columns: it is one bound of the index range.
    const { dueDate, id } = page.after;
    conditions.push(sql`(${journeys.dueDate}, ${journeys.id}) > (${dueDate}::date, ${id})`);
  }
  const inOrder = (...more: SQL[]) =>
    db
      .select()
      .from(journeys)
      .where(and(...conditions, ...more))
      .orderBy(asc(journeys.dueDate), asc(journeys.id))
      .limit(page.limit);

  if (states === null) return inOrder();
  const few = [filter.buyerId, filter.purchaseId, filter.subscriptionId].some((id) => id !== undefined);
  if (few) return inOrder(inArray(journeyState(journeys), states));
  const [first, second, ...rest] = states.map((state) => inOrder(eq(journeyState(journeys), state)));
  if (!second) return first!;
  // Each range limited and ordered in its own subquery: PostgreSQL 15 merges those (Merge Append)
  // but sorts the union of plain ranges.
  const merged = unionAll(first!, second, ...rest).as('merged');
  return db.select().from(merged).orderBy(asc(merged.dueDate), asc(merged.id)).limit(page.limit);
}
