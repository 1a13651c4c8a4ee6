import { z } from 'zod';
import { SUPPORTED_LOCALES } from './locales';
import {
  currencySchema,
  emailSchema,
  localDateSchema,
  positiveMinorUnitsSchema,
  timeZoneSchema,
} from './value-schemas';
import { freeTextSchema, plainTextSchema } from './text';

/** Identifiers we put in workflow IDs and URLs: no spaces, no slashes, nothing personal by design. */
export const externalIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must contain only letters, digits, ".", "_", ":" or "-"');

export { plainTextSchema };

/** Installment dates we can plan, store and show: the ladder runs in years 2000 to 2100. */
export const dueDateSchema = localDateSchema.refine(
  (d) => d >= '2000-01-01' && d <= '2100-12-31',
  'must be between 2000-01-01 and 2100-12-31',
);

export const localeSchema = z.enum(SUPPORTED_LOCALES);

export const countryCodeSchema = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as BR');

/** E.164 phone number, e.g. +5511987654321. */
export const phoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +5511987654321');

/** An installment's place in its purchase: 1 to 10,000. */
export const installmentNumberSchema = z.number().int().min(1).max(10_000);

/** Where the buyer pays: an http(s) URL of the payment system. */
export const paymentUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);

export const buyerSchema = z.object({
  id: externalIdSchema,
  name: plainTextSchema(200),
  email: emailSchema.optional(),
  phone: phoneSchema.optional(),
  whatsapp: phoneSchema.optional(),
  locale: localeSchema.default('en'),
  timezone: timeZoneSchema,
  country: countryCodeSchema.optional(),
});
export type Buyer = z.infer<typeof buyerSchema>;

/**
 * The installment's fields, before the cross-field rules (kept apart so the API can derive its
 * body from it). Other fields are dropped, as the published contract promises its senders; only
 * `segment`, which would mean a policy, is refused.
 */
export const installmentFieldsSchema = z.object({
  tenantId: externalIdSchema,
  installmentId: externalIdSchema,
  purchaseId: externalIdSchema.optional(),
  subscriptionId: externalIdSchema.optional(),
  product: z.object({ id: externalIdSchema, name: plainTextSchema(200) }),
  buyer: buyerSchema,
  amount: z.object({ amountMinor: positiveMinorUnitsSchema, currency: currencySchema }),
  installmentNumber: installmentNumberSchema,
  installmentCount: z.number().int().min(1).max(10_000),
  dueDate: dueDateSchema,
  paymentUrl: paymentUrlSchema,
  policyId: z.string().min(1).max(64).optional(),
  /**
   * Not a field of ours: the tenant's segment rules (`PUT /v1/segments`) choose the policy from
   * the installment. Declared only so that a sender who sets it is told (400) instead of having it
   * dropped while the journey runs a policy they did not mean.
   */
  segment: z
    .never({
      error:
        'is not a field: the tenant’s segment rules (PUT /v1/segments) choose the policy; or name one with policyId',
    })
    .optional(),
  metadata: z.record(plainTextSchema(64), z.union([freeTextSchema(500), z.number().finite(), z.boolean()])).default({}),
});

export function refineInstallment(
  v: { installmentNumber: number; installmentCount: number; metadata: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  if (v.installmentNumber > v.installmentCount) {
    ctx.addIssue({ code: 'custom', path: ['installmentNumber'], message: 'must not exceed installmentCount' });
  }
  if (Object.keys(v.metadata).length > 50) {
    ctx.addIssue({ code: 'custom', path: ['metadata'], message: 'must have at most 50 keys' });
  }
}

export const installmentInputSchema = installmentFieldsSchema.superRefine(refineInstallment);
export type InstallmentInput = z.infer<typeof installmentInputSchema>;
