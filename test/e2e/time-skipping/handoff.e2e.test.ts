/**
 * The handoff signal through the real journey workflow: opened → the ladder holds for the
 * policy's hours (48 by default), from the workflow's own clock; closed → it resumes; a manual
 * pause is not lifted by a task's close. Both show in the journey's recorded events.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HANDOFF_HOLD_HOURS } from '../../../domain/policy';
import { exportHistory } from '../../support/history-export';
import { eventually } from '../eventually';
import { skipWithout, timeSkipping } from '../servers';
import { useTimeSkippingHarness } from './harness';

const HOUR = 3_600_000;

describe.skipIf(skipWithout(timeSkipping, 'handoff holds on the time-skipping server'))(
  'handoff hold end to end (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();
    const actor = { kind: 'system' as const, id: 'assistant' };

    it('holds the ladder while the task is open and resumes on its close; the events record both', async () => {
      const { installment, journeyId, handle } = await h.startJourney();
      const ref = h.ref(installment);
      expect(await h.gateway.handoff(ref, { taskId: 'task-1', state: 'opened', actor })).toBe('delivered');
      const held = await eventually('held', async () => {
        const s = await h.status(handle);
        return s.stage === 'paused' ? s : undefined;
      });
      const until = Date.parse(held.nextAction?.at ?? '');
      const since = Date.parse(held.paused?.since ?? '');
      expect(until - since).toBe(DEFAULT_HANDOFF_HOLD_HOURS * HOUR);

      expect(await h.gateway.handoff(ref, { taskId: 'task-1', state: 'closed', actor })).toBe('delivered');
      await eventually('resumed', async () => ((await h.status(handle)).stage !== 'paused' ? true : undefined));
      await eventually('recorded', async () => {
        const types = await h.eventTypes(journeyId);
        return types.includes('handoff_opened') && types.includes('handoff_closed') ? types : undefined;
      });
      await exportHistory('time-skipping/handoff-held-then-resumed', handle);
    });

    it('a manual pause stays paused when the task closes', async () => {
      const { installment, handle } = await h.startJourney();
      const ref = h.ref(installment);
      await h.gateway.handoff(ref, { taskId: 'task-2', state: 'opened', actor });
      await h.gateway.pause(ref, {});
      await h.gateway.handoff(ref, { taskId: 'task-2', state: 'closed', actor });
      const status = await eventually('the close handled', async () => {
        const s = await h.status(handle);
        return s.paused && s.nextAction?.kind === 'resume' && s.nextAction.at === null ? s : undefined;
      });
      expect(status.stage).toBe('paused');
    });
  },
);
