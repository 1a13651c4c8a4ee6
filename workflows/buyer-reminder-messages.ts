/**
 * What a buyer's reminder coordinator understands, defined once and imported by the workflow, the
 * journeys that hand reminders to it and the client that starts it. `define*` calls are pure, so
 * this module is safe on either side.
 */
import { defineSignal } from '@temporalio/workflow';
import { type GroupedReminder, buyerKey } from '../domain/grouping';

export const BUYER_REMINDERS_WORKFLOW_TYPE = 'buyerReminders';

/** One coordinator per buyer of a tenant; the buyer's id appears only as a digest. */
export function buyerRemindersWorkflowId(tenantId: string, buyerId: string): string {
  return `buyer-reminders/${tenantId}/${buyerKey(tenantId, buyerId)}`;
}

/** A journey's reminder came due: it goes out with the buyer's others (signal-with-start). */
export const reminderHandedOverSignal = defineSignal<[GroupedReminder]>('reminderHandedOver');

/** The journey closed before its reminder went out: it must not go out. */
export const reminderWithdrawnSignal = defineSignal<[{ journeyId: string; key: string }]>('reminderWithdrawn');
