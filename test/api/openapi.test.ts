/**
 * The published contract: the document the server serves is the checked-in openapi.json, every
 * operation carries what a generated client needs, every error is documented as problem+json,
 * and every example validates against its own schema (an independent validator, not the linter).
 */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_PATH, currentOpenApiDocument, openApiText } from '../../api/contract';
import { describeEachDatabase } from '../support/databases';
import { type ApiHarness, startApi } from './support';

type Schema = Record<string, unknown>;
interface MediaType {
  schema?: Schema;
  example?: unknown;
}
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; schema?: Schema; example?: unknown }[];
  requestBody?: { content?: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface Document {
  info: { version: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const checkedIn = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Document;

const operationsOf = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
  );

describeEachDatabase('the OpenAPI document served', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  it('is the checked-in openapi.json (run `npm run openapi` after changing a route)', async () => {
    const served = (await api.call({ method: 'GET', url: '/docs/json', key: null })).json();
    expect(served).toEqual(checkedIn);
  });
});

describe('the checked-in openapi.json', () => {
  it('is what the routes describe, byte for byte (run `npm run openapi` after changing a route)', async () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(openApiText(await currentOpenApiDocument()));
  });

  it('gives every operation a unique operationId, a summary and a declared tag', () => {
    const operations = operationsOf(checkedIn);
    expect(operations.length).toBeGreaterThan(30);
    const declaredTags = new Set(checkedIn.tags.map((tag) => tag.name));
    for (const { route, operation } of operations) {
      expect(operation.operationId, route).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.summary, route).toBeTruthy();
      expect(operation.tags?.length, route).toBeGreaterThan(0);
      for (const tag of operation.tags ?? []) expect(declaredTags, `${route} tag ${tag}`).toContain(tag);
    }
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents every error response as problem+json, and at least one 4xx per operation', () => {
    for (const { route, operation } of operationsOf(checkedIn)) {
      const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      expect(
        errors.some(([status]) => Number(status) < 500),
        route,
      ).toBe(true);
      for (const [status, response] of errors)
        expect(response.content, `${route} ${status}`).toEqual({
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        });
    }
  });

  it('gives every JSON request body an example', () => {
    for (const { route, operation } of operationsOf(checkedIn)) {
      const body = operation.requestBody?.content?.['application/json'];
      if (!body) continue;
      expect(examplesIn(body).length, `${route} has no example body`).toBeGreaterThan(0);
    }
  });

  it('has examples that validate against their own schemas', () => {
    const examples = allExamples(checkedIn);
    expect(examples.length).toBeGreaterThan(20);
    for (const { where, schema, example } of examples) {
      const validate = validatorFor(schema);
      expect(validate(example), `${where}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('would catch an example that breaks its schema (the check above can fail)', () => {
    const { schema, example } = allExamples(checkedIn).find(({ where }) => where === 'component StartJourney')!;
    const { installmentId: _dropped, ...withoutRequiredField } = example as Record<string, unknown>;
    expect(validatorFor(schema)(withoutRequiredField)).toBe(false);
    expect(validatorFor(schema)({ ...(example as object), amount: { amountMinor: -1, currency: 'BRL' } })).toBe(false);
  });
});

interface Example {
  where: string;
  schema: Schema;
  example: unknown;
}

function examplesIn(media: MediaType): unknown[] {
  const own = media.example === undefined ? [] : [media.example];
  const fromSchema = media.schema ? schemaExample(media.schema) : [];
  return [...own, ...fromSchema];
}

function schemaExample(schema: Schema): unknown[] {
  const target = typeof schema.$ref === 'string' ? checkedIn.components.schemas[refName(schema.$ref)]! : schema;
  return target.example === undefined ? [] : [target.example];
}

/** Examples on components, media types and parameters, each with the schema it illustrates. */
function allExamples(document: Document): Example[] {
  const found: Example[] = Object.entries(document.components.schemas)
    .filter(([, schema]) => schema.example !== undefined)
    .map(([name, schema]) => ({ where: `component ${name}`, schema, example: schema.example }));
  for (const { route, operation } of operationsOf(document)) {
    for (const parameter of operation.parameters ?? [])
      if (parameter.example !== undefined && parameter.schema)
        found.push({
          where: `${route} ${parameter.in} ${parameter.name}`,
          schema: parameter.schema,
          example: parameter.example,
        });
    const media = [
      ...Object.entries(operation.requestBody?.content ?? {}).map(([type, m]) => [`request ${type}`, m] as const),
      ...Object.entries(operation.responses).flatMap(([status, response]) =>
        Object.entries(response.content ?? {}).map(([type, m]) => [`${status} ${type}`, m] as const),
      ),
    ];
    for (const [what, { schema, example }] of media)
      if (schema)
        for (const value of [example, ...inlineExample(schema)].filter((v) => v !== undefined))
          found.push({ where: `${route} ${what}`, schema, example: value });
  }
  return found;
}

/** An example written on an inline schema (a component's own example is checked with the component). */
function inlineExample(schema: Schema): unknown[] {
  return schema.$ref === undefined && schema.example !== undefined ? [schema.example] : [];
}

function refName(ref: string): string {
  return ref.slice('#/components/schemas/'.length);
}

/**
 * OpenAPI 3.0 schemas are JSON Schema draft 4 (boolean `exclusiveMinimum`) with `nullable`, which
 * Ajv reads; `example` is an annotation. References resolve against the document's components.
 */
const ajv = addFormats.default(new Ajv04({ allErrors: true, strict: false }));
ajv.addSchema(withoutExamples({ components: checkedIn.components }), 'openapi');
const validators = new WeakMap<Schema, ValidateFunction>();

function validatorFor(schema: Schema): ValidateFunction {
  const known = validators.get(schema);
  if (known) return known;
  const rebased = JSON.parse(
    JSON.stringify(withoutExamples(schema)).replaceAll('"#/components/', '"openapi#/components/'),
  ) as Schema;
  const validate = ajv.compile(rebased);
  validators.set(schema, validate);
  return validate;
}

/**
 * Draft 4 names a schema by an `id` key, and Ajv looks for one everywhere, examples included
 * (`product: { id: "course-ts" }`): examples are annotations, so they are left out of what it compiles.
 */
function withoutExamples(value: unknown, underProperties = false): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutExamples(item));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => underProperties || key !== 'example')
      .map(([key, child]) => [key, withoutExamples(child, !underProperties && key === 'properties')]),
  );
}
