import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  findDefaultPolicyId,
  findPolicy,
  insertFirstPolicyVersion,
  insertNextPolicyVersion,
  listLatestPolicies,
  setDefaultPolicyId,
} from '../../db/policy-repository';
import { DEFAULT_POLICY_ID, type Policy, defaultPolicy } from '../../domain/policy';
import { auditWrite } from '../audit';
import {
  createPolicyBody,
  defaultPolicyBody,
  policyDocument,
  policyList,
  policyParams,
  policyVersionBody,
  versionQuery,
} from '../schemas/policies';
import { problem, errorResponses, sendProblem } from '../problem';
import type { RouteDeps } from '../route-deps';

const tags = ['policies'];

const stored = (policy: Policy) => ({ ...policy, builtIn: false });
const builtIn = () => ({ ...defaultPolicy, builtIn: true });

const policyRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  const notFound = (policyId: string, version?: number) =>
    problem(404, 'policy-not-found', 'No such policy', {
      detail: version === undefined ? `policy ${policyId}` : `policy ${policyId} version ${version}`,
    });

  app.post(
    '/v1/policies',
    {
      config: { permission: 'policies:write' },
      schema: {
        operationId: 'createPolicy',
        tags,
        summary: 'Create a policy (version 1); 409 when the id is taken',
        body: createPolicyBody,
        response: { 201: policyDocument, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const conflict = () =>
        sendProblem(
          reply,
          problem(409, 'policy-exists', 'A policy with this id exists', {
            detail: `add a version with POST /v1/policies/${request.body.id}/versions`,
            errors: [{ in: 'body', path: 'id', message: 'is already taken' }],
          }),
        );
      // 'default' always exists: the built-in one is its version 1.
      if (request.body.id === DEFAULT_POLICY_ID) return conflict();
      const created = await insertFirstPolicyVersion(db, tenantId, request.body);
      if (!created) return conflict();
      await auditWrite(db, request, 'policy.created', { policyId: created.id, version: created.version });
      return reply.code(201).send(stored(created));
    },
  );

  app.post(
    '/v1/policies/:policyId/versions',
    {
      config: { permission: 'policies:write' },
      schema: {
        operationId: 'createPolicyVersion',
        tags,
        summary: 'Add a version of a policy; journeys already running keep the version they started with',
        params: policyParams,
        body: policyVersionBody,
        response: { 201: policyDocument, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { policyId } = request.params;
      const created = await insertNextPolicyVersion(
        db,
        request.principal.tenantId,
        { ...request.body, id: policyId },
        // A tenant's own 'default' continues the built-in version 1.
        policyId === DEFAULT_POLICY_ID ? { floorVersion: defaultPolicy.version } : {},
      );
      if (!created) return sendProblem(reply, notFound(policyId));
      await auditWrite(db, request, 'policy.versioned', { policyId, version: created.version });
      return reply.code(201).send(stored(created));
    },
  );

  app.get(
    '/v1/policies',
    {
      config: { permission: 'journeys:read' },
      schema: {
        operationId: 'listPolicies',
        tags,
        summary: 'The latest version of every policy, and the tenant’s default',
        response: { 200: policyList, ...errorResponses },
      },
    },
    async (request) => {
      const { tenantId } = request.principal;
      const [items, defaultPolicyId] = await Promise.all([
        listLatestPolicies(db, tenantId),
        findDefaultPolicyId(db, tenantId),
      ]);
      const hasOwnDefault = items.some((p) => p.id === DEFAULT_POLICY_ID);
      const all = [...(hasOwnDefault ? [] : [builtIn()]), ...items.map(stored)].sort((a, b) =>
        a.id.localeCompare(b.id),
      );
      return { defaultPolicyId: defaultPolicyId ?? DEFAULT_POLICY_ID, items: all };
    },
  );

  app.get(
    '/v1/policies/:policyId',
    {
      config: { permission: 'journeys:read' },
      schema: {
        operationId: 'getPolicy',
        tags,
        summary: 'A policy: its latest version, or the one asked for with ?version=n',
        params: policyParams,
        querystring: versionQuery,
        response: { 200: policyDocument, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { policyId } = request.params;
      const { version } = request.query;
      const found = await findPolicy(db, request.principal.tenantId, policyId, version);
      if (found) return stored(found);
      if (policyId === DEFAULT_POLICY_ID && (version === undefined || version === defaultPolicy.version))
        return builtIn();
      return sendProblem(reply, notFound(policyId, version));
    },
  );

  app.put(
    '/v1/tenant/default-policy',
    {
      config: { permission: 'policies:write' },
      schema: {
        operationId: 'setDefaultPolicy',
        tags,
        summary: 'Choose the policy new journeys run when they name none (journeys already running keep theirs)',
        body: defaultPolicyBody,
        response: { 200: defaultPolicyBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const { policyId } = request.body;
      if (policyId !== DEFAULT_POLICY_ID && !(await findPolicy(db, tenantId, policyId))) {
        return sendProblem(
          reply,
          problem(422, 'unknown-policy', 'Unknown policy', {
            errors: [{ in: 'body', path: 'policyId', message: `no policy "${policyId}" for this tenant` }],
          }),
        );
      }
      await setDefaultPolicyId(db, tenantId, policyId === DEFAULT_POLICY_ID ? null : policyId);
      await auditWrite(db, request, 'tenant.default_policy_set', { policyId });
      return { policyId };
    },
  );
};

export default policyRoutes;
