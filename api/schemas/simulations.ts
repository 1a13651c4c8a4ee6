/** `POST /v1/simulations`: a what-if run of a policy over a portfolio (domain/simulation/). */
import { z } from 'zod';
import { policySchema } from '../../domain/policy';
import { simulationAssumptionsSchema } from '../../domain/simulation/assumptions';
import { simulationReportSchema } from '../../domain/simulation/report-schema';
import { startJourneyBody, startJourneyExample } from './journeys';
import { VERSION_MAX, policyIdSchema } from './policies';

/** The most installments one request may carry (a simulation of 10,000 takes a few seconds). */
export const SIMULATION_INSTALLMENTS_MAX = 10_000;

const isoDateTime = () => z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });
export const simulationBody = z
  .strictObject({
    policy: policySchema.optional().describe('the policy to try, as a whole document (give this or policyId)'),
    policyId: policyIdSchema.optional().describe('one of the tenant’s policies (give this or policy)'),
    policyVersion: z
      .number()
      .int()
      .positive()
      .max(VERSION_MAX)
      .optional()
      .describe('that policy’s version; default its latest'),
    installments: z
      .array(startJourneyBody)
      .min(1)
      .max(SIMULATION_INSTALLMENTS_MAX)
      .optional()
      .describe(
        `the portfolio, as start bodies; default the tenant’s running journeys (at most ${SIMULATION_INSTALLMENTS_MAX})`,
      ),
    assumptions: simulationAssumptionsSchema.optional(),
    start: isoDateTime().optional().describe('when the journeys start, as if started then; default now'),
    end: isoDateTime()
      .optional()
      .describe('stop here (journeys still running are counted as open); default when the last ends'),
  })
  .superRefine((body, ctx) => {
    if ((body.policy === undefined) === (body.policyId === undefined))
      ctx.addIssue({ code: 'custom', path: ['policy'], message: 'give either policy or policyId' });
    if (body.policyVersion !== undefined && body.policyId === undefined)
      ctx.addIssue({ code: 'custom', path: ['policyVersion'], message: 'only with policyId' });
    if (body.start && body.end && Date.parse(body.end) <= Date.parse(body.start))
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must come after start' });
  })
  .meta({
    id: 'Simulation',
    description: 'A policy to try, the installments to try it on, and what buyers are assumed to do.',
    example: {
      policyId: 'default',
      installments: [startJourneyExample],
      assumptions: { payment: { afterEachStep: 0.1, byStep: { '0': 0.2 }, byChannel: { whatsapp: 0.15 } }, seed: 1 },
      start: '2026-12-01T12:00:00Z',
    },
  });
export type SimulationBody = z.infer<typeof simulationBody>;

export const simulationAnswerSchema = z
  .object({
    portfolio: z.object({ source: z.enum(['installments', 'tenant']), installments: z.number().int().nonnegative() }),
    report: simulationReportSchema,
  })
  .meta({ id: 'SimulationReport', description: 'What the policy would do, sending nothing.' });
