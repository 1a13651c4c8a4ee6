/**
 * `/v1/webhook-endpoints`: a tenant's receivers of outbound webhooks, their secrets and their
 * delivery log (application/webhook-endpoints.ts). Reads need `webhooks:read`, writes
 * `webhooks:write`; another tenant's endpoint is not found. A secret is in the answer that makes
 * it only; the audit log names endpoints and deliveries, never a URL or a secret.
 */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decodeTimeCursor } from '../../application/conversations';
import {
  type WebhookEndpointDeps,
  changeWebhookEndpoint,
  createWebhookEndpoint,
  decodeSeqCursor,
  redeliverWebhook,
  removeWebhookEndpoint,
  rotateWebhookEndpointSecret,
  webhookDelivery,
  webhookDeliveryPage,
  webhookEndpoint,
  webhookEndpointPage,
} from '../../application/webhook-endpoints';
import type {
  WebhookDeliveryAttemptRow,
  WebhookDeliveryRow,
  WebhookEndpointRow,
} from '../../db/webhook-endpoint-repository';
import { auditWrite } from '../audit';
import { errorResponses, problem, sendBadCursor, sendProblem } from '../problem';
import type { RouteDeps } from '../route-deps';
import { iso, recorded } from '../schemas/access';
import {
  deliveryDetail,
  deliveryListQuery,
  deliveryPage,
  deliveryParams,
  endpointCreate,
  endpointCreated,
  endpointListQuery,
  endpointPage,
  endpointParams,
  endpointPatch,
  endpointView,
  redelivered,
  rotateSecretBody,
  secretRotated,
  webhookTags,
} from '../schemas/webhooks';

export type WebhookEndpointRouteDeps = RouteDeps & Omit<WebhookEndpointDeps, 'db'>;

const READ = { permission: 'webhooks:read' } as const;
const WRITE = { permission: 'webhooks:write' } as const;
/** The signing secret is never kept with an Idempotency-Key's answer (api/plugins/idempotency.ts). */
const createConfig = { ...WRITE, secretInAnswer: { secret: 'secret', id: 'id' } } as const;
const rotateConfig = { ...WRITE, secretInAnswer: { secret: 'secret', id: 'endpointId' } } as const;

function endpointOut(row: WebhookEndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function deliveryOut(row: WebhookDeliveryRow) {
  return {
    deliveryId: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    journeyId: row.journeyId,
    installmentId: row.installmentId,
    occurredAt: row.occurredAt.toISOString(),
    status: row.status as 'pending' | 'delivered' | 'failed',
    attempts: row.attempts,
    lastAttemptAt: iso(row.lastAttemptAt),
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    deliveredAt: iso(row.deliveredAt),
    createdAt: row.createdAt.toISOString(),
  };
}

function tryOut(row: WebhookDeliveryAttemptRow) {
  return {
    attempt: row.attempt,
    at: row.at.toISOString(),
    statusCode: row.statusCode,
    error: row.error,
    durationMs: row.durationMs,
  };
}

const endpointNotFound = (reply: FastifyReply, endpointId: string) =>
  sendProblem(
    reply,
    problem(404, 'webhook-endpoint-not-found', 'No such webhook endpoint', { detail: `endpoint ${endpointId}` }),
  );

const deliveryNotFound = (reply: FastifyReply, deliveryId: string) =>
  sendProblem(
    reply,
    problem(404, 'webhook-delivery-not-found', 'No such delivery of this endpoint', {
      detail: `delivery ${deliveryId}`,
    }),
  );

const urlRefused = (reply: FastifyReply, message: string) =>
  sendProblem(
    reply,
    problem(400, 'invalid-request', 'Invalid request', {
      detail: 'Webhooks cannot be sent to this URL.',
      errors: [{ in: 'body', path: 'url', message }],
    }),
  );

const routes: FastifyPluginAsyncZod<WebhookEndpointRouteDeps> = async (app, routeDeps) => {
  const { db } = routeDeps;
  const deps: WebhookEndpointDeps = routeDeps;

  app.get(
    '/v1/webhook-endpoints',
    {
      config: READ,
      schema: {
        operationId: 'listWebhookEndpoints',
        tags: webhookTags,
        summary: 'The tenant’s webhook endpoints (never their secrets), the newest first',
        querystring: endpointListQuery,
        response: { 200: endpointPage, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : decodeTimeCursor(cursor);
      if (after === null) return sendBadCursor(reply);
      const found = await webhookEndpointPage(db, request.principal.tenantId, { limit, after });
      return { items: found.items.map(endpointOut), nextCursor: found.nextCursor };
    },
  );

  app.post(
    '/v1/webhook-endpoints',
    {
      config: createConfig,
      schema: {
        operationId: 'createWebhookEndpoint',
        tags: webhookTags,
        summary:
          'Add an endpoint: https, on a public address; its signing secret is in this answer only (a retry with the same Idempotency-Key is a 409 naming the endpoint)',
        body: endpointCreate,
        response: { 201: endpointCreated, ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await createWebhookEndpoint(deps, request.principal.tenantId, request.body);
      if (created.kind === 'url_refused') return urlRefused(reply, created.message);
      const { endpoint, secret } = created;
      const actor = await auditWrite(db, request, 'webhook_endpoint.created', {
        endpointId: endpoint.id,
        eventTypes: endpoint.eventTypes,
      });
      return reply.code(201).send({ ...endpointOut(endpoint), secret, recordedBy: actor });
    },
  );

  app.get(
    '/v1/webhook-endpoints/:endpointId',
    {
      config: READ,
      schema: {
        operationId: 'getWebhookEndpoint',
        tags: webhookTags,
        summary: 'One webhook endpoint (never its secret)',
        params: endpointParams,
        response: { 200: endpointView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { endpointId } = request.params;
      const found = await webhookEndpoint(db, request.principal.tenantId, endpointId);
      return found ? endpointOut(found) : endpointNotFound(reply, endpointId);
    },
  );

  app.patch(
    '/v1/webhook-endpoints/:endpointId',
    {
      config: WRITE,
      schema: {
        operationId: 'updateWebhookEndpoint',
        tags: webhookTags,
        summary: 'Change an endpoint’s URL (checked as when it was added), event types, description, or pause it',
        params: endpointParams,
        body: endpointPatch,
        response: { 200: endpointView.extend(recorded), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { endpointId } = request.params;
      const changed = await changeWebhookEndpoint(deps, request.principal.tenantId, endpointId, request.body);
      if (changed.kind === 'not_found') return endpointNotFound(reply, endpointId);
      if (changed.kind === 'url_refused') return urlRefused(reply, changed.message);
      const actor = await auditWrite(db, request, 'webhook_endpoint.updated', {
        endpointId,
        fields: Object.keys(request.body),
      });
      return { ...endpointOut(changed.endpoint), recordedBy: actor };
    },
  );

  app.delete(
    '/v1/webhook-endpoints/:endpointId',
    {
      config: WRITE,
      schema: {
        operationId: 'deleteWebhookEndpoint',
        tags: webhookTags,
        summary: 'Remove an endpoint with its secrets and delivery log; nothing more is sent to it',
        params: endpointParams,
        response: { 200: z.object({ id: z.string(), deleted: z.literal(true), ...recorded }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { endpointId } = request.params;
      if (!(await removeWebhookEndpoint(deps, request.principal.tenantId, endpointId)))
        return endpointNotFound(reply, endpointId);
      const actor = await auditWrite(db, request, 'webhook_endpoint.deleted', { endpointId });
      return { id: endpointId, deleted: true as const, recordedBy: actor };
    },
  );

  app.post(
    '/v1/webhook-endpoints/:endpointId/rotate-secret',
    {
      config: rotateConfig,
      schema: {
        operationId: 'rotateWebhookSecret',
        tags: webhookTags,
        summary:
          'A new signing secret (in this answer only; a retry with the same Idempotency-Key is a 409); the previous one still signs for the grace period, so the receiver can switch without losing an event',
        params: endpointParams,
        body: rotateSecretBody.nullish().meta({ example: { graceHours: 24 } }),
        response: { 200: secretRotated, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { endpointId } = request.params;
      const graceHours = request.body?.graceHours;
      const rotated = await rotateWebhookEndpointSecret(deps, request.principal.tenantId, endpointId, graceHours);
      if (rotated.kind === 'not_found') return endpointNotFound(reply, endpointId);
      const previousSecretValidUntil = rotated.previousValidUntil.toISOString();
      const actor = await auditWrite(db, request, 'webhook_endpoint.secret_rotated', {
        endpointId,
        previousSecretValidUntil,
      });
      return { endpointId, secret: rotated.secret, previousSecretValidUntil, recordedBy: actor };
    },
  );

  app.get(
    '/v1/webhook-endpoints/:endpointId/deliveries',
    {
      config: READ,
      schema: {
        operationId: 'listWebhookDeliveries',
        tags: webhookTags,
        summary: 'The endpoint’s delivery log, the newest first: each event, its status and its last try',
        params: endpointParams,
        querystring: deliveryListQuery,
        response: { 200: deliveryPage, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { endpointId } = request.params;
      const { status, eventType, limit, cursor } = request.query;
      const beforeSeq = cursor === undefined ? undefined : decodeSeqCursor(cursor);
      if (beforeSeq === null) return sendBadCursor(reply);
      const query = { status, eventType, limit, beforeSeq };
      const found = await webhookDeliveryPage(db, request.principal.tenantId, endpointId, query);
      if (!found) return endpointNotFound(reply, endpointId);
      return { items: found.items.map(deliveryOut), nextCursor: found.nextCursor };
    },
  );

  app.get(
    '/v1/webhook-endpoints/:endpointId/deliveries/:deliveryId',
    {
      config: READ,
      schema: {
        operationId: 'getWebhookDelivery',
        tags: webhookTags,
        summary: 'One delivery with every try: when, what the receiver answered (or why not), how long it took',
        params: deliveryParams,
        response: { 200: deliveryDetail, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { endpointId, deliveryId } = request.params;
      const found = await webhookDelivery(db, request.principal.tenantId, endpointId, deliveryId);
      if (!found) return deliveryNotFound(reply, deliveryId);
      return { ...deliveryOut(found.delivery), tries: found.attempts.map(tryOut) };
    },
  );

  app.post(
    '/v1/webhook-endpoints/:endpointId/deliveries/:deliveryId/redeliver',
    {
      config: WRITE,
      schema: {
        operationId: 'redeliverWebhook',
        tags: webhookTags,
        summary:
          'Send a delivery again (pending, failed or delivered): the same event ID, after the journey’s earlier events to this endpoint; asking twice is asking once',
        params: deliveryParams,
        response: { 202: redelivered, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { endpointId, deliveryId } = request.params;
      const outcome = await redeliverWebhook(deps, request.principal.tenantId, endpointId, deliveryId);
      if (outcome.kind === 'not_found') return deliveryNotFound(reply, deliveryId);
      if (outcome.kind === 'unavailable')
        return sendProblem(
          reply.header('retry-after', '30'),
          problem(503, 'webhook-delivery-unavailable', 'Webhook delivery is not served by this deployment'),
        );
      const actor = await auditWrite(db, request, 'webhook_delivery.redelivered', {
        endpointId,
        deliveryId,
        eventId: outcome.eventId,
      });
      return reply
        .code(202)
        .send({ deliveryId, eventId: outcome.eventId, status: 'pending' as const, recordedBy: actor });
    },
  );
};

export default routes;
