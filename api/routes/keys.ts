/** `/v1/keys`: API keys of the owner and the collaborators; a secret is shown once, only its digest kept. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findCollaborator, listApiKeys, revokeApiKey } from '../../db/access-repository';
import { issueApiKey } from '../../application/key-stores';
import { auditWrite } from '../audit';
import { errorResponses, problem, sendProblem } from '../problem';
import type { RouteDeps } from '../route-deps';
import { accessTags, keyCreate, keyOut, keyParams, keyView, ownerOnlyConfig, recorded } from '../schemas/access';

const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  const now = () => new Date();

  app.get(
    '/v1/keys',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'listKeys',
        tags: accessTags,
        summary: 'The tenant’s API keys (never their secrets) (owner only)',
        response: { 200: z.object({ keys: z.array(keyView) }), ...errorResponses },
      },
    },
    async (request) => ({ keys: (await listApiKeys(db, request.principal.tenantId)).map(keyOut) }),
  );

  app.post(
    '/v1/keys',
    {
      // The secret is never kept with an Idempotency-Key's answer: a replay is a 409 naming the key.
      config: { ...ownerOnlyConfig, secretInAnswer: { secret: 'secret', id: 'id' } },
      schema: {
        operationId: 'createKey',
        tags: accessTags,
        summary: 'Create an API key for the owner or a collaborator; the secret is in this answer only (owner only)',
        body: keyCreate,
        response: {
          201: keyView.extend({
            secret: z.string().meta({ description: 'Shown once: store it now; only its digest is kept.' }),
            ...recorded,
          }),
          ...errorResponses,
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
      config: ownerOnlyConfig,
      schema: {
        operationId: 'revokeKey',
        tags: accessTags,
        summary: 'Revoke a key at once (idempotent: revoking again keeps the first time) (owner only)',
        params: keyParams,
        response: { 200: keyView.extend(recorded), ...errorResponses },
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
