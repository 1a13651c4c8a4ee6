import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq } from 'drizzle-orm';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Database } from '../../db/client';
import { idempotencyKeys } from '../../db/schema';
import { problem, sendProblem } from '../problem';
import { idempotencyHeaders } from '../schemas/common';

/**
 * A route whose answer holds a secret shown once (a new API key, a webhook signing secret): the
 * answer is stored without it, so `idempotency_keys` never holds a secret, and a replay cannot
 * fetch one (after a rotation because of a leak, nor at all). A replay of its success is a 409
 * naming what the first request made instead: the client looks it up, and rotates or revokes
 * if that answer was lost.
 */
export interface SecretInAnswer {
  /** The answer's field holding the secret. */
  secret: string;
  /** The answer's field naming what the secret belongs to. */
  id: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when this request holds the reservation of its Idempotency-Key. */
    idempotencyClaim: { tenantId: string; key: string } | null;
  }
  interface FastifyContextConfig {
    secretInAnswer?: SecretInAnswer;
  }
}

/**
 * A reservation not yet answered: `status_code` 0 marks a request with this key still running.
 * The row is completed with the answer (2xx or 4xx) or removed after a 5xx, so a retry can run.
 */
const IN_PROGRESS = 0;
/** A claim older than this belongs to a request that died without answering. */
const ABANDONED_AFTER_MS = 5 * 60_000;
/** Waits between attempts to free a key while the database is away: about a minute in all. */
const RELEASE_BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000];
/**
 * Set by a handler whose answer includes items that could not be done yet (journey service
 * unavailable): the answer is sent but not stored, so a retry with the same key does the work.
 */
export const RETRYABLE_HEADER = 'x-idempotency-retryable';

/** JSON with object keys sorted, so the hash does not depend on the order the client wrote them in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(
      canonical({
        method: request.method,
        route: request.routeOptions.url,
        params: request.params,
        query: request.query,
        body: request.body ?? null,
      }),
    )
    .digest('hex');
}

const headerError = (message: string) => ({ in: 'header', path: 'idempotency-key', message });

/** The methods that write: each of their routes honours `Idempotency-Key` (and documents it). */
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const isWrite = (method: string | string[]) => [method].flat().some((m) => WRITE_METHODS.has(m.toUpperCase()));

/**
 * `Idempotency-Key` on every write: a retry with the same key and the same request gets the
 * first answer back (status and body); the same key with another request is refused. A client
 * can then retry any write after a lost answer, whether or not the write is idempotent by
 * nature (a new key, a policy version, a bulk start). Keys are scoped to the tenant and stored
 * in `idempotency_keys`. Runs as a preHandler, after authentication and schema validation: a
 * refused request (401, 403, 400) reserves nothing.
 */
export default fp<{ db: Database }>(
  async (app: FastifyInstance, { db }) => {
    app.decorateRequest('idempotencyClaim', null);
    app.addHook('onRoute', (route) => {
      if (isWrite(route.method)) route.schema = { ...route.schema, headers: idempotencyHeaders };
    });

    const deleteClaim = async (claim: { tenantId: string; key: string }) => {
      await db
        .delete(idempotencyKeys)
        .where(
          and(
            eq(idempotencyKeys.tenantId, claim.tenantId),
            eq(idempotencyKeys.key, claim.key),
            eq(idempotencyKeys.statusCode, IN_PROGRESS),
          ),
        );
    };

    /** Frees the key again and again while the database is away, until it is back or the wait is spent. */
    const releaseLater = async (claim: { tenantId: string; key: string }, log: FastifyBaseLogger) => {
      for (const waitMs of RELEASE_BACKOFF_MS) {
        await sleep(waitMs, undefined, { ref: false });
        try {
          await deleteClaim(claim);
          return;
        } catch {
          // Still away: wait longer.
        }
      }
      log.error('an Idempotency-Key stays in progress until it is abandoned (5 minutes)');
    };

    /**
     * Frees the key of a request that will not be replayed. Never throws: when the database is
     * what failed (the request answered 503), the key is freed in the background once it is back
     * — not left "in progress" for every retry to be refused until it is abandoned.
     */
    const release = async (request: FastifyRequest) => {
      const claim = request.idempotencyClaim;
      if (!claim) return;
      request.idempotencyClaim = null;
      try {
        await deleteClaim(claim);
      } catch (err) {
        request.log.warn({ err }, 'could not free an Idempotency-Key; trying again in the background');
        void releaseLater(claim, request.log);
      }
    };

    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!isWrite(request.method)) return;
      // Its shape was checked with the route's headers (idempotencyHeaders, added to every write above).
      const key = request.headers['idempotency-key'] as string | undefined;
      if (key === undefined) return;
      const tenantId = request.principal.tenantId;
      const route = `${request.method} ${request.routeOptions.url ?? ''}`;
      const hash = requestHash(request);
      const claimed = await db
        .insert(idempotencyKeys)
        .values({ tenantId, key, route, requestHash: hash, statusCode: IN_PROGRESS, responseBody: {} })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (claimed.length > 0) {
        request.idempotencyClaim = { tenantId, key };
        return;
      }
      const [stored] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)))
        .limit(1);
      if (!stored) {
        // Released between our insert and our read (the first request failed): ask for a retry.
        reply.header('retry-after', '1');
        return sendProblem(
          reply,
          problem(409, 'idempotency-key-in-use', 'A request with this Idempotency-Key is in progress', {
            errors: [headerError('retry shortly')],
          }),
        );
      }
      if (stored.route !== route || stored.requestHash !== hash) {
        return sendProblem(
          reply,
          problem(422, 'idempotency-key-reused', 'This Idempotency-Key was used for a different request', {
            detail: 'Send a new Idempotency-Key for a different request, or repeat the original request exactly.',
            errors: [headerError(`already used for another request (${stored.route})`)],
          }),
        );
      }
      if (stored.statusCode === IN_PROGRESS && Date.now() - stored.createdAt.getTime() > ABANDONED_AFTER_MS) {
        // The first request died without answering (process killed, hung call): take its key over.
        const taken = await db
          .update(idempotencyKeys)
          .set({ createdAt: new Date() })
          .where(
            and(
              eq(idempotencyKeys.tenantId, tenantId),
              eq(idempotencyKeys.key, key),
              eq(idempotencyKeys.statusCode, IN_PROGRESS),
              eq(idempotencyKeys.createdAt, stored.createdAt),
            ),
          )
          .returning({ key: idempotencyKeys.key });
        if (taken.length > 0) {
          request.idempotencyClaim = { tenantId, key };
          return;
        }
      }
      if (stored.statusCode === IN_PROGRESS) {
        reply.header('retry-after', '1');
        return sendProblem(
          reply,
          problem(409, 'idempotency-key-in-use', 'A request with this Idempotency-Key is in progress', {
            errors: [headerError('the first request has not answered yet; retry shortly')],
          }),
        );
      }
      reply.header('idempotent-replayed', 'true');
      const shownOnce = request.routeOptions.config.secretInAnswer;
      if (shownOnce && stored.statusCode < 300) {
        const made = (stored.responseBody as Record<string, unknown>)[shownOnce.id];
        return sendProblem(
          reply,
          problem(409, 'idempotency-key-secret-shown-once', 'The first request with this Idempotency-Key succeeded', {
            detail: `It made ${String(made)}; the secret was in that answer only and is not kept. Rotate or revoke it if that answer was lost.`,
            errors: [headerError('already answered with a secret shown once')],
          }),
        );
      }
      return reply
        .code(stored.statusCode)
        .type(stored.statusCode >= 400 ? 'application/problem+json' : 'application/json')
        .send(JSON.stringify(stored.responseBody));
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const claim = request.idempotencyClaim;
      if (!claim) return payload;
      // A 5xx, or an answer some of whose items could not be done yet (the journey service was
      // unavailable), must not be replayed: the retry has to do the work.
      if (reply.statusCode >= 500 || typeof payload !== 'string' || reply.getHeader(RETRYABLE_HEADER) !== undefined) {
        reply.removeHeader(RETRYABLE_HEADER);
        await release(request);
        return payload;
      }
      let body: unknown;
      try {
        body = JSON.parse(payload);
      } catch {
        await release(request);
        return payload;
      }
      const shownOnce = request.routeOptions.config.secretInAnswer;
      if (shownOnce && body !== null && typeof body === 'object')
        delete (body as Record<string, unknown>)[shownOnce.secret];
      try {
        await db
          .update(idempotencyKeys)
          .set({ statusCode: reply.statusCode, responseBody: body as object })
          .where(and(eq(idempotencyKeys.tenantId, claim.tenantId), eq(idempotencyKeys.key, claim.key)));
        request.idempotencyClaim = null;
      } catch (err) {
        // The answer still goes out; a retry with the key does the (idempotent) work again.
        request.log.warn({ err }, 'could not store the answer of an Idempotency-Key');
        await release(request);
      }
      return payload;
    });

    // A request that never reached onSend (connection dropped, failure while sending) frees its key.
    app.addHook('onResponse', async (request) => release(request));
  },
  { name: 'idempotency-key' },
);
