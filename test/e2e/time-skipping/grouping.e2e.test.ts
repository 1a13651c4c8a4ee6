/**
 * One message for a buyer's installments, through the real journeys and the buyer's coordinator
 * workflow on server time: two installments whose reminders come due together go out as one
 * message (one contact on the ledger) that both journeys record; a lone installment's reminder is
 * not held back; a journey paid while its reminder waited for the buyer's other one withdraws it.
 * The histories are exported for the replay tier.
 */
import { describe, expect, it } from 'vitest';
import { listEvents } from '../../../db/journey-repository';
import { addDays } from '../../../domain/local-time';
import { defaultPolicy, policySchema } from '../../../domain/policy';
import type { dunningJourney } from '../../../workflows/journey';
import { buyerRemindersWorkflowId } from '../../../workflows/buyer-reminder-messages';
import { journeyWorkflowId } from '../../../workflows/messages';
import { exportHistory } from '../../support/history-export';
import { uniqueId } from '../../support/fixtures';
import { eventually } from '../eventually';
import { skipWithout, timeSkipping } from '../servers';
import { DAY, type JourneyHandle, MINUTE, useTimeSkippingHarness } from './harness';

const grouping = policySchema.parse({ ...defaultPolicy, id: 'grouped', grouping: { windowHours: 48 } });

describe.skipIf(skipWithout(timeSkipping, 'grouped reminders on the time-skipping server'))(
  'one message for a buyer’s installments end to end (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();

    async function start(buyerId: string, productName: string, dueInDays = 0, amountMinor = 4_990) {
      const installment = await h.newInstallment({
        buyer: { id: buyerId },
        product: { name: productName },
        amount: { amountMinor },
      });
      const dueDate = addDays(installment.dueDate, dueInDays);
      const started = await h.gateway.start({ ...installment, dueDate }, grouping);
      const journeyId = journeyWorkflowId(installment.tenantId, installment.installmentId);
      expect(started.journeyId).toBe(journeyId);
      return {
        installment: { ...installment, dueDate },
        journeyId,
        handle: h.env.client.workflow.getHandle<typeof dunningJourney>(journeyId),
      };
    }

    /** Skips to the journey's first reminder and waits until it is with the coordinator; returns when it came due. */
    async function untilHandedOver(handle: JourneyHandle): Promise<number> {
      const firstAt = Date.parse((await h.status(handle)).nextAction!.at!);
      await h.env.sleep(firstAt - (await h.env.currentTimeMs()) + 5 * MINUTE);
      await eventually('the first reminder handed over', async () => {
        const events = (await handle.fetchHistory()).events ?? [];
        const scheduled = events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
        return scheduled.includes('handOverReminder') ? true : undefined;
      });
      return firstAt;
    }

    const sentAttemptIds = async (journeyId: string) =>
      (await listEvents(h.db, journeyId)).flatMap((e) =>
        e.type === 'step_sent' ? [(e.payload as { attemptId: string }).attemptId] : [],
      );

    it('two installments due together: one message listing both, one contact, recorded by both journeys', async () => {
      const buyerId = uniqueId('buyer');
      const a = await start(buyerId, 'Pottery wheel');
      const b = await start(buyerId, 'Glaze kit');

      await h.untilSent(a.handle, 1);
      await h.untilSent(b.handle, 1);
      const [idA, idB] = await eventually('both journeys recorded the message', async () => {
        const [sa, sb] = [await sentAttemptIds(a.journeyId), await sentAttemptIds(b.journeyId)];
        return sa.length > 0 && sb.length > 0 ? [sa[0]!, sb[0]!] : undefined;
      });
      expect(idA).toBe(idB);

      const rows = [...(await h.attempts(a.journeyId)), ...(await h.attempts(b.journeyId))];
      expect(rows).toHaveLength(1);
      const [message] = rows;
      expect(message!.id).toBe(idA);
      expect(message!.template).toBe('pre_due');
      // The lead's installment in the text, the other one listed once.
      const other = message!.journeyId === a.journeyId ? 'Glaze kit' : 'Pottery wheel';
      const lead = message!.journeyId === a.journeyId ? 'Pottery wheel' : 'Glaze kit';
      expect(message!.body).toContain(lead);
      expect(message!.body.split(other)).toHaveLength(2);

      await h.gateway.cancel(h.ref(a.installment), { reason: 'manual' });
      await h.gateway.cancel(h.ref(b.installment), { reason: 'manual' });
      await a.handle.result();
      await b.handle.result();
      await exportHistory('time-skipping/grouped-lead', message!.journeyId === a.journeyId ? a.handle : b.handle);
      await exportHistory('time-skipping/grouped-covered', message!.journeyId === a.journeyId ? b.handle : a.handle);
      await exportHistory(
        'time-skipping/buyer-reminders',
        h.env.client.workflow.getHandle(buyerRemindersWorkflowId(a.installment.tenantId, buyerId)),
      );
    });

    it('a lone installment’s reminder goes at its step’s time, not at the end of the window', async () => {
      const lone = await start(uniqueId('buyer'), 'Clay, 10 kg');
      const planned = Date.parse((await h.status(lone.handle)).nextAction!.at!);
      await h.untilSent(lone.handle, 1);
      const [row] = await eventually('the reminder on record', async () => {
        const found = await h.attempts(lone.journeyId);
        return found.length > 0 ? found : undefined;
      });
      expect(row!.sentAt!.getTime() - planned).toBeLessThan(10 * MINUTE);
      await h.gateway.cancel(h.ref(lone.installment), { reason: 'manual' });
      await lone.handle.result();
    });

    it('a partial payment while the reminder waits: it is taken back and goes with the buyer’s other one, for what is still owed', async () => {
      const buyerId = uniqueId('buyer');
      const early = await start(buyerId, 'Kiln rental', 0, 4_990);
      const late = await start(buyerId, 'Studio time', 1, 7_000);
      await untilHandedOver(early.handle);
      const partial = { paymentId: uniqueId('pay'), amountMinor: 1_000, currency: 'USD' };
      expect(await h.gateway.reportPayment(h.ref(early.installment), partial)).toBe('delivered');

      await h.untilSent(late.handle, 1);
      const rows = await eventually('the message on record', async () => {
        const found = [...(await h.attempts(early.journeyId)), ...(await h.attempts(late.journeyId))];
        return found.length > 0 ? found : undefined;
      });
      expect(rows).toHaveLength(1);
      const body = rows[0]!.body;
      expect(body).toContain('Kiln rental');
      expect(body).toContain('Studio time');
      // What is still owed on the early one, not what was owed when it first came due.
      expect(body).toContain('$39.90');
      expect(body).not.toContain('$49.90');
      expect(await sentAttemptIds(early.journeyId)).toEqual([rows[0]!.id]);
      expect(await sentAttemptIds(late.journeyId)).toEqual([rows[0]!.id]);
      for (const j of [early, late]) {
        await h.gateway.cancel(h.ref(j.installment), { reason: 'manual' });
        await j.handle.result();
      }
      await exportHistory('time-skipping/grouped-changed-while-waiting', early.handle);
    });

    it.each(['paid', 'canceled by an operator'] as const)(
      'a journey %s while its reminder waits for the buyer’s other one withdraws it',
      async (ending) => {
        const buyerId = uniqueId('buyer');
        const early = await start(buyerId, 'Kiln rental');
        // Due a day later: its first reminder comes due inside the first one's 48-hour window.
        const late = await start(buyerId, 'Studio time', 1);
        const firstAt = await untilHandedOver(early.handle);
        if (ending === 'paid') {
          const payment = {
            paymentId: uniqueId('pay'),
            amountMinor: early.installment.amount.amountMinor,
            currency: early.installment.amount.currency,
          };
          expect(await h.gateway.reportPayment(h.ref(early.installment), payment)).toBe('delivered');
          expect(await early.handle.result()).toMatchObject({ outcome: 'paid_before_due', attempts: { sent: 0 } });
        } else {
          await early.handle.cancel();
          await expect(early.handle.result()).rejects.toThrow();
          expect((await h.closedJourney(early.installment)).outcome).toBe('canceled');
        }

        await h.untilSent(late.handle, 1);
        const rows = await eventually('the later reminder on record', async () => {
          const found = await h.attempts(late.journeyId);
          return found.length > 0 ? found : undefined;
        });
        expect(rows).toHaveLength(1);
        expect(rows[0]!.body).toContain('Studio time');
        expect(rows[0]!.body).not.toContain('Kiln rental');
        expect(await h.attempts(early.journeyId)).toEqual([]);
        expect(rows[0]!.sentAt!.getTime()).toBeGreaterThanOrEqual(firstAt + DAY);
        await h.gateway.cancel(h.ref(late.installment), { reason: 'manual' });
        await late.handle.result();
        await exportHistory(`time-skipping/grouped-withdrawn-${ending === 'paid' ? 'paid' : 'operator'}`, early.handle);
      },
    );
  },
);
