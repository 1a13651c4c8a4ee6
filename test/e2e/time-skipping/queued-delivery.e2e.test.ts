/**
 * Tier 5, time-skipping: a reminder that waits in its channel's queue (behind a provider's rate
 * limit, or no delivery worker up) is canceled when the journey closes, and never goes out
 * (patch `cancel-delivery-on-close`).
 *
 * A file (a server) of its own: once an activity was canceled before any worker started it, the
 * Java test server no longer skips time for the rest of its life.
 */
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../../support/fixtures';
import { exportHistory } from '../../support/history-export';
import { eventually } from '../eventually';
import { skipWithout, timeSkipping } from '../servers';
import { useTimeSkippingHarness } from './harness';
import { journeyWithQueuedReminder } from './queued';

const { EventType } = proto.temporal.api.enums.v1;

describe.skipIf(skipWithout(timeSkipping, 'end-to-end queued delivery on the time-skipping server'))(
  'a reminder waiting in its queue (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();

    it('a payment while the reminder waits: the reminder is canceled and never goes out', async () => {
      const { installment, journeyId, handle, gateway, held } = await journeyWithQueuedReminder(h);
      try {
        expect(
          await gateway.reportPayment(h.ref(installment), {
            paymentId: uniqueId('pay'),
            amountMinor: 4_990,
            currency: 'USD',
          }),
        ).toBe('delivered');
        // The journey closes at once. Its confirmation of the payment then waits in the email queue,
        // which no worker of this test polls (confirmations.e2e.test.ts tests its sending).
        expect(await h.closedJourney(installment)).toMatchObject({ outcome: 'paid_before_due' });
        expect(await h.status(handle)).toMatchObject({ outcome: 'paid_before_due', attempts: { sent: 0 } });
        const types = await eventually('the queued reminder canceled', async () => {
          const history = ((await handle.fetchHistory()).events ?? []).map((e) => e.eventType);
          return history.includes(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED) ? history : undefined;
        });
        expect(types).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
        expect(await h.attempts(journeyId)).toEqual([]);
        expect(await h.eventTypes(journeyId)).toEqual(['started', 'payment_received']);
        await exportHistory('time-skipping/payment-while-reminder-queued', handle);
      } finally {
        await held.stop();
      }
    });
  },
);
