/**
 * The policy lab's use cases: the tenant's segment routing and its experiments, and their
 * results. Every reference is checked before anything is written: a rule or an arm naming a
 * policy the tenant does not have, an experiment on a rule the routing does not have.
 */
import type { Database } from '../db/client';
import { findPolicy } from '../db/policy-repository';
import { armCollected, armTallies } from '../db/report-experiments';
import {
  findExperiment,
  findRouting,
  insertExperiment,
  insertRoutingVersion,
  listExperiments,
  moveExperiment,
  withPolicyLabLock,
} from '../db/routing-repository';
import { type ExperimentReport, experimentReport } from '../domain/experiment-report';
import { type Experiment, type ExperimentDraft, transitionRefusal } from '../domain/experiments';
import { DEFAULT_POLICY_ID } from '../domain/policy';
import type { RoutingDocument, RoutingDraft } from '../domain/segments';

/** A field the request names that refers to nothing (or to something that may not change). */
export interface FieldRefusal {
  path: string;
  message: string;
}

export type LabResult<T> = { kind: 'ok'; value: T } | { kind: 'refused'; errors: FieldRefusal[] };

async function unknownPolicies(
  db: Database,
  tenantId: string,
  references: readonly { path: string; policyId: string }[],
): Promise<FieldRefusal[]> {
  const missing = await Promise.all(
    references.map(async ({ path, policyId }) =>
      policyId === DEFAULT_POLICY_ID || (await findPolicy(db, tenantId, policyId))
        ? null
        : { path, message: `no policy "${policyId}" for this tenant` },
    ),
  );
  return missing.filter((m): m is FieldRefusal => m !== null);
}

/**
 * Saves the next version of the routing. A rule with a running experiment must stay: its
 * journeys are being compared (stop the experiment first).
 */
export async function saveRouting(
  db: Database,
  tenantId: string,
  draft: RoutingDraft,
): Promise<LabResult<RoutingDocument>> {
  const missing = await unknownPolicies(
    db,
    tenantId,
    draft.rules.map((rule, i) => ({ path: `rules.${i}.policyId`, policyId: rule.policyId })),
  );
  if (missing.length > 0) return { kind: 'refused', errors: missing };
  return withPolicyLabLock(db, tenantId, async (tx) => {
    const kept = new Set(draft.rules.map((r) => r.id));
    const orphaned = (await listExperiments(tx, tenantId))
      .filter((e) => e.state === 'running' && !kept.has(e.ruleId))
      .map((e) => ({ path: 'rules', message: `must keep rule "${e.ruleId}": experiment "${e.id}" runs on it` }));
    if (orphaned.length > 0) return { kind: 'refused', errors: orphaned };
    return { kind: 'ok', value: await insertRoutingVersion(tx, tenantId, draft) };
  });
}

/** A new experiment in draft; null when the id is taken. */
export async function createExperiment(
  db: Database,
  tenantId: string,
  draft: ExperimentDraft,
): Promise<LabResult<Experiment> | null> {
  const routing = await findRouting(db, tenantId);
  const ruleErrors = routing?.rules.some((r) => r.id === draft.ruleId)
    ? []
    : [{ path: 'ruleId', message: `no rule "${draft.ruleId}" in the current routing` }];
  const policyErrors = await unknownPolicies(db, tenantId, [
    ...draft.arms.map((arm, i) => ({ path: `arms.${i}.policyId`, policyId: arm.policyId })),
    ...(draft.holdout?.policyId ? [{ path: 'holdout.policyId', policyId: draft.holdout.policyId }] : []),
  ]);
  const errors = [...ruleErrors, ...policyErrors];
  if (errors.length > 0) return { kind: 'refused', errors };
  const created = await insertExperiment(db, tenantId, draft);
  return created && { kind: 'ok', value: created };
}

/** Why a start or stop was refused, for pages that say it in their own words. */
export type MoveRefusal = 'wrong_state' | 'rule_gone' | 'rule_busy';

export type MoveResult =
  | { kind: 'moved'; experiment: Experiment }
  | { kind: 'not_found' }
  | { kind: 'refused'; reason: MoveRefusal; message: string };

/** The audit log's action for each move, the same from the API and from the seller app. */
export const EXPERIMENT_MOVE_AUDIT = { running: 'experiment.started', stopped: 'experiment.stopped' } as const;

/** Starts (draft → running) or stops (running → stopped) an experiment. */
export function changeExperimentState(
  db: Database,
  tenantId: string,
  id: string,
  to: 'running' | 'stopped',
): Promise<MoveResult> {
  return withPolicyLabLock(db, tenantId, (tx) => moveUnderLock(tx, tenantId, id, to));
}

/** The move, checked and written by the holder of the tenant's policy-lab lock. */
async function moveUnderLock(
  db: Database,
  tenantId: string,
  id: string,
  to: 'running' | 'stopped',
): Promise<MoveResult> {
  const current = await findExperiment(db, tenantId, id);
  if (!current) return { kind: 'not_found' };
  const refusal = transitionRefusal(current.state, to);
  if (refusal) return { kind: 'refused', reason: 'wrong_state', message: refusal };
  if (to === 'running') {
    const routing = await findRouting(db, tenantId);
    if (!routing?.rules.some((r) => r.id === current.ruleId))
      return {
        kind: 'refused',
        reason: 'rule_gone',
        message: `rule "${current.ruleId}" is not in the current routing`,
      };
  }
  const moved = await moveExperiment(db, tenantId, id, current.state, to);
  if (moved === 'rule_busy')
    return { kind: 'refused', reason: 'rule_busy', message: `another experiment runs on rule "${current.ruleId}"` };
  if (moved === 'moved_meanwhile') return moveUnderLock(db, tenantId, id, to);
  return { kind: 'moved', experiment: moved };
}

/** The experiment's results arm by arm; null when the tenant has no such experiment. */
export async function experimentResults(db: Database, tenantId: string, id: string): Promise<ExperimentReport | null> {
  const experiment = await findExperiment(db, tenantId, id);
  if (!experiment) return null;
  const [routing, tallies, collected] = await Promise.all([
    findRouting(db, tenantId),
    armTallies(db, tenantId, id),
    armCollected(db, tenantId, id),
  ]);
  const rule = routing?.rules.find((r) => r.id === experiment.ruleId);
  return experimentReport(experiment, rule?.policyId ?? null, tallies, collected);
}
