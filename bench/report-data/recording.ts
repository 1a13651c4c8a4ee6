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
 * The big tables the plan reads whole: a sequential scan, or an index read from end to end (no
 * index condition: what the planner does instead when sequential scans are off and no index
 * serves the query). "Seq Scan on journeys", "full Index Scan on purchases"…
 */
export function fullScansOfBigTables(plan: PlanNode): string[] {
  const found: string[] = [];
  const walk = (node: PlanNode) => {
    const table = node['Relation Name'] ?? '';
    if ((BIG_TABLES as readonly string[]).includes(table)) {
      if (node['Node Type'] === 'Seq Scan') found.push(`Seq Scan on ${table}`);
      else if (/^Index (Only )?Scan$/.test(node['Node Type']) && !node['Index Cond'])
        found.push(`full ${node['Node Type']} on ${table}`);
    }
    node.Plans?.forEach(walk);
  };
  walk(plan);
  return [...new Set(found)];
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
        await work(drizzle(tx as unknown as postgres.Sql, { schema }) as unknown as Database);
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
