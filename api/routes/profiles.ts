/** `/v1/profiles`: permission profiles, built in (read-only) and the tenant's own, for its owner. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AccessDeps, changeProfile, createProfile, removeProfile, tenantProfiles } from '../../application/access';
import { accessProblem } from '../access-problems';
import { callerOf } from '../audit';
import { errorResponses, sendProblem } from '../problem';
import type { RouteDeps } from '../route-deps';
import {
  accessTags,
  ownerOnlyConfig,
  profileCreate,
  profileOut,
  profileParams,
  profilePatch,
  profileView,
  recorded,
} from '../schemas/access';

const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  const deps: AccessDeps = { db, now: () => new Date() };

  app.get(
    '/v1/profiles',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'listProfiles',
        tags: accessTags,
        summary: 'Permission profiles: the built-in ones (read-only) and the tenant’s own (owner only)',
        response: { 200: z.object({ profiles: z.array(profileView) }), ...errorResponses },
      },
    },
    async (request) => ({ profiles: (await tenantProfiles(db, request.principal.tenantId)).map(profileOut) }),
  );

  app.post(
    '/v1/profiles',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'createProfile',
        tags: accessTags,
        summary: 'Create a custom profile (owner only)',
        body: profileCreate,
        response: { 201: profileView.extend(recorded), ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await createProfile(deps, callerOf(request), request.body);
      if (result.kind !== 'done') return sendProblem(reply, accessProblem(result, request.body.id));
      return reply.code(201).send({ ...profileOut(result.value), recordedBy: result.recordedBy });
    },
  );

  app.patch(
    '/v1/profiles/:profileId',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'updateProfile',
        tags: accessTags,
        summary:
          'Rename a custom profile or change its permissions; collaborators using it are affected at once (owner only)',
        params: profileParams,
        body: profilePatch,
        response: { 200: profileView.extend(recorded), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { profileId } = request.params;
      const result = await changeProfile(deps, callerOf(request), profileId, request.body);
      if (result.kind !== 'done') return sendProblem(reply, accessProblem(result, profileId));
      return { ...profileOut(result.value), recordedBy: result.recordedBy };
    },
  );

  app.delete(
    '/v1/profiles/:profileId',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'deleteProfile',
        tags: accessTags,
        summary: 'Delete a custom profile no collaborator uses (owner only)',
        params: profileParams,
        response: { 200: z.object({ id: z.string(), deleted: z.literal(true), ...recorded }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { profileId } = request.params;
      const result = await removeProfile(deps, callerOf(request), profileId);
      if (result.kind !== 'done') return sendProblem(reply, accessProblem(result, profileId));
      return { id: profileId, deleted: true as const, recordedBy: result.recordedBy };
    },
  );
};

export default routes;
