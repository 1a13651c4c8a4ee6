import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../../domain/journey';
import { problem, sendProblem } from '../problem';

export interface ApiKeyGrant {
  tenantId: string;
  /** A stable, non-secret identifier of the key, recorded as the actor of every write. */
  keyId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    grant: ApiKeyGrant;
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Parses `API_KEYS` (`tenant:key,tenant:key`). Only hashes are kept in memory. Tenant-managed,
 * database-stored keys with permission profiles replace this in the API issue.
 */
export function parseApiKeys(spec: string | undefined): Map<string, ApiKeyGrant> {
  const keys = new Map<string, ApiKeyGrant>();
  for (const entry of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = entry.indexOf(':');
    if (at <= 0 || at === entry.length - 1) throw new Error('API_KEYS must look like tenant:key[,tenant:key…]');
    const tenantId = entry.slice(0, at);
    const key = entry.slice(at + 1);
    const digest = sha256(key);
    keys.set(digest.toString('hex'), { tenantId, keyId: `key_${digest.toString('hex').slice(0, 12)}` });
  }
  return keys;
}

export function actorOf(request: FastifyRequest): Actor {
  return { kind: 'api_key', id: request.grant.keyId };
}

function lookup(keys: Map<string, ApiKeyGrant>, presented: string): ApiKeyGrant | undefined {
  // Looking up by SHA-256 digest: the key itself is never compared byte by byte, so response
  // timing says nothing useful about near-miss keys.
  return keys.get(sha256(presented).toString('hex'));
}

/** Bearer API keys scoped to one tenant; every route under this plugin requires one. */
export default fp<{ keys: Map<string, ApiKeyGrant> }>(
  async (app: FastifyInstance, { keys }) => {
    app.decorateRequest('grant', null as unknown as ApiKeyGrant);
    app.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (!match) {
        return sendProblem(reply.header('www-authenticate', 'Bearer'), problem(401, 'unauthorized', 'An API key is required', { detail: 'Send it as "Authorization: Bearer <key>".' }));
      }
      const grant = lookup(keys, match[1]!);
      if (!grant) return sendProblem(reply, problem(401, 'unauthorized', 'The API key is not valid'));
      request.grant = grant;
    });
  },
  { name: 'api-key-auth' },
);
