/**
 * Payment tracking: a page of the period's ledger installments (db/report-tracking.ts) as rows
 * the API, the panel and the CSV export show, with an opaque cursor for the next page.
 */
import type { Database } from '../db/client';
import { catchUpReportLedger, projectedPageKeys } from '../db/report-projection';
import { type TrackingFactRow, type TrackingKey, trackingSql } from '../db/report-tracking';
import { isLocalDate } from '../domain/local-time';
import { BadReportCursor, decodeCursor, encodeCursor, isKeyText } from './report-cursor';
import { type TrackingPage, type TrackingQuery, type TrackingRow } from './report-types';

export const DEFAULT_PAGE_SIZE = 50;

export async function trackingPage(db: Database, query: TrackingQuery, now: number): Promise<TrackingPage> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const after = query.cursor === undefined ? undefined : decodeTrackingCursor(query.cursor);
  const keys = await projectedKeys(db, query, { limit: limit + 1, after }, now);
  // Found in the projection, the page is its first `limit` keys and goes on from the last of them:
  // a row whose standing changed since (a payment between the catch-up and the read) drops out of
  // this page, not the rest of the list, and the key after the page is not read twice.
  const rows = await trackingSql(db, { ...query, limit: limit + 1, after, keys: keys?.slice(0, limit) }, now);
  const page = rows.slice(0, limit);
  const found = keys ?? rows;
  const last = found.length > limit ? found[limit - 1] : undefined;
  return { rows: page.map(trackingRow), nextCursor: last ? encodeTrackingCursor(last) : null };
}

/**
 * Filtered by standing (and not by buyer), the page's rows are found in the report ledger
 * projection, caught up first; otherwise the ledger's SQL finds them (undefined).
 */
async function projectedKeys(
  db: Database,
  query: TrackingQuery,
  page: { limit: number; after: TrackingKey | undefined },
  now: number,
): Promise<TrackingKey[] | undefined> {
  const { standing } = query;
  if (!standing || query.buyerId) return undefined;
  await catchUpReportLedger(db, query.tenantId);
  return projectedPageKeys(db, { ...query, ...page, standing }, now);
}

export function trackingRow(row: TrackingFactRow): TrackingRow {
  return {
    installmentId: row.installmentId,
    purchaseId: row.purchaseId,
    installmentNumber: row.number,
    productId: row.productId,
    productName: row.productName,
    buyerId: row.buyerId,
    buyerName: row.buyer.name,
    dueDate: row.dueDate,
    amountMinor: row.amountMinor,
    paidMinor: row.paidMinor,
    outstandingMinor: Math.max(0, row.amountMinor - row.paidMinor),
    currency: row.currency,
    standing: row.standing,
    journey: row.journeyId ? { id: row.journeyId, stage: row.journeyStage ?? '', outcome: row.journeyOutcome } : null,
  };
}

function encodeTrackingCursor(key: TrackingKey): string {
  return encodeCursor([key.dueDate, key.purchaseKey, key.number]);
}

function decodeTrackingCursor(raw: string): TrackingKey {
  const [dueDate, purchaseKey, number] = decodeCursor(raw, 3);
  if (typeof dueDate !== 'string' || !isLocalDate(dueDate) || !isKeyText(purchaseKey)) throw new BadReportCursor();
  if (!Number.isInteger(number) || (number as number) < 0 || (number as number) > 1_000_000)
    throw new BadReportCursor();
  return { dueDate, purchaseKey, number: number as number };
}
