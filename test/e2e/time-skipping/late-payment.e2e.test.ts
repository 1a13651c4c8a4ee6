/**
 * Tier 5, time-skipping: a payment reported after the journey's workflow completed (the ladder
 * ran out and the installment was written off) goes through the application path the payment
 * routes use: the record settles as recovered, and the buyer gets the payment's confirmation
 * from a workflow of its own, on the journey's audit trail. Reported again, nothing more is sent.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { reportJourneyPayment } from '../../../application/journey-payments';
import { builtInPolicies } from '../../../application/policy-catalog';
import { findJourney, listEvents } from '../../../db/journey-repository';
import type { confirmLatePayment } from '../../../workflows/late-payment-confirmation';
import { latePaymentConfirmationWorkflowId } from '../../../workflows/messages';
import { uniqueId } from '../../support/fixtures';
import { exportHistory } from '../../support/history-export';
import { skipWithout, timeSkipping } from '../servers';
import { useTimeSkippingHarness } from './harness';

describe.skipIf(skipWithout(timeSkipping, 'late payment confirmation on the time-skipping server'))(
  'a payment after the journey ended (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();

    it('is recorded as recovered and confirmed once in the outbox, on the journey audit trail', async () => {
      const { installment, journeyId, handle } = await h.startJourney();
      expect(await handle.result()).toMatchObject({ outcome: 'written_off' });
      await h.closedJourney(installment);

      const deps = { db: h.db, gateway: h.gateway, policies: builtInPolicies, logger: pino({ level: 'silent' }) };
      const payment = { paymentId: uniqueId('late'), amountMinor: installment.amount.amountMinor, currency: 'USD' };
      const report = () => reportJourneyPayment(deps, h.ref(installment), payment);
      expect(await report()).toEqual({ kind: 'accepted' });

      const confirmation = h.env.client.workflow.getHandle<typeof confirmLatePayment>(
        latePaymentConfirmationWorkflowId(installment.tenantId, installment.installmentId, payment.paymentId),
      );
      // Awaiting the result lets the server skip time, should quiet hours hold the confirmation.
      expect(await confirmation.result()).toMatchObject({
        type: 'confirmation_sent',
        template: 'payment_confirmation',
      });
      const [sent, ...more] = await h.confirmations(journeyId);
      expect(more).toEqual([]);
      expect(sent).toMatchObject({ template: 'payment_confirmation', channel: 'email', status: 'sent' });
      expect(sent!.recipient).toBe(installment.buyer.email);
      expect(sent!.body).toContain('$49.90');
      expect(sent!.body).toContain('fully paid');

      expect(await findJourney(h.db, installment.tenantId, installment.installmentId)).toMatchObject({
        outcome: 'recovered',
        amountPaidMinor: installment.amount.amountMinor,
      });
      const trail = async () => (await listEvents(h.db, journeyId)).map((e) => [e.seq, e.type]);
      const recorded = await trail();
      const paidAt = recorded.findIndex(([, type]) => type === 'payment_received');
      // The payment continues the journey's numbering, and its confirmation follows it (held first
      // by quiet hours when the write-off left the server's clock at night in the buyer's zone).
      expect(recorded.slice(paidAt - 1, paidAt + 1)).toEqual([
        [paidAt, 'final_action_taken'],
        [paidAt + 1, 'payment_received'],
      ]);
      const after = recorded.slice(paidAt + 1);
      expect(after.map(([seq]) => seq)).toEqual(after.map((_, i) => paidAt + 2 + i));
      expect(after.map(([, type]) => type).join(' ')).toMatch(/^(confirmation_deferred )*confirmation_sent$/);
      const events = await listEvents(h.db, journeyId);
      for (const e of events.slice(paidAt + 1)) expect(e.payload).toMatchObject({ confirms: paidAt + 1 });
      expect(events.at(-1)!.payload).toMatchObject({ attemptId: sent!.id });

      // Reported again (a retried request): a duplicate, and no second confirmation is started.
      expect(await report()).toEqual({ kind: 'accepted' });
      // Even a second start of the same confirmation is refused by its workflow ID: a no-op.
      const first = await confirmation.describe();
      const late = await findJourney(h.db, installment.tenantId, installment.installmentId);
      await h.gateway.confirmLatePayment({
        journeyId,
        paymentId: payment.paymentId,
        installment,
        policy: (await builtInPolicies.version(installment.tenantId, late!.policyId, late!.policyVersion))!,
        planRevision: 0,
        confirmation: {
          confirms: paidAt + 1,
          template: 'payment_confirmation',
          amountDueMinor: 0,
          dueDate: installment.dueDate,
          amountPaidMinor: payment.amountMinor,
          notBefore: null,
          excluded: [],
        },
      });
      expect((await confirmation.describe()).runId).toBe(first.runId);
      expect(await trail()).toEqual(recorded);
      expect(await h.confirmations(journeyId)).toHaveLength(1);
      await exportHistory('time-skipping/late-payment-confirmation', confirmation);
    });
  },
);
