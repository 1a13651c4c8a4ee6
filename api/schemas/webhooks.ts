/**
 * `/v1/webhook-endpoints`: where a tenant's systems hear about its journeys (README, "Outbound
 * webhooks"). Event types are an open enumeration: new ones come in minor versions.
 */
import { z } from 'zod';
import { externalIdSchema, plainTextSchema } from '../../domain/installment';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events';
import { DEFAULT_GRACE_HOURS, MAX_GRACE_HOURS } from '../../application/webhook-endpoints';
import { LIST_LIMIT_MAX, cursorSchema, queryInt } from './journeys';
import { recorded } from './access';

export const webhookTags = ['webhook endpoints'];

const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

// Open (`x-open-enum`): event types join with the capabilities that emit them, in minor versions.
const eventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).meta({ 'x-open-enum': true });

const eventTypesSchema = z
  .array(eventTypeSchema)
  .min(1, 'must name at least one event type')
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, 'must not name an event type twice')
  .describe('The event types sent to this endpoint');

// Checked further by the use case (https, no credentials, where the host resolves).
const urlSchema = plainTextSchema(2048).describe(
  'Where events are POSTed: https, a public address (private ones only where the operator allows them)',
);
const descriptionSchema = plainTextSchema(500).describe('What the endpoint is for, for people');

export const endpointCreate = z
  .strictObject({
    url: urlSchema,
    eventTypes: eventTypesSchema,
    description: descriptionSchema.optional(),
    enabled: z.boolean().optional().describe('false: events are not queued for it (default true)'),
  })
  .meta({
    id: 'CreateWebhookEndpoint',
    example: {
      url: 'https://hooks.example.com/dunning',
      eventTypes: ['journey.closed', 'payment.recorded', 'handoff.opened'],
      description: 'Billing system',
    },
  });

export const endpointPatch = z
  .strictObject({
    url: urlSchema.optional(),
    eventTypes: eventTypesSchema.optional(),
    description: descriptionSchema.nullable().optional().describe('null removes it'),
    enabled: z
      .boolean()
      .optional()
      .describe('false: nothing is sent to it and no new event is queued; true again sends what waited'),
  })
  .meta({ id: 'UpdateWebhookEndpoint', example: { eventTypes: ['journey.closed'], enabled: true } });

export const rotateSecretBody = z
  .strictObject({
    graceHours: z
      .number()
      .int()
      .min(0)
      .max(MAX_GRACE_HOURS)
      .optional()
      .describe(
        `How long the previous secret still signs, in hours (default ${DEFAULT_GRACE_HOURS}, at most ${MAX_GRACE_HOURS}; 0 ends it now)`,
      ),
  })
  .meta({ id: 'RotateWebhookSecret', example: { graceHours: 24 } });

export const endpointParams = z.object({ endpointId: externalIdSchema });
export const deliveryParams = z.object({ endpointId: externalIdSchema, deliveryId: externalIdSchema });

const limitSchema = queryInt(1, LIST_LIMIT_MAX).default(50).describe(`page size, at most ${LIST_LIMIT_MAX}`);
const pageCursor = cursorSchema.optional().describe('`nextCursor` of the previous page');

/** A newest-first list's page: its size and where the previous one ended. */
export const pageQuery = z.object({ limit: limitSchema, cursor: pageCursor }).strict();
export const endpointListQuery = pageQuery;

export const deliveryListQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional().describe('only deliveries in this status'),
    eventType: eventTypeSchema.optional().describe('only deliveries of this event type'),
    limit: limitSchema,
    cursor: pageCursor,
  })
  .strict();

export const endpointView = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });

const secretField = z
  .string()
  .meta({ description: 'Shown once: store it now. `whsec_` + base64; the HMAC key is the decoded part.' });

export const endpointCreated = endpointView
  .extend({ secret: secretField, ...recorded })
  .meta({ id: 'CreatedWebhookEndpoint' });

export const endpointPage = z
  .object({ items: z.array(endpointView), nextCursor: z.string().nullable().describe('null on the last page') })
  .meta({ id: 'WebhookEndpointPage' });

export const secretRotated = z
  .object({
    endpointId: z.string(),
    secret: secretField,
    previousSecretValidUntil: z
      .string()
      .describe('Until then deliveries carry a signature with the previous secret too: switch your receiver before'),
    ...recorded,
  })
  .meta({ id: 'RotatedWebhookSecret' });

export const deliveryView = z
  .object({
    deliveryId: z.string(),
    eventId: z.string().describe('The `webhook-id` header: the same on every try and redelivery'),
    eventType: z.string(),
    journeyId: z.string(),
    installmentId: z.string(),
    occurredAt: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int().describe('tries so far'),
    lastAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable().describe('what the receiver answered last (null: no answer)'),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export const deliveryPage = z
  .object({ items: z.array(deliveryView), nextCursor: z.string().nullable().describe('null on the last page') })
  .meta({ id: 'WebhookDeliveryPage' });

export const deliveryDetail = deliveryView
  .extend({
    tries: z
      .array(
        z.object({
          attempt: z.number().int(),
          at: z.string(),
          statusCode: z.number().int().nullable(),
          error: z.string().nullable(),
          durationMs: z.number().int(),
        }),
      )
      .describe('every HTTP try, the first first'),
  })
  .meta({ id: 'WebhookDeliveryDetail' });

export const redelivered = z
  .object({
    deliveryId: z.string(),
    eventId: z.string(),
    status: z.literal('pending'),
    ...recorded,
  })
  .meta({ id: 'WebhookRedelivery' });
