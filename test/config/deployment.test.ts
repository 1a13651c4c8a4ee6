import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'));

const TYPE_NAMES: Record<string, string> = { KEYWORD: 'Keyword', DATETIME: 'Datetime', INT: 'Int', BOOL: 'Bool', DOUBLE: 'Double', TEXT: 'Text', KEYWORD_LIST: 'KeywordList' };

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Temporal, the Temporal UI, the worker and the API', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'temporal', 'temporal-ui', 'worker', 'api']));
    expect(compose.services.temporal.environment.DB).toMatch(/^postgres/);
  });

  it('registers every search attribute the workflow upserts, with its type', () => {
    const script = String(compose.services['temporal-setup'].command);
    for (const key of ALL_SEARCH_ATTRIBUTES) {
      expect(script).toContain(`--name ${key.name} --type ${TYPE_NAMES[key.type]}`);
    }
  });

  it('points the worker and the API at the same database and task queue', () => {
    const { worker, api } = compose.services;
    expect(worker.environment.DATABASE_URL).toBe(api.environment.DATABASE_URL);
    expect(worker.environment.TEMPORAL_TASK_QUEUE).toBe(api.environment.TEMPORAL_TASK_QUEUE);
  });
});
