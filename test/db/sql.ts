/** Raw SQL helpers that behave the same on both drivers (their `execute` results differ in shape). */
import type { SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';

export async function query<T extends Record<string, unknown>>(db: Database, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown;
  if (Array.isArray(result)) return result as T[]; // postgres-js: a RowList
  return ((result as { rows?: T[] }).rows ?? []) as T[]; // PGlite: { rows }
}

/** The messages of an error and its causes (drizzle wraps driver errors in DrizzleQueryError). */
export function errorMessages(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' <- ');
}

/** Resolves to the rejection of `promise`; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the statement to be refused, but it succeeded');
}
