import { spreadsheetSafe } from '../domain/spreadsheet';
import type { Actor } from '../domain/journey';
/**
 * The CSV import's core (`npm run import` is the command around it): parse, validate every row
 * with the domain's installment schema, and start the valid rows through the journey starter
 * with bounded concurrency. No Temporal, no files, no terminal here, so tests drive it directly.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import pLimit from 'p-limit';
import type { z } from 'zod';
import { type InstallmentInput, installmentInputSchema } from '../domain/installment';
import { JourneyServiceUnavailableError } from './journey-gateway';
import type { JourneyStarter } from './journey-starter';

/** Journeys started from a file are recorded as started by the import. */
const IMPORT_ACTOR: Actor = { kind: 'system', id: 'csv-import' };

/** The columns of an import file, in the order the error report and the README list them. */
export const CSV_COLUMNS = [
  'installmentId',
  'purchaseId',
  'subscriptionId',
  'productId',
  'productName',
  'buyerId',
  'buyerName',
  'email',
  'phone',
  'whatsapp',
  'locale',
  'timezone',
  'country',
  'amountMinor',
  'currency',
  'installmentNumber',
  'installmentCount',
  'dueDate',
  'paymentUrl',
  'policyId',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Columns a file may leave out (the installment's optional fields). */
const OPTIONAL_COLUMNS: readonly CsvColumn[] = [
  'purchaseId',
  'subscriptionId',
  'email',
  'phone',
  'whatsapp',
  'locale',
  'country',
  'policyId',
];
export const REQUIRED_COLUMNS: readonly CsvColumn[] = CSV_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.includes(c));

/** Where each column lands in the installment (the schema's path, dotted). */
const COLUMN_PATHS: Record<CsvColumn, string> = {
  installmentId: 'installmentId',
  purchaseId: 'purchaseId',
  subscriptionId: 'subscriptionId',
  productId: 'product.id',
  productName: 'product.name',
  buyerId: 'buyer.id',
  buyerName: 'buyer.name',
  email: 'buyer.email',
  phone: 'buyer.phone',
  whatsapp: 'buyer.whatsapp',
  locale: 'buyer.locale',
  timezone: 'buyer.timezone',
  country: 'buyer.country',
  amountMinor: 'amount.amountMinor',
  currency: 'amount.currency',
  installmentNumber: 'installmentNumber',
  installmentCount: 'installmentCount',
  dueDate: 'dueDate',
  paymentUrl: 'paymentUrl',
  policyId: 'policyId',
};
const COLUMN_OF_PATH = new Map(Object.entries(COLUMN_PATHS).map(([column, path]) => [path, column]));
const INTEGER_COLUMNS = new Set<CsvColumn>(['amountMinor', 'installmentNumber', 'installmentCount']);

export type RowOutcome = 'started' | 'existing' | 'invalid' | 'failed';

/** One problem with one row; `row` is the row's line in the file (the header is line 1). */
export interface RowError {
  row: number;
  installmentId: string;
  outcome: 'invalid' | 'failed';
  field: string;
  message: string;
}

export interface ImportCounts {
  total: number;
  done: number;
  started: number;
  existing: number;
  invalid: number;
  failed: number;
}

export interface ImportSummary extends ImportCounts {
  /** Rows that passed validation (in a dry run: those that would be started). */
  valid: number;
  dryRun: boolean;
  errors: RowError[];
}

/** The file itself cannot be imported (not CSV, missing or unknown columns): nothing was started. */
export class CsvFileError extends Error {
  override readonly name = 'CsvFileError';
}

export interface ImportOptions {
  csv: string | Buffer;
  tenantId: string;
  starter: Pick<JourneyStarter, 'start'>;
  /** Most journeys being started at once (default 8). */
  concurrency?: number;
  /** Validate only: start nothing. */
  dryRun?: boolean;
  /** Called after every row is settled (invalid rows included). */
  onProgress?: (counts: Readonly<ImportCounts>) => void;
  /** Extra attempts when the journey service is briefly unavailable (default 2). */
  retries?: number;
  /** Wait before retry n (1-based); default 500 ms × n. */
  retryDelayMs?: (attempt: number) => number;
}

interface ParsedRow {
  row: number;
  installmentId: string;
  installment?: InstallmentInput;
  errors: { field: string; message: string }[];
}

function fieldOf(path: readonly PropertyKey[]): string {
  const dotted = path.map(String).join('.');
  return COLUMN_OF_PATH.get(dotted) ?? (dotted || '(row)');
}

function issuesToErrors(issues: readonly z.core.$ZodIssue[]) {
  return issues.map((issue) => ({ field: fieldOf(issue.path), message: issue.message }));
}

/** A row's cells → the installment's shape. Empty cells are absent, so optional fields stay optional. */
function toInstallment(tenantId: string, cells: Partial<Record<CsvColumn, string>>): unknown {
  const value = (column: CsvColumn): string | number | undefined => {
    const cell = cells[column];
    if (cell === undefined || cell === '') return undefined;
    // Integers become numbers; anything else stays text so the schema says what is wrong with it.
    return INTEGER_COLUMNS.has(column) && /^-?\d+$/.test(cell) ? Number(cell) : cell;
  };
  return {
    tenantId,
    installmentId: value('installmentId'),
    purchaseId: value('purchaseId'),
    subscriptionId: value('subscriptionId'),
    product: { id: value('productId'), name: value('productName') },
    buyer: {
      id: value('buyerId'),
      name: value('buyerName'),
      email: value('email'),
      phone: value('phone'),
      whatsapp: value('whatsapp'),
      locale: value('locale'),
      timezone: value('timezone'),
      country: value('country'),
    },
    amount: { amountMinor: value('amountMinor'), currency: value('currency') },
    installmentNumber: value('installmentNumber'),
    installmentCount: value('installmentCount'),
    dueDate: value('dueDate'),
    paymentUrl: value('paymentUrl'),
    policyId: value('policyId'),
    metadata: {},
  };
}

/** Parses and validates the whole file; throws CsvFileError when the file as a whole is unusable. */
export function parseInstallmentsCsv(csv: string | Buffer, tenantId: string): ParsedRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(csv, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (err) {
    throw new CsvFileError(`not a readable CSV file: ${(err as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new CsvFileError('the file is empty: expected a header row naming the columns');
  const columns = header.record;
  const known = new Set<string>(CSV_COLUMNS);
  const unknown = columns.filter((c) => !known.has(c));
  if (unknown.length > 0)
    throw new CsvFileError(`unknown column(s): ${unknown.join(', ')} (known: ${CSV_COLUMNS.join(', ')})`);
  const duplicated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (duplicated.length > 0) throw new CsvFileError(`column(s) named twice: ${[...new Set(duplicated)].join(', ')}`);
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new CsvFileError(`missing required column(s): ${missing.join(', ')}`);

  const firstRowOf = new Map<string, number>();
  return rows.map(({ record, info }) => {
    const row = info.lines;
    const cells: Partial<Record<CsvColumn, string>> = {};
    columns.forEach((column, i) => {
      cells[column as CsvColumn] = record[i];
    });
    const installmentId = cells.installmentId ?? '';
    if (record.length !== columns.length) {
      return {
        row,
        installmentId,
        errors: [{ field: '(row)', message: `has ${record.length} fields; the header has ${columns.length}` }],
      };
    }
    const parsed = installmentInputSchema.safeParse(toInstallment(tenantId, cells));
    if (!parsed.success) return { row, installmentId, errors: issuesToErrors(parsed.error.issues) };
    // Two rows for one installment would be one journey: the first row wins, the others are reported.
    const first = firstRowOf.get(parsed.data.installmentId);
    if (first !== undefined)
      return { row, installmentId, errors: [{ field: 'installmentId', message: `duplicates row ${first}` }] };
    firstRowOf.set(parsed.data.installmentId, row);
    return { row, installmentId, installment: parsed.data, errors: [] };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Imports a CSV of installments for one tenant. Safe to re-run: the starter is idempotent by
 * installment, so rows already started count as `existing` and only new or failed rows start.
 */
export async function importInstallments(options: ImportOptions): Promise<ImportSummary> {
  const { tenantId, starter, dryRun = false, onProgress } = options;
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? ((attempt: number) => 500 * attempt);

  const rows = parseInstallmentsCsv(options.csv, tenantId);
  const counts: ImportCounts = { total: rows.length, done: 0, started: 0, existing: 0, invalid: 0, failed: 0 };
  const errors: RowError[] = [];
  const settle = (row: ParsedRow, outcome: RowOutcome, rowErrors: { field: string; message: string }[] = []) => {
    counts[outcome] += 1;
    counts.done += 1;
    for (const e of rowErrors)
      errors.push({ row: row.row, installmentId: row.installmentId, outcome: outcome as 'invalid' | 'failed', ...e });
    onProgress?.({ ...counts });
  };

  const valid = rows.filter((r) => r.installment);
  for (const row of rows) if (!row.installment) settle(row, 'invalid', row.errors);

  if (dryRun) {
    for (let i = 0; i < valid.length; i++) {
      counts.done += 1;
      onProgress?.({ ...counts });
    }
  } else {
    const limit = pLimit(concurrency);
    const startRow = async (row: ParsedRow) => {
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await starter.start(row.installment!, IMPORT_ACTOR);
          if (result.kind === 'unknown_policy') {
            return settle(row, 'invalid', [
              { field: 'policyId', message: `no policy "${result.policyId}" for this tenant` },
            ]);
          }
          return settle(row, result.kind);
        } catch (err) {
          if (err instanceof JourneyServiceUnavailableError && attempt < retries) {
            await sleep(retryDelayMs(attempt + 1));
            continue;
          }
          return settle(row, 'failed', [
            { field: '(journey)', message: err instanceof Error ? err.message.split('\n')[0]! : String(err) },
          ]);
        }
      }
    };
    await Promise.all(valid.map((row) => limit(() => startRow(row))));
  }

  errors.sort((a, b) => a.row - b.row);
  return { ...counts, valid: valid.length, dryRun, errors };
}

/** The per-row error report: one line per problem, as CSV. */
export function errorReportCsv(errors: readonly RowError[]): string {
  return stringify(
    errors.map((e) =>
      [e.row, e.installmentId, e.outcome, e.field, e.message].map((cell) => spreadsheetSafe(String(cell))),
    ),
    // Every cell quoted: a spreadsheet splitting on `;` or tabs keeps each one whole.
    { header: true, columns: ['row', 'installmentId', 'outcome', 'field', 'message'], quoted: true },
  );
}
