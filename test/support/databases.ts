/**
 * Isolated, migrated databases for tier-3 tests (DESIGN.md section 6), on both drivers:
 *
 *  - PostgreSQL: a fresh, uniquely named database per test file, created through the admin URL
 *    (`TEST_DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/postgres) and dropped after.
 *  - PGlite: an in-memory database (`memory://`).
 *
 *   describeEachDatabase('journey repository', (getDb, { kind }) => {
 *     it('…', async () => { const db = getDb(); … });
 *   });
 *
 * registers the suite twice, as "journey repository [postgres]" and "… [pglite]", each with its
 * own database opened in beforeAll and closed (and, for PostgreSQL, dropped) in afterAll. One
 * database serves the whole file: give every test its own ids rather than cleaning tables (the
 * events table refuses DELETE anyway).
 *
 * When PostgreSQL cannot be reached, its variant is skipped and one line says why — unless `CI`
 * or `TEST_REQUIRE_POSTGRES` is set, in which case the variant runs and fails, so a CI machine
 * whose PostgreSQL is down cannot pass by skipping.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Database, type DatabaseHandle, openDatabase } from '../../db/client';

export type DriverKind = DatabaseHandle['kind'];
export const DRIVERS: readonly DriverKind[] = ['postgres', 'pglite'];

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE_PREFIX = 'dunning_test_';
/** Databases left behind by an interrupted run are dropped once they are this old. */
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

export function adminUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEST_DATABASE_URL || DEFAULT_ADMIN_URL;
}

/** The URL with any password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function postgresRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
  return flag(env.CI) || flag(env.TEST_REQUIRE_POSTGRES);
}

export type PostgresAvailability =
  { available: true; adminUrl: string } | { available: false; adminUrl: string; reason: string };

let probe: Promise<PostgresAvailability> | undefined;

/** Whether the admin URL answers `select 1` (checked once per process). */
export function checkPostgres(): Promise<PostgresAvailability> {
  probe ??= (async () => {
    const url = adminUrl();
    const sql = postgres(url, { max: 1, connect_timeout: 3, idle_timeout: 1, onnotice: () => {} });
    try {
      await sql`select 1`;
      return { available: true as const, adminUrl: url };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const why = [e.code, e.message].filter(Boolean).join(' ') || String(err);
      return { available: false as const, adminUrl: url, reason: `cannot connect to ${redactUrl(url)} (${why})` };
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  })();
  return probe;
}

/** Checked when this module loads, so suites can be registered as skipped synchronously. */
export const postgresAvailability: PostgresAvailability = await checkPostgres();

function quoteIdent(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing unusual database name ${name}`);
  return `"${name}"`;
}

function databaseUrl(admin: string, name: string): string {
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropStaleDatabases(admin: postgres.Sql): Promise<void> {
  const rows = await admin<
    { datname: string }[]
  >`select datname from pg_database where datname like ${`${DATABASE_PREFIX}%`}`;
  const now = Date.now();
  for (const { datname } of rows) {
    const createdAt = Number(datname.slice(DATABASE_PREFIX.length).split('_')[0]);
    if (Number.isFinite(createdAt) && now - createdAt > STALE_AFTER_MS) {
      await admin.unsafe(`drop database if exists ${quoteIdent(datname)}`).catch(() => {});
    }
  }
}

export interface TestDatabase {
  kind: DriverKind;
  handle: DatabaseHandle;
  db: Database;
  /** For PostgreSQL, the database's name (unique to this test file). */
  name: string | null;
  /** For PostgreSQL, its URL (for processes a test starts). */
  url: string | null;
  /** Closes the connection and, for PostgreSQL, drops the database. */
  dispose(): Promise<void>;
}

export interface OpenTestDatabaseOptions {
  /** Apply the checked-in migrations before returning (default true). */
  migrate?: boolean;
}

/** Opens a fresh database of the given kind. Prefer {@link describeEachDatabase} in test files. */
export async function openTestDatabase(kind: DriverKind, options: OpenTestDatabaseOptions = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if (kind === 'pglite') {
    const handle = openDatabase({ dataDir: 'memory://' });
    if (migrate) await handle.migrate();
    return { kind, handle, db: handle.db, name: null, url: null, dispose: () => handle.close() };
  }

  const status = await checkPostgres();
  if (!status.available) throw new Error(`PostgreSQL is required but unreachable: ${status.reason}`);
  const name = `${DATABASE_PREFIX}${Date.now()}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(status.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await dropStaleDatabases(admin);
    await admin.unsafe(`create database ${quoteIdent(name)}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = databaseUrl(status.adminUrl, name);
  const handle = openDatabase({ url, maxConnections: 5 });
  const dispose = async () => {
    await handle.close();
    const dropper = postgres(status.adminUrl, { max: 1, onnotice: () => {} });
    try {
      await dropper.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
    } finally {
      await dropper.end({ timeout: 5 });
    }
  };
  try {
    if (migrate) await handle.migrate();
  } catch (err) {
    await dispose().catch(() => {});
    throw err;
  }
  return { kind, handle, db: handle.db, name, url, dispose };
}

export interface DatabaseSuiteContext {
  kind: DriverKind;
  /** The open handle (for `migrate()` and the like); only valid inside tests and hooks. */
  getHandle(): DatabaseHandle;
}

let warned = false;

/** Whether the variant for `kind` runs; prints the one-line reason when PostgreSQL is skipped. */
export function databaseAvailable(kind: DriverKind): boolean {
  if (kind === 'pglite' || postgresAvailability.available || postgresRequired()) return true;
  if (!warned) {
    warned = true;
    console.warn(
      `[db tests] PostgreSQL variant skipped: ${postgresAvailability.reason}. Start it (pg_ctlcluster --skip-systemctl-redirect <version> main start) or set TEST_DATABASE_URL.`,
    );
  }
  return false;
}

/**
 * Registers `suite` once per driver, each run against its own migrated database (one per file
 * and driver). `getDb()` is valid inside tests and hooks, not while the suite is being declared.
 */
export function describeEachDatabase(
  name: string,
  suite: (getDb: () => Database, context: DatabaseSuiteContext) => void,
  options: OpenTestDatabaseOptions = {},
): void {
  for (const kind of DRIVERS) {
    describe.skipIf(!databaseAvailable(kind))(`${name} [${kind}]`, () => {
      let current: TestDatabase | undefined;
      beforeAll(async () => {
        current = await openTestDatabase(kind, options);
      });
      afterAll(async () => {
        await current?.dispose();
        current = undefined;
      });
      const get = (): TestDatabase => {
        if (!current) throw new Error(`the ${kind} test database is not open (use it inside tests or hooks)`);
        return current;
      };
      suite(() => get().db, { kind, getHandle: () => get().handle });
    });
  }
}
