import type { JourneyRouting } from '../domain/segments';
import { type SQL, and, asc, eq, getTableName, gte, inArray, lte, sql } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import type { InstallmentInput } from '../domain/installment';
import type { JourneyRecord } from '../domain/journey-record';
import { type AuditEvent, type EndedOutsideReason, type RecordedEvent, TEMPORAL_OPERATOR } from '../domain/journey';
import type { JourneyStatus } from '../domain/status';
import type { RecordedBatch } from '../domain/webhook-payloads';
import { type LatePayment, settleEndedOutside, settleLatePayment } from '../domain/settlement';
import { ensureTenant } from './access-repository';
import { isMissingTenant } from './availability';
import type { Database } from './client';
import { journeyState, statesOf } from './journey-state';
import { type PolicyBasis, policyChoiceIsStale } from './policy-repository';
import { events, installments, journeys, payments } from './schema';
import { Statement } from './statement';

export type JourneyRow = typeof journeys.$inferSelect;

/**
 * Writes what the workflow reports — new audit events, payments and the journey projection —
 * in one statement (one round trip, atomic like a transaction). Safe to repeat: events and
 * payments are keyed, and the projection only moves forward (an older record never overwrites a
 * newer one). The installment's contact and due date follow the projection, so a stale record
 * (an older activity attempt committing late) cannot bring back an old contact.
 */
export async function recordJourney(db: Database, record: JourneyRecord): Promise<void> {
  const { installment, events: recorded } = record;
  const lastSeq = Math.max(0, ...recorded.map((e) => e.seq));
  const paid = recorded.flatMap((e) => (e.type === 'payment_received' ? [e] : []));
  const statement = new Statement();
  const parts = [
    `new_installment as (${statement.insert(installments, [installmentRow(record)])} on conflict do nothing)`,
  ];
  if (recorded.length > 0) {
    parts.push(`new_events as (${statement.insert(events, eventRows(record))} on conflict do nothing)`);
  }
  if (paid.length > 0) {
    const rows = paid.map((p) => paymentRow(record.journeyId, installment.tenantId, p));
    parts.push(`new_payments as (${statement.insert(payments, rows)} on conflict do nothing)`);
  }
  const projection = journeyRow(record, lastSeq);
  const { id: _id, tenantId: _tenant, installmentId: _installment, ...changes } = projection;
  const updates = `${statement.setFromExcluded(journeys, Object.keys(changes) as (keyof typeof changes)[])}, "${journeys.updatedAt.name}" = now()`;
  parts.push(
    `projection as (${statement.insert(journeys, [projection])} on conflict ("${journeys.id.name}") do update
      set ${updates} where "${getTableName(journeys)}"."${journeys.lastSeq.name}" <= ${statement.value(lastSeq, 'integer')}
      returning "${journeys.id.name}")`,
  );
  // A statement does not see its own inserts: an installment it just created already has these.
  parts.push(
    `followed as (update "${getTableName(installments)}" set "${installments.buyer.name}" = ${statement.value(JSON.stringify(installment.buyer), 'jsonb')},
      "${installments.dueDate.name}" = ${statement.value(record.status.dueDate, 'date')}, "${installments.updatedAt.name}" = now()
      where "${installments.tenantId.name}" = ${statement.value(installment.tenantId, 'text')}
      and "${installments.installmentId.name}" = ${statement.value(installment.installmentId, 'text')}
      and exists (select 1 from projection))`,
  );
  await withTenants(db, [installment.tenantId], () => statement.run(db, `with ${parts.join(', ')} select 1`));
}

/** A start's claim: its pending record, and what its policy choice rests on (null: it cannot change). */
export interface Claim {
  record: JourneyRecord;
  basis: PolicyBasis | null;
}

export interface ClaimResult {
  /** The pending row and its installment were written: no journey was on record. */
  created: boolean;
  /** The policy choice no longer holds (a newer version, another tenant default). */
  stale: boolean;
}

/**
 * The pending journey rows starts write before they ask Temporal — with their installments, in
 * one statement for the lot — except where an installment already has a journey (or comes
 * twice: the first claim wins). Each policy choice is checked in the same statement.
 */
export async function claimJourneys(db: Database, claims: readonly Claim[]): Promise<ClaimResult[]> {
  if (claims.length === 0) return [];
  const first = new Set<string>();
  const unique = claims.filter(({ record }) => !first.has(record.journeyId) && first.add(record.journeyId));
  const statement = new Statement();
  const bases = new Map<string, string>();
  for (const { basis } of unique) {
    const key = basis && JSON.stringify(basis);
    if (key && !bases.has(key)) bases.set(key, policyChoiceIsStale(statement, basis));
  }
  const text = `with new_installments as (${statement.insert(
    installments,
    unique.map(({ record }) => installmentRow(record)),
  )} on conflict do nothing),
    claimed as (${statement.insert(
      journeys,
      unique.map(({ record }) => journeyRow(record, 0)),
    )} on conflict do nothing returning "${journeys.id.name}")
    select array(select "${journeys.id.name}" from claimed) as created, array[${[...bases.values(), 'false'].join(', ')}] as stale`;
  const tenantIds = [...new Set(unique.map(({ record }) => record.installment.tenantId))];
  const [row] = await withTenants(db, tenantIds, () =>
    statement.run<{ created: string[]; stale: boolean[] }>(db, text),
  );
  const created = new Set(row?.created);
  const staleBases = new Set([...bases.keys()].filter((_, i) => row?.stale[i] === true));
  return claims.map(({ record, basis }) => ({
    created: created.delete(record.journeyId),
    stale: basis !== null && staleBases.has(JSON.stringify(basis)),
  }));
}

/**
 * Runs a write that needs its tenants' rows. A tenant's row is made when the tenant is (API
 * keys, the tenant command, management routes); a journey of a tenant that has none yet (a
 * workflow started straight on Temporal, an environment key's first journey) makes it on its
 * first write.
 */
export async function withTenants<T>(db: Database, tenantIds: readonly string[], write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isMissingTenant(err)) throw err;
    for (const tenantId of tenantIds) await ensureTenant(db, tenantId);
    return write();
  }
}

/** The installment as a journey's first record creates it. */
export function installmentRow({ installment, status }: JourneyRecord): typeof installments.$inferInsert {
  return {
    tenantId: installment.tenantId,
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
  };
}

/** The audit events a record adds. */
export function eventRows(record: JourneyRecord): (typeof events.$inferInsert)[] {
  return record.events.map((event) => eventRow(record.journeyId, record.installment.tenantId, event));
}

function eventRow(
  journeyId: string,
  tenantId: string,
  { seq, ...payload }: AuditEvent & { seq: number },
): typeof events.$inferInsert {
  return { journeyId, seq, tenantId, type: payload.type, payload, occurredAt: new Date(payload.at) };
}

function paymentRow(
  journeyId: string,
  tenantId: string,
  payment: { paymentId: string; amountMinor: number; currency: string; at: number },
): typeof payments.$inferInsert {
  const { paymentId, amountMinor, currency } = payment;
  return { journeyId, paymentId, tenantId, amountMinor, currency, paidAt: new Date(payment.at) };
}

/** The journey projection a record writes. */
export function journeyRow({ journeyId, runId, installment, status }: JourneyRecord, lastSeq: number) {
  return {
    id: journeyId,
    tenantId: installment.tenantId,
    installmentId: installment.installmentId,
    ...listKeysOf(installment),
    runId,
    policyId: status.policy.id,
    policyVersion: status.policy.version,
    ...routingColumns(status.routing ?? null),
    ...projectionOf(status),
    lastSeq,
  } satisfies typeof journeys.$inferInsert;
}

/** How the journey's policy was chosen, as columns the experiment results group by. */
function routingColumns(routing: JourneyRouting | null) {
  return {
    ruleId: routing?.ruleId ?? null,
    routingVersion: routing?.routingVersion ?? null,
    experimentId: routing?.experimentId ?? null,
    experimentArm: routing?.arm ?? null,
  };
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

/** What recording a late payment did: `recorded` with the payment's event number and the settled status. */
export type LatePaymentRecord =
  | { kind: 'recorded'; seq: number; status: JourneyStatus; batch: AppendedEvents }
  | { kind: 'duplicate' }
  | { kind: 'not_found' };

/**
 * Records a payment for a journey that has already ended (its workflow is closed), settling
 * the projection with the domain's rule. Idempotent by payment ID.
 */
export async function recordLatePayment(
  db: Database,
  ref: { tenantId: string; installmentId: string },
  payment: LatePayment,
): Promise<LatePaymentRecord> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(journeys)
      .where(and(eq(journeys.tenantId, ref.tenantId), eq(journeys.installmentId, ref.installmentId)))
      .for('update');
    if (!row) return { kind: 'not_found' };
    const inserted = await tx
      .insert(payments)
      .values(paymentRow(row.id, row.tenantId, payment))
      .onConflictDoNothing()
      .returning({ paymentId: payments.paymentId });
    if (inserted.length === 0) return { kind: 'duplicate' };
    const { status, event } = settleLatePayment(row.status, payment);
    const seq = await appendSettlement(tx, row, status, event);
    return { kind: 'recorded', seq, status, batch: settledBatch(row, status, event, seq) };
  });
}

/**
 * A settlement already on record, as its webhooks are published from it — again, when the first
 * publishing failed after the settlement committed: the latest event of the journey that `match`
 * picks, with the journey's status now. Null when the journey is not closed or has no such event.
 */
async function settlementOnRecord(db: Database, journey: SQL, match: SQL): Promise<AppendedEvents | null> {
  const [row] = await db.select().from(journeys).where(journey).limit(1);
  if (!row || row.outcome === null) return null;
  const [event] = await db
    .select({ seq: events.seq, payload: events.payload })
    .from(events)
    .where(and(eq(events.journeyId, row.id), match))
    .orderBy(sql`${events.seq} desc`)
    .limit(1);
  return event ? settledBatch(row, row.status, event.payload, event.seq) : null;
}

/** A late payment's settlement on record (see settlementOnRecord), or null. */
export function latePaymentOnRecord(
  db: Database,
  ref: { tenantId: string; installmentId: string },
  paymentId: string,
): Promise<AppendedEvents | null> {
  return settlementOnRecord(
    db,
    and(eq(journeys.tenantId, ref.tenantId), eq(journeys.installmentId, ref.installmentId))!,
    and(eq(events.type, 'payment_received'), sql`${events.payload}->>'paymentId' = ${paymentId}`)!,
  );
}

/** The close of a journey Temporal ended from outside, on record (see settlementOnRecord), or null. */
export function endedOutsideOnRecord(db: Database, journeyId: string): Promise<AppendedEvents | null> {
  return settlementOnRecord(
    db,
    eq(journeys.id, journeyId),
    and(eq(events.type, 'canceled'), sql`${events.payload}->'actor'->>'id' = ${TEMPORAL_OPERATOR.id}`)!,
  );
}

/** What a write from outside the workflow put on record (its webhooks are published from it). */
export type AppendedEvents = RecordedBatch;

/**
 * Appends events to a journey whose workflow has ended (what a late payment's confirmation did),
 * after its last sequence number. Safe to repeat: an event already on record (the same payload)
 * is not appended again, and is returned with the number it has.
 */
export async function appendJourneyEvents(
  db: Database,
  journeyId: string,
  appended: AuditEvent[],
): Promise<AppendedEvents> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        lastSeq: journeys.lastSeq,
        tenantId: journeys.tenantId,
        installmentId: journeys.installmentId,
        status: journeys.status,
      })
      .from(journeys)
      .where(eq(journeys.id, journeyId))
      .for('update');
    if (!row) throw new Error(`no journey ${journeyId} on record`);
    const recorded: RecordedEvent[] = [];
    let seq = row.lastSeq;
    for (const event of appended) {
      const [known] = await tx
        .select({ seq: events.seq })
        .from(events)
        .where(and(eq(events.journeyId, journeyId), eq(events.payload, event)))
        .limit(1);
      if (known) {
        recorded.push({ ...event, seq: known.seq } as RecordedEvent);
        continue;
      }
      seq++;
      await tx.insert(events).values(eventRow(journeyId, row.tenantId, { ...event, seq }));
      recorded.push({ ...event, seq } as RecordedEvent);
    }
    if (seq !== row.lastSeq) {
      await tx
        .update(journeys)
        .set({ lastSeq: seq, updatedAt: sql`now()` })
        .where(eq(journeys.id, journeyId));
    }
    return {
      ref: { tenantId: row.tenantId, journeyId, installmentId: row.installmentId },
      status: row.status,
      events: recorded,
    };
  });
}

/** The installment of a journey, as its row holds it now (the latest contact data). */
export async function findInstallment(
  db: Database,
  tenantId: string,
  installmentId: string,
): Promise<InstallmentInput | undefined> {
  const [row] = await db
    .select()
    .from(installments)
    .where(and(eq(installments.tenantId, tenantId), eq(installments.installmentId, installmentId)))
    .limit(1);
  return row && installmentOfRow(row);
}

/** An installments row as the domain's installment (the latest contact data and due date). */
export function installmentOfRow(row: typeof installments.$inferSelect): InstallmentInput {
  return {
    tenantId: row.tenantId,
    installmentId: row.installmentId,
    ...(row.purchaseId !== null && { purchaseId: row.purchaseId }),
    ...(row.subscriptionId !== null && { subscriptionId: row.subscriptionId }),
    product: { id: row.productId, name: row.productName },
    buyer: row.buyer,
    amount: { amountMinor: row.amountMinor, currency: row.currency },
    installmentNumber: row.installmentNumber,
    installmentCount: row.installmentCount,
    dueDate: row.dueDate,
    paymentUrl: row.paymentUrl,
    metadata: row.metadata,
  };
}

/**
 * Closes the record of a journey whose workflow Temporal ended without the journey recording it
 * (see settleEndedOutside). Does nothing to a journey already closed on record. Returns what it
 * recorded, or null when it closed nothing.
 */
export async function closeJourneyEndedOutside(
  db: Database,
  journeyId: string,
  reason: EndedOutsideReason,
  at: number,
): Promise<AppendedEvents | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(journeys).where(eq(journeys.id, journeyId)).for('update');
    if (!row || row.outcome !== null) return null;
    const { status, event } = settleEndedOutside(row.status, reason, at);
    return settledBatch(row, status, event, await appendSettlement(tx, row, status, event));
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

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** A settlement as its webhooks are published from it. */
function settledBatch(row: JourneyRow, status: JourneyStatus, event: AuditEvent, seq: number): AppendedEvents {
  return {
    ref: { tenantId: row.tenantId, journeyId: row.id, installmentId: row.installmentId },
    status,
    events: [{ ...event, seq } as RecordedEvent],
  };
}

/**
 * Settles a journey already on record from outside its workflow (a late payment, an ending
 * Temporal imposed): the next event in its numbering, and the status it leads to. Returns the
 * event's number.
 */
async function appendSettlement(
  tx: Transaction,
  row: JourneyRow,
  status: JourneyStatus,
  event: AuditEvent,
): Promise<number> {
  const seq = row.lastSeq + 1;
  await tx.insert(events).values(eventRow(row.id, row.tenantId, { ...event, seq }));
  await tx
    .update(journeys)
    .set({ ...projectionOf(status), lastSeq: seq, updatedAt: sql`now()` })
    .where(eq(journeys.id, row.id));
  return seq;
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

/** Journeys per stage and outcome (`none` while open) over every tenant: the metrics' `dunning_journeys`. */
export async function countJourneysByStage(db: Database): Promise<{ stage: string; outcome: string; count: number }[]> {
  const outcome = sql<string>`coalesce(${journeys.outcome}, 'none')`;
  const rows = await db
    .select({ stage: journeys.stage, outcome, count: sql<number>`count(*)::int` })
    .from(journeys)
    .groupBy(journeys.stage, outcome);
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

/** The installment each of these journeys runs for (a page of agent tasks links to its payments). */
export async function installmentsOfJourneys(
  db: Database,
  tenantId: string,
  journeyIds: readonly string[],
): Promise<Map<string, string>> {
  if (journeyIds.length === 0) return new Map();
  const rows = await db
    .select({ journeyId: journeys.id, installmentId: journeys.installmentId })
    .from(journeys)
    .where(and(eq(journeys.tenantId, tenantId), inArray(journeys.id, [...journeyIds])));
  return new Map(rows.map((row) => [row.journeyId, row.installmentId]));
}
