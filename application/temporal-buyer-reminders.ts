import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { GroupedReminder } from '../domain/grouping';
import {
  BUYER_REMINDERS_WORKFLOW_TYPE,
  buyerRemindersWorkflowId,
  reminderHandedOverSignal,
} from '../workflows/buyer-reminder-messages';
import { callTemporal } from './temporal-journey-gateway';

/**
 * Hands a journey's due reminder to its buyer's coordinator with signal-with-start: a buyer with
 * no coordinator running (the usual case: it ends when it has nothing waiting) gets one.
 */
export function temporalReminderHandOver(
  client: Client,
  taskQueue: string,
  timeoutMs = 10_000,
): (reminder: GroupedReminder) => Promise<void> {
  const signalWithStart = (reminder: GroupedReminder) =>
    callTemporal(client, timeoutMs, () =>
      client.workflow.signalWithStart(BUYER_REMINDERS_WORKFLOW_TYPE, {
        workflowId: buyerRemindersWorkflowId(reminder.delivery.tenantId, reminder.delivery.buyerId),
        // On the journeys' queue: the worker that runs journeys runs their coordinators.
        taskQueue,
        args: [{}],
        signal: reminderHandedOverSignal,
        signalArgs: [reminder],
      }),
    );
  return async (reminder) => {
    try {
      await signalWithStart(reminder);
    } catch (err) {
      // Two journeys of the buyer started its coordinator in the same moment: the Java test
      // server can refuse the second signal-with-start instead of signaling the first's run. A
      // second try signals it. (The retried activity would too, a second later.)
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      await signalWithStart(reminder);
    }
  };
}
