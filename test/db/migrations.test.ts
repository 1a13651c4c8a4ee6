import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTableColumns, getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../db/client';
import * as schema from '../../db/schema';
import { describeEachDatabase } from '../support/databases';
import { query } from './sql';

const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: { tag: string }[];
};
const tables = Object.values(schema).filter((v): v is (typeof schema)[keyof typeof schema] => is(v, PgTable));

async function publicColumns(db: Parameters<typeof query>[0]): Promise<Map<string, Set<string>>> {
  const rows = await query<{ table_name: string; column_name: string }>(
    db,
    sql`select table_name, column_name from information_schema.columns where table_schema = 'public'`,
  );
  const byTable = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!byTable.has(r.table_name)) byTable.set(r.table_name, new Set());
    byTable.get(r.table_name)!.add(r.column_name);
  }
  return byTable;
}

async function appliedMigrations(db: Parameters<typeof query>[0]): Promise<{ hash: string; created_at: string }[]> {
  return query(db, sql`select hash, created_at::text as created_at from drizzle.__drizzle_migrations order by id`);
}

async function appendOnlyTriggers(db: Parameters<typeof query>[0]): Promise<number> {
  const [row] = await query<{ n: number }>(
    db,
    sql`select count(*)::int as n from pg_trigger where tgname = 'events_append_only' and tgrelid = 'public.events'::regclass`,
  );
  return row?.n ?? 0;
}

describe('the schema module', () => {
  it('declares the tables the product needs', () => {
    expect(tables.map((t) => getTableName(t)).sort()).toEqual([
      'agent_tasks',
      'api_keys',
      'attempts',
      'audit_log',
      'buyer_opt_outs',
      'collaborators',
      'contact_points',
      'conversation_messages',
      'conversations',
      'events',
      'experiments',
      'idempotency_keys',
      'installments',
      'journeys',
      'payments',
      'permission_profiles',
      'policies',
      'purchase_installments',
      'purchase_payments',
      'purchases',
      'report_ledger',
      'report_ledger_stale',
      'routing_documents',
      'sign_in_links',
      'tenant_owners',
      'tenants',
      'users',
      'web_sessions',
      'webhook_deliveries',
      'webhook_delivery_attempts',
      'webhook_endpoints',
      'webhook_events',
      'webhook_secrets',
    ]);
  });
});

describeEachDatabase(
  'migrations',
  (getDb, { getHandle }) => {
    it('apply every checked-in migration to an empty database, creating every schema table with its columns and the append-only trigger', async () => {
      const db = getDb();
      expect(await publicColumns(db)).toEqual(new Map());

      await getHandle().migrate();

      const columns = await publicColumns(db);
      for (const table of tables) {
        const expected = Object.values(getTableColumns(table)).map((c) => c.name);
        expect([...(columns.get(getTableName(table)) ?? [])].sort(), getTableName(table)).toEqual(expected.sort());
      }
      expect([...columns.keys()].sort()).toEqual(tables.map((t) => getTableName(t)).sort());
      expect(await appliedMigrations(db)).toHaveLength(journal.entries.length);
      expect(await appendOnlyTriggers(db)).toBe(1);
    });

    it('re-running migrate is a no-op that keeps the data', async () => {
      const db = getDb();
      await getHandle().migrate();
      const before = await appliedMigrations(db);
      await db.insert(schema.tenants).values({ id: 'tenant-kept', name: 'Kept' });

      await getHandle().migrate();
      await getHandle().migrate();

      expect(await appliedMigrations(db)).toEqual(before);
      expect(before).toHaveLength(journal.entries.length);
      expect(await db.select().from(schema.tenants)).toMatchObject([{ id: 'tenant-kept', name: 'Kept' }]);
      expect(await appendOnlyTriggers(db)).toBe(1);
    });
  },
  { migrate: false },
);
