import DataLoader from 'dataloader';
import type { Database } from '../db/client';
import { findRouting, runningExperiments } from '../db/routing-repository';
import { type ExperimentDraft, routeWithExperiment } from '../domain/experiments';
import type { InstallmentInput } from '../domain/installment';
import {
  EMPTY_ROUTING,
  type JourneyRouting,
  NOT_ROUTED,
  type RoutingDocument,
  routeInstallment,
} from '../domain/segments';

/** The policy a new journey asks the catalog for (undefined: the tenant default), and why. */
export interface RoutedPolicy {
  policyId: string | undefined;
  routing: JourneyRouting;
}

export interface SegmentRouter {
  route(installment: InstallmentInput): Promise<RoutedPolicy>;
}

interface TenantRouting {
  document: RoutingDocument;
  experiments: Map<string, ExperimentDraft>;
}

/**
 * Routing from what `tenantRouting` says. An installment that names its policy keeps it: no rule
 * and no experiment apply to it. Otherwise the first matching rule's policy (or its running
 * experiment's arm for this buyer); no rule matching leaves the tenant default.
 */
export function routerOver(tenantRouting: (tenantId: string) => Promise<TenantRouting>): SegmentRouter {
  return {
    async route(installment) {
      if (installment.policyId !== undefined) return { policyId: installment.policyId, routing: NOT_ROUTED };
      const { document, experiments } = await tenantRouting(installment.tenantId);
      const rule = routeInstallment(document, installment);
      if (!rule) return { policyId: undefined, routing: { ...NOT_ROUTED, routingVersion: document.version } };
      return routeWithExperiment(
        { ruleId: rule.id, policyId: rule.policyId, routingVersion: document.version },
        experiments.get(rule.id) ?? null,
        installment.buyer.id,
      );
    },
  };
}

/**
 * Routing read from the database at each start, never remembered, so a saved document or a
 * started experiment applies to the very next journey. Starts of one turn of the event loop (a
 * bulk start, an import batch) share one read per tenant.
 */
export function databaseRouting(db: Database): SegmentRouter {
  const read = async (tenantId: string): Promise<TenantRouting> => {
    const [document, experiments] = await Promise.all([findRouting(db, tenantId), runningExperiments(db, tenantId)]);
    return { document: document ?? EMPTY_ROUTING, experiments };
  };
  const loader = new DataLoader<string, TenantRouting>(
    async (tenantIds) => {
      // Uncached, the loader hands over every start's key: each tenant is read once per batch.
      const distinct = [...new Set(tenantIds)];
      const byTenant = new Map(await Promise.all(distinct.map(async (id) => [id, await read(id)] as const)));
      return tenantIds.map((id) => byTenant.get(id)!);
    },
    { cache: false, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
  );
  return routerOver((tenantId) => loader.load(tenantId));
}
