/**
 * Tier 5, time-skipping (DESIGN.md section 6): the journey scenarios end to end on the Java
 * time-skipping test server — the real worker from worker.ts (the bundled workflows and the
 * outbox activities on an in-memory PGlite database) and the client-side gateway the API uses.
 * A month-long ladder takes seconds. Asserts the outcome, the status query and what landed in the
 * database (attempts, events, payments). Each scenario's history is what `npm run
 * histories:export` checks in for the offline replay tier.
 */
import { describe, expect, it } from 'vitest';
import { listEvents, listPayments } from '../../../db/journey-repository';
import { addDays, zonedToInstant } from '../../../domain/local-time';
import { defaultPolicy } from '../../../domain/policy';
import { TemporalJourneyGateway } from '../../../application/temporal-journey-gateway';
import { pauseSignal, resumeSignal } from '../../../workflows/messages';
import { uniqueId } from '../../support/fixtures';
import { exportHistory } from '../../support/history-export';
import { eventually } from '../eventually';
import { skipWithout, timeSkipping } from '../servers';
import { DAY, LADDER_CHANNELS, LADDER_TEMPLATES, TIME_ZONE, stepKeys, useTimeSkippingHarness } from './harness';

describe.skipIf(skipWithout(timeSkipping, 'end-to-end journeys on the time-skipping server'))(
  'journey end to end (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();

    it('start, status, pause/resume, due-date change (refused and accepted), cancel — no waiting needed', async () => {
      const { installment, journeyId, handle } = await h.startJourney();
      // The same installment again reaches the same journey.
      expect(await h.gateway.start(installment, defaultPolicy)).toEqual({ journeyId, created: false });

      const initial = await h.status(handle);
      expect(initial).toMatchObject({
        stage: 'pre_due',
        outcome: null,
        dueDate: installment.dueDate,
        planRevision: 0,
        attempts: { sent: 0, failed: 0, skipped: 0 },
      });
      // First step: 3 days before the due date, 10:00 in São Paulo.
      expect(initial.nextAction).toEqual({
        kind: 'send',
        stepIndex: 0,
        channel: 'email',
        template: 'pre_due',
        at: new Date(zonedToInstant(addDays(installment.dueDate, -3), '10:00', TIME_ZONE)).toISOString(),
      });

      expect(await h.gateway.pause(h.ref(installment), {})).toBe('delivered');
      expect(
        await eventually('paused', async () => ((await h.status(handle)).stage === 'paused' ? true : undefined)),
      ).toBe(true);
      expect((await h.status(handle)).nextAction).toEqual({ kind: 'resume', at: null });
      expect(await h.gateway.resume(h.ref(installment), {})).toBe('delivered');
      await eventually('resumed', async () => ((await h.status(handle)).stage === 'pre_due' ? true : undefined));

      const tooFar = await h.gateway.changeDueDate(h.ref(installment), { dueDate: addDays(installment.dueDate, 31) });
      expect(tooFar).toMatchObject({ kind: 'refused', reason: 'beyond_limit' });
      const moved = addDays(installment.dueDate, 7);
      const accepted = await h.gateway.changeDueDate(h.ref(installment), { dueDate: moved });
      expect(accepted).toMatchObject({
        kind: 'accepted',
        result: { dueDate: moved, status: { dueDate: moved, planRevision: 1, reschedules: 1 } },
      });

      expect(await h.gateway.cancel(h.ref(installment), { reason: 'manual' })).toBe('delivered');
      const result = await handle.result();
      expect(result).toMatchObject({
        outcome: 'canceled',
        cancelReason: 'manual',
        stage: 'closed',
        dueDate: moved,
        attempts: { sent: 0 },
      });
      // A journey that ended takes no more messages.
      expect(await h.gateway.pause(h.ref(installment), {})).toBe('not_running');

      const row = await h.closedJourney(installment);
      expect(row).toMatchObject({
        id: journeyId,
        outcome: 'canceled',
        stage: 'closed',
        dueDate: moved,
        originalDueDate: installment.dueDate,
      });
      // The accepted change is confirmed to the buyer (see confirmations.e2e.test.ts), maybe after the cancel.
      const journeyEvents = (await h.eventTypes(journeyId)).filter((t) => !t.startsWith('confirmation_'));
      expect(journeyEvents).toEqual(['started', 'paused', 'resumed', 'due_date_changed', 'canceled']);
      expect(await h.attempts(journeyId)).toEqual([]);
      expect(await h.confirmations(journeyId)).toMatchObject([{ template: 'due_date_change_confirmation' }]);
      await exportHistory('time-skipping/start-pause-due-date-cancel', handle);
    });

    describe('scenarios over weeks', () => {
      it('(a) no payment: the whole ladder, then written off', async () => {
        const { installment, journeyId, handle } = await h.startJourney();
        const result = await handle.result();
        expect(result).toMatchObject({
          outcome: 'written_off',
          finalAction: 'write_off',
          stage: 'closed',
          attempts: { sent: 7, failed: 0, skipped: 0 },
        });

        const sent = await h.attempts(journeyId);
        expect(sent.map((a) => a.channel)).toEqual(LADDER_CHANNELS);
        expect(sent.map((a) => a.template)).toEqual(LADDER_TEMPLATES);
        expect(stepKeys(sent)).toEqual(LADDER_CHANNELS.map((c, i) => `r0/s${i}/${c}`));
        for (const attempt of sent) {
          expect(attempt).toMatchObject({ provider: 'outbox', status: 'sent', requestedChannel: attempt.channel });
          expect(attempt.recipient).toBe(
            { email: installment.buyer.email, sms: installment.buyer.phone, whatsapp: installment.buyer.whatsapp }[
              attempt.channel as 'email'
            ],
          );
          expect(attempt.body).toContain(installment.paymentUrl);
        }
        expect(await h.eventTypes(journeyId)).toEqual([
          'started',
          ...LADDER_CHANNELS.map(() => 'step_sent'),
          'final_action_taken',
        ]);
        const row = await h.closedJourney(installment);
        expect(row).toMatchObject({ outcome: 'written_off', stage: 'closed', amountPaidMinor: 0 });
        expect(await h.status(handle)).toMatchObject({ outcome: 'written_off', nextAction: null });
        await exportHistory('time-skipping/full-ladder-written-off', handle);
      });

      it('(b) a partial then a full payment mid-ladder: recovered, each payment counted once', async () => {
        const { installment, journeyId, handle } = await h.startJourney();
        await h.untilSent(handle, 3);
        const payment = { paymentId: uniqueId('pay'), amountMinor: 2_000, currency: 'USD' };
        expect(await h.gateway.reportPayment(h.ref(installment), payment)).toBe('delivered');
        expect(await h.gateway.reportPayment(h.ref(installment), payment)).toBe('delivered'); // reported twice
        const partial = await eventually('the partial payment', async () => {
          const s = await h.status(handle);
          return s.amountPaidMinor > 0 ? s : undefined;
        });
        expect(partial).toMatchObject({
          amountPaidMinor: 2_000,
          outstandingMinor: 2_990,
          outcome: null,
          stage: 'overdue',
        });

        await h.untilSent(handle, 4);
        const fourth = await eventually('the 4th attempt row', async () => (await h.attempts(journeyId))[3]);
        expect(fourth).toMatchObject({ stepIndex: 3, channel: 'whatsapp' });
        expect(fourth.body).toContain('29.90'); // the reminder asks for what is still due

        expect(
          await h.gateway.reportPayment(h.ref(installment), {
            paymentId: uniqueId('pay'),
            amountMinor: 2_990,
            currency: 'USD',
          }),
        ).toBe('delivered');
        const result = await handle.result();
        expect(result).toMatchObject({
          outcome: 'recovered',
          amountPaidMinor: 4_990,
          outstandingMinor: 0,
          attempts: { sent: 4 },
        });

        const payments = await listPayments(h.db, journeyId);
        expect(payments.map((p) => p.amountMinor)).toEqual([2_000, 2_990]);
        expect((await h.eventTypes(journeyId)).filter((t) => t === 'payment_received')).toHaveLength(2);
        expect(await h.closedJourney(installment)).toMatchObject({ outcome: 'recovered', amountPaidMinor: 4_990 });
        await exportHistory('time-skipping/partial-then-full-payment', handle);
      });

      it('(c) due date changed after two reminders: the ladder restarts from the new date', async () => {
        const { installment, journeyId, handle } = await h.startJourney();
        await h.untilSent(handle, 2);
        const inThePast = await h.gateway.changeDueDate(h.ref(installment), {
          dueDate: addDays(installment.dueDate, -10),
        });
        expect(inThePast).toMatchObject({ kind: 'refused', reason: 'in_the_past' });
        const moved = addDays(installment.dueDate, 14);
        const accepted = await h.gateway.changeDueDate(h.ref(installment), { dueDate: moved });
        expect(accepted).toMatchObject({ kind: 'accepted', result: { dueDate: moved, status: { planRevision: 1 } } });
        expect((await h.status(handle)).nextAction).toMatchObject({
          kind: 'send',
          stepIndex: 0,
          at: new Date(zonedToInstant(addDays(moved, -3), '10:00', TIME_ZONE)).toISOString(),
        });

        const result = await handle.result();
        expect(result).toMatchObject({
          outcome: 'written_off',
          dueDate: moved,
          planRevision: 1,
          attempts: { sent: 9 },
        });
        const sent = await h.attempts(journeyId);
        expect(stepKeys(sent)).toEqual([
          'r0/s0/email',
          'r0/s1/email',
          ...LADDER_CHANNELS.map((c, i) => `r1/s${i}/${c}`),
        ]);
        expect(await h.closedJourney(installment)).toMatchObject({
          dueDate: moved,
          originalDueDate: installment.dueDate,
          outcome: 'written_off',
        });
        await exportHistory('time-skipping/due-date-changed', handle);
      });

      it('(d) paused then resumed: nothing goes out while paused, stale steps are skipped after', async () => {
        const { installment, journeyId, handle } = await h.startJourney();
        await h.untilSent(handle, 3);
        expect(await h.gateway.pause(h.ref(installment), {})).toBe('delivered');
        await eventually('paused', async () => ((await h.status(handle)).stage === 'paused' ? true : undefined));
        await h.env.sleep(8 * DAY);
        expect(await h.status(handle)).toMatchObject({ stage: 'paused', attempts: { sent: 3 } });
        expect(await h.attempts(journeyId)).toHaveLength(3);

        expect(await h.gateway.resume(h.ref(installment), {})).toBe('delivered');
        await h.untilSent(handle, 4);
        const fourth = await eventually('the 4th attempt row', async () => (await h.attempts(journeyId))[3]);
        // Step 3 (+3 days) was due during the pause: superseded by step 4 (+7 days).
        expect(fourth).toMatchObject({ stepIndex: 4, channel: 'email' });
        const skipped = (await listEvents(h.db, journeyId)).filter((e) => e.type === 'step_skipped');
        expect(skipped.map((e) => e.payload)).toMatchObject([{ stepIndex: 3, reason: 'superseded' }]);

        expect(await h.gateway.cancel(h.ref(installment), { reason: 'manual' })).toBe('delivered');
        expect(await handle.result()).toMatchObject({ outcome: 'canceled', attempts: { sent: 4, skipped: 1 } });
        await exportHistory('time-skipping/paused-then-resumed', handle);
      });

      it('(e) canceled after the first reminder: nothing more goes out', async () => {
        const { installment, journeyId, handle } = await h.startJourney();
        await h.untilSent(handle, 1);
        expect(await h.gateway.cancel(h.ref(installment), { reason: 'refund' })).toBe('delivered');
        expect(await handle.result()).toMatchObject({
          outcome: 'canceled',
          cancelReason: 'refund',
          attempts: { sent: 1 },
        });
        expect(stepKeys(await h.attempts(journeyId))).toEqual(['r0/s0/email']);
        expect((await h.eventTypes(journeyId)).at(-1)).toBe('canceled');
        expect(await h.closedJourney(installment)).toMatchObject({ outcome: 'canceled' });
        await exportHistory('time-skipping/canceled-mid-ladder', handle);
      });

      it('(f) opted out of SMS: the SMS steps go out on WhatsApp', async () => {
        const { installment, journeyId, handle } = await h.startJourney({
          buyer: { phone: '+14155550142', whatsapp: '+14155550143' },
        });
        expect(await h.gateway.optOut(h.ref(installment), { channel: 'sms' })).toBe('delivered');
        const result = await handle.result();
        expect(result).toMatchObject({ outcome: 'written_off', attempts: { sent: 7 } });
        const sent = await h.attempts(journeyId);
        expect(sent.map((a) => a.channel)).toEqual(LADDER_CHANNELS.map((c) => (c === 'sms' ? 'whatsapp' : c)));
        for (const attempt of sent.filter((a) => a.requestedChannel === 'sms')) {
          expect(attempt).toMatchObject({ channel: 'whatsapp', recipient: '+14155550143' });
        }
        expect((await h.eventTypes(journeyId))[1]).toBe('opted_out');
        await exportHistory('time-skipping/sms-opt-out-falls-through', handle);
      });

      it('(h) continue-as-new carries the state: amounts, attempts, reschedules and the ladder go on in the next run', async () => {
        const { installment, journeyId, handle } = await h.startJourney();
        await h.untilSent(handle, 2);
        expect(
          await h.gateway.reportPayment(h.ref(installment), {
            paymentId: uniqueId('pay'),
            amountMinor: 1_000,
            currency: 'USD',
          }),
        ).toBe('delivered');
        const moved = addDays(installment.dueDate, 5);
        expect(await h.gateway.changeDueDate(h.ref(installment), { dueDate: moved })).toMatchObject({
          kind: 'accepted',
        });
        const { runId: firstRun } = await handle.describe();

        // Support pauses and resumes until the history is long enough for the server to suggest
        // continue-as-new (this server: 4,096 events or 4 MiB). The journey looks at the suggestion
        // when it has nothing left to do, so each burst is let settle.
        let toggles = 0;
        const settled = async (): Promise<string | undefined> => {
          const d = await handle.describe();
          return d.runId !== firstRun || (!d.raw.pendingWorkflowTask && !d.raw.pendingActivities?.length)
            ? d.runId
            : undefined;
        };
        while ((await eventually('the journey settled', settled)) === firstRun) {
          if (toggles >= 5_000) {
            const { historyLength } = await handle.describe();
            throw new Error(`the server never suggested continue-as-new (${historyLength} events)`);
          }
          for (let i = 0; i < 100; i++) {
            await handle.signal(pauseSignal, {});
            await handle.signal(resumeSignal, {});
          }
          toggles += 100;
        }

        const carried = await h.status(handle);
        expect(carried).toMatchObject({
          amountPaidMinor: 1_000,
          dueDate: moved,
          reschedules: 1,
          planRevision: 1,
          attempts: { sent: 2 },
          outcome: null,
        });
        const result = await handle.result();
        expect(result).toMatchObject({
          outcome: 'partially_recovered',
          amountPaidMinor: 1_000,
          planRevision: 1,
          attempts: { sent: 9 },
        });
        expect(stepKeys(await h.attempts(journeyId))).toEqual([
          'r0/s0/email',
          'r0/s1/email',
          ...LADDER_CHANNELS.map((c, i) => `r1/s${i}/${c}`),
        ]);
        // Every event of both runs is on record once, numbered without a gap.
        const seqs = (await listEvents(h.db, journeyId)).map((e) => e.seq);
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
        expect(await h.closedJourney(installment)).toMatchObject({
          outcome: 'partially_recovered',
          amountPaidMinor: 1_000,
        });
      });
    });

    // On a server of its own: the scenarios above skip the shared server's clock far ahead, and
    // a journey due "8 days after the server's now" must stay within the dates an installment allows.
    describe('a worker restart', () => {
      const h = useTimeSkippingHarness();

      it('(i) a worker restarted mid-journey carries on from the history: nothing sent twice, nothing skipped', async () => {
        // Workers of their own, caching no journey: this server does not move a journey off the
        // sticky queue of a worker that went away, and a worker without cache rebuilds the journey
        // from its history at every task — what a restarted process does once.
        const uncached = { taskQueue: uniqueId('e2e-restart'), maxCachedWorkflows: 0 };
        let workers = await h.startWorkers(uncached);
        try {
          const { installment, journeyId, handle } = await h.startJourney(
            {},
            new TemporalJourneyGateway(h.env.client, uncached.taskQueue),
          );
          await h.untilSent(handle, 3);
          await workers.stop();
          workers = await h.startWorkers(uncached);

          const result = await handle.result();
          expect(result).toMatchObject({ outcome: 'written_off', attempts: { sent: 7, failed: 0, skipped: 0 } });
          const sent = await h.attempts(journeyId);
          expect(stepKeys(sent)).toEqual(LADDER_CHANNELS.map((c, i) => `r0/s${i}/${c}`));
          expect(new Set(sent.map((a) => a.id)).size).toBe(7);
          expect(await h.closedJourney(installment)).toMatchObject({ outcome: 'written_off' });
          await exportHistory('time-skipping/worker-restarted', handle);
        } finally {
          await workers.stop();
        }
      });
    });
  },
);
