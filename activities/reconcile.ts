/**
 * Journeys that Temporal ended from outside — terminated, timed out, or canceled by an operator on
 * code from before the journey recorded that — never got to record it. This activity finds them
 * through Temporal visibility and closes their records (see settleEndedOutside). Run on a
 * schedule (workflows/reconcile.ts); safe to repeat: a record already closed is left as it is.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { executionOf } from '../client';
import type { Database } from '../db/client';
import { closeJourneyEndedOutside } from '../db/journey-repository';
import { JOURNEY_WORKFLOW_TYPE } from '../workflows/messages';
import type { JourneyWebhookPublisher } from '../domain/webhook-payloads';
import type { ReconcileInput, ReconcileResult } from './contracts';

export interface ReconcileDeps {
  db: Database;
  client: Client;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
  publisher?: JourneyWebhookPublisher | undefined;
}

/** The visibility query for journeys that ended from outside since `since`. */
export function endedOutsideQuery(since: number): string {
  const statuses = ['Terminated', 'TimedOut', 'Failed', 'Canceled'].map((s) => `'${s}'`).join(', ');
  return `WorkflowType = '${JOURNEY_WORKFLOW_TYPE}' AND ExecutionStatus IN (${statuses}) AND CloseTime >= '${new Date(since).toISOString()}'`;
}

export function createReconcileEndedJourneys({ db, client, logger, now, publisher }: ReconcileDeps) {
  return async function reconcileEndedJourneys({ lookbackHours }: ReconcileInput): Promise<ReconcileResult> {
    let seen = 0;
    let closed = 0;
    for await (const execution of client.workflow.list({
      query: endedOutsideQuery(now() - lookbackHours * 3_600_000),
    })) {
      seen++;
      const ended = executionOf(execution.status.name, execution.closeTime?.getTime() ?? now());
      if (ended.state !== 'ended_outside') continue;
      const settled = await closeJourneyEndedOutside(db, execution.workflowId, ended.reason, ended.closedAt);
      if (settled) {
        closed++;
        await publisher?.publishRecorded(settled);
        logger.info(
          { journeyId: execution.workflowId, reason: ended.reason },
          'closed the record of a journey Temporal ended from outside',
        );
      }
    }
    return { seen, closed };
  };
}
