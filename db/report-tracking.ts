/**
 * Payment tracking in SQL: the period's ledger installments with their standing, in due date
 * order, a page at a time after a keyset (due date, purchase key, number) — never an offset.
 */
import type { Buyer } from '../domain/installment';
import type { EntryStanding } from '../domain/ledger';
import type { Database } from './client';
import { type LedgerKey, type LedgerScope, type PeriodFilter, afterKey, ledgerFacts } from './report-ledger';
import { Statement } from './statement';

/** Where a page ended: the last row's due date, purchase key and installment number. */
export type TrackingKey = LedgerKey;

export interface TrackingFactRow extends TrackingKey {
  purchaseId: string | null;
  installmentId: string | null;
  productId: string;
  productName: string;
  buyerId: string;
  buyer: Buyer;
  amountMinor: number;
  paidMinor: number;
  /** Paid before the end of the due date in the buyer's zone. */
  paidBeforeDueMinor: number;
  currency: string;
  standing: EntryStanding;
  journeyId: string | null;
  journeyStage: string | null;
  journeyOutcome: string | null;
}

/** The columns of a TrackingFactRow from a ledger fact row `f`. */
export const trackingColumns = `f.due_date::text as "dueDate", f.purchase_key as "purchaseKey", f.number,
  f.purchase_id as "purchaseId", f.installment_id as "installmentId", f.product_id as "productId",
  f.product_name as "productName", f.buyer_id as "buyerId", f.buyer, f.amount_minor::float8 as "amountMinor",
  f.paid_minor::float8 as "paidMinor", f.paid_before_due_minor::float8 as "paidBeforeDueMinor", f.currency, f.standing, f.journey_id as "journeyId",
  f.journey_stage as "journeyStage", f.journey_outcome as "journeyOutcome"`;

/**
 * Up to `limit` rows after `after`, in (due date, purchase key, number) order; only the rows of
 * `keys` when the page's keys were found already (db/report-projection.ts projectedPageKeys).
 */
export function trackingSql(
  db: Database,
  query: PeriodFilter & {
    standing?: EntryStanding | undefined;
    buyerId?: string | undefined;
    limit: number;
    after?: TrackingKey | undefined;
    keys?: readonly TrackingKey[] | undefined;
  },
  now: number,
): Promise<TrackingFactRow[]> {
  const s = new Statement();
  const facts = ledgerFacts(s, query, scopeOf(query), now);
  const conditions: string[] = [];
  if (query.keys)
    conditions.push(
      `(f.purchase_key, f.number) in (select * from unnest(${s.value(
        query.keys.map((k) => k.purchaseKey),
        'text[]',
      )}, ${s.value(
        query.keys.map((k) => k.number),
        'int[]',
      )}))`,
    );
  if (query.standing) conditions.push(`f.standing = ${s.value(query.standing, 'text')}`);
  if (query.buyerId) conditions.push(`f.buyer_id = ${s.value(query.buyerId, 'text')}`);
  if (query.after) conditions.push(afterKey(s, query.after, ['f.due_date', 'f.purchase_key', 'f.number']));
  return s.run<TrackingFactRow>(
    db,
    `select ${trackingColumns}
     from (${facts}) f
     ${conditions.length ? `where ${conditions.join(' and ')}` : ''}
     order by f.due_date, f.purchase_key, f.number
     limit ${s.value(query.limit, 'int')}`,
  );
}

function scopeOf(query: Parameters<typeof trackingSql>[1]): LedgerScope {
  if (query.keys) return { kind: 'purchases', purchaseKeys: [...new Set(query.keys.map((k) => k.purchaseKey))] };
  // Without a filter on the facts (standing, buyer), a page needs only `limit` rows of the ledger.
  const page = query.standing || query.buyerId ? undefined : { limit: query.limit, after: query.after };
  return { kind: 'due', from: query.from, to: query.to, page };
}
