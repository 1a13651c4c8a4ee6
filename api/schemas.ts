import { z } from 'zod';
import { channelSchema } from '../domain/channels';
import { dueDateSchema, externalIdSchema, installmentFieldsSchema, localeSchema, phoneSchema, refineInstallment } from '../domain/installment';
import { CANCEL_REASONS, OUTCOMES } from '../domain/journey';
import { timeZoneSchema } from '../domain/local-time';
import { currencySchema, positiveMinorUnitsSchema } from '../domain/money';

/** A realistic start body: the OpenAPI example, and the body tests and benchmarks send. */
export const startJourneyExample = {
  installmentId: 'inst_2026_0042',
  purchaseId: 'pur_981',
  product: { id: 'course-ts', name: 'TypeScript Mastery' },
  buyer: { id: 'buyer_77', name: 'Ana Souza', email: 'ana@example.com', phone: '+5511987654321', locale: 'pt-BR', timezone: 'America/Sao_Paulo', country: 'BR' },
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
const paidAtSchema = isoDateTime()
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
  .meta({ id: 'PaymentReceived', example: { paymentId: 'pay_5521', amountMinor: 19990, currency: 'BRL', paidAt: '2026-12-11T14:03:00Z' } });

export const dueDateBody = z.object({ dueDate: dueDateSchema }).meta({ id: 'DueDateChange', example: { dueDate: '2026-12-20' } });

export const pauseBody = z
  .object({ until: pauseUntilSchema.optional() })
  .meta({ id: 'Pause', example: { until: '2026-12-15T12:00:00Z' } });

export const cancelBody = z.object({ reason: z.enum(CANCEL_REASONS) }).meta({ id: 'Cancel', example: { reason: 'refund' } });

export const contactBody = z
  .object({
    email: z.email('must be an email address').max(254).nullable().optional(),
    phone: phoneSchema.nullable().optional(),
    whatsapp: phoneSchema.nullable().optional(),
    locale: localeSchema.optional(),
    timezone: timeZoneSchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'name at least one field to change' })
  .meta({ id: 'ContactChange', example: { email: 'ana.souza@example.com' } });

export const optOutBody = z.object({ channel: channelSchema }).meta({ id: 'OptOut', example: { channel: 'sms' } });

export const accepted = z.object({ journeyId: z.string(), accepted: z.literal(true) }).meta({ id: 'Accepted' });

const channel = channelSchema;
export const journeyStatusSchema = z
  .object({
    journeyId: z.string(),
    source: z.enum(['workflow', 'database']).describe('workflow = live query of a running journey; database = last recorded state'),
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
        z.object({ kind: z.literal('send'), at: z.string(), stepIndex: z.number().int(), channel, template: z.string() }),
        z.object({ kind: z.literal('final_action'), at: z.string(), action: z.string() }),
        z.object({ kind: z.literal('resume'), at: z.string().nullable() }),
      ])
      .nullable(),
    upcoming: z.array(z.object({ stepIndex: z.number().int(), channel, template: z.string(), at: z.string(), status: z.enum(['scheduled', 'superseded']) })),
    attempts: z.object({ sent: z.number().int(), failed: z.number().int(), skipped: z.number().int() }),
    paused: z.object({ since: z.string(), until: z.string().nullable() }).nullable(),
    reschedules: z.number().int(),
    planRevision: z.number().int(),
    policy: z.object({ id: z.string(), version: z.number().int() }),
    finalAction: z.string().nullable(),
    closedAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
    asOf: z.string(),
  })
  .meta({ id: 'JourneyStatus' });

export const dueDateChanged = z
  .object({ journeyId: z.string(), dueDate: z.string(), status: journeyStatusSchema.omit({ journeyId: true, source: true }) })
  .meta({ id: 'DueDateChanged' });

/** Optional `Idempotency-Key`: a retry with the same key gets the first attempt's answer. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces')
    .optional(),
});
