/**
 * Tier 5, dev server: continue-as-new forced early. The server's dynamic config suggests it after
 * a few dozen events (the default is 4,096), so a short journey crosses several runs: each carries
 * the state on, nothing is recorded twice or lost, and the journey ends as one.
 */
import { describe, expect, it } from 'vitest';
import { listEvents } from '../../../db/journey-repository';
import { addDays } from '../../../domain/local-time';
import { pauseSignal, resumeSignal } from '../../../workflows/messages';
import { uniqueId } from '../../support/fixtures';
import { exportHistory } from '../../support/history-export';
import { eventually } from '../eventually';
import { devServer, skipWithout } from '../servers';
import { useDevServerHarness } from './harness';

const SUGGEST_AFTER_EVENTS = 40;

describe.skipIf(skipWithout(devServer, 'continue-as-new on the dev server'))(
  'continue-as-new forced by the dev server’s dynamic config',
  () => {
    const h = useDevServerHarness({
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': SUGGEST_AFTER_EVENTS },
    });

    it('a journey crosses runs with its state: reminders, payments, pauses and the due date carry on', async () => {
      const { installment, journeyId, handle } = await h.startJourney();
      const firstRun = (await handle.describe()).runId;
      const runs = [firstRun];
      const newRun = async () => {
        const runId = await eventually('a new run', async () => {
          const { runId } = await handle.describe();
          return runs.includes(runId) ? undefined : runId;
        });
        runs.push(runId);
      };

      await eventually('the first reminder', async () =>
        (await h.status(handle)).attempts.sent === 1 ? true : undefined,
      );
      // Support pauses and resumes a few times: the history passes the threshold, and the journey
      // continues as new when it next waits.
      for (let i = 0; i < 6; i++) {
        await handle.signal(pauseSignal, {});
        await handle.signal(resumeSignal, {});
      }
      await newRun();
      expect(await h.status(handle)).toMatchObject({ attempts: { sent: 1 }, stage: 'pre_due', outcome: null });

      expect(
        await h.gateway.reportPayment(h.ref(installment), {
          paymentId: uniqueId('pay'),
          amountMinor: 1_000,
          currency: 'USD',
        }),
      ).toBe('delivered');
      const moved = addDays(installment.dueDate, 3);
      expect(await h.gateway.changeDueDate(h.ref(installment), { dueDate: moved })).toMatchObject({ kind: 'accepted' });
      for (let i = 0; i < 6; i++) {
        await handle.signal(pauseSignal, {});
        await handle.signal(resumeSignal, {});
      }
      await newRun();
      expect(await h.status(handle)).toMatchObject({
        amountPaidMinor: 1_000,
        outstandingMinor: 3_990,
        dueDate: moved,
        reschedules: 1,
        attempts: { sent: 1 },
      });

      expect(
        await h.gateway.reportPayment(h.ref(installment), {
          paymentId: uniqueId('pay'),
          amountMinor: 3_990,
          currency: 'USD',
        }),
      ).toBe('delivered');
      expect(await handle.result()).toMatchObject({
        outcome: 'paid_before_due',
        amountPaidMinor: 4_990,
        reschedules: 1,
      });
      const events = await listEvents(h.db, journeyId);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'payment_received')).toHaveLength(2);
      expect(await h.row(installment, (r) => r.outcome !== null)).toMatchObject({
        outcome: 'paid_before_due',
        amountPaidMinor: 4_990,
      });
      expect(runs.length).toBeGreaterThanOrEqual(3);
      await exportHistory(
        'dev-server/continued-as-new',
        ...runs.map((runId) => h.client.workflow.getHandle(journeyId, runId)),
      );
    });
  },
);
