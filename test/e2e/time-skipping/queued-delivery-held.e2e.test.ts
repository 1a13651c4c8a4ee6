/**
 * Tier 5, time-skipping: a reminder that waits in its channel's queue is called back when the
 * journey would no longer send it now — here a promise to pay holds the ladder — and never goes
 * out (patch `cancel-delivery-no-longer-due`); the journey stays open, waiting for the promise.
 *
 * A file (a server) of its own, like queued-delivery.e2e.test.ts: once an activity was canceled
 * before any worker started it, the Java test server no longer skips time.
 */
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { exportHistory } from '../../support/history-export';
import { eventually } from '../eventually';
import { skipWithout, timeSkipping } from '../servers';
import { useTimeSkippingHarness } from './harness';
import { journeyWithQueuedReminder } from './queued';

const { EventType } = proto.temporal.api.enums.v1;

describe.skipIf(skipWithout(timeSkipping, 'end-to-end queued delivery on the time-skipping server'))(
  'a reminder waiting in its queue when the ladder is held (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();

    it('a promise to pay while the reminder waits: the reminder is called back and never goes out', async () => {
      const { installment, journeyId, handle, gateway, held } = await journeyWithQueuedReminder(h);
      try {
        const answer = await gateway.promiseToPay(h.ref(installment), {
          date: installment.dueDate,
          actor: { kind: 'api_key', id: 'key-support' },
        });
        expect(answer).toMatchObject({ kind: 'accepted' });
        const types = await eventually('the queued reminder called back', async () => {
          const history = ((await handle.fetchHistory()).events ?? []).map((e) => e.eventType);
          return history.includes(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED) ? history : undefined;
        });
        expect(types).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
        expect(await h.status(handle)).toMatchObject({ outcome: null, attempts: { sent: 0 } });
        expect((await h.status(handle)).nextAction).toMatchObject({ kind: 'resume' });
        expect(await h.attempts(journeyId)).toEqual([]);
        await eventually('recorded', async () => {
          const recorded = await h.eventTypes(journeyId);
          return recorded.includes('promise_made') ? recorded : undefined;
        });
        expect(await h.eventTypes(journeyId)).toEqual(['started', 'promise_made']);
        await gateway.cancel(h.ref(installment), { reason: 'manual' });
        await handle.result();
        await exportHistory('time-skipping/promise-while-reminder-queued', handle);
      } finally {
        await held.stop();
      }
    });
  },
);
