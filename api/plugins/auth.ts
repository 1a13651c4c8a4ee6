import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../../domain/journey';
import { PERMISSIONS, type Permission } from '../../domain/permissions';
import { problem, sendProblem } from '../problem';

/** Who is calling: resolved from the API key on every request. */
export interface Principal {
  tenantId: string;
  /** A stable, non-secret identifier of the key, recorded as the actor of every write. */
  keyId: string;
  role: 'owner' | 'collaborator';
  collaboratorId?: string;
  profileId?: string;
  permissions: ReadonlySet<Permission>;
}

/** Where API keys are looked up; the secret itself is never stored, only its SHA-256 digest. */
export interface ApiKeyStore {
  authenticate(secret: string): Promise<Principal | null>;
}

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

export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

export const ALL_PERMISSIONS: ReadonlySet<Permission> = new Set(PERMISSIONS);

/**
 * Owner keys from the environment (`API_KEYS=tenant:key[,tenant:key…]`): how a new installation
 * gets its first key. Only digests are kept in memory.
 */
export function envKeyStore(spec: string | undefined): ApiKeyStore & { size: number } {
  const owners = new Map<string, Principal>();
  for (const entry of (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = entry.indexOf(':');
    if (at <= 0 || at === entry.length - 1) throw new Error('API_KEYS must look like tenant:key[,tenant:key…]');
    const digest = sha256Hex(entry.slice(at + 1));
    owners.set(digest, {
      tenantId: entry.slice(0, at),
      keyId: `key_${digest.slice(0, 12)}`,
      role: 'owner',
      permissions: ALL_PERMISSIONS,
    });
  }
  return {
    size: owners.size,
    // Looked up by digest: the secret is never compared byte by byte, so timing reveals nothing useful.
    authenticate: async (secret) => owners.get(sha256Hex(secret)) ?? null,
  };
}

/** The first store that knows the key answers. */
export function firstOf(...stores: ApiKeyStore[]): ApiKeyStore {
  return {
    async authenticate(secret) {
      for (const store of stores) {
        const principal = await store.authenticate(secret);
        if (principal) return principal;
      }
      return null;
    },
  };
}

export function actorOf(request: FastifyRequest): Actor {
  const { keyId, collaboratorId, profileId } = request.principal;
  return { kind: 'api_key', id: keyId, ...(collaboratorId && { collaboratorId }), ...(profileId && { profileId }) };
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

      const { permission, ownerOnly } = request.routeOptions.config;
      if (ownerOnly) {
        if (principal.role !== 'owner')
          return sendProblem(reply, problem(403, 'forbidden', 'Only the tenant’s owner may do this'));
      } else if (permission) {
        if (!principal.permissions.has(permission)) {
          return sendProblem(
            reply,
            problem(403, 'forbidden', `This key’s profile lacks the permission ${permission}`, { reason: permission }),
          );
        }
      } else {
        request.log.error({ url: request.routeOptions.url }, 'route declares no permission: refused');
        return sendProblem(reply, problem(403, 'forbidden', 'This route is not open to API keys'));
      }
    });
  },
  { name: 'api-key-auth' },
);
