import { z } from 'zod';
import { requestComponentRef } from '../openapi';
import {
  dueDateSchema,
  externalIdSchema,
  installmentFieldsSchema,
  localeSchema,
  phoneSchema,
  refineInstallment,
} from '../../domain/installment';
import { CANCEL_REASONS, OUTCOMES, STAGES } from '../../domain/journey';
import {
  channelSchema,
  currencySchema,
  emailSchema,
  positiveMinorUnitsSchema,
  timeZoneSchema,
} from '../../domain/value-schemas';

/** A realistic start body: the OpenAPI example, and the body tests and benchmarks send. */
export const startJourneyExample = {
  installmentId: 'inst_2026_0042',
  purchaseId: 'pur_981',
  product: { id: 'course-ts', name: 'TypeScript Mastery' },
  buyer: {
    id: 'buyer_77',
    name: 'Ana Souza',
    email: 'ana@example.com',
    phone: '+5511987654321',
    locale: 'pt-BR',
    timezone: 'America/Sao_Paulo',
    country: 'BR',
  },
  amount: { amountMinor: 19_990, currency: 'BRL' },
  installmentNumber: 2,
  installmentCount: 6,
  dueDate: '2026-12-10',
  paymentUrl: 'https://pay.example.com/i/inst_2026_0042',
} as const;

/** The start body is the installment without the tenant: the tenant comes from the API key. */
export const startJourneyBody = installmentFieldsSchema
  .omit({ tenantId: true })
  .superRefine(refineInstallment)
  .meta({ id: 'StartJourney', example: startJourneyExample });
export type StartJourneyBody = z.infer<typeof startJourneyBody>;

export const installmentParams = z.object({ installmentId: externalIdSchema });

export const journeyCreated = z
  .object({ journeyId: z.string(), installmentId: z.string(), created: z.boolean(), statusUrl: z.string() })
  .meta({ id: 'JourneyStarted' });

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const EARLIEST_PAYMENT = Date.UTC(2000, 0, 1);
const isoDateTime = () => z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

/**
 * When the payment was made. Bounded so that what we store and order by is plausible: not before
 * 2000, and not beyond a day ahead (room for clock skew between the payment system and us).
 */
export const paidAtSchema = isoDateTime()
  .refine((v) => Date.parse(v) >= EARLIEST_PAYMENT, 'must not be before 2000-01-01T00:00:00Z')
  .refine((v) => Date.parse(v) <= Date.now() + DAY_MS, 'must not be more than 24 hours in the future');

/** The end of a pause: in the future, and within a year (a longer hold is a cancel, not a pause). */
const pauseUntilSchema = isoDateTime()
  .refine((v) => Date.parse(v) > Date.now(), 'must be in the future')
  .refine((v) => Date.parse(v) <= Date.now() + 366 * DAY_MS, 'must be at most 366 days ahead');

export const paymentBody = z
  .object({
    paymentId: externalIdSchema,
    amountMinor: positiveMinorUnitsSchema,
    currency: currencySchema,
    paidAt: paidAtSchema.optional(),
  })
  .meta({
    id: 'PaymentReceived',
    example: { paymentId: 'pay_5521', amountMinor: 19990, currency: 'BRL', paidAt: '2026-12-11T14:03:00Z' },
  });

export const dueDateBody = z
  .object({ dueDate: dueDateSchema })
  .meta({ id: 'DueDateChange', example: { dueDate: '2026-12-20' } });

export const promiseBody = z
  .object({
    date: dueDateSchema.describe("the promised date, in the buyer's time zone"),
    amountMinor: positiveMinorUnitsSchema
      .optional()
      .describe('the promised amount; absent: everything still owed (a part only where the policy allows it)'),
  })
  .meta({ id: 'PromiseToPay', example: { date: '2026-12-20', amountMinor: 19990 } });

export const pauseBody = z
  .object({ until: pauseUntilSchema.optional() })
  .meta({ id: 'Pause', example: { until: '2026-12-15T12:00:00Z' } });

export const cancelBody = z
  .object({ reason: z.enum(CANCEL_REASONS) })
  .meta({ id: 'Cancel', example: { reason: 'refund' } });

export const contactBody = z
  .object({
    email: emailSchema.nullable().optional(),
    phone: phoneSchema.nullable().optional(),
    whatsapp: phoneSchema.nullable().optional(),
    locale: localeSchema.optional(),
    timezone: timeZoneSchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'name at least one field to change' })
  .meta({ id: 'ContactChange', example: { email: 'ana.souza@example.com' } });

export const optOutBody = z
  .object({
    channel: channelSchema.describe(
      'whatsapp also closes the assistant (its messages go out on WhatsApp); assistant closes only the assistant; agent stops calls by the seller’s team',
    ),
  })
  .meta({ id: 'OptOut', example: { channel: 'sms' } });

export const accepted = z.object({ journeyId: z.string(), accepted: z.literal(true) }).meta({ id: 'Accepted' });

const channel = channelSchema;
/** How a journey's policy was chosen: ids only. */
export const journeyRoutingSchema = z
  .object({
    ruleId: z
      .string()
      .nullable()
      .describe('the segment rule that matched; null: named by the installment, or the default'),
    routingVersion: z
      .number()
      .int()
      .nullable()
      .describe('the routing version read; null: the installment named its policy'),
    experimentId: z.string().nullable(),
    arm: z.string().nullable(),
    holdout: z.boolean().describe('held out without reminders: the journey tracks payments and sends none'),
  })
  .meta({ id: 'JourneyRouting' });

export const journeyStatusSchema = z
  .object({
    journeyId: z.string(),
    source: z
      .enum(['workflow', 'database'])
      .describe('workflow = live query of a running journey; database = last recorded state'),
    tenantId: z.string(),
    installmentId: z.string(),
    stage: z.enum(['pre_due', 'overdue', 'paused', 'closed']),
    outcome: z.enum(OUTCOMES).nullable(),
    dueDate: z.string(),
    originalDueDate: z.string(),
    daysOverdue: z.number().int(),
    currency: z.string(),
    amountDueMinor: z.number().int(),
    amountPaidMinor: z.number().int(),
    outstandingMinor: z.number().int(),
    overpaidMinor: z.number().int(),
    nextAction: z
      .union([
        z.object({
          kind: z.literal('send'),
          at: z.string(),
          stepIndex: z.number().int(),
          channel,
          template: z.string(),
        }),
        z.object({ kind: z.literal('final_action'), at: z.string(), action: z.string() }),
        z.object({ kind: z.literal('resume'), at: z.string().nullable() }),
      ])
      .nullable(),
    upcoming: z.array(
      z.object({
        stepIndex: z.number().int(),
        channel,
        template: z.string(),
        at: z.string(),
        status: z.enum(['scheduled', 'superseded']),
      }),
    ),
    attempts: z.object({ sent: z.number().int(), failed: z.number().int(), skipped: z.number().int() }),
    paused: z.object({ since: z.string(), until: z.string().nullable() }).nullable(),
    promise: z
      .object({ date: z.string(), amountMinor: z.number().int(), holdsUntil: z.string() })
      .optional()
      .describe('the open promise to pay, absent when none is open: reminders hold until holdsUntil'),
    reschedules: z.number().int(),
    planRevision: z.number().int(),
    policy: z.object({ id: z.string(), version: z.number().int() }),
    routing: journeyRoutingSchema
      .nullable()
      .optional()
      .describe('how the policy was chosen; null (or absent) for journeys started before routing'),
    finalAction: z.string().nullable(),
    closedAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
    asOf: z.string(),
  })
  .meta({ id: 'JourneyStatus' });

export const promiseRecorded = z
  .object({
    journeyId: z.string(),
    date: z.string(),
    amountMinor: z.number().int(),
    holdsUntil: z.string().describe('reminders hold until this instant (the promised date plus the policy’s grace)'),
    status: journeyStatusSchema.omit({ journeyId: true, source: true }),
  })
  .meta({ id: 'PromiseRecorded' });

export const dueDateChanged = z
  .object({
    journeyId: z.string(),
    dueDate: z.string(),
    status: journeyStatusSchema.omit({ journeyId: true, source: true }),
  })
  .meta({ id: 'DueDateChanged' });

// ——— Many journeys: bulk start, list and search, pause / resume by filter ———

export const BULK_START_MAX = 1000;
export const LIST_LIMIT_MAX = 200;
export const BULK_UPDATE_MAX = 1000;

export const bulkStartBody = z
  .object({
    // Each item is validated on its own, so one bad item does not refuse the others; the
    // document still says what an item is.
    items: z
      .array(
        z
          .unknown()
          .meta({ description: 'a StartJourney body', allOf: [{ $ref: requestComponentRef('StartJourney') }] }),
      )
      .min(1)
      .max(BULK_START_MAX),
  })
  .meta({
    id: 'BulkStartJourneys',
    description: `Up to ${BULK_START_MAX} StartJourney bodies; each is validated and started on its own.`,
    example: {
      items: [
        startJourneyExample,
        {
          installmentId: 'inst_2026_0107',
          purchaseId: 'pur_1204',
          product: { id: 'course-go', name: 'Go in Practice' },
          buyer: {
            id: 'buyer_91',
            name: 'Luis Pérez',
            email: 'luis@example.com',
            locale: 'es',
            timezone: 'America/Mexico_City',
            country: 'MX',
          },
          amount: { amountMinor: 89_900, currency: 'MXN' },
          installmentNumber: 1,
          installmentCount: 3,
          dueDate: '2026-12-12',
          paymentUrl: 'https://pay.example.com/i/inst_2026_0107',
        },
      ],
    },
  });

export const bulkItemResult = z
  .object({
    index: z.number().int().describe('position of the item in `items`'),
    installmentId: z.string().nullable().describe('null when the item has no readable installmentId'),
    status: z
      .union([z.literal(201), z.literal(200), z.literal(400), z.literal(422), z.literal(500), z.literal(503)])
      .describe(
        '201 started, 200 already existed, 400 invalid item, 422 unknown policy, 500 failed on our side / 503 journey service unavailable (retry the item)',
      ),
    journeyId: z.string().optional(),
    errors: z.array(z.object({ in: z.string().optional(), path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'BulkStartItemResult' });

export const bulkStartResult = z
  .object({
    summary: z.object({
      total: z.number().int(),
      started: z.number().int(),
      existing: z.number().int(),
      failed: z.number().int(),
    }),
    results: z.array(bulkItemResult),
  })
  .meta({
    id: 'BulkStartResult',
    description: '200 when every item started or already existed; 207 when at least one item failed (see each result).',
    example: {
      summary: { total: 2, started: 1, existing: 0, failed: 1 },
      results: [
        { index: 0, installmentId: 'inst_2026_0042', status: 201, journeyId: 'dunning/acme/inst_2026_0042' },
        {
          index: 1,
          installmentId: 'inst_2026_0043',
          status: 400,
          errors: [{ in: 'body', path: 'items.1.dueDate', message: 'must be a date YYYY-MM-DD' }],
        },
      ],
    },
  });

const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter((s) => s !== '') : v), z.array(item).min(1).max(10));
export const queryInt = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^-?\d{1,6}$/.test(v) ? Number(v) : v),
    z.number().int().min(min).max(max),
  );

/** Filters shared by the list and by pause / resume by filter. */
export const journeyFilterFields = {
  stage: listOf(z.enum(STAGES)).optional().describe('comma-separated stages, e.g. overdue,paused'),
  outcome: listOf(z.enum(OUTCOMES)).optional().describe('comma-separated outcomes'),
  daysOverdueMin: queryInt(-36_600, 36_600)
    .optional()
    .describe('days since the due date (today, UTC) at least this; negative = days before'),
  daysOverdueMax: queryInt(-36_600, 36_600).optional().describe('days since the due date (today, UTC) at most this'),
  dueFrom: dueDateSchema.optional().describe('due date on or after (YYYY-MM-DD)'),
  dueTo: dueDateSchema.optional().describe('due date on or before (YYYY-MM-DD)'),
  buyerId: externalIdSchema.optional(),
  productId: externalIdSchema.optional(),
};

export const cursorSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by a previous page');

export const journeyListQuery = z
  .object({
    ...journeyFilterFields,
    limit: queryInt(1, LIST_LIMIT_MAX).default(50).describe(`page size, at most ${LIST_LIMIT_MAX}`),
    cursor: cursorSchema.optional().describe('`nextCursor` of the previous page'),
  })
  .strict();

export const journeySummary = z
  .object({
    journeyId: z.string(),
    installmentId: z.string(),
    stage: z.enum(STAGES),
    outcome: z.enum(OUTCOMES).nullable(),
    dueDate: z.string(),
    daysOverdue: z.number().int().describe('days since the due date, today (UTC); negative before it'),
    currency: z.string(),
    amountDueMinor: z.number().int(),
    amountPaidMinor: z.number().int(),
    outstandingMinor: z.number().int(),
    nextActionAt: z.string().nullable(),
    buyerId: z.string().nullable(),
    productId: z.string().nullable(),
    purchaseId: z.string().nullable(),
    subscriptionId: z.string().nullable(),
    policy: z.object({ id: z.string(), version: z.number().int() }),
    statusUrl: z.string(),
  })
  .meta({ id: 'JourneySummary' });

export const journeyPage = z
  .object({ items: z.array(journeySummary), nextCursor: z.string().nullable().describe('null on the last page') })
  .meta({
    id: 'JourneyPage',
    example: {
      items: [
        {
          journeyId: 'dunning/acme/inst_2026_0042',
          installmentId: 'inst_2026_0042',
          stage: 'overdue',
          outcome: null,
          dueDate: '2026-12-10',
          daysOverdue: 3,
          currency: 'BRL',
          amountDueMinor: 19990,
          amountPaidMinor: 0,
          outstandingMinor: 19990,
          nextActionAt: '2026-12-13T12:00:00.000Z',
          buyerId: 'buyer_77',
          productId: 'course-ts',
          purchaseId: 'pur_981',
          subscriptionId: null,
          policy: { id: 'default', version: 1 },
          statusUrl: '/v1/journeys/inst_2026_0042',
        },
      ],
      nextCursor: 'eyJkIjoiMjAyNi0xMi0xMCIsImkiOiJkdW5uaW5nL2FjbWUvaW5zdF8yMDI2XzAwNDIifQ',
    },
  });

export const bulkFilterBody = z
  .object({
    filter: z.object(journeyFilterFields).strict().default({}),
    limit: z
      .number()
      .int()
      .min(1)
      .max(BULK_UPDATE_MAX)
      .default(BULK_UPDATE_MAX)
      .describe(`journeys handled by this call, at most ${BULK_UPDATE_MAX}`),
    cursor: cursorSchema.optional().describe('`nextCursor` of the previous call, to continue'),
  })
  .strict();

export const bulkPauseBody = bulkFilterBody.extend({ until: pauseUntilSchema.optional() }).meta({
  id: 'PauseByFilter',
  example: {
    filter: { stage: ['overdue'], productId: 'course-ts', daysOverdueMin: 1 },
    until: '2026-12-20T12:00:00Z',
  },
});
export const bulkResumeBody = bulkFilterBody.meta({
  id: 'ResumeByFilter',
  example: { filter: { productId: 'course-ts' } },
});

export const bulkUpdateResult = z
  .object({
    matched: z.number().int().describe('journeys this call selected (open ones only)'),
    applied: z.number().int().describe('journeys that received the message'),
    notRunning: z.number().int().describe('journeys that ended meanwhile'),
    unavailable: z.number().int().describe('journeys the journey service could not reach; repeat the call'),
    installmentIds: z.array(z.string()).describe('the installments that received the message'),
    nextCursor: z.string().nullable().describe('more journeys match: call again with this cursor; null when done'),
  })
  .meta({
    id: 'BulkUpdateResult',
    example: {
      matched: 2,
      applied: 2,
      notRunning: 0,
      unavailable: 0,
      installmentIds: ['inst_2026_0042', 'inst_2026_0043'],
      nextCursor: null,
    },
  });
