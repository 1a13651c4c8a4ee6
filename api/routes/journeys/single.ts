import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../../route-deps';
import { buyerOfInstallment, recordBuyerOptOut } from '../../../db/buyer-consent-repository';
import { findJourney } from '../../../db/journey-repository';
import { recordedBy } from '../../audit';
import { journeyWorkflowId } from '../../../workflows/messages';
import type { Delivery, JourneyRef } from '../../../application/journey-gateway';
import { createJourneyStarter, reconcileJourney } from '../../../application/journey-starter';
import { reportJourneyPayment } from '../../../application/journey-payments';
import { recordPromise } from '../../../application/promises';
import { promiseRefusalField } from '../../../domain/promises';
import { paymentProblem } from '../../payment-problems';
import { replyToStart } from '../../start-reply';
import { actorOf } from '../../plugins/auth';
import { problem, errorResponses, sendProblem } from '../../problem';
import {
  accepted,
  cancelBody,
  contactBody,
  dueDateBody,
  dueDateChanged,
  installmentParams,
  journeyCreated,
  journeyStatusSchema,
  optOutBody,
  paymentBody,
  pauseBody,
  promiseBody,
  promiseRecorded,
  startJourneyBody,
} from '../../schemas/journeys';

const tags = ['journeys'];

const journeyRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, gateway, policies, publisher }) => {
  const starter = createJourneyStarter({ db, gateway, policies, publisher });
  const refOf = (tenantId: string, installmentId: string): JourneyRef => ({ tenantId, installmentId });

  /**
   * The live status of a running journey, or null. A query needs a worker to answer: when none
   * does (workers down, deploy in progress), callers fall back to the recorded state instead of
   * failing the request.
   */
  const liveStatus = async (request: FastifyRequest, ref: JourneyRef) => {
    try {
      return await gateway.status(ref);
    } catch (err) {
      request.log.warn(
        { err, installmentId: ref.installmentId },
        'live status unavailable; answering from the database',
      );
      return null;
    }
  };

  /** A message reached no running journey: say whether it never existed or has already ended. */
  const notRunning = async (reply: FastifyReply, ref: JourneyRef) => {
    const row = await findJourney(db, ref.tenantId, ref.installmentId);
    if (!row)
      return sendProblem(
        reply,
        problem(404, 'journey-not-found', 'No journey for this installment', {
          detail: `installment ${ref.installmentId}`,
        }),
      );
    return sendProblem(
      reply,
      problem(409, 'journey-ended', 'The journey has already ended', {
        detail: `outcome: ${row.outcome ?? 'unknown'}`,
        reason: row.outcome ?? undefined,
      }),
    );
  };

  /**
   * The journey's policy refused an update: 422 with its reason, naming the field it is about.
   * journey_closed is no policy refusal: the workflow still runs (finishing up) but the journey
   * has ended, which every other route answers with 409 journey-ended.
   */
  const refused = async (
    reply: FastifyReply,
    ref: JourneyRef,
    refusal: { reason: string; message: string },
    field: string | null,
    [type, title]: [string, string],
  ) => {
    if (refusal.reason === 'journey_closed') return notRunning(reply, ref);
    return sendProblem(
      reply,
      problem(422, type, title, {
        detail: refusal.message,
        reason: refusal.reason,
        ...(field && { errors: [{ in: 'body', path: field, message: refusal.message }] }),
      }),
    );
  };

  const acknowledge = async (reply: FastifyReply, ref: JourneyRef, delivery: Delivery) => {
    if (delivery === 'not_running') return notRunning(reply, ref);
    return reply
      .code(202)
      .send({ journeyId: journeyWorkflowId(ref.tenantId, ref.installmentId), accepted: true as const });
  };

  app.post(
    '/v1/journeys',
    {
      config: { permission: 'journeys:start' },
      schema: {
        operationId: 'startJourney',
        tags,
        summary: 'Start the dunning journey of an installment (idempotent: 201 the first time, 200 after)',
        body: startJourneyBody,
        response: { 200: journeyCreated, 201: journeyCreated, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await starter.start({ ...request.body, tenantId: request.principal.tenantId }, actorOf(request));
      return replyToStart(reply, result, request.body.installmentId);
    },
  );

  app.get(
    '/v1/journeys/:installmentId',
    {
      config: { permission: 'journeys:read' },
      schema: {
        operationId: 'getJourney',
        tags,
        summary: 'Status of a journey: live from the workflow while it runs, from the database once it has ended',
        params: installmentParams,
        response: { 200: journeyStatusSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ref = refOf(request.principal.tenantId, request.params.installmentId);
      const journeyId = journeyWorkflowId(ref.tenantId, ref.installmentId);
      const live = await liveStatus(request, ref);
      if (live) return { journeyId, source: 'workflow' as const, ...live };
      const found = await findJourney(db, ref.tenantId, ref.installmentId);
      if (!found)
        return sendProblem(
          reply,
          problem(404, 'journey-not-found', 'No journey for this installment', {
            detail: `installment ${ref.installmentId}`,
          }),
        );
      // Open on record but not answering: Temporal may have ended it from outside.
      const row = await reconcileJourney({ db, gateway, publisher }, found);
      return { journeyId, source: 'database' as const, ...row.status };
    },
  );

  app.post(
    '/v1/journeys/:installmentId/payments',
    {
      config: { permission: 'payments:write' },
      schema: {
        operationId: 'reportPayment',
        tags,
        summary:
          "Report a payment (full, or partial when the journey's policy accepts it and it reaches the policy's minimum; the same paymentId counts once). A payment after the journey ended still settles its record",
        params: installmentParams,
        body: paymentBody,
        response: { 202: accepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ref = refOf(request.principal.tenantId, request.params.installmentId);
      const payment = { ...request.body, actor: actorOf(request) };
      const result = await reportJourneyPayment(
        { db, gateway, policies, publisher, logger: request.log },
        ref,
        payment,
      );
      if (result.kind === 'accepted') return acknowledge(reply, ref, 'delivered');
      if (result.kind === 'not_found') return notRunning(reply, ref);
      return sendProblem(reply, paymentProblem(result));
    },
  );

  app.put(
    '/v1/journeys/:installmentId/due-date',
    {
      config: { permission: 'due-dates:change' },
      schema: {
        operationId: 'changeDueDate',
        tags,
        summary: 'Change the due date; the answer is the new plan, or 422 with the policy’s reason',
        params: installmentParams,
        body: dueDateBody,
        response: { 200: dueDateChanged, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ref = refOf(request.principal.tenantId, request.params.installmentId);
      // The update's own ID too, so Temporal drops a retry the key's reservation did not catch.
      const idempotencyKey = request.idempotencyClaim?.key;
      const result = await gateway.changeDueDate(
        ref,
        { dueDate: request.body.dueDate, actor: actorOf(request) },
        idempotencyKey ? { idempotencyKey } : {},
      );
      if (result.kind === 'not_running') return notRunning(reply, ref);
      if (result.kind === 'refused')
        return refused(reply, ref, result, 'dueDate', ['due-date-refused', 'The due date change is not allowed']);
      return { journeyId: journeyWorkflowId(ref.tenantId, ref.installmentId), ...result.result };
    },
  );

  app.post(
    '/v1/journeys/:installmentId/promises',
    {
      config: { permission: 'due-dates:change' },
      schema: {
        operationId: 'recordPromiseToPay',
        tags,
        summary:
          'Record a promise to pay: reminders hold until the promised date plus the policy’s grace; 422 with the policy’s reason when it is refused',
        params: installmentParams,
        body: promiseBody,
        response: { 201: promiseRecorded, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ref = refOf(request.principal.tenantId, request.params.installmentId);
      const idempotencyKey = request.idempotencyClaim?.key;
      const result = await recordPromise(
        { gateway },
        ref,
        { ...request.body, actor: actorOf(request) },
        idempotencyKey ? { idempotencyKey } : {},
      );
      if (result.kind === 'not_running') return notRunning(reply, ref);
      if (result.kind === 'refused')
        return refused(reply, ref, result, promiseRefusalField(result.reason), [
          'promise-refused',
          'The promise to pay is not allowed',
        ]);
      return reply.code(201).send({ journeyId: journeyWorkflowId(ref.tenantId, ref.installmentId), ...result.result });
    },
  );

  app.post(
    '/v1/journeys/:installmentId/pause',
    // No body at all reaches the validator as null, not undefined: nullish, so "pause until resumed" needs no body.
    {
      config: { permission: 'journeys:pause' },
      schema: {
        operationId: 'pauseJourney',
        tags,
        summary: 'Pause reminders, until a time or until resumed (the body is optional)',
        params: installmentParams,
        body: pauseBody.nullish().meta({ example: { until: '2026-12-15T12:00:00Z' } }),
        response: { 202: accepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ref = refOf(request.principal.tenantId, request.params.installmentId);
      const until = request.body?.until;
      return acknowledge(reply, ref, await gateway.pause(ref, { until: until ?? null, actor: actorOf(request) }));
    },
  );

  app.post(
    '/v1/journeys/:installmentId/resume',
    {
      config: { permission: 'journeys:pause' },
      schema: {
        operationId: 'resumeJourney',
        tags,
        summary: 'Resume a paused journey',
        params: installmentParams,
        response: { 202: accepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ref = refOf(request.principal.tenantId, request.params.installmentId);
      return acknowledge(reply, ref, await gateway.resume(ref, { actor: actorOf(request) }));
    },
  );

  app.post(
    '/v1/journeys/:installmentId/cancel',
    {
      config: { permission: 'journeys:cancel' },
      schema: {
        operationId: 'cancelJourney',
        tags,
        summary: 'Cancel a journey (refund, subscription canceled, manual)',
        params: installmentParams,
        body: cancelBody,
        response: { 202: accepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ref = refOf(request.principal.tenantId, request.params.installmentId);
      return acknowledge(
        reply,
        ref,
        await gateway.cancel(ref, { reason: request.body.reason, actor: actorOf(request) }),
      );
    },
  );

  app.patch(
    '/v1/journeys/:installmentId/contact',
    {
      config: { permission: 'contacts:write' },
      schema: {
        operationId: 'updateJourneyContact',
        tags,
        summary: 'Fix the buyer’s contact data (null removes an address)',
        params: installmentParams,
        body: contactBody,
        response: { 202: accepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ref = refOf(request.principal.tenantId, request.params.installmentId);
      return acknowledge(reply, ref, await gateway.updateContact(ref, { ...request.body, actor: actorOf(request) }));
    },
  );

  app.post(
    '/v1/journeys/:installmentId/opt-outs',
    {
      config: { permission: 'contacts:write' },
      schema: {
        operationId: 'recordJourneyOptOut',
        tags,
        summary: 'Record that the buyer opted out of a channel: this journey and every other of the buyer’s',
        params: installmentParams,
        body: optOutBody,
        response: { 202: accepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ref = refOf(request.principal.tenantId, request.params.installmentId);
      const { channel } = request.body;
      // The buyer's stop, not this journey's: kept for every journey of theirs, open or to come.
      const buyerId = await buyerOfInstallment(db, ref.tenantId, ref.installmentId);
      if (buyerId === null) return notRunning(reply, ref);
      await recordBuyerOptOut(db, {
        tenantId: ref.tenantId,
        buyerId,
        channel,
        source: 'support:journey',
        recordedBy: recordedBy(request),
      });
      const delivery = await gateway.optOut(ref, { channel, actor: actorOf(request) });
      // An ended journey has nothing to stop; the buyer's stop is on record all the same.
      return acknowledge(reply, ref, delivery === 'not_running' ? 'delivered' : delivery);
    },
  );
};

export default journeyRoutes;
