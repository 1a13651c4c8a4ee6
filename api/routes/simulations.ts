/**
 * `POST /v1/simulations`: what a policy would do over a portfolio — the request's installments
 * or the tenant's running journeys — in virtual time, sending nothing (application/simulation.ts).
 * Reading policies and journeys is what it needs, so `journeys:read`, as reading a policy.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PortfolioTooLarge, type SimulationEnvironment, runSimulation } from '../../application/simulation';
import { DEFAULT_ASSUMPTIONS } from '../../domain/simulation/assumptions';
import { errorResponses, problem, sendProblem } from '../problem';
import type { RouteDeps } from '../route-deps';
import { SIMULATION_INSTALLMENTS_MAX, simulationAnswerSchema, simulationBody } from '../schemas/simulations';

export interface SimulationRouteDeps extends RouteDeps {
  now: () => number;
  environment: SimulationEnvironment;
}

/** 10,000 installments as start bodies run to a few MB: more than the API's 1 MB default. */
const BODY_LIMIT = 16 * 1024 * 1024;

const simulationRoutes: FastifyPluginAsyncZod<SimulationRouteDeps> = async (
  app,
  { db, policies, now, environment },
) => {
  app.post(
    '/v1/simulations',
    {
      config: { permission: 'journeys:read' },
      bodyLimit: BODY_LIMIT,
      schema: {
        operationId: 'simulatePolicy',
        tags: ['policies'],
        summary: 'What a policy would do over a portfolio (sends per channel and day, peaks, the cap), sending nothing',
        body: simulationBody,
        response: { 200: simulationAnswerSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const body = request.body;
      const policy =
        body.policy ??
        (body.policyVersion === undefined
          ? await policies.resolve(tenantId, body.policyId)
          : await policies.version(tenantId, body.policyId!, body.policyVersion));
      if (!policy)
        return sendProblem(
          reply,
          problem(404, 'policy-not-found', 'No such policy', {
            errors: [{ in: 'body', path: 'policyId', message: `no policy "${body.policyId}" for this tenant` }],
          }),
        );
      const portfolio = body.installments
        ? { kind: 'installments' as const, installments: body.installments.map((i) => ({ ...i, tenantId })) }
        : { kind: 'tenant' as const, db, tenantId, limit: SIMULATION_INSTALLMENTS_MAX };
      try {
        return await runSimulation(environment, {
          policy,
          portfolio,
          assumptions: body.assumptions ?? DEFAULT_ASSUMPTIONS,
          start: body.start ? Date.parse(body.start) : now(),
          end: body.end ? Date.parse(body.end) : undefined,
        });
      } catch (err) {
        if (!(err instanceof PortfolioTooLarge)) throw err;
        return sendProblem(
          reply,
          problem(422, 'portfolio-too-large', 'Too many running journeys to simulate', {
            reason: 'portfolio_too_large',
            detail: err.message,
            errors: [{ in: 'body', path: 'installments', message: err.message }],
          }),
        );
      }
    },
  );
};

export default simulationRoutes;
