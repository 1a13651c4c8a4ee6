/**
 * Tier 5, time-skipping: a policy whose ladder escalates to the assistant and then a human agent,
 * run by the real worker (its own delivery worker per queue: the assistant on WhatsApp's, the
 * agent on its own) with the unchanged journey workflow resolving channels through the table.
 */
import { describe, expect, it } from 'vitest';
import type { CallTaskRequest } from '../../../activities/channels/agent-task';
import { withOutboxFallback } from '../../../activities/channels/outbox';
import { TemporalJourneyGateway } from '../../../application/temporal-journey-gateway';
import { type Policy, defaultPolicy } from '../../../domain/policy';
import { exportHistory } from '../../support/history-export';
import { uniqueId } from '../../support/fixtures';
import { skipWithout, timeSkipping } from '../servers';
import { useTimeSkippingHarness } from './harness';

const escalating: Policy = {
  ...defaultPolicy,
  id: 'escalating',
  steps: [
    { offsetDays: 1, channel: 'email', template: 'overdue_early', sendAt: '10:00' },
    { offsetDays: 3, channel: 'assistant', template: 'overdue_early', sendAt: '11:00' },
    { offsetDays: 7, channel: 'agent', template: 'overdue_late', sendAt: '10:00' },
    { offsetDays: 9, channel: 'assistant', template: 'final_notice', sendAt: '11:00' },
  ],
  finalAction: { action: 'write_off', offsetDays: 12 },
};

describe.skipIf(skipWithout(timeSkipping, 'end-to-end escalation on the time-skipping server'))(
  'a ladder that escalates to the assistant and an agent (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();

    it('the assistant writes on WhatsApp, the agent gets one call task; without WhatsApp the assistant step falls to the agent', async () => {
      const queue = uniqueId('e2e-escalation');
      const tasks: CallTaskRequest[] = [];
      const workers = await h.startWorkers({
        taskQueue: queue,
        senders: withOutboxFallback({}, { openCallTask: async (task) => void tasks.push(task) }),
      });
      try {
        const gateway = new TemporalJourneyGateway(h.env.client, queue);
        const installment = await h.newInstallment({
          buyer: { phone: '+14155550160', whatsapp: '+14155550161' },
        });
        const { journeyId } = await gateway.start(installment, escalating);
        const handle = h.env.client.workflow.getHandle(journeyId);
        expect(await handle.result()).toMatchObject({ outcome: 'written_off', attempts: { sent: 4 } });
        const sent = await h.attempts(journeyId);
        expect(sent.map((a) => [a.requestedChannel, a.channel, a.provider])).toEqual([
          ['email', 'email', 'outbox'],
          ['assistant', 'assistant', 'outbox'],
          ['agent', 'agent', 'agent'],
          ['assistant', 'assistant', 'outbox'],
        ]);
        expect(sent[1]).toMatchObject({ recipient: '+14155550161' });
        expect(tasks).toEqual([expect.objectContaining({ journeyId, taskId: sent[2]!.id })]);
        await exportHistory('time-skipping/escalation-assistant-agent', handle);

        // A buyer without WhatsApp: the assistant steps fall through to the agent.
        const noWhatsApp = await h.newInstallment({ buyer: { phone: '+14155550162', whatsapp: undefined } });
        const other = await gateway.start(noWhatsApp, escalating);
        await h.env.client.workflow.getHandle(other.journeyId).result();
        const fell = await h.attempts(other.journeyId);
        expect(fell.map((a) => [a.requestedChannel, a.channel])).toEqual([
          ['email', 'email'],
          ['assistant', 'agent'],
          ['agent', 'agent'],
          ['assistant', 'agent'],
        ]);
        expect(tasks.filter((t) => t.journeyId === other.journeyId)).toHaveLength(3);
      } finally {
        await workers.stop();
      }
    });
  },
);
