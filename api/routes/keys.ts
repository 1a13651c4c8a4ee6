/** `/v1/keys`: API keys of the owner and the collaborators; a secret is shown once, only its digest kept. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AccessDeps, createKey, revokeKey, tenantKeys } from '../../application/access';
import { accessProblem } from '../access-problems';
import { callerOf } from '../audit';
import { errorResponses, sendProblem } from '../problem';
import type { RouteDeps } from '../route-deps';
import { accessTags, keyCreate, keyOut, keyParams, keyView, ownerOnlyConfig, recorded } from '../schemas/access';

const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  const deps: AccessDeps = { db, now: () => new Date() };

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
    async (request) => ({ keys: (await tenantKeys(db, request.principal.tenantId)).map(keyOut) }),
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
      const result = await createKey(deps, callerOf(request), request.body);
      if (result.kind !== 'done') return sendProblem(reply, accessProblem(result, request.body.collaboratorId ?? ''));
      const { key, secret } = result.value;
      return reply.code(201).send({ ...keyOut(key), secret, recordedBy: result.recordedBy });
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
      const result = await revokeKey(deps, callerOf(request), keyId);
      if (result.kind !== 'done') return sendProblem(reply, accessProblem(result, keyId));
      return { ...keyOut(result.value), recordedBy: result.recordedBy };
    },
  );
};

export default routes;
