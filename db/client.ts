import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema';

/** The one database type the rest of the code sees, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** Applies the checked-in migrations; running it again is a no-op. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

export interface DatabaseOptions {
  /** A PostgreSQL URL; when absent, embedded PGlite is used. */
  url?: string | undefined;
  /** Where PGlite keeps its files; `memory://` for a throwaway database. */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
}

/**
 * Key of the session-level advisory lock that serializes migrations across processes (any
 * constant bigint; this one spells "dunning" in hex). Without it, processes migrating a fresh
 * database at once race on the catalog (`duplicate key … pg_type_typname_nsp_index`).
 */
const MIGRATION_LOCK_KEY = BigInt('0x64756e6e696e67').toString();

/**
 * Migrates while holding the advisory lock, on one dedicated connection: the lock belongs to a
 * session, so the statements must run on the session that holds it (`max: 1`). The waiting
 * processes then find every migration applied and do nothing. Should this process die, its
 * connection closes and PostgreSQL releases the lock.
 */
async function migratePostgresLocked(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;
    try {
      await migratePostgres(drizzlePostgres(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * What every session of ours runs with. No JIT compilation: our statements are short, and a
 * report over a month of a big tenant's ledger looks costly enough to the planner to spend
 * seconds compiling what runs in less (4.5 s of 5.2 s at 1M installments). Random reads priced
 * for SSDs (PostgreSQL's default of 4 is for spinning disks): at 4 the planner reads a tenant's
 * whole purchases table into a hash to join a month of its schedule, instead of looking up the
 * month's purchases by key — a plan that grows with the tenant's history, not the month.
 */
export const SESSION_SETTINGS = { jit: 'off', random_page_cost: 1.1 } as const;

export function openDatabase(options: DatabaseOptions = {}): DatabaseHandle {
  const { url } = options;
  if (url) {
    const sql = postgres(url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      connection: SESSION_SETTINGS,
    });
    const db = drizzlePostgres(sql, { schema }) as unknown as Database;
    return {
      db,
      kind: 'postgres',
      migrate: () => migratePostgresLocked(url),
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const dataDir = options.dataDir ?? '.data/pglite';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close(),
  };
}

/** Opens the database the environment names (`DATABASE_URL`, else PGlite under `PGLITE_DIR`) and migrates it. */
export async function openDatabaseFromEnv(
  env: Record<string, string | undefined> = process.env,
): Promise<DatabaseHandle> {
  const handle = openDatabase({ url: env.DATABASE_URL || undefined, dataDir: env.PGLITE_DIR || undefined });
  await handle.migrate();
  return handle;
}
