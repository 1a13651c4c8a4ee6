import { and, asc, desc, eq, getTableName, max } from 'drizzle-orm';
import { DEFAULT_POLICY_ID, type Policy } from '../domain/policy';
import { ensureTenant } from './access-repository';
import type { Database } from './client';
import { policies, tenants } from './schema';
import type { Statement } from './statement';

/** A policy document as a tenant writes it: the version is assigned here, never by the caller. */
export type PolicyDraft = Omit<Policy, 'version'>;

/** Concurrent writers of the same policy each retry this often before giving up. */
const MAX_VERSION_ATTEMPTS = 20;

function rowToPolicy(row: { document: Policy; version: number; id: string }): Policy {
  // The row's key is the truth; the document carries the same values since it is written here.
  return { ...row.document, id: row.id, version: row.version };
}

/** Creates version 1 of a new policy; null when the tenant already has a policy with this id. */
export async function insertFirstPolicyVersion(
  db: Database,
  tenantId: string,
  draft: PolicyDraft,
): Promise<Policy | null> {
  const document: Policy = { ...draft, version: 1 };
  return db.transaction(async (tx) => {
    await ensureTenant(tx, tenantId);
    const inserted = await tx
      .insert(policies)
      .values({ tenantId, id: draft.id, version: 1, document })
      .onConflictDoNothing()
      .returning({ id: policies.id });
    return inserted.length === 0 ? null : document;
  });
}

/**
 * Adds version n+1 of a policy, n being its latest stored version (or `floorVersion` when
 * nothing is stored yet and the caller allows it: the tenant's own 'default' continues the
 * built-in version 1). Atomic under concurrency: two writers never get the same version;
 * the loser of a race on the primary key simply takes the next one. Null when the policy does
 * not exist (nothing stored and no floor).
 */
export async function insertNextPolicyVersion(
  db: Database,
  tenantId: string,
  draft: PolicyDraft,
  options: { floorVersion?: number } = {},
): Promise<Policy | null> {
  for (let attempt = 0; attempt < MAX_VERSION_ATTEMPTS; attempt++) {
    const result = await db.transaction(async (tx) => {
      const [latest] = await tx
        .select({ version: max(policies.version) })
        .from(policies)
        .where(and(eq(policies.tenantId, tenantId), eq(policies.id, draft.id)));
      const current = latest?.version ?? null;
      if (current === null && options.floorVersion === undefined) return { kind: 'not_found' as const };
      const version = Math.max(current ?? 0, options.floorVersion ?? 0) + 1;
      const document: Policy = { ...draft, version };
      await ensureTenant(tx, tenantId);
      const inserted = await tx
        .insert(policies)
        .values({ tenantId, id: draft.id, version, document })
        .onConflictDoNothing()
        .returning({ version: policies.version });
      return inserted.length > 0 ? { kind: 'created' as const, policy: document } : { kind: 'conflict' as const };
    });
    if (result.kind === 'not_found') return null;
    if (result.kind === 'created') return result.policy;
  }
  throw new Error(`could not assign a new version to policy ${draft.id} after ${MAX_VERSION_ATTEMPTS} attempts`);
}

/** The latest stored version of a tenant's policy, or the given version; null when not stored. */
export async function findPolicy(
  db: Database,
  tenantId: string,
  policyId: string,
  version?: number,
): Promise<Policy | null> {
  const where = and(
    eq(policies.tenantId, tenantId),
    eq(policies.id, policyId),
    ...(version === undefined ? [] : [eq(policies.version, version)]),
  );
  const [row] = await db
    .select({ id: policies.id, version: policies.version, document: policies.document })
    .from(policies)
    .where(where)
    .orderBy(desc(policies.version))
    .limit(1);
  return row ? rowToPolicy(row) : null;
}

/** The latest version of every policy the tenant stored, by id. */
export async function listLatestPolicies(db: Database, tenantId: string): Promise<Policy[]> {
  const rows = await db
    .selectDistinctOn([policies.id], { id: policies.id, version: policies.version, document: policies.document })
    .from(policies)
    .where(eq(policies.tenantId, tenantId))
    .orderBy(asc(policies.id), desc(policies.version));
  return rows.map(rowToPolicy);
}

/** The id of the policy the tenant's new journeys run unless they name one; null = built-in default. */
export async function findDefaultPolicyId(db: Database, tenantId: string): Promise<string | null> {
  const [row] = await db.select({ id: tenants.defaultPolicyId }).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  return row?.id ?? null;
}

export async function setDefaultPolicyId(db: Database, tenantId: string, policyId: string | null): Promise<void> {
  await db
    .insert(tenants)
    .values({ id: tenantId, name: tenantId, defaultPolicyId: policyId })
    .onConflictDoUpdate({ target: tenants.id, set: { defaultPolicyId: policyId } });
}

/**
 * What a remembered policy choice rests on: the version it found latest, and whether it came
 * through the tenant's chosen default. A write can check it in the same statement instead of
 * asking again first.
 */
export interface PolicyBasis {
  tenantId: string;
  policyId: string;
  version: number;
  viaTenantDefault: boolean;
}

/** True in SQL when the choice no longer holds: a newer version exists, or the tenant chose another default. */
export function policyChoiceIsStale(statement: Statement, basis: PolicyBasis): string {
  const tenantId = statement.value(basis.tenantId, 'text');
  const policyId = statement.value(basis.policyId, 'text');
  const newer = `exists (select 1 from "${getTableName(policies)}" where "${policies.tenantId.name}" = ${tenantId}
    and "${policies.id.name}" = ${policyId} and "${policies.version.name}" > ${statement.value(basis.version, 'integer')})`;
  if (!basis.viaTenantDefault) return newer;
  return `(${newer} or coalesce((select "${tenants.defaultPolicyId.name}" from "${getTableName(tenants)}"
    where "${tenants.id.name}" = ${tenantId}), ${statement.value(DEFAULT_POLICY_ID, 'text')}) <> ${policyId})`;
}
