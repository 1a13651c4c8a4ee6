/**
 * How a route is retired (the README's "API versioning"): a route whose config names a
 * `deprecation` is marked `deprecated` in the document, and every answer it gives carries
 * `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and, when there is one, a `Link` to its
 * successor — so a client sees the date in its own logs long before the route goes away.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface RouteDeprecation {
  /** When the route was deprecated (ISO 8601 date). */
  since: string;
  /** The first day it may answer 410 or disappear (ISO 8601 date); at least 6 months after `since`. */
  sunset: string;
  /** The path that replaces it. */
  successor?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    deprecation?: RouteDeprecation;
  }
}

/** The minimum notice between deprecation and sunset the README promises. */
const MIN_NOTICE_DAYS = 182;
const DAY_MS = 86_400_000;

export function deprecationHeaders({ since, sunset, successor }: RouteDeprecation): Record<string, string> {
  const sinceMs = Date.parse(`${since}T00:00:00Z`);
  const sunsetMs = Date.parse(`${sunset}T00:00:00Z`);
  if (Number.isNaN(sinceMs) || Number.isNaN(sunsetMs)) throw new Error(`deprecation dates must be YYYY-MM-DD`);
  if (sunsetMs - sinceMs < MIN_NOTICE_DAYS * DAY_MS)
    throw new Error(`a sunset must come at least ${MIN_NOTICE_DAYS} days after the deprecation`);
  return {
    deprecation: `@${sinceMs / 1000}`,
    sunset: new Date(sunsetMs).toUTCString(),
    ...(successor && { link: `<${successor}>; rel="successor-version"` }),
  };
}

export default fp(
  async (app: FastifyInstance) => {
    // Registered before @fastify/swagger's own onRoute hook, so the document sees the flag; a
    // sunset given too soon stops the app at start-up rather than at the first request.
    app.addHook('onRoute', (route) => {
      const deprecation = route.config?.deprecation;
      if (!deprecation) return;
      deprecationHeaders(deprecation);
      route.schema = { ...route.schema, deprecated: true } as typeof route.schema;
    });
    app.addHook('onSend', async (request, reply) => {
      const deprecation = request.routeOptions.config.deprecation;
      if (deprecation) reply.headers(deprecationHeaders(deprecation));
    });
  },
  { name: 'deprecation' },
);
