/**
 * Tier 5, time-skipping: the simulator against the real journey. A small portfolio — one buyer
 * with two installments 9 days apart (their reminders share the buyer's cap of 3 a week, so the
 * guard holds some), another buyer with one — runs as real journeys on the real worker with no
 * payment, and through the simulator with a payment probability of 0. Every reminder the
 * journeys recorded (channel, template, instant) is one the simulator planned, and nothing else.
 * Under a grouping policy, the messages the buyers' coordinators sent are the ones it planned.
 */
import { describe, expect, it } from 'vitest';
import type { AttemptRow } from '../../../db/attempt-repository';
import type { InstallmentInput } from '../../../domain/installment';
import { addDays } from '../../../domain/local-time';
import { defaultPolicy, policySchema } from '../../../domain/policy';
import { DEFAULT_ASSUMPTIONS } from '../../../domain/simulation/assumptions';
import { simulate } from '../../../domain/simulation/engine';
import { journeyWorkflowId } from '../../../workflows/messages';
import { uniqueId } from '../../support/fixtures';
import { skipWithout, timeSkipping } from '../servers';
import { MINUTE, useTimeSkippingHarness } from './harness';

/** A send as both sides say it; instants to the minute (a real task runs a few ms after its timer). */
const sendOf = (installmentId: string, channel: string, template: string, at: number) =>
  `${installmentId} ${new Date(Math.round(at / MINUTE) * MINUTE).toISOString()} ${channel} ${template}`;

describe.skipIf(skipWithout(timeSkipping, 'the simulator against real journeys on the time-skipping server'))(
  'the simulator against the real journey (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();

    it('plans exactly the reminders real journeys send, cap across a buyer’s installments included', async () => {
      const start = await h.env.currentTimeMs();
      const shared = uniqueId('buyer');
      const first = await h.newInstallment({ buyer: { id: shared } });
      const portfolio: InstallmentInput[] = [
        first,
        // Not closer: two journeys of one buyer held by the cap wake at the same instant, and which of
        // them the guard lets through first is up to the order their workflow tasks run in.
        await h.newInstallment({ buyer: { id: shared }, dueDate: addDays(first.dueDate, 9) }),
        await h.newInstallment(),
      ];
      for (const installment of portfolio) await h.gateway.start(installment, defaultPolicy);
      const handles = portfolio.map((i) =>
        h.env.client.workflow.getHandle(journeyWorkflowId(i.tenantId, i.installmentId)),
      );
      // Awaiting a result lets the server skip time: one at a time, as the SDK locks and unlocks it per call.
      const results = [];
      for (const handle of handles) results.push(await handle.result());
      expect(results.map((r) => (r as { outcome: string }).outcome)).toEqual(portfolio.map(() => 'written_off'));

      const real = (
        await Promise.all(
          portfolio.map(async (i) => {
            const rows: AttemptRow[] = await h.attempts(journeyWorkflowId(i.tenantId, i.installmentId));
            return rows.map((a) => sendOf(i.installmentId, a.channel, a.template, a.sentAt!.getTime()));
          }),
        )
      )
        .flat()
        .sort();

      const { report, sends } = simulate({
        policy: defaultPolicy,
        installments: portfolio,
        start,
        assumptions: { ...DEFAULT_ASSUMPTIONS, payment: { afterEachStep: 0 } },
        keepSends: true,
      });
      const simulated = sends.map((s) => sendOf(s.installmentId, s.channel, s.template, s.at)).sort();

      expect(simulated).toEqual(real);
      // The cap held the shared buyer's reminders: the comparison covers the guard, not only the plan.
      expect(report.deferredSends.frequency_cap).toBeGreaterThan(0);
      expect(report.journeys).toMatchObject({ total: 3, reachedFinalAction: 3 });
    }, 120_000);

    it('plans exactly the messages real journeys and their buyers’ coordinators send under a grouping policy', async () => {
      const grouping = policySchema.parse({ ...defaultPolicy, id: 'grouped', grouping: { windowHours: 24 } });
      const start = await h.env.currentTimeMs();
      const shared = uniqueId('buyer');
      const first = await h.newInstallment({ buyer: { id: shared } });
      const portfolio: InstallmentInput[] = [
        first,
        await h.newInstallment({ buyer: { id: shared }, product: { name: 'Glaze kit' } }),
        await h.newInstallment(),
      ];
      for (const installment of portfolio) await h.gateway.start(installment, grouping);
      const results = [];
      for (const i of portfolio) {
        results.push(await h.env.client.workflow.getHandle(journeyWorkflowId(i.tenantId, i.installmentId)).result());
      }
      expect(results.map((r) => (r as { outcome: string }).outcome)).toEqual(portfolio.map(() => 'written_off'));

      // Which of two journeys due together leads their message is up to the order their tasks run
      // in: a message is named by its buyer.
      const messageOf = (buyerId: string, channel: string, template: string, at: number) =>
        `${buyerId} ${new Date(Math.round(at / MINUTE) * MINUTE).toISOString()} ${channel} ${template}`;
      const rows = (
        await Promise.all(portfolio.map((i) => h.attempts(journeyWorkflowId(i.tenantId, i.installmentId))))
      ).flat();
      const real = rows.map((a) => messageOf(a.buyerId!, a.channel, a.template, a.sentAt!.getTime())).sort();

      const { report, sends } = simulate({
        policy: grouping,
        installments: portfolio,
        start,
        assumptions: { ...DEFAULT_ASSUMPTIONS, payment: { afterEachStep: 0 } },
        keepSends: true,
      });
      const simulated = sends.map((s) => messageOf(s.buyerId, s.channel, s.template, s.at)).sort();

      expect(simulated).toEqual(real);
      // The shared buyer's two installments went out together: the comparison covers the coordinator.
      expect(report.messages.grouped.messages).toBeGreaterThan(0);
      expect(report.messages.grouped.installments).toBe(2 * report.messages.grouped.messages);
      expect(rows.filter((a) => a.buyerId === shared).length).toBe(report.messages.grouped.messages);
    }, 120_000);
  },
);
