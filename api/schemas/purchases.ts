import { z } from 'zod';
import {
  buyerSchema,
  dueDateSchema,
  externalIdSchema,
  installmentNumberSchema,
  paymentUrlSchema,
  plainTextSchema,
} from '../../domain/installment';
import { ENTRY_STANDINGS, SCHEDULE_STATUSES } from '../../domain/ledger';
import { currencySchema, positiveMinorUnitsSchema } from '../../domain/value-schemas';
import { paidAtSchema } from './journeys';

export const purchaseParams = z.object({ purchaseId: externalIdSchema });

const scheduleEntrySchema = z
  .object({
    number: installmentNumberSchema,
    installmentId: externalIdSchema
      .optional()
      .describe("The payment system's id of this installment: the one its journey is started with"),
    amountMinor: positiveMinorUnitsSchema,
    dueDate: dueDateSchema,
    status: z.enum(SCHEDULE_STATUSES),
    paidAt: paidAtSchema.optional().describe('When it was paid: required with status `paid`, refused otherwise'),
    paymentUrl: paymentUrlSchema
      .optional()
      .describe("Where the buyer pays this installment (the payment area's Pay now)"),
  })
  .superRefine((entry, ctx) => {
    if (entry.status === 'paid' && entry.paidAt === undefined)
      ctx.addIssue({ code: 'custom', path: ['paidAt'], message: 'is required when status is paid' });
    if (entry.status !== 'paid' && entry.paidAt !== undefined)
      ctx.addIssue({ code: 'custom', path: ['paidAt'], message: 'is allowed only when status is paid' });
  });

export const purchaseScheduleExample = {
  buyer: {
    id: 'buyer_77',
    name: 'Ana Souza',
    email: 'ana@example.com',
    locale: 'pt-BR',
    timezone: 'America/Sao_Paulo',
    country: 'BR',
  },
  product: { id: 'course-ts', name: 'TypeScript Mastery' },
  currency: 'BRL',
  installments: [
    {
      number: 1,
      installmentId: 'inst_2026_0041',
      amountMinor: 19_990,
      dueDate: '2026-11-10',
      status: 'paid',
      paidAt: '2026-11-09T13:00:00Z',
    },
    {
      number: 2,
      installmentId: 'inst_2026_0042',
      amountMinor: 19_990,
      dueDate: '2026-12-10',
      status: 'pending',
      paymentUrl: 'https://pay.example.com/i/inst_2026_0042',
    },
    { number: 3, installmentId: 'inst_2026_0043', amountMinor: 19_990, dueDate: '2027-01-10', status: 'pending' },
  ],
} as const;

/** A purchase and its whole schedule, as the payment system knows it. */
export const purchaseScheduleBody = z
  .object({
    buyer: buyerSchema,
    product: z.object({ id: externalIdSchema, name: plainTextSchema(200) }),
    currency: currencySchema,
    installments: z.array(scheduleEntrySchema).min(1).max(1000),
  })
  .superRefine((purchase, ctx) => {
    // Each installment's number, and its id when given, names one installment of the schedule.
    for (const field of ['number', 'installmentId'] as const) {
      const seen = new Set<unknown>();
      purchase.installments.forEach((entry, i) => {
        const value = entry[field];
        if (value === undefined) return;
        if (seen.has(value))
          ctx.addIssue({ code: 'custom', path: ['installments', i, field], message: 'must be unique in the schedule' });
        seen.add(value);
      });
    }
  })
  .meta({ id: 'PurchaseSchedule', example: purchaseScheduleExample });
export type PurchaseScheduleBody = z.infer<typeof purchaseScheduleBody>;

export const purchasePaymentBody = z
  .object({
    paymentId: externalIdSchema,
    installmentNumber: installmentNumberSchema,
    amountMinor: positiveMinorUnitsSchema,
    currency: currencySchema,
    paidAt: paidAtSchema.optional(),
  })
  .meta({
    id: 'PurchasePayment',
    example: {
      paymentId: 'pay_5522',
      installmentNumber: 2,
      amountMinor: 19_990,
      currency: 'BRL',
      paidAt: '2026-12-11T14:03:00Z',
    },
  });

export const purchasePaymentAccepted = z
  .object({
    purchaseId: z.string(),
    installmentNumber: z.number().int(),
    accepted: z.literal(true),
    journeyId: z.string().nullable().describe('The journey told of it, when the installment has one'),
  })
  .meta({ id: 'PurchasePaymentAccepted' });

export const purchaseLedgerSchema = z
  .object({
    purchaseId: z.string(),
    buyer: z.object({ id: z.string(), locale: z.string(), timezone: z.string() }),
    product: z.object({ id: z.string(), name: z.string() }),
    currency: z.string(),
    installmentCount: z.number().int(),
    installments: z.array(
      z.object({
        number: z.number().int(),
        installmentId: z.string().nullable(),
        amountMinor: z.number().int(),
        dueDate: z.string(),
        currentDueDate: z.string(),
        standing: z.enum(ENTRY_STANDINGS),
        paidMinor: z.number().int(),
        outstandingMinor: z.number().int(),
        paidAt: z.string().nullable(),
        paymentUrl: z.string().nullable(),
        journey: z
          .object({
            journeyId: z.string(),
            outcome: z.string().nullable(),
            policy: z.object({ id: z.string(), version: z.number().int() }).nullable(),
          })
          .nullable(),
      }),
    ),
    payments: z.array(
      z.object({
        paymentId: z.string(),
        installmentNumber: z.number().int(),
        amountMinor: z.number().int(),
        paidAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'PurchaseLedger' });
