/**
 * A PostgreSQL database handle that records every statement it runs, whoever builds it
 * (drizzle's query builder or a hand-assembled db/statement.ts Statement: both go through the
 * postgres.js client's `unsafe`), so the reports' queries can be explained exactly as
 * `createReports` issues them.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { type Database, SESSION_SETTINGS } from '../../db/client';
import * as schema from '../../db/schema';

export interface RecordedStatement {
  text: string;
  params: unknown[];
}

export interface RecordingDatabase {
  db: Database;
  /** Everything run since the last `take()`, in order; empties the record. */
  take(): RecordedStatement[];
  close(): Promise<void>;
}

export function recordingDatabase(url: string): RecordingDatabase {
  const client = postgres(url, { max: 4, onnotice: () => {}, connection: SESSION_SETTINGS });
  let recorded: RecordedStatement[] = [];
  const unsafe = client.unsafe.bind(client);
  const recording = new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'unsafe') return Reflect.get(target, property, receiver) as unknown;
      return (text: string, params?: unknown[], options?: postgres.UnsafeQueryOptions) => {
        recorded.push({ text, params: params ?? [] });
        return unsafe(text, params as postgres.ParameterOrJSON<never>[], options);
      };
    },
  });
  return {
    db: drizzle(recording, { schema }) as unknown as Database,
    take() {
      const taken = recorded;
      recorded = [];
      return taken;
    },
    close: () => client.end({ timeout: 5 }),
  };
}

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** The tables a report reads by the million: none may be read whole on a hot path. */
export const BIG_TABLES = [
  'purchase_installments',
  'report_ledger',
  'purchase_payments',
  'purchases',
  'installments',
  'journeys',
  'attempts',
  'events',
  'payments',
] as const;

/** The plan PostgreSQL chooses for a recorded statement (with its parameters' values). */
export async function explain(db: Database, statement: RecordedStatement): Promise<PlanNode> {
  const client = (db as unknown as { $client: postgres.Sql }).$client;
  const [row] = await client.unsafe(`explain (format json) ${statement.text}`, statement.params as never[]);
  return (row as unknown as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan;
}

/**
 * The big tables the plan reads whole — a sequential scan — or reads all of a tenant's rows of:
 * an index read with no condition, or with none but the tenant (what the planner does instead
 * when sequential scans are off and no index serves the query). "Seq Scan on journeys",
 * "Index Scan on purchases of a whole tenant"…
 */
export function fullScansOfBigTables(plan: PlanNode): string[] {
  const found: string[] = [];
  const walk = (node: PlanNode, table: string) => {
    if ((BIG_TABLES as readonly string[]).includes(table)) {
      if (node['Node Type'] === 'Seq Scan') found.push(`Seq Scan on ${table}`);
      else if (/Index (Only )?Scan$/.test(node['Node Type']) && !constrainsMoreThanTenant(node['Index Cond']))
        found.push(`${node['Node Type']} on ${table} of a whole tenant`);
    }
    // A bitmap index scan names no table: its bitmap heap scan above it does.
    node.Plans?.forEach((child) =>
      walk(child, child['Relation Name'] ?? (child['Node Type'] === 'Bitmap Index Scan' ? table : '')),
    );
  };
  walk(plan, plan['Relation Name'] ?? '');
  return [...new Set(found)];
}

/** Whether an index condition compares some column besides `tenant_id` (to a value, another row, or null). */
function constrainsMoreThanTenant(condition: string | undefined): boolean {
  if (!condition) return false;
  const rest = condition.replace(/\(([a-z_0-9]+\.)?tenant_id = [^()]*(\([^()]*\))?[^()]*\)/g, '');
  return /[=<>]|IS NULL\)/.test(rest);
}

/** The full scans of big tables in the plans of these statements (the reads among them). */
export async function fullScansOf(db: Database, statements: readonly RecordedStatement[]): Promise<string[]> {
  const found = new Set<string>();
  for (const statement of statements) {
    if (!/^\s*(select|with)\b/i.test(statement.text)) continue;
    for (const scan of fullScansOfBigTables(await explain(db, statement))) found.add(scan);
  }
  return [...found];
}

/**
 * Runs `work` on one connection inside a transaction that is rolled back, with whatever
 * `prepare` did in it (dropped indexes, settings): the database is left as it was.
 */
export async function inRolledBackTransaction(
  url: string,
  prepare: string,
  work: (db: Database) => Promise<void>,
): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {}, connection: SESSION_SETTINGS });
  try {
    await client
      .begin(async (tx) => {
        if (prepare) await tx.unsafe(prepare);
        // drizzle reads the client's options (its type parsers), which a transaction's handle lacks.
        const session = Object.assign(tx, { options: client.options }) as unknown as postgres.Sql;
        await work(drizzle(session, { schema }) as unknown as Database);
        throw new RolledBack();
      })
      .catch((err: unknown) => {
        if (!(err instanceof RolledBack)) throw err;
      });
  } finally {
    await client.end({ timeout: 5 });
  }
}

class RolledBack extends Error {}
