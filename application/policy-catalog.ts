import type { Database } from '../db/client';
import { findDefaultPolicyId, findPolicy } from '../db/policy-repository';
import { DEFAULT_POLICY_ID, type Policy, defaultPolicy } from '../domain/policy';

/** Where a new journey's policy comes from. */
export interface PolicyCatalog {
  /** The policy a new journey runs: the named one, or the tenant's default; null when unknown. */
  resolve(tenantId: string, policyId: string | undefined): Promise<Policy | null>;
}

/** The built-in catalog: every tenant runs the default policy (benchmarks and tools without a database). */
export const builtInPolicies: PolicyCatalog = {
  async resolve(_tenantId: string, policyId: string | undefined): Promise<Policy | null> {
    return policyId === undefined || policyId === DEFAULT_POLICY_ID ? defaultPolicy : null;
  },
};

/**
 * Tenant policies from the database. A journey gets the latest version at the moment it
 * starts and carries that document in its input, so later versions never touch it.
 *
 *  - a named policy: the tenant's latest version of it; 'default' is the built-in default
 *    unless the tenant stored versions of its own 'default';
 *  - no name: the tenant's chosen default (`tenants.default_policy_id`), else the built-in.
 */
export function databasePolicies(db: Database): PolicyCatalog {
  return {
    async resolve(tenantId: string, policyId: string | undefined): Promise<Policy | null> {
      const id = policyId ?? (await findDefaultPolicyId(db, tenantId)) ?? DEFAULT_POLICY_ID;
      const stored = await findPolicy(db, tenantId, id);
      if (stored) return stored;
      // A chosen default is checked when it is chosen and policies are never deleted, so only
      // the built-in 'default' lands here without a name.
      return id === DEFAULT_POLICY_ID || policyId === undefined ? defaultPolicy : null;
    },
  };
}
