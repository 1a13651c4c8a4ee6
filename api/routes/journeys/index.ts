/**
 * `/v1/journeys`, one module: a single journey (start, status, payments, due date, pause, cancel,
 * contact, opt-out) and many (list and search, bulk start, pause and resume by filter).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteDeps } from '../../route-deps';
import collectionRoutes from './collection';
import singleRoutes from './single';

const journeyRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  await app.register(singleRoutes, deps);
  await app.register(collectionRoutes, deps);
};

export default journeyRoutes;
