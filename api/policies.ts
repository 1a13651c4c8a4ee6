import { DEFAULT_POLICY_ID, type Policy, defaultPolicy } from '../domain/policy';
import type { PolicyCatalog } from './routes/journeys';

/** The built-in catalog: every tenant runs the default policy until tenant policies arrive. */
export const builtInPolicies: PolicyCatalog = {
  async resolve(_tenantId: string, policyId: string | undefined): Promise<Policy | null> {
    return policyId === undefined || policyId === DEFAULT_POLICY_ID ? defaultPolicy : null;
  },
};
