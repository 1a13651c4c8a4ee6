/**
 * `npm run tenant:create -- --id acme --name "Acme"`: creates a tenant (migrating the database
 * the environment names first: DATABASE_URL, else PGlite under PGLITE_DIR) and prints a new
 * owner key once. Only the key's digest is stored; run again to get another owner key.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { findTenant } from '../db/access-repository';
import { type Database, openDatabaseFromEnv } from '../db/client';
import { tenants } from '../db/schema';
import { externalIdSchema } from '../domain/installment';
import { issueApiKey } from '../application/key-stores';

export interface CreatedTenant {
  tenantId: string;
  created: boolean;
  keyId: string;
  secret: string;
}

/** Creates the tenant unless it exists (its name is then left alone) and issues an owner key. */
export async function createTenant(
  db: Database,
  input: { id: string; name?: string; keyName?: string },
): Promise<CreatedTenant> {
  const id = externalIdSchema.parse(input.id);
  if (id.includes('/')) throw new Error('--id must not contain "/"');
  const inserted = await db
    .insert(tenants)
    .values({ id, name: input.name?.trim() || id })
    .onConflictDoNothing()
    .returning({ id: tenants.id });
  const { key, secret } = await issueApiKey(db, {
    tenantId: id,
    collaboratorId: null,
    name: input.keyName ?? 'owner (CLI)',
  });
  return { tenantId: id, created: inserted.length > 0, keyId: key.id, secret };
}

async function main() {
  const { values } = parseArgs({
    options: { id: { type: 'string' }, name: { type: 'string' }, 'key-name': { type: 'string' } },
    strict: true,
  });
  if (!values.id) {
    console.error(
      'usage: npm run tenant:create -- --id <tenant-id> [--name "Display name"] [--key-name "owner laptop"]',
    );
    process.exitCode = 2;
    return;
  }
  const handle = await openDatabaseFromEnv();
  try {
    const result = await createTenant(handle.db, { id: values.id, name: values.name, keyName: values['key-name'] });
    const tenant = await findTenant(handle.db, result.tenantId);
    console.log(
      result.created
        ? `tenant "${result.tenantId}" created (${tenant?.name})`
        : `tenant "${result.tenantId}" already existed; issued another owner key`,
    );
    console.log(`owner key ${result.keyId} — shown once, store it now:`);
    console.log(`\n  ${result.secret}\n`);
  } finally {
    await handle.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
