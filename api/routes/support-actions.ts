import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Database } from '../../db/client';
import { type JourneyCursor, type JourneyFilter, type JourneyRow, searchJourneys } from '../../db/journey-repository';
import { type Delivery, type JourneyRef, JourneyServiceUnavailableError } from '../../application/journey-gateway';
import { createJourneyStarter } from '../../application/journey-starter';
import { replyToStart } from '../start-reply';
import { actorOf } from '../plugins/auth';
import { problemSchema } from '../problem';
import {
  affectedJourneys,
  buyerParams,
  contactBody,
  idempotencyHeaders,
  optOutBody,
  purchaseParams,
  reactivateBody,
  reactivated,
  subscriptionParams,
} from '../schemas';
import { GATEWAY_CONCURRENCY, mapLimit } from '../../application/concurrency';
import type { RouteDeps } from '../route-deps';

const errors = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  409: problemSchema,
  422: problemSchema,
  429: problemSchema,
  503: problemSchema,
};
const tags = ['support actions'];
const PAGE = 500;

/** Every open journey of the tenant matching `filter`, page by page. */
async function openJourneys(db: Database, tenantId: string, filter: JourneyFilter): Promise<JourneyRow[]> {
  const found: JourneyRow[] = [];
  let after: JourneyCursor | undefined;
  for (;;) {
    const rows = await searchJourneys(
      db,
      tenantId,
      { ...filter, openOnly: true },
      { limit: PAGE, ...(after && { after }) },
    );
    found.push(...rows.map((r) => r.journey));
    const last = rows.at(-1);
    if (rows.length < PAGE || !last) return found;
    after = { dueDate: last.journey.dueDate, id: last.journey.id };
  }
}

/** Sends one message to each journey (bounded concurrency) and says what became of each. */
async function reach(log: FastifyBaseLogger, rows: JourneyRow[], send: (ref: JourneyRef) => Promise<Delivery>) {
  const affected = await mapLimit(rows, GATEWAY_CONCURRENCY, async (row) => {
    let result: 'applied' | 'not_running' | 'unavailable';
    try {
      result =
        (await send({ tenantId: row.tenantId, installmentId: row.installmentId })) === 'delivered'
          ? 'applied'
          : 'not_running';
    } catch (err) {
      // Counted, not thrown: the other journeys have been reached already.
      log[err instanceof JourneyServiceUnavailableError ? 'warn' : 'error'](
        { err, installmentId: row.installmentId },
        'support action: a journey could not be reached',
      );
      result = 'unavailable';
    }
    return { installmentId: row.installmentId, journeyId: row.id, result };
  });
  return { affected, count: affected.filter((a) => a.result === 'applied').length };
}

/**
 * Events of the seller's world as first-class endpoints. Each answers the journeys it reached;
 * repeating one is harmless (ended journeys are not reached again), and `Idempotency-Key`
 * replays the first answer.
 */
const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, gateway, policies }) => {
  const starter = createJourneyStarter({ db, gateway, policies });

  app.post(
    '/v1/purchases/:purchaseId/refund',
    {
      config: { permission: 'journeys:cancel', idempotent: true },
      schema: {
        tags,
        summary: 'A purchase was refunded: cancel its open journeys (reason refund)',
        params: purchaseParams,
        headers: idempotencyHeaders,
        response: { 200: affectedJourneys, ...errors },
      },
    },
    async (request) => {
      const tenantId = request.principal.tenantId;
      const actor = actorOf(request);
      const rows = await openJourneys(db, tenantId, { purchaseId: request.params.purchaseId });
      return reach(request.log, rows, (ref) => gateway.cancel(ref, { reason: 'refund', actor }));
    },
  );

  app.post(
    '/v1/subscriptions/:subscriptionId/cancel',
    {
      config: { permission: 'journeys:cancel', idempotent: true },
      schema: {
        tags,
        summary: 'A subscription was canceled: cancel its open journeys (reason subscription_canceled)',
        params: subscriptionParams,
        headers: idempotencyHeaders,
        response: { 200: affectedJourneys, ...errors },
      },
    },
    async (request) => {
      const tenantId = request.principal.tenantId;
      const actor = actorOf(request);
      const rows = await openJourneys(db, tenantId, { subscriptionId: request.params.subscriptionId });
      return reach(request.log, rows, (ref) => gateway.cancel(ref, { reason: 'subscription_canceled', actor }));
    },
  );

  app.post(
    '/v1/subscriptions/:subscriptionId/reactivate',
    {
      config: { permission: 'journeys:start', idempotent: true },
      schema: {
        tags,
        summary:
          'A subscription was reactivated with a new, unpaid charge: start the journey of its installment (201 new, 200 existing)',
        description:
          'The body is the new installment (a StartJourney body without subscriptionId, which comes from the path). Starting is idempotent by installmentId.',
        params: subscriptionParams,
        headers: idempotencyHeaders,
        body: reactivateBody,
        response: { 200: reactivated, 201: reactivated, ...errors },
      },
    },
    async (request, reply) => {
      const { subscriptionId } = request.params;
      const result = await starter.start(
        { ...request.body, subscriptionId, tenantId: request.principal.tenantId },
        actorOf(request),
      );
      return replyToStart(reply, result, request.body.installmentId, { subscriptionId });
    },
  );

  app.post(
    '/v1/buyers/:buyerId/contact',
    {
      config: { permission: 'contacts:write', idempotent: true },
      schema: {
        tags,
        summary: 'The buyer’s contact data changed: update every open journey of the buyer (null removes an address)',
        params: buyerParams,
        headers: idempotencyHeaders,
        body: contactBody,
        response: { 200: affectedJourneys, ...errors },
      },
    },
    async (request) => {
      const tenantId = request.principal.tenantId;
      const actor = actorOf(request);
      const rows = await openJourneys(db, tenantId, { buyerId: request.params.buyerId });
      return reach(request.log, rows, (ref) => gateway.updateContact(ref, { ...request.body, actor }));
    },
  );

  app.post(
    '/v1/buyers/:buyerId/opt-outs',
    {
      config: { permission: 'contacts:write', idempotent: true },
      schema: {
        tags,
        summary: 'The buyer asked not to be contacted on a channel: every open journey of the buyer stops using it',
        description:
          'For a request made to support (by phone, by email). STOP replies and unsubscribe links are recorded by the webhooks on their own, for every journey at that address.',
        params: buyerParams,
        headers: idempotencyHeaders,
        body: optOutBody,
        response: { 200: affectedJourneys, ...errors },
      },
    },
    async (request) => {
      const tenantId = request.principal.tenantId;
      const actor = actorOf(request);
      const rows = await openJourneys(db, tenantId, { buyerId: request.params.buyerId });
      return reach(request.log, rows, (ref) => gateway.optOut(ref, { channel: request.body.channel, actor }));
    },
  );
};

export default routes;
