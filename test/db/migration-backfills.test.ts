/**
 * Migrations that fill in new columns, on a database an older release left with rows:
 *  - 0005: the contacts made before the per-buyer ledger existed must count for their buyer
 *    (buyer_id and sent_at filled in), or the first reminders after an upgrade could exceed the cap;
 *  - 0007: journeys recorded before lists read the installment's IDs from the journey row must
 *    carry them, or buyer and product lists would miss them.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, expect, it } from 'vitest';
import { type Database, MIGRATIONS_FOLDER } from '../../db/client';
import { searchJourneys } from '../../db/journey-repository';
import * as schema from '../../db/schema';

const folders: string[] = [];
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

/** The checked-in migrations up to (not including) `tag`: the database as an older release left it. */
function migrationsBefore(tag: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'migrations-'));
  folders.push(folder);
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.startsWith(tag));
  expect(cut).toBeGreaterThan(0);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return folder;
}

it('fills in buyer_id and sent_at of attempts written before the ledger, and leaves unknown journeys alone', async () => {
  const client = new PGlite('memory://');
  const db = drizzle(client);
  try {
    await migrate(db, { migrationsFolder: migrationsBefore('0005') });
    await client.exec(`
      insert into tenants (id, name) values ('acme', 'Acme');
      insert into installments (tenant_id, installment_id, product_id, product_name, buyer_id, buyer, amount_minor, currency,
        installment_number, installment_count, due_date, payment_url)
        values ('acme', 'inst-1', 'p', 'Course', 'buyer-7', '{"id":"buyer-7","name":"Ana","timezone":"UTC","locale":"en"}', 1000, 'USD', 1, 3, '2026-12-01', 'https://pay.example.com/1');
      insert into journeys (id, tenant_id, installment_id, run_id, policy_id, policy_version, stage, due_date, original_due_date,
        currency, amount_due_minor, amount_paid_minor, overpaid_minor, status, last_seq)
        values ('dunning/acme/inst-1', 'acme', 'inst-1', 'run', 'default', 1, 'overdue', '2026-12-01', '2026-12-01', 'USD', 1000, 0, 0, '{}', 3);
      insert into attempts (id, journey_id, tenant_id, plan_revision, step_index, channel, requested_channel, template, provider, recipient, body, status, created_at)
        values ('a-1', 'dunning/acme/inst-1', 'acme', 0, 0, 'email', 'email', 'pre_due', 'outbox', 'ana@example.com', 'hi', 'sent', '2026-11-28T15:00:00Z'),
               ('a-orphan', 'dunning/acme/gone', 'acme', 0, 0, 'email', 'email', 'pre_due', 'outbox', 'x@example.com', 'hi', 'sent', '2026-11-28T16:00:00Z');
    `);

    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    const { rows } = await client.query<{ id: string; buyer_id: string | null; sent_at: Date | null }>(
      'select id, buyer_id, sent_at from attempts order by id',
    );
    expect(rows).toEqual([
      { id: 'a-1', buyer_id: 'buyer-7', sent_at: new Date('2026-11-28T15:00:00Z') },
      { id: 'a-orphan', buyer_id: null, sent_at: new Date('2026-11-28T16:00:00Z') },
    ]);
  } finally {
    await client.close();
  }
});

it('copies the installment IDs onto journeys recorded before 0007, and the buyer and product lists find them', async () => {
  const client = new PGlite('memory://');
  const db = drizzle(client, { schema });
  try {
    await migrate(db, { migrationsFolder: migrationsBefore('0007') });
    await client.exec(`
      insert into tenants (id, name) values ('acme', 'Acme');
      insert into installments (tenant_id, installment_id, purchase_id, subscription_id, product_id, product_name, buyer_id,
        buyer, amount_minor, currency, installment_number, installment_count, due_date, payment_url)
        values ('acme', 'inst-1', 'pur-1', null, 'course', 'Course', 'buyer-7', '{"id":"buyer-7","name":"Ana","timezone":"UTC","locale":"en"}', 1000, 'USD', 1, 3, '2026-12-01', 'https://pay.example.com/1'),
               ('acme', 'inst-2', null, 'sub-2', 'club', 'Club', 'buyer-8', '{"id":"buyer-8","name":"Bo","timezone":"UTC","locale":"en"}', 900, 'USD', 1, 1, '2026-12-02', 'https://pay.example.com/2');
      insert into journeys (id, tenant_id, installment_id, run_id, policy_id, policy_version, stage, due_date, original_due_date,
        currency, amount_due_minor, amount_paid_minor, overpaid_minor, status, last_seq)
        values ('dunning/acme/inst-1', 'acme', 'inst-1', 'run', 'default', 1, 'overdue', '2026-12-01', '2026-12-01', 'USD', 1000, 0, 0, '{}', 3),
               ('dunning/acme/inst-2', 'acme', 'inst-2', 'run', 'default', 1, 'pre_due', '2026-12-02', '2026-12-02', 'USD', 900, 0, 0, '{}', 1);
    `);

    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });

    const { rows } = await client.query(
      'select id, buyer_id, product_id, purchase_id, subscription_id from journeys order by id',
    );
    expect(rows).toEqual([
      {
        id: 'dunning/acme/inst-1',
        buyer_id: 'buyer-7',
        product_id: 'course',
        purchase_id: 'pur-1',
        subscription_id: null,
      },
      {
        id: 'dunning/acme/inst-2',
        buyer_id: 'buyer-8',
        product_id: 'club',
        purchase_id: null,
        subscription_id: 'sub-2',
      },
    ]);
    const ids = async (filter: Parameters<typeof searchJourneys>[2]) =>
      (await searchJourneys(db as unknown as Database, 'acme', filter, { limit: 10 })).map((j) => j.id);
    expect(await ids({ buyerId: 'buyer-7' })).toEqual(['dunning/acme/inst-1']);
    expect(await ids({ productId: 'club', openOnly: true })).toEqual(['dunning/acme/inst-2']);
    expect(await ids({ subscriptionId: 'sub-2' })).toEqual(['dunning/acme/inst-2']);
  } finally {
    await client.close();
  }
});
