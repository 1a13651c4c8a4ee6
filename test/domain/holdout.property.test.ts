import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startJourney } from '../../domain/journey';
import { finalActionInstant } from '../../domain/plan';
import { defaultPolicy } from '../../domain/policy';
import type { JourneyRouting } from '../../domain/segments';
import { journeyStatus } from '../../domain/status';
import { DAY, installmentFixture, policyArb } from '../support/arbitraries';
import { drive, sends } from './driver';

const START = Date.UTC(2026, 2, 1, 15);
const HOLDOUT: JourneyRouting = {
  ruleId: 'big',
  routingVersion: 2,
  experimentId: 'exp',
  arm: 'holdout',
  holdout: true,
};
const ARM_A: JourneyRouting = { ...HOLDOUT, arm: 'a', holdout: false };

describe('a holdout journey', () => {
  it('sends no reminder under any policy, and still takes the final action on the policy’s day', () => {
    fc.assert(
      fc.property(policyArb, (policy) => {
        const installment = installmentFixture();
        const { state } = startJourney(installment, policy, START, undefined, 0, HOLDOUT);
        const run = drive(state, START, { maxIterations: 500 });
        expect(sends(run.trace)).toEqual([]);
        expect(run.state.attempts.sent).toBe(0);
        expect(run.state.finalAction).toBe(policy.finalAction.action);
        const finalAt = finalActionInstant(policy, installment.dueDate, installment.buyer.timezone);
        expect(run.state.closedAt).toBeGreaterThanOrEqual(finalAt);
      }),
    );
  });

  it('tracks a payment like any journey: paid in full, it is recovered', () => {
    const installment = installmentFixture();
    const { state } = startJourney(installment, defaultPolicy, START, undefined, 0, HOLDOUT);
    const at = START + 20 * DAY;
    const run = drive(state, START, {
      inputs: [{ at, event: { type: 'payment_received', at, paymentId: 'p1', amountMinor: 10_000, currency: 'BRL' } }],
    });
    expect(sends(run.trace)).toEqual([]);
    expect(run.state.outcome).toBe('recovered');
  });

  it('shows no upcoming reminder in its status, and says how it was routed', () => {
    const { state } = startJourney(installmentFixture(), defaultPolicy, START, undefined, 0, HOLDOUT);
    const status = journeyStatus(state, START);
    expect(status.upcoming).toEqual([]);
    expect(status.nextAction).toMatchObject({ kind: 'final_action' });
    expect(status.routing).toEqual(HOLDOUT);
  });

  it('is the only arm held back: the same journey in another arm sends its ladder', () => {
    const { state } = startJourney(installmentFixture(), defaultPolicy, START, undefined, 0, ARM_A);
    expect(sends(drive(state, START).trace).length).toBeGreaterThan(0);
  });
});
