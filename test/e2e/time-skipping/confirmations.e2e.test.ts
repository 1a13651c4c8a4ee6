/**
 * Tier 5, time-skipping: the journey confirms what the buyer did (patch `send-confirmations`).
 * A partial payment, a due-date change and the payment that settles the installment each put a
 * confirmation in the outbox (an attempt row), through the real worker and the gateway the API
 * uses; the last one goes out before the journey ends. Confirmations are not reminders: the
 * journey's attempts count the reminder alone.
 */
import { describe, expect, it } from 'vitest';
import { listEvents } from '../../../db/journey-repository';
import { addDays } from '../../../domain/local-time';
import { uniqueId } from '../../support/fixtures';
import { exportHistory } from '../../support/history-export';
import { eventually } from '../eventually';
import { skipWithout, timeSkipping } from '../servers';
import { useTimeSkippingHarness } from './harness';

describe.skipIf(skipWithout(timeSkipping, 'end-to-end confirmations on the time-skipping server'))(
  'confirmations end to end (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();

    it('a partial payment, a due-date change and the final payment are each confirmed in the outbox', async () => {
      const { installment, journeyId, handle } = await h.startJourney();
      // The first reminder goes out at 10:00 in the buyer's zone: what follows is outside quiet hours.
      await h.untilSent(handle, 1);
      const confirmationsSent = (n: number) =>
        eventually(`${n} confirmations in the outbox`, async () => {
          const rows = await h.confirmations(journeyId);
          return rows.length >= n ? rows : undefined;
        });

      const partial = { paymentId: uniqueId('pay'), amountMinor: 2_000, currency: 'USD' };
      expect(await h.gateway.reportPayment(h.ref(installment), partial)).toBe('delivered');
      const [paid] = await confirmationsSent(1);
      expect(paid).toMatchObject({ template: 'payment_confirmation', channel: 'email', status: 'sent' });
      expect(paid!.id).toBe(`${journeyId}/confirm/${paid!.id.split('/confirm/')[1]}`);
      expect(paid!.body).toContain('$20.00');

      const moved = addDays(installment.dueDate, 7);
      expect(await h.gateway.changeDueDate(h.ref(installment), { dueDate: moved })).toMatchObject({
        kind: 'accepted',
      });
      const [, changed] = await confirmationsSent(2);
      expect(changed).toMatchObject({ template: 'due_date_change_confirmation', channel: 'email' });

      const rest = { paymentId: uniqueId('pay'), amountMinor: 2_990, currency: 'USD' };
      expect(await h.gateway.reportPayment(h.ref(installment), rest)).toBe('delivered');
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'paid_before_due', attempts: { sent: 1, failed: 0, skipped: 0 } });
      // Sent before the workflow returned: it is on record with the journey's last events.
      const rows = await confirmationsSent(3);
      expect(rows.map((r) => r.template)).toEqual([
        'payment_confirmation',
        'due_date_change_confirmation',
        'payment_confirmation',
      ]);
      expect(rows[2]!.body).toContain('fully paid');
      await h.closedJourney(installment);
      const events = await listEvents(h.db, journeyId);
      const confirmed = events.filter((e) => e.type === 'confirmation_sent');
      expect(confirmed.map((e) => (e.payload as { attemptId: string }).attemptId)).toEqual(rows.map((r) => r.id));
      expect(events.at(-1)!.type).toBe('confirmation_sent');
      await exportHistory('time-skipping/confirmations', handle);
    });
  },
);
