import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type ApiKeyRow,
  type CollaboratorRow,
  type ProfileRow,
  deleteProfile,
  findCollaborator,
  findProfile,
  findTenant,
  insertCollaborator,
  insertProfile,
  isBuiltInProfileId,
  listApiKeys,
  listCollaborators,
  listProfiles,
  revokeApiKey,
  updateCollaborator,
  updateProfile,
  updateTenant,
} from '../../db/access-repository';
import type { Database } from '../../db/client';
import { auditWrite } from '../audit';
import { externalIdSchema, plainTextSchema } from '../../domain/installment';
import { BUILT_IN_PROFILES, PERMISSIONS } from '../../domain/permissions';
import { DEFAULT_POLICY_ID } from '../../domain/policy';
import { issueApiKey } from '../../application/key-stores';
import { problem, problemSchema, sendProblem } from '../problem';
import { idempotencyHeaders } from '../schemas';
import type { RouteDeps } from '../route-deps';

/**
 * The tenant's own administration: the tenant, permission profiles, collaborators and API keys.
 * Every route here is `ownerOnly`: no profile, however broad, reaches them, so a collaborator
 * can never change the owner's data or anyone's permissions.
 *
 * Each write is appended to the tenant's audit log (action, target, actor: key, collaborator,
 * profile) and the actor is returned as `recordedBy`. Journey changes are audited in `events`.
 */

const tags = ['access'];
const config = { ownerOnly: true } as const;
const errors = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  422: problemSchema,
};

/** Names are shown to people: trimmed, bounded, no control characters (PostgreSQL refuses NUL). */
const nameSchema = plainTextSchema(200);
/** Ids in paths and bodies: letters, digits, ".", "_", ":" or "-", at most 128. */
const idParam = externalIdSchema;
const slugSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{1,62}$/,
    'must be 2–63 characters: lowercase letters, digits, "_" or "-", starting with a letter',
  );
const permissionsSchema = z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length * 4);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const actorSchema = z
  .object({ keyId: z.string(), collaboratorId: z.string().optional(), profileId: z.string().optional() })
  .meta({
    id: 'Actor',
    description: 'Who made the change: the key, and for a collaborator’s key the collaborator and profile.',
  });
const recorded = { recordedBy: actorSchema };

const tenantView = z
  .object({
    id: z.string(),
    name: z.string(),
    defaultPolicyId: z
      .string()
      .meta({ description: 'The policy new journeys run unless they name one ("default" = built-in).' }),
    createdAt: z.string().nullable().meta({ description: 'Null until the tenant is first recorded.' }),
  })
  .meta({ id: 'Tenant' });
const profileView = z
  .object({
    id: z.string(),
    name: z.string(),
    permissions: z.array(z.string()),
    builtIn: z.boolean(),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'Profile' });
const collaboratorView = z
  .object({
    id: z.string(),
    name: z.string(),
    profileId: z.string(),
    disabled: z.boolean(),
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
  })
  .meta({ id: 'Collaborator' });
const keyView = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the secret, to recognise the key.' }),
    collaboratorId: z.string().nullable().meta({ description: 'Null for an owner key.' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

// The default policy is chosen with PUT /v1/tenant/default-policy (policies:write): one rule for it.
const tenantPatch = z.strictObject({ name: nameSchema.optional() }).meta({ example: { name: 'Acme Courses' } });
const profileCreate = z
  .strictObject({ id: slugSchema, name: nameSchema, permissions: permissionsSchema })
  .meta({ example: { id: 'night-shift', name: 'Night shift', permissions: ['journeys:read', 'journeys:pause'] } });
const profilePatch = z
  .strictObject({ name: nameSchema.optional(), permissions: permissionsSchema.optional() })
  .meta({ example: { permissions: ['journeys:read', 'journeys:pause', 'contacts:write'] } });
const collaboratorCreate = z
  .strictObject({ name: nameSchema, profileId: externalIdSchema })
  .meta({ example: { name: 'Billing service', profileId: 'payment_system' } });
const collaboratorPatch = z
  .strictObject({
    name: nameSchema.optional(),
    profileId: externalIdSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .meta({ example: { disabled: true } });
const keyCreate = z
  .strictObject({
    name: nameSchema,
    collaboratorId: externalIdSchema.optional().meta({ description: 'Omit for a key of the owner.' }),
  })
  .meta({ example: { name: 'billing-prod', collaboratorId: 'col_3f2a9c1d7e5b4a6f8c0d' } });

const profileParams = z.object({ profileId: idParam });
const collaboratorParams = z.object({ collaboratorId: idParam });
const keyParams = z.object({ keyId: idParam });

function builtInView(id: keyof typeof BUILT_IN_PROFILES) {
  const p = BUILT_IN_PROFILES[id];
  return { id, name: p.name, permissions: [...p.permissions], builtIn: true, createdAt: null, updatedAt: null };
}
const customView = (p: ProfileRow) => ({
  id: p.id,
  name: p.name,
  permissions: p.permissions,
  builtIn: false,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});
const collaboratorOut = (c: CollaboratorRow) => ({
  id: c.id,
  name: c.name,
  profileId: c.profileId,
  disabled: c.disabledAt !== null,
  createdAt: c.createdAt.toISOString(),
  disabledAt: iso(c.disabledAt),
});
const keyOut = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  collaboratorId: k.collaboratorId,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
});

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

async function profileKnown(db: Database, tenantId: string, profileId: string): Promise<boolean> {
  return isBuiltInProfileId(profileId) || (await findProfile(db, tenantId, profileId)) !== null;
}

const unknownProfile = (profileId: string) =>
  problem(422, 'unknown-profile', 'Unknown profile', {
    errors: [{ in: 'body', path: 'profileId', message: `no profile "${profileId}" for this tenant` }],
  });

const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  const now = () => new Date();

  // --- tenant -----------------------------------------------------------------------------

  const tenantOut = (tenantId: string, row: Awaited<ReturnType<typeof findTenant>>) => ({
    id: tenantId,
    name: row?.name ?? tenantId,
    defaultPolicyId: row?.defaultPolicyId ?? DEFAULT_POLICY_ID,
    createdAt: iso(row?.createdAt ?? null),
  });

  app.get(
    '/v1/tenant',
    {
      config,
      schema: { tags, summary: 'The tenant of this key (owner only)', response: { 200: tenantView, ...errors } },
    },
    async (request) => tenantOut(request.principal.tenantId, await findTenant(db, request.principal.tenantId)),
  );

  app.patch(
    '/v1/tenant',
    {
      config,
      schema: {
        tags,
        summary: 'Rename the tenant (owner only); the default policy is set with PUT /v1/tenant/default-policy',
        body: tenantPatch,
        response: { 200: tenantView.extend(recorded), ...errors },
      },
    },
    async (request) => {
      const { tenantId } = request.principal;
      const changes = request.body.name === undefined ? {} : { name: request.body.name };
      const row = await updateTenant(db, tenantId, changes);
      return {
        ...tenantOut(tenantId, row),
        recordedBy: await auditWrite(db, request, 'tenant.updated', { tenantId, fields: Object.keys(changes) }),
      };
    },
  );

  // --- profiles ---------------------------------------------------------------------------

  app.get(
    '/v1/profiles',
    {
      config,
      schema: {
        tags,
        summary: 'Permission profiles: the built-in ones (read-only) and the tenant’s own (owner only)',
        response: { 200: z.object({ profiles: z.array(profileView) }), ...errors },
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
      config,
      schema: {
        tags,
        summary: 'Create a custom profile (owner only)',
        body: profileCreate,
        response: { 201: profileView.extend(recorded), ...errors },
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
      config,
      schema: {
        tags,
        summary:
          'Rename a custom profile or change its permissions; collaborators using it are affected at once (owner only)',
        params: profileParams,
        body: profilePatch,
        response: { 200: profileView.extend(recorded), ...errors },
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
      config,
      schema: {
        tags,
        summary: 'Delete a custom profile no collaborator uses (owner only)',
        params: profileParams,
        response: { 200: z.object({ id: z.string(), deleted: z.literal(true), ...recorded }), ...errors },
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

  // --- collaborators ----------------------------------------------------------------------

  app.get(
    '/v1/collaborators',
    {
      config,
      schema: {
        tags,
        summary: 'The tenant’s collaborators (owner only)',
        response: { 200: z.object({ collaborators: z.array(collaboratorView) }), ...errors },
      },
    },
    async (request) => ({
      collaborators: (await listCollaborators(db, request.principal.tenantId)).map(collaboratorOut),
    }),
  );

  app.post(
    '/v1/collaborators',
    {
      config: { ...config, idempotent: true },
      schema: {
        tags,
        summary: 'Add a collaborator acting through a profile (owner only); give it keys with POST /v1/keys',
        headers: idempotencyHeaders,
        body: collaboratorCreate,
        response: { 201: collaboratorView.extend(recorded), ...errors },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const { name, profileId } = request.body;
      if (!(await profileKnown(db, tenantId, profileId))) return sendProblem(reply, unknownProfile(profileId));
      const row = await insertCollaborator(db, tenantId, {
        id: `col_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
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
      config,
      schema: {
        tags,
        summary:
          'Rename a collaborator, change its profile, or disable / re-enable it (a disabled collaborator’s keys open nothing) (owner only)',
        params: collaboratorParams,
        body: collaboratorPatch,
        response: { 200: collaboratorView.extend(recorded), ...errors },
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

  // --- keys -------------------------------------------------------------------------------

  app.get(
    '/v1/keys',
    {
      config,
      schema: {
        tags,
        summary: 'The tenant’s API keys (never their secrets) (owner only)',
        response: { 200: z.object({ keys: z.array(keyView) }), ...errors },
      },
    },
    async (request) => ({ keys: (await listApiKeys(db, request.principal.tenantId)).map(keyOut) }),
  );

  app.post(
    '/v1/keys',
    {
      config,
      schema: {
        tags,
        // Deliberately without Idempotency-Key: a replay would have to store the secret. A retry
        // makes a second key; list and revoke the extra one.
        summary: 'Create an API key for the owner or a collaborator; the secret is in this answer only (owner only)',
        body: keyCreate,
        response: {
          201: keyView.extend({
            secret: z.string().meta({ description: 'Shown once: store it now; only its digest is kept.' }),
            ...recorded,
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const { name, collaboratorId } = request.body;
      if (collaboratorId !== undefined) {
        const collaborator = await findCollaborator(db, tenantId, collaboratorId);
        const refuse = (status: 409 | 422, slug: string, title: string, message: string) =>
          sendProblem(
            reply,
            problem(status, slug, title, { errors: [{ in: 'body', path: 'collaboratorId', message }] }),
          );
        if (!collaborator)
          return refuse(
            422,
            'unknown-collaborator',
            'Unknown collaborator',
            `no collaborator "${collaboratorId}" for this tenant`,
          );
        if (collaborator.disabledAt)
          return refuse(409, 'collaborator-disabled', 'The collaborator is disabled', 'enable the collaborator first');
      }
      const { key, secret } = await issueApiKey(db, { tenantId, collaboratorId: collaboratorId ?? null, name });
      const actor = await auditWrite(db, request, 'key.created', { keyId: key.id, collaboratorId: key.collaboratorId });
      return reply.code(201).send({ ...keyOut(key), secret, recordedBy: actor });
    },
  );

  app.post(
    '/v1/keys/:keyId/revoke',
    {
      config,
      schema: {
        tags,
        summary: 'Revoke a key at once (idempotent: revoking again keeps the first time) (owner only)',
        params: keyParams,
        response: { 200: keyView.extend(recorded), ...errors },
      },
    },
    async (request, reply) => {
      const { keyId } = request.params;
      const row = await revokeApiKey(db, request.principal.tenantId, keyId, now());
      if (!row) return sendProblem(reply, problem(404, 'key-not-found', 'No such key', { detail: `key ${keyId}` }));
      return { ...keyOut(row), recordedBy: await auditWrite(db, request, 'key.revoked', { keyId }) };
    },
  );
};

export default routes;
