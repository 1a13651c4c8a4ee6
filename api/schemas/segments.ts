/** Segment routing, experiments and their results as the API takes and gives them. */
import { z } from 'zod';
import { EXPERIMENT_STATES, experimentDraftSchema, experimentIdSchema } from '../../domain/experiments';
import { routingDraftSchema, segmentRuleSchema } from '../../domain/segments';
import { VERSION_MAX } from './policies';

const exampleRouting = {
  rules: [
    {
      id: 'big-tickets-br',
      name: 'Brazil, over R$ 1,000',
      when: { countries: ['BR'], amount: { currency: 'BRL', minMinor: 100_000 } },
      policyId: 'gentle',
    },
    { id: 'vip', name: 'VIP buyers', when: { metadata: [{ key: 'tier', equals: 'vip' }] }, policyId: 'default' },
  ],
};

export const routingBody = routingDraftSchema.meta({
  id: 'SegmentRoutingDraft',
  description:
    'Ordered rules: the first whose every condition holds picks the policy; none matching leaves the tenant default. An installment that names a policy keeps it. Unknown fields are refused.',
  example: exampleRouting,
});

export const routingDocument = z
  .object({
    version: z.number().int().describe('0 while the tenant has saved none'),
    rules: z.array(segmentRuleSchema),
  })
  .meta({ id: 'SegmentRouting', example: { version: 3, ...exampleRouting } });

export const routingQuery = z.object({ version: z.coerce.number().int().positive().max(VERSION_MAX).optional() });

const exampleExperiment = {
  id: 'firmer-ladder-q1',
  name: 'A firmer ladder for big tickets',
  ruleId: 'big-tickets-br',
  arms: [
    { id: 'a', policyId: 'gentle', weight: 45 },
    { id: 'b', policyId: 'firm', weight: 45 },
  ],
  holdout: { weight: 10 },
};

export const experimentBody = experimentDraftSchema.meta({
  id: 'ExperimentDraft',
  description:
    'An experiment on one segment rule: its new journeys are split between the arms by weight, by a hash of the buyer (a buyer’s installments share an arm). `holdout` without `policyId` sends no reminders.',
  example: exampleExperiment,
});

const intervalSchema = z.object({ low: z.number(), high: z.number() }).meta({ id: 'Interval95' });

export const experimentDocument = z
  .object({
    ...experimentDraftSchema.shape,
    state: z.enum(EXPERIMENT_STATES),
    startedAt: z.string().nullable(),
    stoppedAt: z.string().nullable(),
  })
  .meta({
    id: 'Experiment',
    example: { ...exampleExperiment, state: 'running', startedAt: '2026-12-01T12:00:00.000Z', stoppedAt: null },
  });

export const experimentList = z.object({ items: z.array(experimentDocument) }).meta({ id: 'ExperimentList' });
export const experimentParams = z.object({ experimentId: experimentIdSchema });

export const experimentReportSchema = z
  .object({
    experimentId: z.string(),
    state: z.enum(EXPERIMENT_STATES),
    control: z.string().describe('the arm every other is compared with: the holdout, else the first arm'),
    arms: z.array(
      z.object({
        arm: z.string(),
        policyId: z.string().nullable(),
        holdout: z.boolean().describe('held out without reminders'),
        journeys: z.number().int(),
        recovered: z.number().int().describe('journeys paid in full'),
        buyers: z.number().int().describe('the arm’s buyers: the unit an experiment assigns'),
        buyersRecovered: z.number().int().describe('buyers every one of whose journeys was paid in full'),
        recoveryRate: z
          .number()
          .nullable()
          .describe(
            'buyersRecovered / buyers: per buyer, as assigned (a buyer’s installments are paid or not together)',
          ),
        recoveryRateInterval: intervalSchema.nullable().describe('Wilson score interval, 95 %, over the buyers'),
        collected: z.array(z.object({ currency: z.string(), amountMinor: z.number() })),
        medianDaysToPay: z.number().nullable().describe('from the journey’s start to its full payment'),
        contactsPerJourney: z.number().nullable(),
        optOutRate: z.number().nullable(),
        versusControl: z
          .object({ difference: z.number().nullable(), interval: intervalSchema.nullable() })
          .nullable()
          .describe('recovery rate minus the control’s, with Newcombe’s 95 % interval (method 10)'),
      }),
    ),
    verdicts: z.array(z.string()),
  })
  .meta({ id: 'ExperimentReport' });
