import { proxyActivities } from '@temporalio/workflow';
import type { ReconcileActivities, ReconcileInput, ReconcileResult } from '../activities/contracts';

const { reconcileEndedJourneys } = proxyActivities<ReconcileActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumAttempts: 5 },
});

/**
 * Closes the records of journeys that Temporal ended from outside (terminated, timed out). Started
 * by the schedule RECONCILE_SCHEDULE_ID (see worker.ts); one activity does the work.
 */
export async function reconcileJourneys(input: ReconcileInput): Promise<ReconcileResult> {
  return reconcileEndedJourneys(input);
}
