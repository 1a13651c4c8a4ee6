/**
 * Promises to pay through the real journey workflow (the promiseToPay update and its validator),
 * on server time: kept → no reminder while the promise holds, the payment settles the journey;
 * broken → when the promised date plus grace passes, the policy's broken-promise step goes out
 * first and the ladder resumes. Both histories are exported for the replay tier.
 */
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../domain/local-time';
import { defaultPolicy, policySchema } from '../../../domain/policy';
import { BROKEN_PROMISE_STEP_INDEX } from '../../../domain/promises';
import { type dunningJourney } from '../../../workflows/journey';
import { journeyWorkflowId } from '../../../workflows/messages';
import { exportHistory } from '../../support/history-export';
import { uniqueId } from '../../support/fixtures';
import { eventually } from '../eventually';
import { skipWithout, timeSkipping } from '../servers';
import { DAY, useTimeSkippingHarness } from './harness';

const brokenStepPolicy = policySchema.parse({
  ...defaultPolicy,
  id: 'with-broken-promise-step',
  promises: {
    maxPerJourney: 2,
    maxDaysAhead: 14,
    graceDays: 1,
    brokenPromiseStep: { channel: 'email', sendAt: '10:00' },
  },
});

describe.skipIf(skipWithout(timeSkipping, 'promises to pay on the time-skipping server'))(
  'promises to pay end to end (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();
    const agent = { kind: 'api_key' as const, id: 'key-support' };

    it('kept: no reminder while the promise holds, and the payment settles the journey', async () => {
      const { installment, journeyId, handle } = await h.startJourney();
      // Two days before the due date, plus a day of grace: the -3 and due-day reminders fall in the hold.
      const date = addDays(installment.dueDate, -2);
      const answer = await h.gateway.promiseToPay(h.ref(installment), { date, actor: agent });
      expect(answer).toMatchObject({ kind: 'accepted', result: { date, amountMinor: installment.amount.amountMinor } });
      const refused = await h.gateway.promiseToPay(h.ref(installment), { date, actor: agent });
      expect(refused).toMatchObject({ kind: 'refused', reason: 'promise_open' });

      // Server time to the promised day, past the reminders the ladder would have sent.
      await h.env.sleep(Date.parse(`${date}T18:00:00Z`) - (await h.env.currentTimeMs()));
      expect((await h.status(handle)).stage).toBe('paused');
      const payment = {
        paymentId: uniqueId('pay'),
        amountMinor: installment.amount.amountMinor,
        currency: installment.amount.currency,
      };
      expect(await h.gateway.reportPayment(h.ref(installment), payment)).toBe('delivered');
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'paid_before_due', attempts: { sent: 0 } });
      expect(await h.attempts(journeyId)).toEqual([]);
      const types = await eventually('recorded', async () => {
        const t = await h.eventTypes(journeyId);
        return t.includes('promise_kept') ? t : undefined;
      });
      expect(types.filter((t) => t.startsWith('promise_'))).toEqual(['promise_made', 'promise_kept']);
      await exportHistory('time-skipping/promise-kept', handle);
    });

    it('broken: the broken-promise step goes out when the hold ends, then the ladder resumes', async () => {
      const installment = await h.newInstallment();
      const started = await h.gateway.start(installment, brokenStepPolicy);
      const journeyId = journeyWorkflowId(installment.tenantId, installment.installmentId);
      expect(started.journeyId).toBe(journeyId);
      const handle = h.env.client.workflow.getHandle<typeof dunningJourney>(journeyId);
      const date = addDays(installment.dueDate, -2);
      const answer = await h.gateway.promiseToPay(h.ref(installment), { date, actor: agent });
      if (answer.kind !== 'accepted') throw new Error(`promise refused: ${JSON.stringify(answer)}`);
      const holdsUntil = Date.parse(answer.result.holdsUntil);

      await h.untilSent(handle, 2);
      const attempts = await eventually('two reminders on record', async () => {
        const rows = await h.attempts(journeyId);
        return rows.length >= 2 ? rows : undefined;
      });
      expect(attempts.map((a) => [a.stepIndex, a.template])).toEqual([
        [BROKEN_PROMISE_STEP_INDEX, 'promise_broken'],
        // The -3 reminder fell in the hold and is passed over; the due-day one goes out.
        [1, 'due_today'],
      ]);
      for (const a of attempts) expect(a.sentAt?.getTime()).toBeGreaterThanOrEqual(holdsUntil);
      expect(attempts[0]!.body).toContain('You told us you would pay');
      const types = await h.eventTypes(journeyId);
      expect(types.filter((t) => t.startsWith('promise_'))).toEqual(['promise_made', 'promise_broken']);
      expect(holdsUntil - Date.parse(`${date}T00:00:00Z`)).toBeGreaterThan(DAY);
      await exportHistory('time-skipping/promise-broken', handle);
    });
  },
);
