/**
 * The API's `/metrics` (Prometheus text, outside the API document like /health) and its latency
 * per route: the route's pattern (`/v1/journeys/:installmentId`), never the URL, which carries IDs.
 * With `METRICS_TOKEN` set a scrape must send it as a bearer token; without, only a client on this
 * machine (its address as `TRUST_PROXY` says, so a proxy on the same host does not make everyone local).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type Exposition, metricsText, scrapeAllowed } from '../../telemetry/exposition';
import type { Metrics } from '../../telemetry/metrics';
import { problem, sendProblem } from '../problem';

export interface MetricsPluginOptions extends Omit<Exposition, 'registry'> {
  metrics: Metrics;
}

/** What a request that matched no route is counted under. */
const UNMATCHED_ROUTE = 'unmatched';

async function metricsPlugin(app: FastifyInstance, { metrics, extra, token }: MetricsPluginOptions) {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!scrapeAllowed(token, request.headers.authorization, request.ip)) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(
        reply,
        problem(401, 'unauthorized', 'Metrics need the metrics token', {
          detail: token
            ? 'Send METRICS_TOKEN as "Authorization: Bearer <token>".'
            : 'Without METRICS_TOKEN only this machine may read /metrics: set it to scrape from elsewhere.',
        }),
      );
    }
    const text = await metricsText({ registry: metrics.registry, extra });
    return reply.type(metrics.registry.contentType).send(text);
  });
}

export default fp(metricsPlugin, { name: 'metrics' });
