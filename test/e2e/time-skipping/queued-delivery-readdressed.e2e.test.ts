/**
 * Tier 5, time-skipping: a reminder that waits in its channel's queue is called back when the
 * buyer's address on its channel changes (patch `cancel-delivery-no-longer-due`), and the journey
 * queues the same step again, for the new address: the old one never gets it.
 *
 * A file (a server) of its own, like queued-delivery.e2e.test.ts: once an activity was canceled
 * before any worker started it, the Java test server no longer skips time.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import type { ReminderDelivery } from '../../../domain/delivery';
import { exportHistory } from '../../support/history-export';
import { eventually } from '../eventually';
import { skipWithout, timeSkipping } from '../servers';
import { useTimeSkippingHarness } from './harness';
import { journeyWithQueuedReminder } from './queued';

const { EventType } = proto.temporal.api.enums.v1;

describe.skipIf(skipWithout(timeSkipping, 'end-to-end queued delivery on the time-skipping server'))(
  'a reminder waiting in its queue when the buyer’s address changes (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();

    it('a new email while the reminder waits: called back, and the same step queued for the new address', async () => {
      const { installment, journeyId, handle, gateway, held } = await journeyWithQueuedReminder(h);
      /** The reminders the journey put in a delivery queue, in order, as their activities' inputs. */
      const queuedDeliveries = async (): Promise<ReminderDelivery[]> =>
        ((await handle.fetchHistory()).events ?? []).flatMap((e) => {
          const scheduled = e.activityTaskScheduledEventAttributes;
          if (scheduled?.activityType?.name !== 'deliverReminder') return [];
          return [defaultPayloadConverter.fromPayload<ReminderDelivery>(scheduled.input!.payloads![0]!)];
        });
      try {
        const [first] = await queuedDeliveries();
        expect(first).toMatchObject({ channel: 'email', stepIndex: 0, to: installment.buyer.email });
        expect(
          await gateway.updateContact(h.ref(installment), {
            email: 'moved@example.com',
            actor: { kind: 'api_key', id: 'key-support' },
          }),
        ).toBe('delivered');
        const again = await eventually('the step queued again', async () => {
          const queued = await queuedDeliveries();
          return queued.length === 2 ? queued[1] : undefined;
        });
        expect(again).toMatchObject({ channel: 'email', stepIndex: 0, to: 'moved@example.com' });
        const types = ((await handle.fetchHistory()).events ?? []).map((e) => e.eventType);
        expect(types).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED);
        expect(await h.attempts(journeyId)).toEqual([]);
        await gateway.cancel(h.ref(installment), { reason: 'manual' });
        await handle.result();
        expect(await h.eventTypes(journeyId)).toEqual(['started', 'contact_updated', 'canceled']);
        await exportHistory('time-skipping/contact-updated-while-reminder-queued', handle);
      } finally {
        await held.stop();
      }
    });
  },
);
