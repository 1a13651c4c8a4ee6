/**
 * Tier 5, time-skipping: an experiment's holdout end to end. A journey started through the
 * journey starter (the path of the API, bulk starts and imports) on a rule with a running
 * experiment lands in the holdout by its buyer's hash; on the real worker it sends no reminder
 * for the whole ladder, and still takes the final action on the policy's day.
 */
import { describe, expect, it } from 'vitest';
import { createJourneyStarter } from '../../../application/journey-starter';
import { databasePolicies } from '../../../application/policy-catalog';
import { findJourney } from '../../../db/journey-repository';
import { insertExperiment, insertRoutingVersion, moveExperiment } from '../../../db/routing-repository';
import { HOLDOUT_ARM, assignArm, experimentDraftSchema } from '../../../domain/experiments';
import { DEFAULT_POLICY_ID } from '../../../domain/policy';
import { journeyWorkflowId } from '../../../workflows/messages';
import type { dunningJourney } from '../../../workflows/journey';
import { exportHistory } from '../../support/history-export';
import { skipWithout, timeSkipping } from '../servers';
import { useTimeSkippingHarness } from './harness';

const EXPERIMENT = experimentDraftSchema.parse({
  id: 'quiet-test',
  name: 'Does the ladder help at all?',
  ruleId: 'everyone',
  arms: [{ id: 'ladder', policyId: DEFAULT_POLICY_ID, weight: 1 }],
  holdout: { weight: 1 },
});

describe.skipIf(skipWithout(timeSkipping, 'an experiment’s holdout on the time-skipping server'))(
  'holdout end to end (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();

    it('a holdout journey sends no reminder over the whole ladder, then takes the final action', async () => {
      const tenantId = 'tenant-a';
      await insertRoutingVersion(h.db, tenantId, {
        rules: [{ id: 'everyone', name: 'Everyone', when: {}, policyId: DEFAULT_POLICY_ID }],
      });
      await insertExperiment(h.db, tenantId, EXPERIMENT);
      expect(await moveExperiment(h.db, tenantId, EXPERIMENT.id, 'draft', 'running')).toMatchObject({
        state: 'running',
      });

      const installment = await h.newInstallment({ tenantId });
      // The buyer is one the hash puts in the holdout (the same answer the starter will get).
      let buyerId = installment.buyer.id;
      for (let i = 0; assignArm(EXPERIMENT, DEFAULT_POLICY_ID, buyerId).arm !== HOLDOUT_ARM; i++) buyerId = `held-${i}`;
      const held = { ...installment, buyer: { ...installment.buyer, id: buyerId } };

      const starter = createJourneyStarter({ db: h.db, gateway: h.gateway, policies: databasePolicies(h.db) });
      const journeyId = journeyWorkflowId(tenantId, held.installmentId);
      expect(await starter.start(held)).toEqual({ kind: 'started', journeyId });

      const handle = h.env.client.workflow.getHandle<typeof dunningJourney>(journeyId);
      const result = await handle.result();
      expect(result).toMatchObject({
        outcome: 'written_off',
        finalAction: 'write_off',
        attempts: { sent: 0, failed: 0, skipped: 0 },
        routing: {
          ruleId: 'everyone',
          routingVersion: 1,
          experimentId: EXPERIMENT.id,
          arm: HOLDOUT_ARM,
          holdout: true,
        },
      });
      expect(await h.attempts(journeyId)).toEqual([]);
      expect(await h.eventTypes(journeyId)).toEqual(['started', 'final_action_taken']);
      expect(await findJourney(h.db, tenantId, held.installmentId)).toMatchObject({
        outcome: 'written_off',
        ruleId: 'everyone',
        experimentId: EXPERIMENT.id,
        experimentArm: HOLDOUT_ARM,
      });
      // Replayed offline (test/replay/real-histories.test.ts): the holdout rides on the start input.
      await exportHistory('time-skipping/holdout-written-off', handle);
    });
  },
);
