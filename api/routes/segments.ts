/**
 * The policy lab over HTTP: `/v1/segments` (the routing document, versioned), `/v1/experiments`
 * and `/v1/reports/experiments/{id}`. Writes need `policies:write`, reads `journeys:read` (as
 * policies), results `reports:read`. A reference to nothing is a 422 naming the field.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  type FieldRefusal,
  changeExperimentState,
  createExperiment,
  EXPERIMENT_MOVE_AUDIT,
  experimentResults,
  saveRouting,
} from '../../application/policy-lab';
import { findExperiment, findRouting, listExperiments } from '../../db/routing-repository';
import { auditWrite } from '../audit';
import { errorResponses, problem, sendProblem } from '../problem';
import type { RouteDeps } from '../route-deps';
import {
  experimentBody,
  experimentDocument,
  experimentList,
  experimentParams,
  experimentReportSchema,
  routingBody,
  routingDocument,
  routingQuery,
} from '../schemas/segments';

const tags = ['policy lab'];

const unknownReference = (errors: FieldRefusal[]) =>
  problem(422, 'unknown-reference', 'The document refers to something that does not exist', {
    errors: errors.map((e) => ({ in: 'body', ...e })),
  });

const experimentNotFound = (id: string) =>
  problem(404, 'experiment-not-found', 'No such experiment', { detail: `experiment ${id}` });

const segmentRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  app.put(
    '/v1/segments',
    {
      config: { permission: 'policies:write' },
      schema: {
        operationId: 'saveSegments',
        tags,
        summary: 'Save the routing (a new version); journeys already started keep the policy they were routed to',
        body: routingBody,
        response: { 200: routingDocument, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const saved = await saveRouting(db, tenantId, request.body);
      if (saved.kind === 'refused') return sendProblem(reply, unknownReference(saved.errors));
      await auditWrite(db, request, 'segments.saved', { version: saved.value.version });
      return saved.value;
    },
  );

  app.get(
    '/v1/segments',
    {
      config: { permission: 'journeys:read' },
      schema: {
        operationId: 'getSegments',
        tags,
        summary: 'The routing: its latest version, or the one asked for with ?version=n',
        querystring: routingQuery,
        response: { 200: routingDocument, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { version } = request.query;
      const found = await findRouting(db, request.principal.tenantId, version);
      if (found) return found;
      return sendProblem(
        reply,
        problem(404, 'segments-version-not-found', 'No such routing version', { detail: `version ${version}` }),
      );
    },
  );

  app.post(
    '/v1/experiments',
    {
      config: { permission: 'policies:write' },
      schema: {
        operationId: 'createExperiment',
        tags,
        summary: 'Create an experiment (in draft: it assigns no journey before it starts); 409 when the id is taken',
        body: experimentBody,
        response: { 201: experimentDocument, ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await createExperiment(db, request.principal.tenantId, request.body);
      if (!created)
        return sendProblem(
          reply,
          problem(409, 'experiment-exists', 'An experiment with this id exists', {
            errors: [{ in: 'body', path: 'id', message: 'is already taken' }],
          }),
        );
      if (created.kind === 'refused') return sendProblem(reply, unknownReference(created.errors));
      await auditWrite(db, request, 'experiment.created', { experimentId: created.value.id });
      return reply.code(201).send(created.value);
    },
  );

  app.get(
    '/v1/experiments',
    {
      config: { permission: 'journeys:read' },
      schema: {
        operationId: 'listExperiments',
        tags,
        summary: 'Every experiment of the tenant, by id',
        response: { 200: experimentList, ...errorResponses },
      },
    },
    async (request) => ({ items: await listExperiments(db, request.principal.tenantId) }),
  );

  app.get(
    '/v1/experiments/:experimentId',
    {
      config: { permission: 'journeys:read' },
      schema: {
        operationId: 'getExperiment',
        tags,
        summary: 'An experiment and its state',
        params: experimentParams,
        response: { 200: experimentDocument, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { experimentId } = request.params;
      const found = await findExperiment(db, request.principal.tenantId, experimentId);
      return found ?? sendProblem(reply, experimentNotFound(experimentId));
    },
  );

  for (const [action, to] of [
    ['start', 'running'],
    ['stop', 'stopped'],
  ] as const) {
    app.post(
      `/v1/experiments/:experimentId/${action}`,
      {
        config: { permission: 'policies:write' },
        schema: {
          operationId: `${action}Experiment`,
          tags,
          summary:
            action === 'start'
              ? 'Start a draft experiment: from now on it assigns its rule’s new journeys'
              : 'Stop a running experiment: new journeys run the rule’s policy again; assigned ones keep their arm',
          params: experimentParams,
          response: { 200: experimentDocument, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { experimentId } = request.params;
        const moved = await changeExperimentState(db, request.principal.tenantId, experimentId, to);
        if (moved.kind === 'not_found') return sendProblem(reply, experimentNotFound(experimentId));
        if (moved.kind === 'refused')
          return sendProblem(
            reply,
            problem(409, 'experiment-state', 'The experiment cannot do that now', { detail: moved.message }),
          );
        await auditWrite(db, request, EXPERIMENT_MOVE_AUDIT[to], { experimentId });
        return moved.experiment;
      },
    );
  }

  app.get(
    '/v1/reports/experiments/:experimentId',
    {
      config: { permission: 'reports:read' },
      schema: {
        operationId: 'experimentReport',
        tags: ['reports'],
        summary: 'An experiment’s results per arm, with 95 % intervals and a plain-language verdict',
        params: experimentParams,
        response: { 200: experimentReportSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { experimentId } = request.params;
      const report = await experimentResults(db, request.principal.tenantId, experimentId);
      return report ?? sendProblem(reply, experimentNotFound(experimentId));
    },
  );
};

export default segmentRoutes;
