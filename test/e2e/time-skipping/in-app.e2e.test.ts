/**
 * Tier 5, time-skipping: a ladder with an in-app step, run by the real worker (the in-app
 * deliveries on their own queue) and the real webhook pipeline. With an endpoint subscribed, the
 * step's `in_app_notification` reaches the seller's receiver, signed, in the buyer's language, and
 * counts as sent; without one the step falls through to email.
 */
import { describe, expect, it } from 'vitest';
import { TemporalJourneyGateway } from '../../../application/temporal-journey-gateway';
import type { InstallmentInput } from '../../../domain/installment';
import { renderInApp } from '../../../domain/messages';
import { type Policy, defaultPolicy } from '../../../domain/policy';
import { exportHistory } from '../../support/history-export';
import { uniqueId } from '../../support/fixtures';
import { newWebhookSecret, registerEndpoint, startWebhookReceiver } from '../../support/webhook-receiver';
import { eventually } from '../eventually';
import { skipWithout, timeSkipping } from '../servers';
import { useTimeSkippingHarness } from './harness';

const inAppFirst: Policy = {
  ...defaultPolicy,
  id: 'in-app-first',
  steps: [
    { offsetDays: 1, channel: 'in_app', template: 'overdue_early', sendAt: '10:00' },
    { offsetDays: 3, channel: 'email', template: 'overdue_late', sendAt: '10:00' },
  ],
  finalAction: { action: 'write_off', offsetDays: 5 },
};

/** What the buyer reads in the seller's app for the first step, rendered independently of the worker. */
const firstStepWords = (installment: InstallmentInput) =>
  renderInApp({
    template: 'overdue_early',
    locale: installment.buyer.locale,
    buyerName: installment.buyer.name,
    productName: installment.product.name,
    amountDueMinor: installment.amount.amountMinor,
    currency: installment.amount.currency,
    dueDate: installment.dueDate,
    installmentNumber: installment.installmentNumber,
    installmentCount: installment.installmentCount,
    paymentUrl: installment.paymentUrl,
  });

describe.skipIf(skipWithout(timeSkipping, 'end-to-end in-app channel on the time-skipping server'))(
  'a ladder with an in-app step (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();

    it('without an endpoint the in-app step falls through to email; with one it publishes the notification and counts as sent', async () => {
      const queue = uniqueId('e2e-in-app');
      // The seller's receiver runs on 127.0.0.1: this worker is allowed private targets, as an operator would allow it.
      const workers = await h.startWorkers({ taskQueue: queue, allowPrivateWebhookTargets: true });
      const secret = newWebhookSecret();
      const app = await startWebhookReceiver([secret]);
      try {
        const gateway = new TemporalJourneyGateway(h.env.client, queue);
        /** Runs the ladder to its end (a write-off), in server time. */
        const runToEnd = async (installment: InstallmentInput) => {
          const { journeyId } = await gateway.start(installment, inAppFirst);
          const handle = h.env.client.workflow.getHandle(journeyId);
          const result = await handle.result();
          expect(result).toMatchObject({ outcome: 'written_off' });
          return { journeyId, handle, attempts: result.attempts };
        };

        // The tenant has no endpoint for in-app notifications yet: the step goes out by email.
        const unheard = await h.newInstallment();
        const first = await runToEnd(unheard);
        expect(first.attempts).toMatchObject({ sent: 2, failed: 1 });
        const fell = await h.attempts(first.journeyId);
        expect(fell.map((a) => [a.stepIndex, a.requestedChannel, a.channel, a.provider, a.status])).toEqual([
          [0, 'in_app', 'in_app', 'webhook', 'rejected'],
          [0, 'in_app', 'email', 'outbox', 'sent'],
          [1, 'email', 'email', 'outbox', 'sent'],
        ]);
        expect(fell[0]!.error).toContain('no_endpoint');
        expect(app.tries).toHaveLength(0);
        await exportHistory('time-skipping/in-app-no-endpoint', first.handle);

        // The seller's app listens now: a French buyer's step reaches it in French.
        await registerEndpoint(h.db, {
          tenantId: unheard.tenantId,
          url: app.url,
          eventTypes: ['in_app_notification'],
          secrets: [{ secret }],
        });
        const heard = await h.newInstallment({ buyer: { locale: 'fr' } });
        const second = await runToEnd(heard);
        expect(second.attempts).toMatchObject({ sent: 2, failed: 0 });
        const sent = await h.attempts(second.journeyId);
        expect(sent.map((a) => [a.requestedChannel, a.channel, a.provider, a.status])).toEqual([
          ['in_app', 'in_app', 'webhook', 'sent'],
          ['email', 'email', 'outbox', 'sent'],
        ]);
        const words = firstStepWords(heard);
        expect(words.title).toContain(heard.product.name);
        const shown = await eventually('the notification delivered', async () =>
          app.taken().find((p) => p.journeyId === second.journeyId),
        );
        expect(app.tries.every((t) => t.verifiedWith[0] === true)).toBe(true);
        expect([shown]).toEqual([
          expect.objectContaining({
            id: sent[0]!.providerMessageId,
            type: 'in_app_notification',
            tenantId: heard.tenantId,
            journeyId: second.journeyId,
            installmentId: heard.installmentId,
            data: expect.objectContaining({
              attemptId: sent[0]!.id,
              buyerId: heard.buyer.id,
              locale: 'fr',
              title: words.title,
              body: words.body,
              link: heard.paymentUrl,
              step: { revision: 0, index: 0 },
            }),
          }),
        ]);
        expect(sent[0]).toMatchObject({ recipient: heard.buyer.id, subject: words.title });
        await exportHistory('time-skipping/in-app-published', second.handle);
      } finally {
        await workers.stop();
        await app.close();
      }
    });
  },
);
