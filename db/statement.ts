import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Database } from './client';

/**
 * One hand-assembled SQL statement with its parameters, for the hot writes (a journey's record,
 * a start's claim). drizzle's builder spends 150–250 µs of CPU putting such a statement together
 * — more than PostgreSQL spends running it — so these are written as text, still named from the
 * schema module (table and column names come from drizzle's tables, never typed twice) and run
 * on the driver underneath. Values are sent as parameters, each with the cast of its column.
 */
export class Statement {
  readonly params: unknown[] = [];

  /** A parameter placeholder, `$n::type`. */
  value(value: unknown, type: string): string {
    this.params.push(value === undefined ? null : value);
    return `$${this.params.length}::${type}`;
  }

  /**
   * `insert into <table> (<columns>) values (…), (…)`: every row names the first row's columns;
   * json values are sent as JSON text, dates as ISO text.
   */
  insert<T extends PgTable>(table: T, rows: readonly Partial<T['$inferInsert']>[]): string {
    const shape = shapeOf(table, Object.keys(rows[0] ?? {}));
    const values = rows.map(
      (row) =>
        `(${shape.columns.map(({ key, type, json }) => {
          const value = (row as Record<string, unknown>)[key];
          return this.value(
            value == null ? null : json ? JSON.stringify(value) : value instanceof Date ? value.toISOString() : value,
            type,
          );
        })})`,
    );
    return `insert into ${shape.table} (${shape.names}) values ${values.join(', ')}`;
  }

  /** `"column" = excluded."column", …` for the keys: an upsert's update to the row it proposed. */
  setFromExcluded<T extends PgTable>(table: T, keys: readonly (keyof T['$inferInsert'] & string)[]): string {
    return shapeOf(table, keys).setFromExcluded;
  }

  /** Runs it; the rows it returns. */
  async run<T>(db: Database, text: string): Promise<T[]> {
    const client = (db as unknown as { $client: Driver }).$client;
    // Prepared: a connection parses and plans each shape of statement once, and needs no extra
    // round trip to describe its parameters.
    if ('unsafe' in client) return (await client.unsafe(text, this.params, { prepare: true })) as T[];
    return (await client.query<T>(text, this.params)).rows;
  }
}

/** The two drivers `openDatabase` uses: postgres.js (a function with `unsafe`) and PGlite (`query`). */
type Driver =
  | { unsafe(text: string, params: unknown[], options: { prepare: boolean }): Promise<unknown[]> }
  | { query<T>(text: string, params: unknown[]): Promise<{ rows: T[] }> };

interface Shape {
  table: string;
  names: string;
  setFromExcluded: string;
  columns: { key: string; type: string; json: boolean }[];
}

const shapes = new WeakMap<PgTable, Map<string, Shape>>();

/** A table's name and the names and types of the given columns, worked out once per table and set of keys. */
function shapeOf(table: PgTable, keys: readonly string[]): Shape {
  let byKeys = shapes.get(table);
  if (!byKeys) shapes.set(table, (byKeys = new Map()));
  const signature = keys.join(',');
  let shape = byKeys.get(signature);
  if (!shape) {
    const columns = getTableColumns(table);
    const column = (key: string) => {
      const found = columns[key];
      if (!found) throw new Error(`no column ${key} in ${getTableName(table)}`);
      return found;
    };
    shape = {
      table: `"${getTableName(table)}"`,
      names: keys.map((key) => `"${column(key).name}"`).join(', '),
      setFromExcluded: keys.map((key) => `"${column(key).name}" = excluded."${column(key).name}"`).join(', '),
      columns: keys.map((key) => {
        const type = column(key).getSQLType();
        return { key, type, json: type === 'json' || type === 'jsonb' };
      }),
    };
    byKeys.set(signature, shape);
  }
  return shape;
}
