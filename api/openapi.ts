/**
 * The published contract: what `/docs/json` serves and `npm run openapi` writes to `openapi.json`.
 *
 * The route schemas (zod) are the single source; this module adds what a generator or a linter
 * needs beyond them — servers, license, tag descriptions — and tidies what the zod transform
 * and @fastify/swagger leave: components nobody references, the `Input` suffix on request-only
 * components, `nullable` written where OpenAPI 3.0 does not read it, and a required mark on
 * bodies a route can go without.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import type { OpenAPIV3 } from 'openapi-types';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * The contract's version (semver). The major is the `/v1` in every path; see the README's
 * "API versioning" for what needs a new one.
 */
export const API_VERSION = '1.5.0';

const API_TAGS: OpenAPIV3.TagObject[] = [
  { name: 'journeys', description: 'Start journeys, read their status, and send them payments and changes' },
  { name: 'support actions', description: 'What the payment system and support agents do across a buyer’s journeys' },
  {
    name: 'purchases',
    description: 'The purchase ledger: each purchase’s installment schedule and payments, on time or late',
  },
  {
    name: 'conversations',
    description:
      'Buyers’ conversations with the collections assistant, and the agent tasks when a buyer needs a person',
  },
  { name: 'policies', description: 'Versioned dunning policies: the ladder, the guard and the limits' },
  {
    name: 'policy lab',
    description: 'Segment routing (which policy a new journey runs) and experiments between policies, with holdouts',
  },
  { name: 'access', description: 'The tenant, permission profiles, collaborators and API keys (owner only)' },
  { name: 'webhooks', description: 'Provider callbacks, authenticated by the provider’s signature instead of a key' },
  {
    name: 'webhook endpoints',
    description: 'Outbound webhooks: where the tenant’s systems are told what happens, their secrets and delivery log',
  },
  {
    name: 'reports',
    description:
      'The seller’s numbers for a period: collection efficiency, payment tracking and details, attribution, the recovery curve, CSV exports',
  },
];

export function openApiOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Dunning orchestrator API',
        version: API_VERSION,
        description:
          'Start and steer durable dunning journeys. Authenticate with `Authorization: Bearer <API key>`. ' +
          'Errors are RFC 9457 problem details (`application/problem+json`) naming each offending field.',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      servers: [{ url: '/', description: 'the server that serves this document' }],
      tags: API_TAGS,
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => tidyDocument(jsonSchemaTransformObject(document) as OpenAPIV3.Document),
  };
}

type Json = unknown;
const REF_PREFIX = '#/components/schemas/';
/** The zod transform names the request side of a component `<id>Input` (tidyDocument may drop it). */
const REQUEST_SUFFIX = 'Input';

/** A `$ref` to the request side of the component a route schema names with `.meta({ id })`. */
export function requestComponentRef(id: string): string {
  return `${REF_PREFIX}${id}${REQUEST_SUFFIX}`;
}

/** The document with only referenced components, plain names, and nullables OpenAPI 3.0 reads as meant. */
function tidyDocument(document: OpenAPIV3.Document): OpenAPIV3.Document {
  const schemas = document.components?.schemas ?? {};
  const used = referencedComponents(document, schemas);
  const names = plainNames(used);
  const renamed = renameRefs(document, names) as OpenAPIV3.Document;
  const kept = Object.fromEntries(
    [...used].sort().map((id) => [names.get(id)!, renameRefs(schemas[id], names)]),
  ) as Record<string, OpenAPIV3.SchemaObject>;
  const tidy = nullableAs30Means({ ...renamed, components: { ...renamed.components, schemas: kept } }, kept);
  return optionalNullableBodies(tidy as OpenAPIV3.Document);
}

/**
 * @fastify/swagger marks every request body required; a route whose body schema accepts null
 * (`.nullish()`, e.g. a pause with no options) also takes none, and the document says so.
 */
function optionalNullableBodies(document: OpenAPIV3.Document): OpenAPIV3.Document {
  for (const operations of Object.values(document.paths))
    for (const operation of Object.values(operations ?? {})) {
      const body = (operation as OpenAPIV3.OperationObject).requestBody as OpenAPIV3.RequestBodyObject | undefined;
      const schemas = Object.values(body?.content ?? {}).map((media) => media.schema as OpenAPIV3.SchemaObject);
      if (body && schemas.length > 0 && schemas.every((schema) => schema?.nullable === true)) body.required = false;
    }
  return document;
}

/** Component ids reachable from the paths (through components that reference others). */
function referencedComponents(document: OpenAPIV3.Document, schemas: Record<string, Json>): Set<string> {
  const used = new Set<string>();
  const visit = (value: Json) => {
    for (const id of refsIn(value)) {
      if (used.has(id)) continue;
      used.add(id);
      visit(schemas[id]);
    }
  };
  visit(document.paths);
  return used;
}

/** Examples are data, not schemas: a `$ref` or `nullable` inside one is left as written. */
const ANNOTATIONS = new Set(['example', 'examples']);

/** The tree rebuilt bottom-up, each object node passed through `change`; examples untouched. */
function mapNodes(value: Json, change: (node: Record<string, Json>) => Json): Json {
  if (Array.isArray(value)) return value.map((item) => mapNodes(item, change));
  if (!value || typeof value !== 'object') return value;
  return change(
    Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, ANNOTATIONS.has(key) ? child : mapNodes(child, change)]),
    ),
  );
}

/** The component a `$ref` names, or undefined for anything else. */
function componentOf(node: Record<string, Json>): string | undefined {
  const ref = node.$ref;
  return typeof ref === 'string' && ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

function refsIn(value: Json): string[] {
  const found: string[] = [];
  mapNodes(value, (node) => {
    const id = componentOf(node);
    if (id !== undefined) found.push(id);
    return node;
  });
  return found;
}

/**
 * `StartJourneyInput` → `StartJourney` when only one side is used, so generated clients get the
 * names the route schemas give; both sides used keep the transform's names.
 */
function plainNames(used: Set<string>): Map<string, string> {
  const names = new Map<string, string>();
  for (const id of used) {
    const base = id.endsWith(REQUEST_SUFFIX) ? id.slice(0, -REQUEST_SUFFIX.length) : id;
    const bothSides = used.has(base) && used.has(`${base}${REQUEST_SUFFIX}`);
    names.set(id, bothSides ? id : base);
  }
  return names;
}

function renameRefs(value: Json, names: Map<string, string>): Json {
  return mapNodes(value, (node) => {
    const id = componentOf(node);
    return id === undefined ? node : { ...node, $ref: REF_PREFIX + (names.get(id) ?? id) };
  });
}

/**
 * OpenAPI 3.0.3 lets `null` through only where the schema says so twice: `nullable` needs a
 * `type` beside it (the zod transform writes it bare on unions: when every branch has one type,
 * that type is written), and a nullable `enum` must list `null` among its values.
 */
function nullableAs30Means(value: Json, schemas: Record<string, Json>): Json {
  return mapNodes(value, (node) => {
    if (node.nullable !== true) return node;
    if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum = [...node.enum, null];
    if ('type' in node) return node;
    const branches = [...asArray(node.anyOf), ...asArray(node.allOf), ...asArray(node.oneOf)];
    const types = new Set(branches.map((branch) => typeOf(branch, schemas)));
    if (types.size !== 1 || types.has(undefined)) return node;
    return { type: [...types][0], ...node };
  });
}

function asArray(value: Json): Json[] {
  return Array.isArray(value) ? value : [];
}

function typeOf(schema: Json, schemas: Record<string, Json>): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const node = schema as Record<string, Json>;
  const id = componentOf(node);
  if (id !== undefined) return typeOf(schemas[id], schemas);
  return typeof node.type === 'string' ? node.type : undefined;
}
