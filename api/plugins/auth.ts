import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../../domain/journey';
import { type Permission, refusal } from '../../domain/permissions';
import type { ApiKeyStore, Principal } from '../../application/key-stores';
import { problem, sendProblem } from '../problem';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** The permission a route needs. Every authenticated route declares this or `ownerOnly`. */
    permission?: Permission;
    /** Only the tenant's owner may call the route (tenant, profiles, collaborators, keys). */
    ownerOnly?: boolean;
  }
}

/** The journey actor of a request: an API key, or a person signed in to the seller app (`user`). */
export function actorOf(request: FastifyRequest): Actor {
  const { keyId, userId, collaboratorId, profileId } = request.principal;
  return {
    kind: userId ? 'user' : 'api_key',
    id: userId ?? keyId,
    ...(collaboratorId && { collaboratorId }),
    ...(profileId && { profileId }),
  };
}

/**
 * Bearer API keys scoped to one tenant, and the permission check of every route under this
 * plugin. Fails closed: a route that declares neither a permission nor `ownerOnly` is refused.
 */
export default fp<{ keys: ApiKeyStore }>(
  async (app: FastifyInstance, { keys }) => {
    app.decorateRequest('principal', null as unknown as Principal);
    app.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (!match) {
        return sendProblem(
          reply.header('www-authenticate', 'Bearer'),
          problem(401, 'unauthorized', 'An API key is required', {
            detail: 'Send it as "Authorization: Bearer <key>".',
          }),
        );
      }
      const principal = await keys.authenticate(match[1]!);
      if (!principal) return sendProblem(reply, problem(401, 'unauthorized', 'The API key is not valid'));
      request.principal = principal;

      const refused = refusal(principal, request.routeOptions.config);
      if (refused?.reason === 'owner_only')
        return sendProblem(reply, problem(403, 'forbidden', 'Only the tenant’s owner may do this'));
      if (refused?.reason === 'missing_permission')
        return sendProblem(
          reply,
          problem(403, 'forbidden', `This key’s profile lacks the permission ${refused.permission}`, {
            reason: refused.permission,
          }),
        );
      if (refused?.reason === 'undeclared') {
        request.log.error({ url: request.routeOptions.url }, 'route declares no permission: refused');
        return sendProblem(reply, problem(403, 'forbidden', 'This route is not open to API keys'));
      }
    });
  },
  { name: 'api-key-auth' },
);
