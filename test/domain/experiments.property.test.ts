import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ExperimentDraft,
  HOLDOUT_ARM,
  assignArm,
  bucketOf,
  experimentDraftSchema,
  routeWithExperiment,
  transitionRefusal,
} from '../../domain/experiments';
import { fnv1a32 } from '../../domain/fnv';

const experiment = (over: Partial<ExperimentDraft> = {}): ExperimentDraft =>
  experimentDraftSchema.parse({
    id: 'firmer-ladder',
    name: 'Firmer ladder',
    ruleId: 'big-tickets',
    arms: [
      { id: 'a', policyId: 'gentle', weight: 45 },
      { id: 'b', policyId: 'firm', weight: 45 },
    ],
    holdout: { weight: 10 },
    ...over,
  });

const buyerIdArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,40}$/);

describe('FNV-1a', () => {
  // The published test vectors of 32-bit FNV-1a (Fowler, Noll, Vo; the IETF draft-eastlake-fnv).
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('hashes %j to its published value', (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
  });
});

describe('assignment to an arm', () => {
  it('is the same for a buyer every time, whatever else was assigned before or after (no state, no draw)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(buyerIdArb, { minLength: 1, maxLength: 50 }), fc.integer(), (buyers, seed) => {
        const first = new Map(buyers.map((b) => [b, assignArm(experiment(), 'rule-policy', b).arm]));
        const shuffled = fc.sample(fc.shuffledSubarray(buyers, { minLength: buyers.length }), { numRuns: 1, seed })[0]!;
        for (const b of shuffled) expect(assignArm(experiment(), 'rule-policy', b).arm).toBe(first.get(b));
      }),
    );
  });

  it('keeps all of a buyer’s installments in one arm (routing depends on the buyer, not the installment)', () => {
    fc.assert(
      fc.property(
        buyerIdArb,
        fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 12 }),
        (buyer, installments) => {
          const arms = installments.map(
            (n) =>
              routeWithExperiment({ ruleId: 'big-tickets', policyId: 'p', routingVersion: n }, experiment(), buyer)
                .routing.arm,
          );
          expect(new Set(arms).size).toBe(1);
        },
      ),
    );
  });

  it('gives the holdout without a policy the rule’s policy and no reminders; a named holdout runs its own policy', () => {
    const buyer = [...Array(1000).keys()]
      .map((i) => `buyer-${i}`)
      .find((b) => assignArm(experiment(), 'x', b).arm === HOLDOUT_ARM)!;
    expect(assignArm(experiment(), 'rule-policy', buyer)).toEqual({
      arm: HOLDOUT_ARM,
      policyId: 'rule-policy',
      holdout: true,
    });
    expect(assignArm(experiment({ holdout: { weight: 10, policyId: 'minimal' } }), 'rule-policy', buyer)).toEqual({
      arm: HOLDOUT_ARM,
      policyId: 'minimal',
      holdout: false,
    });
  });

  it('splits 100,000 buyers by the weights, each arm within 1 percentage point of its share', () => {
    // Tolerance: with n = 100,000 a share's standard error is at most 0.16 points, so 1 point is
    // over 6 standard errors — a fair hash passes it always, a biased one does not.
    for (const draft of [
      experiment(),
      experiment({
        arms: [
          { id: 'a', policyId: 'p', weight: 1 },
          { id: 'b', policyId: 'q', weight: 3 },
        ],
        holdout: undefined,
      }),
      experiment({ id: 'other-experiment', arms: [{ id: 'a', policyId: 'p', weight: 70 }], holdout: { weight: 30 } }),
    ]) {
      const counts = new Map<string, number>();
      const n = 100_000;
      for (let i = 0; i < n; i++) {
        const { arm } = assignArm(draft, 'p', `buyer_${i}`);
        counts.set(arm, (counts.get(arm) ?? 0) + 1);
      }
      const weights = [
        ...draft.arms.map((a) => [a.id, a.weight] as const),
        ...(draft.holdout ? [[HOLDOUT_ARM, draft.holdout.weight] as const] : []),
      ];
      const total = weights.reduce((s, [, w]) => s + w, 0);
      for (const [arm, weight] of weights)
        expect(Math.abs((counts.get(arm) ?? 0) / n - weight / total)).toBeLessThan(0.01);
    }
  });

  it('draws buyers independently per experiment: being in arm a of one says nothing of the next', () => {
    let both = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (bucketOf('exp-1', `b${i}`) < 0.5 && bucketOf('exp-2', `b${i}`) < 0.5) both++;
    expect(Math.abs(both / n - 0.25)).toBeLessThan(0.02);
  });

  it('puts every bucket in [0, 1)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (e, b) => {
        const x = bucketOf(e, b);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThan(1);
      }),
    );
  });
});

describe('the experiment document and its states', () => {
  it('refuses unknown fields, a duplicate or reserved arm id, and a single arm without a holdout', () => {
    const issues = (input: unknown) =>
      experimentDraftSchema.safeParse(input).error?.issues.map((i) => i.path.join('.') || i.code);
    const base = { id: 'e', name: 'E', ruleId: 'r', arms: [{ id: 'a', policyId: 'p', weight: 1 }] };
    expect(issues({ ...base, holdout: { weight: 1 }, split: 'hash' })).toEqual(['unrecognized_keys']);
    expect(issues({ ...base, holdout: { weight: 1, reminders: false } })).toEqual(['holdout']);
    expect(issues(base)).toEqual(['arms']);
    expect(issues({ ...base, arms: [...base.arms, { id: 'a', policyId: 'q', weight: 1 }] })).toEqual(['arms.1.id']);
    expect(issues({ ...base, arms: [...base.arms, { id: 'holdout', policyId: 'q', weight: 1 }] })).toEqual([
      'arms.1.id',
    ]);
  });

  it('goes draft → running → stopped, once each', () => {
    expect(transitionRefusal('draft', 'running')).toBeNull();
    expect(transitionRefusal('running', 'stopped')).toBeNull();
    expect(transitionRefusal('draft', 'stopped')).toMatch(/only a running/);
    expect(transitionRefusal('running', 'running')).toMatch(/cannot start again/);
    expect(transitionRefusal('stopped', 'running')).toMatch(/cannot start again/);
    expect(transitionRefusal('stopped', 'stopped')).toMatch(/only a running/);
  });
});
