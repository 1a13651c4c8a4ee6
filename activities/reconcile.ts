/**
 * Journeys that Temporal ended from outside — terminated, timed out, or canceled by an operator on
 * code from before the journey recorded that — never got to record it. This activity finds them
 * through Temporal visibility and closes their records (see settleEndedOutside). Run on a
 * schedule (workflows/reconcile.ts); safe to repeat: a record already closed is left as it is.
 *
 * The same run wakes webhook queues whose deliveries have waited too long: a publisher commits
 * its deliveries, then wakes their queue's workflow, and a wake that failed (Temporal unreachable
 * for that moment) would otherwise leave them pending until the journey's next event.
 *
 * And it catches the reports' ledger projection up with the writes since (db/report-projection.ts):
 * a report catches its tenant up before it reads, and would otherwise pay for every write since
 * the last time anyone read.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { executionOf } from '../client';
import type { Database } from '../db/client';
import { closeJourneyEndedOutside, endedOutsideOnRecord } from '../db/journey-repository';
import { JOURNEY_WORKFLOW_TYPE } from '../workflows/messages';
import type { JourneyWebhookPublisher } from '../domain/webhook-payloads';
import type { WebhookWaker } from '../domain/webhook-events';
import { catchUpAllReportLedgers } from '../db/report-projection';
import { batchPublished, strandedQueues } from '../db/webhook-delivery-repository';
import type { ReconcileInput, ReconcileResult } from './contracts';

export interface ReconcileDeps {
  db: Database;
  client: Client;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
  publisher?: JourneyWebhookPublisher | undefined;
  /** Wakes the delivery workflows of webhook queues left pending (the publisher's own waker). */
  waker?: WebhookWaker | undefined;
}

/** A pending delivery this old has missed its wake-up: its queue's workflow would have read it by now. */
export const STRANDED_AFTER_MS = 5 * 60_000;
/** Queues woken per run at most, the longest waiting first; the next run takes the rest. */
export const STRANDED_QUEUES_PER_RUN = 200;

/** The visibility query for journeys that ended from outside since `since`. */
export function endedOutsideQuery(since: number): string {
  const statuses = ['Terminated', 'TimedOut', 'Failed', 'Canceled'].map((s) => `'${s}'`).join(', ');
  return `WorkflowType = '${JOURNEY_WORKFLOW_TYPE}' AND ExecutionStatus IN (${statuses}) AND CloseTime >= '${new Date(since).toISOString()}'`;
}

/** Wakes the queues left pending; one that cannot be woken now waits for the next run. Returns how many were woken. */
async function wakeStrandedQueues(db: Database, waker: WebhookWaker, logger: ReconcileDeps['logger'], at: number) {
  let woken = 0;
  for (const queue of await strandedQueues(db, new Date(at - STRANDED_AFTER_MS), STRANDED_QUEUES_PER_RUN)) {
    try {
      await waker.wake([queue]);
      woken++;
    } catch (err) {
      // The error's name only: IDs, never a message that could quote data.
      logger.warn({ ...queue, error: err instanceof Error ? err.name : typeof err }, 'could not wake a webhook queue');
    }
  }
  return woken;
}

export function createReconcileEndedJourneys({ db, client, logger, now, publisher, waker }: ReconcileDeps) {
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
      if (!settled) {
        // Closed before (by this activity's earlier try, or the API's start or read): if
        // publishing failed after that close committed, its journey.closed goes out now.
        const onRecord = publisher ? await endedOutsideOnRecord(db, execution.workflowId) : null;
        if (onRecord && !(await batchPublished(db, onRecord))) await publisher?.publishRecorded(onRecord);
      } else {
        closed++;
        await publisher?.publishRecorded(settled);
        logger.info(
          { journeyId: execution.workflowId, reason: ended.reason },
          'closed the record of a journey Temporal ended from outside',
        );
      }
    }
    // Against the rows' created_at, the database's wall clock (not the journeys' clock, skipped in tests).
    const woken = waker ? await wakeStrandedQueues(db, waker, logger, Date.now()) : 0;
    const reportPurchasesRefreshed = await catchUpAllReportLedgers(db);
    return { seen, closed, woken, reportPurchasesRefreshed };
  };
}
