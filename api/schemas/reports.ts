/**
 * The reports API's queries and answers (application/reports.ts defines the numbers). A period
 * is `from`..`to` (schedule due dates, inclusive), at most MAX_PERIOD_DAYS long, by default the
 * last 30 days in UTC (domain/reports.ts `reportPeriod`).
 */
import { z } from 'zod';
import { CHANNEL_NAMES } from '../../domain/channels';
import { countryCodeSchema, dueDateSchema, externalIdSchema } from '../../domain/installment';
import { ENTRY_STANDINGS } from '../../domain/ledger';
import { MAX_PERIOD_DAYS } from '../../domain/reports';
import { currencySchema } from '../../domain/value-schemas';
import { LIST_LIMIT_MAX, cursorSchema, queryInt } from './journeys';
import { policyIdSchema } from './policies';

const filterFields = {
  from: dueDateSchema
    .optional()
    .describe('first schedule due date of the period (YYYY-MM-DD); default 29 days before `to`'),
  to: dueDateSchema
    .optional()
    .describe(
      `last schedule due date of the period, inclusive; default today (UTC); at most ${MAX_PERIOD_DAYS} days after \`from\``,
    ),
  productId: externalIdSchema.optional(),
  country: countryCodeSchema.optional().describe("the buyer's country (ISO 3166-1 alpha-2)"),
  policyId: policyIdSchema.optional().describe('installments whose journey ran this policy'),
  channel: z
    .enum(CHANNEL_NAMES)
    .optional()
    .describe('installments whose journey sent at least one message on this channel'),
  currency: currencySchema.optional().describe('default: the currency with the most expected in the period'),
};

const limit = queryInt(1, LIST_LIMIT_MAX).optional().describe(`page size, at most ${LIST_LIMIT_MAX} (default 50)`);
const cursor = cursorSchema.optional().describe('`nextCursor` of the previous page');
const windowDays = queryInt(1, 90)
  .optional()
  .describe('attempts sent at most this many days before the payment are credited (default 7)');

export const reportFilterQuery = z.object(filterFields).strict();

export const trackingQuery = z
  .object({
    ...filterFields,
    standing: z.enum(ENTRY_STANDINGS).optional(),
    buyerId: externalIdSchema.optional(),
    limit,
    cursor,
  })
  .strict();

export const trackingExportQuery = z
  .object({ ...filterFields, standing: z.enum(ENTRY_STANDINGS).optional(), buyerId: externalIdSchema.optional() })
  .strict();

export const attributionQuery = z
  .object({
    ...filterFields,
    windowDays,
    paidWithinDays: queryInt(1, 90)
      .optional()
      .describe(
        'the funnel counts an attempt as paid when the payment came at most this many days after it (default 7)',
      ),
  })
  .strict();

export const attributionRowsQuery = z.object({ ...filterFields, windowDays, limit, cursor }).strict();
export const attributionExportQuery = z.object({ ...filterFields, windowDays }).strict();
export const recoveryCurveQuery = z
  .object({ ...filterFields, days: queryInt(1, 366).optional().describe('days after the due date (default 30)') })
  .strict();

export const installmentParams = z.object({ installmentId: externalIdSchema });
export const purchaseInstallmentParams = z.object({
  purchaseId: externalIdSchema,
  number: queryInt(1, 100_000),
});

const minor = z.number().int();
const isoDate = z.string().describe('YYYY-MM-DD');
const isoInstant = z.string().describe('ISO 8601 instant');

export const overviewSchema = z
  .object({
    currency: z.string().nullable().describe('the currency of every amount; null when nothing was expected'),
    currencies: z.array(z.string()).describe('every currency with expected amounts in the period, most first'),
    expectedMinor: minor,
    paidMinor: minor,
    collectionEfficiency: z.number().nullable().describe('paid / expected, 0–100, one decimal'),
    installments: z.object({
      expected: z.number().int(),
      paidOnTime: z.number().int(),
      recovered: z.number().int(),
      paidLateWithoutJourney: z.number().int(),
      open: z.number().int(),
    }),
    recoveredMinor: minor,
    inRecoveryNow: z.object({ journeys: z.number().int(), outstandingMinor: minor }),
    expectedUpcoming: z.object({ days: z.number().int(), installments: z.number().int(), amountMinor: minor }),
  })
  .meta({ id: 'ReportOverview' });

const trackingRowSchema = z
  .object({
    installmentId: z.string().nullable(),
    purchaseId: z.string().nullable(),
    installmentNumber: z.number().int(),
    productId: z.string(),
    productName: z.string(),
    buyerId: z.string(),
    buyerName: z.string(),
    dueDate: isoDate,
    amountMinor: minor,
    paidMinor: minor,
    outstandingMinor: minor,
    currency: z.string(),
    standing: z.enum(ENTRY_STANDINGS),
    journey: z.object({ id: z.string(), stage: z.string(), outcome: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'TrackingRow' });

export const trackingPageSchema = z
  .object({ rows: z.array(trackingRowSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'TrackingPage' });

const timelineEntrySchema = z.object({
  at: isoInstant,
  kind: z.enum(['attempt', 'event']),
  type: z.string(),
  channel: z.string().optional(),
  template: z.string().optional(),
  status: z.string().optional(),
  provider: z.string().optional(),
  actor: z.object({ kind: z.string(), id: z.string() }).optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

export const paymentDetailsSchema = z
  .object({
    purchase: z.object({
      purchaseId: z.string().nullable(),
      productId: z.string(),
      productName: z.string(),
      currency: z.string(),
    }),
    buyer: z.object({
      buyerId: z.string(),
      name: z.string(),
      email: z.string().nullable(),
      country: z.string().nullable(),
    }),
    amounts: z.object({ paidOnTimeMinor: minor, paidLateMinor: minor, overdueMinor: minor, pendingMinor: minor }),
    installments: z.array(trackingRowSchema),
    installment: trackingRowSchema.extend({
      timeline: z.array(timelineEntrySchema),
      temporalUiUrl: z.string().nullable(),
      workflowId: z.string().nullable(),
      policyChoice: z
        .object({
          policyId: z.string(),
          policyVersion: z.number().int(),
          ruleId: z.string().nullable(),
          routingVersion: z.number().int().nullable(),
          experimentId: z.string().nullable(),
          arm: z.string().nullable(),
        })
        .nullable()
        .describe('how the journey’s policy was chosen (segment rule, experiment arm); null when no journey ran'),
    }),
  })
  .meta({ id: 'PaymentDetails' });

const stepSchema = z.object({ stepIndex: z.number().int(), channel: z.string(), template: z.string() });

export const attributionSchema = z
  .object({
    windowDays: z.number().int(),
    paidWithinDays: z.number().int(),
    byStep: z.array(
      z.object({
        stepIndex: z.number().int().nullable(),
        channel: z.string().nullable(),
        recovered: z.number().int(),
        recoveredMinor: minor,
      }),
    ),
    funnel: z.array(
      stepSchema.extend({ sent: z.number().int(), delivered: z.number().int(), paidWithin: z.number().int() }),
    ),
  })
  .meta({ id: 'AttributionReport' });

export const attributionRowsSchema = z
  .object({
    rows: z.array(
      z.object({
        installmentId: z.string(),
        journeyId: z.string(),
        paymentAt: isoInstant,
        recoveredMinor: minor,
        currency: z.string(),
        step: stepSchema.extend({ sentAt: isoInstant }).nullable(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'AttributionRows' });

export const recoveryCurveSchema = z
  .array(z.object({ day: z.number().int(), share: z.number().min(0).max(1) }))
  .meta({ id: 'RecoveryCurve' });

export const dailyRecoveredSchema = z
  .array(z.object({ date: isoDate, recoveredMinor: minor }))
  .meta({ id: 'DailyRecovered' });
