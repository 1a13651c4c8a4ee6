import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Database } from '../../db/client';
import type { JourneyFilter } from '../../db/journey-repository';
import type { Delivery, JourneyRef } from '../../application/journey-gateway';
import { findOpenJourneys, messageJourneys, tally, targetOf } from '../../application/fan-out';
import { createJourneyStarter } from '../../application/journey-starter';
import {
  type BuyerOptOut,
  clearBuyerOptOut,
  listBuyerOptOuts,
  recordBuyerOptOut,
} from '../../db/buyer-consent-repository';
import { recordedBy } from '../audit';
import { replyToStart } from '../start-reply';
import { actorOf } from '../plugins/auth';
import { errorResponses } from '../problem';
import { contactBody, optOutBody } from '../schemas/journeys';
import {
  affectedJourneys,
  buyerChannelParams,
  buyerOptInRecorded,
  buyerOptOutRecorded,
  buyerOptOuts,
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
const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, gateway, policies, publisher }) => {
  const starter = createJourneyStarter({ db, gateway, policies, publisher });

  app.post(
    '/v1/purchases/:purchaseId/refund',
    {
      config: { permission: 'journeys:cancel' },
      schema: {
        operationId: 'refundPurchase',
        tags,
        summary: 'A purchase was refunded: cancel its open journeys (reason refund)',
        params: purchaseParams,
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
      config: { permission: 'journeys:cancel' },
      schema: {
        operationId: 'cancelSubscription',
        tags,
        summary: 'A subscription was canceled: cancel its open journeys (reason subscription_canceled)',
        params: subscriptionParams,
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
      config: { permission: 'journeys:start' },
      schema: {
        operationId: 'reactivateSubscription',
        tags,
        summary:
          'A subscription was reactivated with a new, unpaid charge: start the journey of its installment (201 new, 200 existing)',
        description:
          'The body is the new installment (a StartJourney body without subscriptionId, which comes from the path). Starting is idempotent by installmentId.',
        params: subscriptionParams,
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
      config: { permission: 'contacts:write' },
      schema: {
        operationId: 'updateBuyerContact',
        tags,
        summary: 'The buyer’s contact data changed: update every open journey of the buyer (null removes an address)',
        params: buyerParams,
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

  app.get(
    '/v1/buyers/:buyerId/opt-outs',
    {
      config: { permission: 'journeys:read' },
      schema: {
        operationId: 'listBuyerOptOuts',
        tags,
        summary: 'The channels the buyer asked support to stop, with who recorded each and when',
        params: buyerParams,
        response: { 200: buyerOptOuts, ...errorResponses },
      },
    },
    async (request) => {
      const { buyerId } = request.params;
      const optOuts = await listBuyerOptOuts(db, request.principal.tenantId, buyerId);
      return { buyerId, optOuts: optOuts.map(optOutOut) };
    },
  );

  app.post(
    '/v1/buyers/:buyerId/opt-outs',
    {
      config: { permission: 'contacts:write' },
      schema: {
        operationId: 'recordBuyerOptOut',
        tags,
        summary: 'The buyer asked not to be contacted on a channel: kept for the buyer, in every journey of theirs',
        description:
          'For a request made to support (by phone, by email). The stop is the buyer’s: every open journey stops using the channel, and journeys that start later never use it, until the buyer says otherwise (DELETE, or START from their number). STOP replies and unsubscribe links are recorded by the webhooks on their own, for every journey at that address.',
        params: buyerParams,
        body: optOutBody,
        response: { 200: buyerOptOutRecorded, ...errorResponses },
      },
    },
    async (request) => {
      const { tenantId } = request.principal;
      const { buyerId } = request.params;
      const { channel } = request.body;
      const actor = actorOf(request);
      const optOut = await recordBuyerOptOut(db, {
        tenantId,
        buyerId,
        channel,
        source: 'support',
        recordedBy: recordedBy(request),
      });
      const reached = await reachOpen(db, request.log, tenantId, { buyerId }, (ref) =>
        gateway.optOut(ref, { channel, actor }),
      );
      return { ...reached, optOut: optOutOut(optOut) };
    },
  );

  app.delete(
    '/v1/buyers/:buyerId/opt-outs/:channel',
    {
      config: { permission: 'contacts:write' },
      schema: {
        operationId: 'removeBuyerOptOut',
        tags,
        summary: 'The buyer asked to be contacted on the channel again: their open journeys may use it',
        description:
          'Ends a stop recorded by support. A STOP sent from the address itself (or an unsubscribe) is not ended here: only the buyer’s START reopens the address.',
        params: buyerChannelParams,
        response: { 200: buyerOptInRecorded, ...errorResponses },
      },
    },
    async (request) => {
      const { tenantId } = request.principal;
      const { buyerId, channel } = request.params;
      const actor = actorOf(request);
      const wasOptedOut = await clearBuyerOptOut(db, { tenantId, buyerId, channel });
      const reached = await reachOpen(db, request.log, tenantId, { buyerId }, (ref) =>
        gateway.optIn(ref, { channel, actor }),
      );
      return { ...reached, wasOptedOut };
    },
  );
};

function optOutOut(optOut: BuyerOptOut) {
  return { ...optOut, recordedAt: optOut.recordedAt.toISOString() };
}

export default routes;
