import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Database } from '../../db/client';
import type { JourneyFilter } from '../../db/journey-repository';
import type { Delivery, JourneyRef } from '../../application/journey-gateway';
import { findOpenJourneys, messageJourneys, tally, targetOf } from '../../application/fan-out';
import { createJourneyStarter } from '../../application/journey-starter';
import { replyToStart } from '../start-reply';
import { actorOf } from '../plugins/auth';
import { errorResponses } from '../problem';
import { idempotencyHeaders } from '../schemas/common';
import { contactBody, optOutBody } from '../schemas/journeys';
import {
  affectedJourneys,
  buyerParams,
  purchaseParams,
  reactivateBody,
  reactivated,
  subscriptionParams,
} from '../schemas/support';
import type { RouteDeps } from '../route-deps';

const tags = ['support actions'];
/**
 * Messages every open journey of the tenant that matches `filter`, and answers what became of
 * each (the ones applied are counted).
 */
async function reachOpen(
  db: Database,
  log: FastifyBaseLogger,
  tenantId: string,
  filter: JourneyFilter,
  send: (ref: JourneyRef) => Promise<Delivery>,
) {
  const { journeys } = await findOpenJourneys(db, tenantId, filter);
  const outcomes = await messageJourneys(journeys.map(targetOf), send, log, 'support action');
  return {
    affected: outcomes.map(({ installmentId, journeyId, result }) => ({ installmentId, journeyId, result })),
    count: tally(outcomes).applied,
  };
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
        response: { 200: affectedJourneys, ...errorResponses },
      },
    },
    async (request) => {
      const tenantId = request.principal.tenantId;
      const actor = actorOf(request);
      return reachOpen(db, request.log, tenantId, { purchaseId: request.params.purchaseId }, (ref) =>
        gateway.cancel(ref, { reason: 'refund', actor }),
      );
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
        response: { 200: affectedJourneys, ...errorResponses },
      },
    },
    async (request) => {
      const tenantId = request.principal.tenantId;
      const actor = actorOf(request);
      return reachOpen(db, request.log, tenantId, { subscriptionId: request.params.subscriptionId }, (ref) =>
        gateway.cancel(ref, { reason: 'subscription_canceled', actor }),
      );
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
        response: { 200: reactivated, 201: reactivated, ...errorResponses },
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
        response: { 200: affectedJourneys, ...errorResponses },
      },
    },
    async (request) => {
      const tenantId = request.principal.tenantId;
      const actor = actorOf(request);
      return reachOpen(db, request.log, tenantId, { buyerId: request.params.buyerId }, (ref) =>
        gateway.updateContact(ref, { ...request.body, actor }),
      );
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
        response: { 200: affectedJourneys, ...errorResponses },
      },
    },
    async (request) => {
      const tenantId = request.principal.tenantId;
      const actor = actorOf(request);
      return reachOpen(db, request.log, tenantId, { buyerId: request.params.buyerId }, (ref) =>
        gateway.optOut(ref, { channel: request.body.channel, actor }),
      );
    },
  );
};

export default routes;
