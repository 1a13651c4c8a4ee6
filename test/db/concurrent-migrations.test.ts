/**
 * Several processes (API, workers) migrate at start. On a fresh PostgreSQL database, concurrent
 * `create schema/table if not exists` statements race on the catalog (duplicate key on pg_type),
 * so db/client.ts serializes migrations with an advisory lock. PGlite is single-process only.
 */
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, MIGRATIONS_FOLDER, openDatabase } from '../../db/client';
import { adminUrl, databaseAvailable, openTestDatabase, type TestDatabase } from '../support/databases';
import { errorMessages, query } from './sql';

const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: unknown[];
};

/** Rounds of the race, each on its own fresh database: one round alone does not always collide. */
const ROUNDS = 3;
const PROCESSES = 3;

describe.skipIf(!databaseAvailable('postgres'))('concurrent migrations [postgres]', () => {
  const fresh: TestDatabase[] = [];
  const handles: DatabaseHandle[] = [];

  beforeAll(async () => {
    for (let i = 0; i < ROUNDS; i++) fresh.push(await openTestDatabase('postgres', { migrate: false }));
  });
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
    await Promise.all(fresh.map((d) => d.dispose()));
  });

  it(`lets ${PROCESSES} processes migrate one fresh database at the same time, applying each migration once`, async () => {
    for (const database of fresh) {
      const url = new URL(adminUrl());
      url.pathname = `/${database.name}`;
      // Separate handles = separate pools, as separate processes would have.
      const round = Array.from({ length: PROCESSES }, () => openDatabase({ url: url.toString(), maxConnections: 5 }));
      handles.push(...round);

      const results = await Promise.allSettled(round.map((h) => h.migrate()));

      expect(results.map((r) => (r.status === 'rejected' ? errorMessages(r.reason) : 'ok'))).toEqual(
        round.map(() => 'ok'),
      );
      const applied = await query<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(applied[0]?.n).toBe(journal.entries.length);
    }
  });

  it('releases the migration lock afterwards', async () => {
    const [database] = fresh;
    const url = new URL(adminUrl());
    url.pathname = `/${database!.name}`;
    const handle = openDatabase({ url: url.toString(), maxConnections: 1 });
    handles.push(handle);
    await handle.migrate();
    // No session is left holding (or waiting for) an advisory lock on this database.
    const locks = await query<{ n: number }>(
      database!.db,
      sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
    );
    expect(locks[0]?.n).toBe(0);
  });
});
