/**
 * `npm run tenant:create -- --id acme --name "Acme" [--owner-email a@b.c]`: creates a tenant
 * (migrating the database the environment names first: DATABASE_URL, else PGlite under
 * PGLITE_DIR) and prints a new owner key once. Only the key's digest is stored; run again to get
 * another owner key. With `--owner-email`, that person owns the tenant in the seller app (/app):
 * they sign in by an emailed link.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { findTenant } from '../db/access-repository';
import { type Database, openDatabaseFromEnv } from '../db/client';
import { tenants } from '../db/schema';
import type { z } from 'zod';
import { externalIdSchema } from '../domain/installment';
import { plainTextSchema } from '../domain/text';
import { issueApiKey } from '../application/key-stores';
import { ensureTenantOwner } from '../application/sign-in';
import { emailSchema } from '../domain/value-schemas';

export interface CreatedTenant {
  tenantId: string;
  created: boolean;
  keyId: string;
  secret: string;
  /** The owner's user, when an owner email was given. */
  ownerUserId?: string;
}

/** The value if the schema accepts it, else an error naming the option. */
function checked<T>(option: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new TenantInputError(`${option} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}

export class TenantInputError extends Error {
  override readonly name = 'TenantInputError';
}

/** Creates the tenant unless it exists (its name is then left alone) and issues an owner key. */
export async function createTenant(
  db: Database,
  input: { id: string; name?: string; keyName?: string; ownerEmail?: string },
): Promise<CreatedTenant> {
  const id = checked('--id', externalIdSchema, input.id);
  // The same rule for a tenant's name as the API's (PATCH /v1/tenant).
  const name =
    input.name === undefined || input.name.trim() === '' ? id : checked('--name', plainTextSchema(200), input.name);
  const keyName =
    input.keyName === undefined ? 'owner (CLI)' : checked('--key-name', plainTextSchema(200), input.keyName);
  const ownerEmail =
    input.ownerEmail === undefined ? undefined : checked('--owner-email', emailSchema, input.ownerEmail).toLowerCase();
  // Everything checked: now the writes.
  const inserted = await db.insert(tenants).values({ id, name }).onConflictDoNothing().returning({ id: tenants.id });
  const { key, secret } = await issueApiKey(db, { tenantId: id, collaboratorId: null, name: keyName });
  const created = { tenantId: id, created: inserted.length > 0, keyId: key.id, secret };
  if (!ownerEmail) return created;
  return { ...created, ownerUserId: await ensureTenantOwner(db, id, ownerEmail) };
}

async function main() {
  const { values } = parseArgs({
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      'key-name': { type: 'string' },
      'owner-email': { type: 'string' },
    },
    strict: true,
  });
  if (!values.id) {
    console.error(
      'usage: npm run tenant:create -- --id <tenant-id> [--name "Display name"] [--key-name "owner laptop"] [--owner-email you@example.com]',
    );
    process.exitCode = 2;
    return;
  }
  const handle = await openDatabaseFromEnv();
  try {
    const result = await createTenant(handle.db, {
      id: values.id,
      name: values.name,
      keyName: values['key-name'],
      ownerEmail: values['owner-email'],
    });
    const tenant = await findTenant(handle.db, result.tenantId);
    console.log(
      result.created
        ? `tenant "${result.tenantId}" created (${tenant?.name})`
        : `tenant "${result.tenantId}" already existed; issued another owner key`,
    );
    console.log(`owner key ${result.keyId} — shown once, store it now:`);
    console.log(`\n  ${result.secret}\n`);
    if (result.ownerUserId)
      console.log(`owner ${result.ownerUserId} signs in to the seller app at <PUBLIC_BASE_URL>/app by an emailed link`);
  } finally {
    await handle.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = err instanceof TenantInputError ? 2 : 1;
  });
}
