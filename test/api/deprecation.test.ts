import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiOptions } from '../../api/openapi';
import deprecation, { deprecationHeaders } from '../../api/plugins/deprecation';

describe('a deprecated route', () => {
  const app = Fastify();
  beforeAll(async () => {
    await app.register(deprecation);
    await app.register(swagger, openApiOptions());
    app.get(
      '/v1/old',
      { config: { deprecation: { since: '2027-01-15', sunset: '2027-07-31', successor: '/v2/new' } } },
      async () => ({ ok: true }),
    );
    app.get('/v1/current', async () => ({ ok: true }));
    app.get(
      '/v1/old-failing',
      { config: { deprecation: { since: '2027-01-15', sunset: '2027-07-31' } } },
      async (_request, reply) => reply.code(404).send({ missing: true }),
    );
    await app.ready();
  });
  afterAll(() => app.close());

  it('announces its deprecation, sunset and successor on every answer, errors included', async () => {
    const ok = await app.inject({ method: 'GET', url: '/v1/old' });
    expect(ok.headers.deprecation).toBe(`@${Date.UTC(2027, 0, 15) / 1000}`);
    expect(ok.headers.sunset).toBe('Sat, 31 Jul 2027 00:00:00 GMT');
    expect(ok.headers.link).toBe('</v2/new>; rel="successor-version"');
    const failing = await app.inject({ method: 'GET', url: '/v1/old-failing' });
    expect(failing.statusCode).toBe(404);
    expect(failing.headers.sunset).toBe('Sat, 31 Jul 2027 00:00:00 GMT');
    expect(failing.headers.link).toBeUndefined();
  });

  it('leaves other routes alone', async () => {
    const current = await app.inject({ method: 'GET', url: '/v1/current' });
    expect(current.headers.deprecation).toBeUndefined();
    expect(current.headers.sunset).toBeUndefined();
  });

  it('is marked deprecated in the document', () => {
    const paths = app.swagger().paths as Record<string, { get: { deprecated?: boolean } }>;
    expect(paths['/v1/old']!.get.deprecated).toBe(true);
    expect(paths['/v1/current']!.get.deprecated).toBeUndefined();
  });

  it('refuses a sunset sooner than the notice the versioning policy promises', () => {
    expect(() => deprecationHeaders({ since: '2027-01-15', sunset: '2027-03-01' })).toThrow(/at least 182 days/);
    expect(() => deprecationHeaders({ since: '2027-01-15', sunset: 'soon' })).toThrow(/YYYY-MM-DD/);
  });
});
