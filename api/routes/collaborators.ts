/** `/v1/collaborators`: the people and systems the owner authorizes, each through one profile. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  findCollaborator,
  findProfile,
  insertCollaborator,
  isBuiltInProfileId,
  listCollaborators,
  updateCollaborator,
} from '../../db/access-repository';
import type { Database } from '../../db/client';
import { newId } from '../../application/ids';
import { auditWrite } from '../audit';
import { errorResponses, problem, sendProblem } from '../problem';
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

async function profileKnown(db: Database, tenantId: string, profileId: string): Promise<boolean> {
  return isBuiltInProfileId(profileId) || (await findProfile(db, tenantId, profileId)) !== null;
}

const unknownProfile = (profileId: string) =>
  problem(422, 'unknown-profile', 'Unknown profile', {
    errors: [{ in: 'body', path: 'profileId', message: `no profile "${profileId}" for this tenant` }],
  });

const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  const now = () => new Date();

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
      collaborators: (await listCollaborators(db, request.principal.tenantId)).map(collaboratorOut),
    }),
  );

  app.post(
    '/v1/collaborators',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'createCollaborator',
        tags: accessTags,
        summary: 'Add a collaborator acting through a profile (owner only); give it keys with POST /v1/keys',
        body: collaboratorCreate,
        response: { 201: collaboratorView.extend(recorded), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const { name, profileId } = request.body;
      if (!(await profileKnown(db, tenantId, profileId))) return sendProblem(reply, unknownProfile(profileId));
      const row = await insertCollaborator(db, tenantId, {
        id: newId('col'),
        name,
        profileId,
      });
      return reply.code(201).send({
        ...collaboratorOut(row),
        recordedBy: await auditWrite(db, request, 'collaborator.created', { collaboratorId: row.id, profileId }),
      });
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
      const { tenantId } = request.principal;
      const { collaboratorId } = request.params;
      const { name, profileId, disabled } = request.body;
      const current = await findCollaborator(db, tenantId, collaboratorId);
      if (!current)
        return sendProblem(
          reply,
          problem(404, 'collaborator-not-found', 'No such collaborator', { detail: `collaborator ${collaboratorId}` }),
        );
      if (profileId !== undefined && !(await profileKnown(db, tenantId, profileId)))
        return sendProblem(reply, unknownProfile(profileId));
      const changes: { name?: string; profileId?: string; disabledAt?: Date | null } = {};
      if (name !== undefined) changes.name = name;
      if (profileId !== undefined) changes.profileId = profileId;
      // Disabling again keeps the first time; enabling clears it.
      if (disabled === true && current.disabledAt === null) changes.disabledAt = now();
      if (disabled === false) changes.disabledAt = null;
      const row = (await updateCollaborator(db, tenantId, collaboratorId, changes)) ?? current;
      return {
        ...collaboratorOut(row),
        recordedBy: await auditWrite(db, request, 'collaborator.updated', {
          collaboratorId,
          fields: Object.keys(request.body),
        }),
      };
    },
  );
};

export default routes;
