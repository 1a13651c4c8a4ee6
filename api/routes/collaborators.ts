/** `/v1/collaborators`: the people and systems the owner authorizes, each through one profile. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type AccessDeps,
  addCollaborator,
  changeCollaborator,
  resendInvite,
  tenantCollaborators,
} from '../../application/access';
import { accessProblem } from '../access-problems';
import { callerOf } from '../audit';
import { errorResponses, sendProblem } from '../problem';
import type { RouteDeps } from '../route-deps';
import {
  accessTags,
  collaboratorCreate,
  collaboratorOut,
  collaboratorParams,
  collaboratorPatch,
  collaboratorView,
  ownerOnlyConfig,
  recorded,
} from '../schemas/access';

const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, invitations }) => {
  const deps: AccessDeps = { db, invitations, now: () => new Date() };

  app.get(
    '/v1/collaborators',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'listCollaborators',
        tags: accessTags,
        summary: 'The tenant’s collaborators (owner only)',
        response: { 200: z.object({ collaborators: z.array(collaboratorView) }), ...errorResponses },
      },
    },
    async (request) => ({
      collaborators: (await tenantCollaborators(db, request.principal.tenantId)).map(collaboratorOut),
    }),
  );

  app.post(
    '/v1/collaborators',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'createCollaborator',
        tags: accessTags,
        summary:
          'Add a collaborator acting through a profile (owner only): with an email, a person, invited at once and pending until they accept; without, a system to give keys with POST /v1/keys',
        body: collaboratorCreate,
        response: { 201: collaboratorView.extend(recorded), ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await addCollaborator(deps, callerOf(request), request.body);
      if (result.kind !== 'done') return sendProblem(reply, accessProblem(result, request.body.profileId));
      return reply.code(201).send({ ...collaboratorOut(result.value), recordedBy: result.recordedBy });
    },
  );

  app.patch(
    '/v1/collaborators/:collaboratorId',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'updateCollaborator',
        tags: accessTags,
        summary:
          'Rename a collaborator, change its profile, or disable / re-enable it (a disabled collaborator’s keys open nothing) (owner only)',
        params: collaboratorParams,
        body: collaboratorPatch,
        response: { 200: collaboratorView.extend(recorded), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { collaboratorId } = request.params;
      const result = await changeCollaborator(deps, callerOf(request), collaboratorId, request.body);
      if (result.kind !== 'done')
        return sendProblem(
          reply,
          accessProblem(result, result.kind === 'unknown_profile' ? request.body.profileId! : collaboratorId),
        );
      return { ...collaboratorOut(result.value), recordedBy: result.recordedBy };
    },
  );

  app.post(
    '/v1/collaborators/:collaboratorId/resend-invite',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'resendCollaboratorInvite',
        tags: accessTags,
        summary: 'Send a pending collaborator’s invite again: a new link replaces the unused one (owner only)',
        params: collaboratorParams,
        response: { 200: collaboratorView.extend(recorded), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { collaboratorId } = request.params;
      const result = await resendInvite(deps, callerOf(request), collaboratorId);
      if (result.kind !== 'done') return sendProblem(reply, accessProblem(result, collaboratorId));
      return { ...collaboratorOut(result.value), recordedBy: result.recordedBy };
    },
  );
};

export default routes;
