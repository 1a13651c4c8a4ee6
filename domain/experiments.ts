import { z } from 'zod';
import { type JourneyRouting, policyIdSchema, ruleIdSchema } from './segments';
import { plainTextSchema } from './text';
import { fnv1a32 } from './fnv';

/**
 * Experiments: a segment rule's new journeys split between policies by weight, with an optional
 * holdout. The arm is a hash of the experiment and the buyer — never a random draw — so every
 * installment of a buyer lands in the same arm, in whatever order they start, on whatever process.
 */

export const experimentIdSchema = ruleIdSchema;
export const armIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be lowercase letters, digits, - or _');

/** The holdout's arm id: journeys in it are the control group. */
export const HOLDOUT_ARM = 'holdout';

const weightSchema = z.number().int().min(1).max(10_000);

const armSchema = z.strictObject({ id: armIdSchema, policyId: policyIdSchema, weight: weightSchema });

/**
 * `policyId` absent: no reminders at all (the journey still records payments and takes the final
 * action); present: a minimal policy of the tenant's.
 */
const holdoutSchema = z.strictObject({ weight: weightSchema, policyId: policyIdSchema.optional() });

export const experimentDraftSchema = z
  .strictObject({
    id: experimentIdSchema,
    name: plainTextSchema(200),
    ruleId: ruleIdSchema,
    arms: z.array(armSchema).min(1).max(10),
    holdout: holdoutSchema.optional(),
  })
  .superRefine((draft, ctx) => {
    const seen = new Set<string>([HOLDOUT_ARM]);
    draft.arms.forEach((arm, i) => {
      if (seen.has(arm.id))
        ctx.addIssue({ code: 'custom', path: ['arms', i, 'id'], message: `is used twice or is "${HOLDOUT_ARM}"` });
      seen.add(arm.id);
    });
    if (draft.arms.length + (draft.holdout ? 1 : 0) < 2)
      ctx.addIssue({ code: 'custom', path: ['arms'], message: 'needs a second arm or a holdout to compare with' });
  });
export type ExperimentDraft = z.infer<typeof experimentDraftSchema>;

export const EXPERIMENT_STATES = ['draft', 'running', 'stopped'] as const;
export type ExperimentState = (typeof EXPERIMENT_STATES)[number];

export interface Experiment extends ExperimentDraft {
  state: ExperimentState;
  startedAt: string | null;
  stoppedAt: string | null;
}

/** draft → running → stopped, once each: a stopped experiment's results stay comparable. */
export function transitionRefusal(from: ExperimentState, to: 'running' | 'stopped'): string | null {
  if (to === 'running') return from === 'draft' ? null : `a ${from} experiment cannot start again`;
  return from === 'running' ? null : `only a running experiment can stop (this one is ${from})`;
}

/** What an arm gives a journey: the policy to run and whether it is held out (no reminders). */
export interface ArmChoice {
  arm: string;
  policyId: string;
  holdout: boolean;
}

/** The arms in order, the holdout last, with their weights. */
export function armsOf(experiment: ExperimentDraft, rulePolicyId: string): (ArmChoice & { weight: number })[] {
  const arms = experiment.arms.map((a) => ({ arm: a.id, policyId: a.policyId, holdout: false, weight: a.weight }));
  const { holdout } = experiment;
  if (!holdout) return arms;
  // Without a policy of its own the holdout runs the rule's policy with no reminders: the same
  // final action on the same day as if nothing were tried.
  const held = holdout.policyId
    ? { arm: HOLDOUT_ARM, policyId: holdout.policyId, holdout: false, weight: holdout.weight }
    : { arm: HOLDOUT_ARM, policyId: rulePolicyId, holdout: true, weight: holdout.weight };
  return [...arms, held];
}

/** The arm results compare every other arm with: the holdout when there is one, else the first arm. */
export function controlArm(experiment: ExperimentDraft): string {
  return experiment.holdout ? HOLDOUT_ARM : experiment.arms[0]!.id;
}

/** The buyer's point in [0, 1) for this experiment: independent between experiments. */
export function bucketOf(experimentId: string, buyerId: string): number {
  // A final avalanche (murmur3's fmix32) spreads FNV's weak low bits across the whole range.
  let h = fnv1a32(`${experimentId}\u0000${buyerId}`);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** The buyer's arm: their bucket placed on the arms' cumulative weights. */
export function assignArm(experiment: ExperimentDraft, rulePolicyId: string, buyerId: string): ArmChoice {
  const arms = armsOf(experiment, rulePolicyId);
  const total = arms.reduce((sum, a) => sum + a.weight, 0);
  const point = bucketOf(experiment.id, buyerId) * total;
  let cumulative = 0;
  const chosen = arms.find((a) => point < (cumulative += a.weight)) ?? arms[arms.length - 1]!;
  return { arm: chosen.arm, policyId: chosen.policyId, holdout: chosen.holdout };
}

/**
 * The routing a new journey records: the matched rule's policy, or — when a running experiment
 * belongs to that rule — its arm's.
 */
export function routeWithExperiment(
  match: { ruleId: string; policyId: string; routingVersion: number },
  experiment: ExperimentDraft | null,
  buyerId: string,
): { policyId: string; routing: JourneyRouting } {
  const base = { ruleId: match.ruleId, routingVersion: match.routingVersion };
  if (!experiment) {
    return { policyId: match.policyId, routing: { ...base, experimentId: null, arm: null, holdout: false } };
  }
  const choice = assignArm(experiment, match.policyId, buyerId);
  return {
    policyId: choice.policyId,
    routing: { ...base, experimentId: experiment.id, arm: choice.arm, holdout: choice.holdout },
  };
}
