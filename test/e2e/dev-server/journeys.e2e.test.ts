/**
 * Tier 5, dev server: what only a real Temporal server shows — search attributes through
 * visibility, updates deduplicated by ID, operators' cancel and terminate from the `temporal` CLI,
 * and per-channel rate limits enforced by the server across the delivery queue.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure, TerminatedFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { createJourneyStarter } from '../../../application/journey-starter';
import { fixedPolicies } from '../../../application/policy-catalog';
import { TemporalJourneyGateway } from '../../../application/temporal-journey-gateway';
import { findJourney, listEvents } from '../../../db/journey-repository';
import { addDays } from '../../../domain/local-time';
import { ensureReconcileSchedule } from '../../../worker';
import { RECONCILE_SCHEDULE_ID } from '../../../workflows/messages';
import { uniqueId } from '../../support/fixtures';
import { exportHistory } from '../../support/history-export';
import { eventually } from '../eventually';
import { devServer, skipWithout } from '../servers';
import { useDevServerHarness } from './harness';
import { dueNowPolicy } from './real-time';

const { EventType } = proto.temporal.api.enums.v1;

describe.skipIf(skipWithout(devServer, 'end-to-end journeys on the dev server'))(
  'journeys on the Temporal dev server',
  () => {
    const h = useDevServerHarness();

    it('lists journeys by their search attributes through visibility: tenant, stage, outcome', async () => {
      const tenantId = uniqueId('tenant');
      const waiting = await h.startJourney({ tenantId, dueDate: addDays(new Date().toISOString().slice(0, 10), 10) });
      const paid = await h.startJourney({ tenantId });
      const canceled = await h.startJourney({ tenantId });
      expect(
        await h.gateway.reportPayment(h.ref(paid.installment), {
          paymentId: uniqueId('pay'),
          amountMinor: 4_990,
          currency: 'USD',
        }),
      ).toBe('delivered');
      expect(await h.gateway.cancel(h.ref(canceled.installment), { reason: 'refund' })).toBe('delivered');
      await paid.handle.result();
      await canceled.handle.result();

      const ids = async (query: string) => {
        const found: string[] = [];
        for await (const execution of h.client.workflow.list({ query: `DunningTenant = '${tenantId}' AND ${query}` }))
          found.push(execution.workflowId);
        return found.sort();
      };
      const listed = (query: string, expected: string[]) =>
        eventually(`visibility: ${query}`, async () => {
          const found = await ids(query);
          return JSON.stringify(found) === JSON.stringify([...expected].sort()) ? found : undefined;
        });
      await listed(`DunningStage = 'pre_due'`, [waiting.journeyId]);
      await listed(`DunningStage = 'closed'`, [paid.journeyId, canceled.journeyId]);
      await listed(`DunningOutcome = 'canceled'`, [canceled.journeyId]);
      await listed(`DunningOutcome = 'paid_before_due' AND ExecutionStatus = 'Completed'`, [paid.journeyId]);
      expect((await h.client.workflow.count(`DunningTenant = '${tenantId}'`)).count).toBe(3);
      await exportHistory('dev-server/paid-on-the-due-day', paid.handle);
    });

    it('a due-date change retried with the same update ID is applied once and answered the same', async () => {
      const { installment, journeyId, handle } = await h.startJourney();
      const moved = addDays(installment.dueDate, 5);
      const first = await h.gateway.changeDueDate(
        h.ref(installment),
        { dueDate: moved },
        { idempotencyKey: 'retry-1' },
      );
      const retried = await h.gateway.changeDueDate(
        h.ref(installment),
        { dueDate: moved },
        { idempotencyKey: 'retry-1' },
      );
      expect(first).toMatchObject({
        kind: 'accepted',
        result: { dueDate: moved, status: { reschedules: 1, planRevision: 1 } },
      });
      expect(retried).toEqual(first);
      const history = await handle.fetchHistory();
      const accepted = (history.events ?? []).filter(
        (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
      );
      expect(accepted).toHaveLength(1);
      expect(await h.status(handle)).toMatchObject({ reschedules: 1, dueDate: moved });
      await eventually('the change on record', async () =>
        (await h.eventTypes(journeyId)).includes('due_date_changed') ? true : undefined,
      );
      expect((await h.eventTypes(journeyId)).filter((t) => t === 'due_date_changed')).toHaveLength(1);
      await h.gateway.cancel(h.ref(installment), { reason: 'manual' });
      await handle.result();
      await exportHistory('dev-server/due-date-update-retried', handle);
    });

    it('an operator cancels a journey with the temporal CLI: the journey records it and ends canceled, for good', async () => {
      const { installment, journeyId, handle } = await h.startJourney();
      await eventually('the first reminder sent', async () =>
        (await h.status(handle)).attempts.sent === 1 ? true : undefined,
      );
      await h.cli('workflow', 'cancel', '--workflow-id', journeyId);

      const failure = await handle.result().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      const row = await h.row(installment, (r) => r.outcome !== null, 'the canceled journey on record');
      expect(row).toMatchObject({ outcome: 'canceled', stage: 'closed', status: { cancelReason: 'operator' } });
      expect((await listEvents(h.db, journeyId)).at(-1)).toMatchObject({
        type: 'canceled',
        payload: { reason: 'operator', actor: { id: 'temporal-operator' } },
      });
      // A repeated start from the payment system does not bring it back.
      const starter = createJourneyStarter({
        db: h.db,
        gateway: h.gateway,
        policies: fixedPolicies(() => dueNowPolicy),
      });
      expect(await starter.start(installment)).toEqual({ kind: 'existing', journeyId });
      await exportHistory('dev-server/operator-cancel', handle);
    });

    it('an operator terminates a journey with the temporal CLI: the schedule closes its record, and a new start begins it again', async () => {
      const starter = createJourneyStarter({
        db: h.db,
        gateway: h.gateway,
        policies: fixedPolicies(() => dueNowPolicy),
      });
      const { installment, journeyId, handle } = await h.startJourney();
      await eventually('the first reminder sent', async () =>
        (await h.status(handle)).attempts.sent === 1 ? true : undefined,
      );
      const { runId: firstRun } = await handle.describe();
      await h.cli('workflow', 'terminate', '--workflow-id', journeyId, '--reason', 'stuck journey (test)');
      expect(((await handle.result().catch((err: unknown) => err)) as WorkflowFailedError).cause).toBeInstanceOf(
        TerminatedFailure,
      );

      // The journey could not record it: the reconcile schedule does, once visibility shows it.
      expect(await findJourney(h.db, installment.tenantId, installment.installmentId)).toMatchObject({ outcome: null });
      await ensureReconcileSchedule(h.client, h.taskQueue);
      const schedule = h.client.schedule.getHandle(RECONCILE_SCHEDULE_ID);
      const row = await eventually(
        'the terminated journey closed on record',
        async () => {
          await schedule.trigger();
          return h.row(installment, (r) => r.outcome !== null, 'the closed row').catch(() => undefined);
        },
        60_000,
        1_000,
      );
      expect(row).toMatchObject({ outcome: 'canceled', stage: 'closed', status: { cancelReason: 'terminated' } });

      expect(await starter.start(installment)).toEqual({ kind: 'started', journeyId });
      const { runId: secondRun } = await handle.describe();
      expect(secondRun).not.toBe(firstRun);
      const again = await h.row(
        installment,
        (r) => r.outcome === null && r.runId === secondRun,
        'the journey started again',
      );
      expect(again.stage).not.toBe('closed');
      const events = await listEvents(h.db, journeyId);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.map((e) => e.type)).toEqual(['started', 'step_sent', 'canceled', 'started']);
      await h.gateway.cancel(h.ref(installment), { reason: 'manual' });
      await handle.result();
      await exportHistory('dev-server/started-again-after-terminate', handle);
    });

    it('the server holds each channel to its rate limit across the delivery queue', async () => {
      const PER_SECOND = 2;
      const JOURNEYS = 7;
      const queue = uniqueId('e2e-limited');
      const limited = await h.startWorkers({ taskQueue: queue, rateLimits: { email: PER_SECOND } });
      try {
        const through = new TemporalJourneyGateway(h.client, queue);
        const journeys = await Promise.all(Array.from({ length: JOURNEYS }, () => h.startJourney({}, { through })));
        const sentAt = await Promise.all(
          journeys.map(({ journeyId }) =>
            eventually(
              'the reminder sent',
              async () => (await h.attempts(journeyId)).find((a) => a.status === 'sent')?.createdAt.getTime(),
              60_000,
            ),
          ),
        );
        sentAt.sort((a, b) => a - b);
        // At PER_SECOND a second, JOURNEYS sends need at least (JOURNEYS - 1) / PER_SECOND seconds
        // (less a burst the server allows at the start).
        expect(sentAt.at(-1)! - sentAt[0]!).toBeGreaterThanOrEqual(((JOURNEYS - 1 - PER_SECOND) / PER_SECOND) * 1000);
        await Promise.all(journeys.map(({ installment }) => through.cancel(h.ref(installment), { reason: 'manual' })));
      } finally {
        await limited.stop();
      }
    });
  },
);
