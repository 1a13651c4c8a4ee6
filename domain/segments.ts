import { z } from 'zod';
import { countryCodeSchema, externalIdSchema, installmentNumberSchema, type InstallmentInput } from './installment';
import { policySchema } from './policy';
import { plainTextSchema } from './text';
import { currencySchema, minorUnitsSchema } from './value-schemas';

/**
 * Segment routing: a tenant's ordered rules that pick the policy a new journey runs from its
 * installment. The first rule whose every condition holds wins; no rule matching leaves the
 * tenant's default policy. An installment that names a policy itself (`policyId`) keeps it:
 * routing (and any experiment) is skipped for it.
 *
 * Every object is strict: a misspelt condition would otherwise be dropped and its rule would
 * match everyone.
 */

export const policyIdSchema = policySchema.shape.id;
export const ruleIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, - or _');

const amountConditionSchema = z
  .strictObject({
    currency: currencySchema,
    /** Inclusive bounds in minor units; amounts in other currencies do not match. */
    minMinor: minorUnitsSchema.optional(),
    maxMinor: minorUnitsSchema.optional(),
  })
  .refine((a) => a.minMinor === undefined || a.maxMinor === undefined || a.minMinor <= a.maxMinor, {
    path: ['maxMinor'],
    message: 'must not be below minMinor',
  });

const installmentNumberConditionSchema = z
  .strictObject({ min: installmentNumberSchema.optional(), max: installmentNumberSchema.optional() })
  .refine((n) => n.min === undefined || n.max === undefined || n.min <= n.max, {
    path: ['max'],
    message: 'must not be below min',
  });

/** `equals` absent: the key only has to be present. */
const metadataConditionSchema = z.strictObject({
  key: plainTextSchema(64),
  equals: z.union([z.string().max(500), z.number().finite(), z.boolean()]).optional(),
});

/** Every condition given must hold; an absent condition holds for every installment. */
export const segmentConditionsSchema = z.strictObject({
  productIds: z.array(externalIdSchema).min(1).max(500).optional(),
  amount: amountConditionSchema.optional(),
  currencies: z.array(currencySchema).min(1).max(50).optional(),
  /** The buyer's country (ISO 3166-1 alpha-2); a buyer without one matches no country list. */
  countries: z.array(countryCodeSchema).min(1).max(250).optional(),
  installmentNumber: installmentNumberConditionSchema.optional(),
  metadata: z.array(metadataConditionSchema).min(1).max(20).optional(),
});
export type SegmentConditions = z.infer<typeof segmentConditionsSchema>;

export const segmentRuleSchema = z.strictObject({
  id: ruleIdSchema,
  name: plainTextSchema(200),
  when: segmentConditionsSchema,
  policyId: policyIdSchema,
});
export type SegmentRule = z.infer<typeof segmentRuleSchema>;

/** The routing document as a tenant writes it (the version is assigned when it is stored). */
export const routingDraftSchema = z
  .strictObject({ rules: z.array(segmentRuleSchema).max(100) })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: 'is used twice' });
      seen.add(rule.id);
    });
  });
export type RoutingDraft = z.infer<typeof routingDraftSchema>;
export type RoutingDocument = RoutingDraft & { version: number };

/** A tenant that never saved a routing document routes every journey to its default. */
export const EMPTY_ROUTING: RoutingDocument = { version: 0, rules: [] };

export function ruleMatches(when: SegmentConditions, installment: InstallmentInput): boolean {
  const { amount, buyer, product, installmentNumber, metadata } = installment;
  if (when.productIds && !when.productIds.includes(product.id)) return false;
  if (when.currencies && !when.currencies.includes(amount.currency)) return false;
  if (when.countries && (buyer.country === undefined || !when.countries.includes(buyer.country))) return false;
  if (when.amount) {
    const { currency, minMinor, maxMinor } = when.amount;
    if (amount.currency !== currency) return false;
    if (minMinor !== undefined && amount.amountMinor < minMinor) return false;
    if (maxMinor !== undefined && amount.amountMinor > maxMinor) return false;
  }
  if (when.installmentNumber) {
    const { min, max } = when.installmentNumber;
    if ((min !== undefined && installmentNumber < min) || (max !== undefined && installmentNumber > max)) return false;
  }
  return (when.metadata ?? []).every(({ key, equals }) =>
    equals === undefined ? Object.hasOwn(metadata, key) : metadata[key] === equals,
  );
}

/** The first rule the installment matches; null when none does (the tenant default applies). */
export function routeInstallment(routing: RoutingDraft, installment: InstallmentInput): SegmentRule | null {
  return routing.rules.find((rule) => ruleMatches(rule.when, installment)) ?? null;
}

/**
 * How a journey's policy was chosen, recorded on the journey for good (ids only, nothing
 * personal): the rule that matched (null: the installment named its policy, or no rule matched
 * and the tenant default applied), the routing version read, and the experiment arm.
 */
export interface JourneyRouting {
  ruleId: string | null;
  /** null when routing was not consulted (the installment named its policy). */
  routingVersion: number | null;
  experimentId: string | null;
  arm: string | null;
  /** The experiment's holdout without reminders: the journey tracks payments and sends no reminder. */
  holdout: boolean;
}

export const NOT_ROUTED: JourneyRouting = {
  ruleId: null,
  routingVersion: null,
  experimentId: null,
  arm: null,
  holdout: false,
};
