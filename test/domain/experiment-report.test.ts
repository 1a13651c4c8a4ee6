import { describe, expect, it } from 'vitest';
import { armComparisons, experimentReport } from '../../domain/experiment-report';
import { type Experiment, experimentDraftSchema } from '../../domain/experiments';

const running = (draft: object): Experiment => ({
  ...experimentDraftSchema.parse({ id: 'e', name: 'E', ruleId: 'r', ...draft }),
  state: 'running',
  startedAt: '2026-12-01T00:00:00.000Z',
  stoppedAt: null,
});
/** An arm's counts where each buyer has two installments, paid or not together. */
const counts = (arm: string, buyers: number, buyersRecovered: number) => ({
  arm,
  journeys: buyers * 2,
  recovered: buyersRecovered * 2,
  buyers,
  buyersRecovered,
  medianDaysToPay: buyersRecovered > 0 ? 4 : null,
  contacts: buyers * 2 * 3,
  optedOut: 1,
});

describe('an experiment’s report', () => {
  it('compares each arm with the holdout, shows arms without journeys as zeros, and names the rule’s policy for the holdout', () => {
    const report = experimentReport(
      running({
        arms: [
          { id: 'a', policyId: 'gentle', weight: 1 },
          { id: 'b', policyId: 'firm', weight: 1 },
        ],
        holdout: { weight: 1 },
      }),
      'gentle',
      [counts('a', 80, 48), counts('holdout', 70, 56)],
      [{ arm: 'a', currency: 'BRL', amountMinor: 960_000 }],
    );
    expect(report.control).toBe('holdout');
    expect(report.arms.map((a) => [a.arm, a.policyId, a.holdout, a.buyers, a.journeys])).toEqual([
      ['a', 'gentle', false, 80, 160],
      ['b', 'firm', false, 0, 0],
      ['holdout', 'gentle', true, 70, 140],
    ]);
    const a = report.arms[0]!;
    // The buyer is the unit (their installments share an arm): 48 of 80 buyers, not 96 of 160 installments.
    expect(a.recoveryRate).toBe(0.6);
    expect(a.recoveryRateInterval?.low).toBeCloseTo(0.4905, 4);
    expect(a.contactsPerJourney).toBe(3);
    expect(a.optOutRate).toBe(1 / 160);
    expect(a.collected).toEqual([{ currency: 'BRL', amountMinor: 960_000 }]);
    // Newcombe 1998b's example 56/70 − 48/80, seen from the other side: −0.3339 to −0.0524.
    expect(a.versusControl?.difference).toBeCloseTo(-0.2, 12);
    expect(a.versusControl?.interval?.low).toBeCloseTo(-0.3339, 4);
    expect(a.versusControl?.interval?.high).toBeCloseTo(-0.0524, 4);
    expect(report.arms[1]).toMatchObject({
      recoveryRate: null,
      recoveryRateInterval: null,
      versusControl: { difference: null, interval: null },
    });
    expect(report.arms[2]!.versusControl).toBeNull();
    expect(report.verdicts).toEqual([
      'a recovers 20.0 points less than holdout (95 % interval -33.4 to -5.2 points)',
      'not enough journeys yet to compare b with holdout',
    ]);
  });

  it('takes the first arm as control without a holdout', () => {
    const report = experimentReport(
      running({
        arms: [
          { id: 'a', policyId: 'p', weight: 1 },
          { id: 'b', policyId: 'q', weight: 1 },
        ],
      }),
      null,
      [counts('a', 10, 9), counts('b', 10, 3)],
      [],
    );
    expect(report.control).toBe('a');
    expect(report.verdicts).toEqual(['b recovers 60.0 points less than a (95 % interval -80.9 to -17.1 points)']);
  });

  it('gives pages each arm’s comparison with the control, the decision behind the English verdicts', () => {
    const report = experimentReport(
      running({
        arms: [
          { id: 'a', policyId: 'gentle', weight: 1 },
          { id: 'b', policyId: 'firm', weight: 1 },
          { id: 'c', policyId: 'firm', weight: 1 },
          { id: 'd', policyId: 'firm', weight: 1 },
        ],
        holdout: { weight: 1 },
      }),
      'gentle',
      [counts('a', 80, 48), counts('b', 70, 69), counts('c', 70, 55), counts('holdout', 70, 56)],
      [],
    );
    const compared = armComparisons(report).map(({ arm, comparison }) => [arm.arm, comparison.kind]);
    expect(compared).toEqual([
      ['a', 'less'],
      ['b', 'more'],
      ['c', 'unclear'],
      ['d', 'too_few'],
    ]);
    const b = armComparisons(report)[1]!.comparison;
    expect(b.kind === 'more' && b.difference).toBeCloseTo(0.1857, 4);
    expect(report.verdicts.map((v) => v.split(' ')[0])).toEqual(['a', 'b', 'no', 'not']);
  });
});
