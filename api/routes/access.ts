import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { JourneyRoutesOptions } from './journeys';

/** Placeholder: filled in by the API issue. */
const routes: FastifyPluginAsyncZod<JourneyRoutesOptions> = async () => {};

export default routes;
