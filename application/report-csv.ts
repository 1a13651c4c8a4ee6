/**
 * The CSV exports of tracking and attribution: the header first, then every row of the filter a
 * page at a time (keyset pages, so memory stays flat however many rows), amounts as decimals
 * with their currency, and every cell made inert for spreadsheets.
 */
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../db/client';
import { minorToDecimal } from '../domain/assistant/amounts';
import { spreadsheetSafe } from '../domain/spreadsheet';
import { attributionPage } from './report-attribution';
import { trackingPage } from './report-tracking';
import type { AttributionRow, ReportFilter, TrackingQuery, TrackingRow } from './report-types';

/** Rows per page read for an export. */
const EXPORT_PAGE = 500;

type Cell = string | number | null;

const TRACKING_HEADER = [
  'due_date',
  'purchase_id',
  'installment_number',
  'installment_id',
  'product_id',
  'product_name',
  'buyer_id',
  'buyer_name',
  'amount',
  'paid',
  'outstanding',
  'currency',
  'standing',
  'journey_id',
  'journey_stage',
  'journey_outcome',
];

function trackingCells(row: TrackingRow): Cell[] {
  const money = (minor: number) => minorToDecimal(minor, row.currency);
  return [
    row.dueDate,
    row.purchaseId,
    row.installmentNumber,
    row.installmentId,
    row.productId,
    row.productName,
    row.buyerId,
    row.buyerName,
    money(row.amountMinor),
    money(row.paidMinor),
    money(row.outstandingMinor),
    row.currency,
    row.standing,
    row.journey?.id ?? null,
    row.journey?.stage ?? null,
    row.journey?.outcome ?? null,
  ];
}

const ATTRIBUTION_HEADER = [
  'installment_id',
  'journey_id',
  'payment_at',
  'recovered',
  'currency',
  'step_index',
  'channel',
  'template',
  'sent_at',
];

function attributionCells(row: AttributionRow): Cell[] {
  return [
    row.installmentId,
    row.journeyId,
    row.paymentAt,
    minorToDecimal(row.recoveredMinor, row.currency),
    row.currency,
    row.step?.stepIndex ?? null,
    row.step?.channel ?? null,
    row.step?.template ?? null,
    row.step?.sentAt ?? null,
  ];
}

export function trackingCsv(db: Database, query: TrackingQuery, now: number): AsyncIterable<string> {
  return pagedCsv(TRACKING_HEADER, trackingCells, (cursor) =>
    trackingPage(db, { ...query, cursor, limit: EXPORT_PAGE }, now),
  );
}

export function attributionCsv(
  db: Database,
  filter: ReportFilter & { windowDays?: number },
  now: number,
): AsyncIterable<string> {
  return pagedCsv(ATTRIBUTION_HEADER, attributionCells, (cursor) =>
    attributionPage(db, { ...filter, cursor, limit: EXPORT_PAGE }, now),
  );
}

/** The header, then each page's rows as they are read. */
async function* pagedCsv<T>(
  header: string[],
  cells: (row: T) => Cell[],
  readPage: (cursor: string | undefined) => Promise<{ rows: T[]; nextCursor: string | null }>,
): AsyncIterable<string> {
  yield csvLines([header]);
  let cursor: string | undefined;
  do {
    const page = await readPage(cursor);
    if (page.rows.length > 0) yield csvLines(page.rows.map(cells));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

function csvLines(rows: Cell[][]): string {
  return stringify(rows.map((cells) => cells.map((cell) => (cell === null ? '' : spreadsheetSafe(String(cell))))));
}
