import type { Database } from '../db/client';
import { type JourneyRow, closeJourneyEndedOutside, findJourney, recordJourney } from '../db/journey-repository';
import type { InstallmentInput } from '../domain/installment';
import { type Actor, startJourney } from '../domain/journey';
import { journeyStatus } from '../domain/status';
import { journeyWorkflowId } from '../workflows/messages';
import { type JourneyGateway, JourneyServiceUnavailableError } from './journey-gateway';
import type { PolicyCatalog } from './policy-catalog';

/** The run id of a journey row written before its workflow's first record. */
export const PENDING_RUN_ID = 'pending';

export type StartResult =
  { kind: 'started' | 'existing'; journeyId: string } | { kind: 'unknown_policy'; policyId: string };

/**
 * A journey on record as open whose workflow Temporal has ended from outside (an operator's
 * cancel or terminate, a timeout): its record is closed now, with the reason. Returns the row as
 * it stands after. Temporal unreachable: the row as it was (reconciled later).
 */
export async function reconcileJourney(
  deps: { db: Database; gateway: JourneyGateway },
  row: JourneyRow,
): Promise<JourneyRow> {
  if (row.outcome !== null || row.runId === PENDING_RUN_ID) return row;
  let execution: Awaited<ReturnType<JourneyGateway['execution']>>;
  try {
    execution = await deps.gateway.execution({ tenantId: row.tenantId, installmentId: row.installmentId });
  } catch (err) {
    if (err instanceof JourneyServiceUnavailableError) return row;
    throw err;
  }
  if (execution?.state !== 'ended_outside') return row;
  await closeJourneyEndedOutside(deps.db, row.id, execution.reason, execution.closedAt);
  return (await findJourney(deps.db, row.tenantId, row.installmentId)) ?? row;
}

/**
 * The one way a journey starts — the start route, bulk starts, reactivated subscriptions and the
 * CSV import all come through here, so they share the same idempotency and policy rules.
 */
export function createJourneyStarter(deps: { db: Database; gateway: JourneyGateway; policies: PolicyCatalog }) {
  return {
    async start(installment: InstallmentInput, startedBy?: Actor): Promise<StartResult> {
      // Temporal remembers a closed workflow ID only for the namespace's retention (a day on
      // auto-setup); after that a repeated start could begin a second journey for an installment
      // already handled. The database remembers every journey for good.
      let existing = await findJourney(deps.db, installment.tenantId, installment.installmentId);
      if (existing && existing.runId !== PENDING_RUN_ID) {
        existing = await reconcileJourney(deps, existing);
        // One journey per installment — unless Temporal terminated it: that one starts again.
        if (existing.status.cancelReason !== 'terminated') return { kind: 'existing', journeyId: existing.id };
      }
      const policy = await deps.policies.resolve(installment.tenantId, installment.policyId);
      if (!policy) return { kind: 'unknown_policy', policyId: installment.policyId ?? '(default)' };
      if (!existing) {
        // The journey is on record before it starts: a refund or a contact change that arrives
        // before the workflow's first record (worker behind or down) still finds it. The
        // workflow's own records replace this row; a start that failed leaves it pending, and the
        // next start goes through (Temporal refuses a second workflow for the same ID).
        const now = Date.now();
        await recordJourney(deps.db, {
          journeyId: journeyWorkflowId(installment.tenantId, installment.installmentId),
          runId: PENDING_RUN_ID,
          installment,
          status: journeyStatus(startJourney(installment, policy, now, startedBy).state, now),
          events: [],
        });
      }
      const { journeyId, created } = await deps.gateway.start(installment, policy, {
        startedBy,
        ...(existing && { afterSeq: existing.lastSeq }),
      });
      return { kind: created ? 'started' : 'existing', journeyId };
    },
  };
}
export type JourneyStarter = ReturnType<typeof createJourneyStarter>;
