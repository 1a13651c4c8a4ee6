/**
 * docker-compose and the Dockerfile cannot run on our machines (no Docker engine): these checks keep them correct by
 * reading it. The set-up script it runs is exercised against a real server in
 * test/e2e/dev-server/compose-setup.e2e.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sessionSecretFromEnv } from '../../api/settings';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      build?: string;
      environment?: Record<string, string | number>;
      depends_on?: Record<string, { condition: string }>;
      volumes?: string[];
      ports?: string[];
      entrypoint?: string[];
    }
  >;
};
const services = compose.services;

const TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  DATETIME: 'Datetime',
  INT: 'Int',
  BOOL: 'Bool',
  DOUBLE: 'Double',
  TEXT: 'Text',
  KEYWORD_LIST: 'KeywordList',
};

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, the Temporal server with its set-up, the UI, the codec server, the worker and the API', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'temporal-schema',
        'temporal',
        'temporal-setup',
        'temporal-ui',
        'codec',
        'worker',
        'api',
      ]),
    );
    expect(services.temporal!.environment!.DB).toMatch(/^postgres/);
  });

  it('uses the current Temporal images (not the deprecated auto-setup), server and admin tools of one version', () => {
    const images = Object.values(services).flatMap((s) => (s.image ? [s.image] : []));
    expect(images.filter((i) => i.includes('auto-setup'))).toEqual([]);
    const server = services.temporal!.image!;
    expect(server).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    const version = server.split(':')[1];
    for (const name of ['temporal-schema', 'temporal-setup'])
      expect(services[name]!.image).toBe(`temporalio/admin-tools:${version}`);
  });

  it('starts things in order: schema, server, namespace; the worker and the API only on a ready namespace', () => {
    expect(services.temporal!.depends_on!['temporal-schema']).toEqual({ condition: 'service_completed_successfully' });
    expect(services['temporal-setup']!.depends_on!.temporal).toEqual({ condition: 'service_healthy' });
    for (const name of ['worker', 'api', 'temporal-ui'])
      expect(services[name]!.depends_on!['temporal-setup']).toEqual({ condition: 'service_completed_successfully' });
    for (const service of Object.values(services))
      for (const dependency of Object.keys(service.depends_on ?? {}))
        expect(Object.keys(services)).toContain(dependency);
  });

  it('mounts only files that exist in the repository', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(`${root}${source.slice(2)}`), volume).toBe(true);
      }
    }
  });

  it('the set-up script registers every search attribute the workflow upserts, with its type, and waits for the namespace', () => {
    const script = read('docker/temporal-namespace.sh');
    for (const key of ALL_SEARCH_ATTRIBUTES)
      expect(script).toMatch(new RegExp(`^${key.name} ${TYPE_NAMES[key.type]}$`, 'm'));
    expect(services['temporal-setup']!.entrypoint).toEqual(['sh', '/scripts/temporal-namespace.sh']);
  });

  it('the UI decodes payloads through the codec server, which shares the keys of the worker and the API and listens on loopback only', () => {
    const { worker, api, codec } = services;
    expect(services['temporal-ui']!.environment!.TEMPORAL_CODEC_ENDPOINT).toBe('http://localhost:8888');
    expect(codec!.ports).toEqual(['127.0.0.1:8888:8888']);
    expect(codec!.environment!.CODEC_CORS_ORIGINS).toBe('http://localhost:8080');
    expect(new Set([worker, api, codec].map((s) => s!.environment!.TEMPORAL_PAYLOAD_KEYS)).size).toBe(1);
  });

  it('lets a scrape through Docker’s network read /metrics: a token by default, the worker on every interface', () => {
    const { worker, api } = services;
    // Without a token both answer loopback only, and a scrape through a published port is not loopback.
    for (const service of [worker, api])
      expect(String(service!.environment!.METRICS_TOKEN)).toMatch(/^\$\{METRICS_TOKEN:-.+\}$/);
    expect(worker!.environment!.METRICS_HOST).toBe('0.0.0.0');
    expect(worker!.ports).toContain(
      `127.0.0.1:${worker!.environment!.METRICS_PORT}:${worker!.environment!.METRICS_PORT}`,
    );
  });

  it('gives the API (a production image) a session secret the seller app accepts', () => {
    const setting = String(services.api!.environment!.SESSION_SECRET);
    const fallback = /^\$\{SESSION_SECRET:-(.+)\}$/.exec(setting)?.[1];
    expect(fallback).toBeDefined();
    expect(() => sessionSecretFromEnv({ NODE_ENV: 'production', SESSION_SECRET: fallback })).not.toThrow();
    expect(() => sessionSecretFromEnv({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
    expect(() => sessionSecretFromEnv({ SESSION_SECRET: 'short' })).toThrow(/at least 32/);
  });

  it('points the worker and the API at the same database and task queue', () => {
    const { worker, api } = services;
    expect(worker!.environment!.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(worker!.environment!.DATABASE_URL).toBe(api!.environment!.DATABASE_URL);
    expect(worker!.environment!.TEMPORAL_TASK_QUEUE).toBe(api!.environment!.TEMPORAL_TASK_QUEUE);
  });
});

describe('Dockerfile', () => {
  /** The arguments the image's RUN gives the bundle script, as /bin/sh expands them with these build args. */
  const bundleArgs = (buildArgs: Record<string, string>) => {
    const run = /^RUN npx tsx scripts\/build-workflow-bundle\.ts (.*)$/m.exec(read('Dockerfile'))?.[1];
    expect(run).toBeDefined();
    return execFileSync('/bin/sh', ['-c', `echo ${run}`], { env: { PATH: process.env.PATH, ...buildArgs } })
      .toString()
      .trim();
  };

  it('builds the workflow bundle without tracing interceptors unless the TRACING build arg asks', () => {
    expect(read('Dockerfile')).toMatch(/^ARG TRACING=$/m);
    expect(bundleArgs({})).toBe('build/workflow-bundle.js');
    expect(bundleArgs({ TRACING: '1' })).toBe('build/workflow-bundle.js --tracing');
  });
});

describe('license', () => {
  it('LICENSE is the license package.json names', () => {
    const { license } = JSON.parse(read('package.json')) as { license: string };
    expect(license).toBe('Apache-2.0');
    const text = read('LICENSE');
    expect(text).toContain('Apache License');
    expect(text).toContain('Version 2.0, January 2004');
  });
});
