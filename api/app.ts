import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Database } from '../db/client';
import type { JourneyGateway } from './gateway';
import auth, { type ApiKeyGrant } from './plugins/auth';
import errors from './plugins/errors';
import journeyRoutes, { type PolicyCatalog } from './routes/journeys';

export interface AppDeps {
  db: Database;
  gateway: JourneyGateway;
  policies: PolicyCatalog;
  apiKeys: Map<string, ApiKeyGrant>;
  logger?: FastifyServerOptions['logger'];
}

/** Builds the HTTP API; tests call this and use `app.inject`, `api/main.ts` calls it and listens. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errors);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Dunning orchestrator API',
        version: '0.1.0',
        description: 'Start and steer durable dunning journeys. Authenticate with `Authorization: Bearer <API key>`.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));

  await app.register(async (authenticated) => {
    await authenticated.register(auth, { keys: deps.apiKeys });
    await authenticated.register(journeyRoutes, { db: deps.db, gateway: deps.gateway, policies: deps.policies });
  });

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
