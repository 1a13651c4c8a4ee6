import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { JourneyServiceUnavailableError } from '../../application/journey-gateway';
import { isDatabaseUnavailable } from '../../db/availability';
import { problem, sendProblem } from '../problem';
import { RouteTable } from './route-table';

/** Long enough for a database restart or failover to finish, short enough not to stall a payment system. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** `/buyer/email` → `buyer.email`, `/steps/0` → `steps.0`. */
function dotted(instancePath: string): string {
  return instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
}

/**
 * Every error leaves as application/problem+json. Client mistakes (bad JSON, schema
 * violations, wrong content type, oversize bodies) keep their 4xx and name the field; only
 * our own failures are 500, logged with the request id and never echoed to the client.
 */
export default fp(
  async (app: FastifyInstance) => {
    // Registered before the routes (this plugin comes first), so it sees every one of them.
    const routes = new RouteTable();
    app.addHook('onRoute', (route) => routes.add(route));
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      const allowed = routes.allowedMethods(path);
      if (allowed.length === 0)
        return sendProblem(
          reply,
          problem(404, 'route-not-found', 'No such route', { detail: `${request.method} ${path}` }),
        );
      reply.header('allow', allowed.join(', '));
      return sendProblem(
        reply,
        problem(405, 'method-not-allowed', 'Method not allowed', {
          detail: `${request.method} ${path}: this path answers ${allowed.join(', ')}`,
        }),
      );
    });
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof JourneyServiceUnavailableError) {
        // An outage of Temporal, not a bug of ours: tell the client when to retry (every journey
        // call is safe to repeat) instead of a 500 it would treat as final.
        request.log.warn({ err: error }, 'journey service unavailable');
        reply.header('retry-after', String(error.retryAfterSeconds));
        return sendProblem(
          reply,
          problem(503, 'service-unavailable', 'The journey service is temporarily unavailable', {
            detail: `Retry after ${error.retryAfterSeconds} seconds; repeating this request is safe.`,
          }),
        );
      }
      if (isDatabaseUnavailable(error)) {
        // Nothing half-written: every write is one transaction, so the client may simply retry.
        request.log.warn({ err: error }, 'database unavailable');
        reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        return sendProblem(
          reply,
          problem(503, 'service-unavailable', 'The database is temporarily unavailable', {
            detail: `Retry after ${DATABASE_RETRY_AFTER_SECONDS} seconds; repeating this request is safe.`,
          }),
        );
      }
      if (hasZodFastifySchemaValidationErrors(error)) {
        const where = error.validationContext ?? 'body';
        return sendProblem(
          reply,
          problem(400, 'invalid-request', 'Invalid request', {
            detail: `The ${where} does not match the schema.`,
            errors: error.validation.flatMap((v) => {
              const params = v.params as { issue?: { path?: PropertyKey[] }; keys?: string[] } | undefined;
              const path = params?.issue?.path?.length
                ? params.issue.path.map(String).join('.')
                : dotted(v.instancePath);
              // An unknown field is named itself, not its parent object.
              if (v.keyword === 'unrecognized_keys' && params?.keys?.length) {
                return params.keys.map((key) => ({
                  in: where,
                  path: path ? `${path}.${key}` : key,
                  message: 'is not a known field',
                }));
              }
              return [{ in: where, path: path || '(root)', message: v.message ?? 'is invalid' }];
            }),
          }),
        );
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return sendProblem(
          reply,
          problem(status, (error.code ?? 'client-error').toLowerCase().replace(/_/g, '-'), error.message),
        );
      }
      request.log.error({ err: error }, 'request failed');
      return sendProblem(
        reply,
        problem(status >= 500 ? status : 500, 'internal', 'Something went wrong on our side', {
          detail: 'The failure was logged with this request id.',
        }),
      );
    });
  },
  { name: 'problem-errors' },
);
