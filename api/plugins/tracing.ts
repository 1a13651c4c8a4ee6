/**
 * The API's spans, through @fastify/otel (the Fastify team's instrumentation; the OpenTelemetry
 * project's own one is deprecated in its favour and stops at Fastify 4): a `request` span per
 * request and a `handler` span inside it, which is the active span when a route starts or signals
 * a journey — so the Temporal client's span, and the workflow's after it, join the request's
 * trace. A caller's `traceparent` header makes the request part of the caller's trace.
 */
import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { FastifyInstance } from 'fastify';
import type { Tracing } from '../../telemetry/tracing';

/** Routes that are not the API: scrapes and health checks would drown the traces that matter. */
const UNTRACED = new Set(['/metrics', '/health']);

export async function registerTracing(app: FastifyInstance, tracing: Tracing): Promise<void> {
  const instrumentation = new FastifyOtelInstrumentation({
    // Hook spans (auth, rate limit, idempotency) on every request add more noise than they explain.
    instrumentHooks: false,
    ignorePaths: (route) => UNTRACED.has(route.url),
    requestHook: (span, request) => {
      // The URL carries IDs and, on the buyer's pages, the signed link: the route's pattern is enough.
      span.setAttribute('url.path', request.routeOptions.url ?? 'unmatched');
    },
  });
  instrumentation.setTracerProvider(tracing.provider);
  await app.register(instrumentation.plugin());
}
