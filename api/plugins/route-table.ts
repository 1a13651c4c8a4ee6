/**
 * Which methods each registered path answers, so a request for a path we serve with a method we
 * do not gets 405 and an `Allow` header (RFC 9110 §15.5.6) rather than a 404 saying the path
 * does not exist. Fastify's router only tells "no route for this method and path".
 */
import type { RouteOptions } from 'fastify';

interface Entry {
  path: RegExp;
  methods: Set<string>;
}

/** `/v1/journeys/:installmentId` → a pattern matching one segment for the parameter; `*` any rest. */
function pathPattern(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

export class RouteTable {
  private readonly entries = new Map<string, Entry>();

  add(route: Pick<RouteOptions, 'method' | 'url'>): void {
    const entry = this.entries.get(route.url) ?? { path: pathPattern(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method.toUpperCase());
    this.entries.set(route.url, entry);
  }

  /** The methods some route answers at this path (without its query), sorted; none when no route has the path. */
  allowedMethods(path: string): string[] {
    const methods = new Set<string>();
    for (const entry of this.entries.values()) if (entry.path.test(path)) entry.methods.forEach((m) => methods.add(m));
    return [...methods].sort();
  }
}
