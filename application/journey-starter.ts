import DataLoader from 'dataloader';
import { isDatabaseUnavailable } from '../db/availability';
import type { Database } from '../db/client';
import {
  type JourneyRow,
  type Claim,
  type ClaimResult,
  claimJourneys,
  closeJourneyEndedOutside,
  endedOutsideOnRecord,
  findJourney,
  recordJourney,
} from '../db/journey-repository';
import { batchPublished } from '../db/webhook-delivery-repository';
import type { InstallmentInput } from '../domain/installment';
import type { Policy } from '../domain/policy';
import type { JourneyRouting } from '../domain/segments';
import type { JourneyWebhookPublisher } from '../domain/webhook-payloads';
import { type Actor, ENDED_OUTSIDE_REASONS, startJourney } from '../domain/journey';
import { journeyStatus } from '../domain/status';
import { journeyWorkflowId } from '../workflows/messages';
import { mapLimit } from './concurrency';
import { type JourneyGateway, JourneyServiceUnavailableError } from './journey-gateway';
import type { PolicyCatalog } from './policy-catalog';
import { type RoutedPolicy, type SegmentRouter, databaseRouting } from './segment-routing';

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
  deps: { db: Database; gateway: JourneyGateway; publisher?: JourneyWebhookPublisher | undefined },
  row: JourneyRow,
): Promise<JourneyRow> {
  if (row.outcome !== null) {
    await publishLostEndedOutsideClose(deps, row);
    return row;
  }
  if (row.runId === PENDING_RUN_ID) return row;
  let execution: Awaited<ReturnType<JourneyGateway['execution']>>;
  try {
    execution = await deps.gateway.execution({ tenantId: row.tenantId, installmentId: row.installmentId });
  } catch (err) {
    if (err instanceof JourneyServiceUnavailableError) return row;
    throw err;
  }
  if (execution?.state !== 'ended_outside') return row;
  const settled = await closeJourneyEndedOutside(deps.db, row.id, execution.reason, execution.closedAt);
  if (settled) await deps.publisher?.publishRecorded(settled);
  return (await findJourney(deps.db, row.tenantId, row.installmentId)) ?? row;
}

/**
 * A record closed because Temporal ended its journey from outside, whose journey.closed was lost
 * (publishing failed after the close committed, and the caller's retry found the record closed):
 * published now, before a start can open the record again and hide the close.
 */
async function publishLostEndedOutsideClose(
  deps: { db: Database; publisher?: JourneyWebhookPublisher | undefined },
  row: JourneyRow,
): Promise<void> {
  const reason = row.status.cancelReason;
  if (!deps.publisher || !(ENDED_OUTSIDE_REASONS as readonly (string | null)[]).includes(reason)) return;
  const onRecord = await endedOutsideOnRecord(deps.db, row.id);
  if (onRecord && !(await batchPublished(deps.db, onRecord))) await deps.publisher.publishRecorded(onRecord);
}

/**
 * Claims in one statement; should it fail for a reason other than an outage (one item's data the
 * database refuses), each claim is tried alone, so the failure stays that item's.
 */
async function claimTogether(db: Database, batch: readonly Claim[]): Promise<(ClaimResult | Error)[]> {
  try {
    return await claimJourneys(db, batch);
  } catch (err) {
    if (batch.length === 1 || isDatabaseUnavailable(err)) throw err;
    return Promise.all(
      batch.map((claim) =>
        claimJourneys(db, [claim]).then(
          ([result]) => result!,
          (alone: unknown) => (alone instanceof Error ? alone : new Error(String(alone))),
        ),
      ),
    );
  }
}

const unknownPolicy = (policyId: string | undefined): StartResult => ({
  kind: 'unknown_policy',
  policyId: policyId ?? '(default)',
});

/** Claims gathered into one statement at most. */
const MAX_CLAIMS_PER_STATEMENT = 500;

/**
 * The one way a journey starts — the start route, bulk starts, reactivated subscriptions and the
 * CSV import all come through here, so they share the same idempotency and policy rules.
 *
 * A new installment costs one database statement before Temporal is asked: its journey goes on
 * record as pending, unless one is already there. The journey is on record before it starts, so
 * a refund or a contact change that arrives before the workflow's first record (worker behind or
 * down) still finds it; the workflow's own records replace the row; a start that failed leaves
 * it pending, and the next start goes through (Temporal refuses a second workflow for the same ID).
 * Starts that arrive together share that statement: the claims of one turn of the event loop
 * (concurrent requests, a bulk start) are written at once.
 *
 * The policy comes from segment routing (`router`, the tenant's rules and running experiments
 * from the database unless given) unless the installment names one; the journey records how it
 * was chosen.
 */
export function createJourneyStarter(deps: {
  db: Database;
  gateway: JourneyGateway;
  policies: PolicyCatalog;
  publisher?: JourneyWebhookPublisher | undefined;
  router?: SegmentRouter | undefined;
}) {
  const router = deps.router ?? databaseRouting(deps.db);
  const claims = new DataLoader<Claim, ClaimResult>((batch) => claimTogether(deps.db, batch), {
    cache: false,
    maxBatchSize: MAX_CLAIMS_PER_STATEMENT,
    // After the event loop's I/O callbacks, not after the current job: every request read in
    // this turn joins the batch.
    batchScheduleFn: (dispatch) => setImmediate(dispatch),
  });

  const pendingRecord = (
    installment: InstallmentInput,
    policy: Policy,
    startedBy: Actor | undefined,
    routing: JourneyRouting,
  ) => {
    const now = Date.now();
    return {
      journeyId: journeyWorkflowId(installment.tenantId, installment.installmentId),
      runId: PENDING_RUN_ID,
      installment,
      status: journeyStatus(startJourney(installment, policy, now, startedBy, 0, routing).state, now),
      events: [],
    };
  };

  /** An installment that already has a journey: the same one, unless Temporal terminated it. */
  async function again(
    installment: InstallmentInput,
    startedBy: Actor | undefined,
    routed: RoutedPolicy,
  ): Promise<StartResult> {
    const { tenantId, installmentId } = installment;
    const { policyId } = routed;
    let existing = await findJourney(deps.db, tenantId, installmentId);
    if (existing && existing.runId !== PENDING_RUN_ID) {
      // Temporal remembers a closed workflow ID only for the namespace's retention (a day on
      // auto-setup); the database remembers every journey for good.
      existing = await reconcileJourney(deps, existing);
      if (existing.status.cancelReason !== 'terminated') return { kind: 'existing', journeyId: existing.id };
    }
    const policy = await deps.policies.resolve(tenantId, policyId);
    if (!policy) return unknownPolicy(policyId);
    return startWorkflow(installment, policy, startedBy, routed.routing, existing?.lastSeq);
  }

  async function startWorkflow(
    installment: InstallmentInput,
    policy: Policy,
    startedBy: Actor | undefined,
    routing: JourneyRouting,
    afterSeq?: number,
  ): Promise<StartResult> {
    const { journeyId, created } = await deps.gateway.start(installment, policy, {
      startedBy,
      routing,
      ...(afterSeq !== undefined && { afterSeq }),
    });
    return { kind: created ? 'started' : 'existing', journeyId };
  }

  /**
   * The database half of a start (the claim, batched with the others of this turn); the rest,
   * which asks Temporal, is returned to run when the caller chooses.
   */
  async function claim(
    installment: InstallmentInput,
    startedBy: Actor | undefined,
  ): Promise<() => Promise<StartResult>> {
    const { tenantId } = installment;
    const routed = await router.route(installment);
    const { policyId, routing } = routed;
    const choice = await deps.policies.recall(tenantId, policyId);
    // An unknown policy is refused — unless the installment already has its journey.
    if (!choice) return () => again(installment, startedBy, routed);
    const record = pendingRecord(installment, choice.policy, startedBy, routing);
    const claimed = await claims.load({ record, basis: choice.basis });
    if (!claimed.created) return () => again(installment, startedBy, routed);
    if (!claimed.stale) return () => startWorkflow(installment, choice.policy, startedBy, routing);
    return async () => {
      // The remembered policy changed since: the pending row takes the latest before Temporal does.
      const policy = await deps.policies.resolve(tenantId, policyId);
      if (!policy) return unknownPolicy(policyId);
      await recordJourney(deps.db, pendingRecord(installment, policy, startedBy, routing));
      return startWorkflow(installment, policy, startedBy, routing);
    };
  }

  return {
    async start(installment: InstallmentInput, startedBy?: Actor): Promise<StartResult> {
      return (await claim(installment, startedBy))();
    },

    /**
     * Many starts of different installments: every claim at once (a statement per 500), then
     * Temporal, `concurrency` at a time. Each item settles on its own: one failure is that item's.
     */
    async startMany(
      installments: readonly InstallmentInput[],
      startedBy: Actor | undefined,
      concurrency: number,
    ): Promise<PromiseSettledResult<StartResult>[]> {
      const claimed = await Promise.allSettled(installments.map((installment) => claim(installment, startedBy)));
      return mapLimit(claimed, concurrency, async (settled) => {
        if (settled.status === 'rejected') return settled;
        try {
          return { status: 'fulfilled' as const, value: await settled.value() };
        } catch (reason) {
          return { status: 'rejected' as const, reason };
        }
      });
    },
  };
}
export type JourneyStarter = ReturnType<typeof createJourneyStarter>;
