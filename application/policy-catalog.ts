import type { Database } from '../db/client';
import { type PolicyBasis, findDefaultPolicyId, findPolicy } from '../db/policy-repository';
import { DEFAULT_POLICY_ID, type Policy, defaultPolicy } from '../domain/policy';

/** A policy for a new journey, and what its choice rests on (null: a choice that cannot change). */
export interface PolicyChoice {
  policy: Policy;
  basis: PolicyBasis | null;
}

/** Where a new journey's policy comes from. */
export interface PolicyCatalog {
  /** The policy a new journey runs: the named one, or the tenant's default; null when unknown. */
  resolve(tenantId: string, policyId: string | undefined): Promise<Policy | null>;
  /**
   * `resolve`, answered from memory when it can: the caller checks `basis` in its own write
   * (`policyChoiceIsStale`) and resolves again when the choice no longer holds.
   */
  recall(tenantId: string, policyId: string | undefined): Promise<PolicyChoice | null>;
  /** The version a journey runs (it keeps the one it started with); null when unknown. */
  version(tenantId: string, policyId: string, version: number): Promise<Policy | null>;
}

/** A catalog that cannot change: `choose` answers every question, always the same way. */
export function fixedPolicies(choose: (policyId: string | undefined) => Policy | null): PolicyCatalog {
  return {
    resolve: async (_tenantId, policyId) => choose(policyId),
    recall: async (_tenantId, policyId) => {
      const policy = choose(policyId);
      return policy && { policy, basis: null };
    },
    version: async (_tenantId, policyId, version) => {
      const policy = choose(policyId);
      return policy?.version === version ? policy : null;
    },
  };
}

/** The built-in catalog: every tenant runs the default policy (benchmarks and tools without a database). */
export const builtInPolicies = fixedPolicies((policyId) =>
  policyId === undefined || policyId === DEFAULT_POLICY_ID ? defaultPolicy : null,
);

/** Choices remembered before the memory starts over. */
const MAX_REMEMBERED = 10_000;

/**
 * Tenant policies from the database. A journey gets the latest version at the moment it
 * starts and carries that document in its input, so later versions never touch it.
 *
 *  - a named policy: the tenant's latest version of it; 'default' is the built-in default
 *    unless the tenant stored versions of its own 'default';
 *  - no name: the tenant's chosen default (`tenants.default_policy_id`), else the built-in.
 */
export function databasePolicies(db: Database): PolicyCatalog {
  const remembered = new Map<string, PolicyChoice>();
  const versions = new Map<string, Policy>();
  const keyOf = (tenantId: string, policyId: string | undefined) => `${tenantId}\u0000${policyId ?? ''}`;

  async function choose(tenantId: string, policyId: string | undefined): Promise<PolicyChoice | null> {
    const chosenDefault = policyId === undefined ? await findDefaultPolicyId(db, tenantId) : null;
    const id = policyId ?? chosenDefault ?? DEFAULT_POLICY_ID;
    // A chosen default is checked when it is chosen and policies are never deleted, so only
    // the built-in 'default' is missing from the table without a name.
    const policy = (await findPolicy(db, tenantId, id)) ?? (id === DEFAULT_POLICY_ID ? defaultPolicy : null);
    if (!policy) return null;
    const choice: PolicyChoice = {
      policy,
      basis: { tenantId, policyId: id, version: policy.version, viaTenantDefault: policyId === undefined },
    };
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(keyOf(tenantId, policyId), choice);
    return choice;
  }

  return {
    resolve: async (tenantId, policyId) => (await choose(tenantId, policyId))?.policy ?? null,
    recall: async (tenantId, policyId) => remembered.get(keyOf(tenantId, policyId)) ?? choose(tenantId, policyId),
    version: async (tenantId, policyId, version) => {
      // A version never changes once stored: remembered, it costs a payment no query.
      const key = `${keyOf(tenantId, policyId)}\u0000${version}`;
      const known = versions.get(key);
      if (known) return known;
      const policy =
        (await findPolicy(db, tenantId, policyId, version)) ??
        (policyId === DEFAULT_POLICY_ID && version === defaultPolicy.version ? defaultPolicy : null);
      if (policy) {
        if (versions.size >= MAX_REMEMBERED) versions.clear();
        versions.set(key, policy);
      }
      return policy;
    },
  };
}
