/** `/v1/profiles`: permission profiles, built in (read-only) and the tenant's own, for its owner. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  deleteProfile,
  insertProfile,
  isBuiltInProfileId,
  listProfiles,
  updateProfile,
} from '../../db/access-repository';
import { BUILT_IN_PROFILES } from '../../domain/permissions';
import { auditWrite } from '../audit';
import { errorResponses, problem, sendProblem } from '../problem';
import type { RouteDeps } from '../route-deps';
import {
  accessTags,
  builtInView,
  customView,
  ownerOnlyConfig,
  profileCreate,
  profileParams,
  profilePatch,
  profileView,
  recorded,
} from '../schemas/access';

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  const now = () => new Date();

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
    async (request) => {
      const builtIn = (Object.keys(BUILT_IN_PROFILES) as (keyof typeof BUILT_IN_PROFILES)[]).map(builtInView);
      const custom = (await listProfiles(db, request.principal.tenantId))
        .filter((p) => !isBuiltInProfileId(p.id))
        .map(customView);
      return { profiles: [...builtIn, ...custom] };
    },
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
      const { tenantId } = request.principal;
      const { id, name } = request.body;
      const conflict = () =>
        sendProblem(
          reply,
          problem(409, 'profile-exists', 'A profile with this id exists', {
            errors: [{ in: 'body', path: 'id', message: `profile "${id}" already exists` }],
          }),
        );
      if (isBuiltInProfileId(id)) return conflict();
      const row = await insertProfile(db, tenantId, { id, name, permissions: unique(request.body.permissions) });
      if (!row) return conflict();
      return reply.code(201).send({
        ...customView(row),
        recordedBy: await auditWrite(db, request, 'profile.created', { profileId: id, permissions: row.permissions }),
      });
    },
  );

  const builtInRefused = (profileId: string) =>
    problem(409, 'built-in-profile', 'Built-in profiles cannot be changed', {
      detail: `profile "${profileId}" is built in; create a custom profile instead`,
    });
  const profileNotFound = (profileId: string) =>
    problem(404, 'profile-not-found', 'No such profile', { detail: `profile ${profileId}` });

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
      if (isBuiltInProfileId(profileId)) return sendProblem(reply, builtInRefused(profileId));
      const { name, permissions } = request.body;
      const row = await updateProfile(
        db,
        request.principal.tenantId,
        profileId,
        { ...(name !== undefined && { name }), ...(permissions !== undefined && { permissions: unique(permissions) }) },
        now(),
      );
      if (!row) return sendProblem(reply, profileNotFound(profileId));
      return {
        ...customView(row),
        recordedBy: await auditWrite(db, request, 'profile.updated', { profileId, fields: Object.keys(request.body) }),
      };
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
      if (isBuiltInProfileId(profileId)) return sendProblem(reply, builtInRefused(profileId));
      const result = await deleteProfile(db, request.principal.tenantId, profileId);
      if (result === 'not_found') return sendProblem(reply, profileNotFound(profileId));
      if (result === 'in_use') {
        return sendProblem(
          reply,
          problem(409, 'profile-in-use', 'Collaborators use this profile', {
            detail: 'Move its collaborators (enabled or disabled) to another profile first.',
            reason: 'profile_in_use',
          }),
        );
      }
      return {
        id: profileId,
        deleted: true as const,
        recordedBy: await auditWrite(db, request, 'profile.deleted', { profileId }),
      };
    },
  );
};

export default routes;
