import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases';
import { type ApiHarness, startApi } from './support';

type Schema = { $ref?: string; example?: unknown; examples?: unknown };
type Operation = {
  summary?: string;
  tags?: string[];
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> };
};

describeEachDatabase('OpenAPI document', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  it('gives every route a summary and a tag, and every request body an example', async () => {
    const spec = (await api.call({ method: 'GET', url: '/docs/json', key: null })).json() as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, Schema> };
    };
    const resolve = (schema: Schema | undefined) =>
      schema?.$ref ? spec.components.schemas[schema.$ref.split('/').pop()!] : schema;
    const operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThan(30);
    for (const { route, op } of operations) {
      expect(op.summary, route).toBeTruthy();
      expect(op.tags?.length, route).toBeGreaterThan(0);
      const body = op.requestBody?.content?.['application/json'];
      if (!body) continue;
      const schema = resolve(body.schema);
      expect(body.example ?? schema?.example ?? schema?.examples, `${route} has no example body`).toBeDefined();
    }
  });
});
