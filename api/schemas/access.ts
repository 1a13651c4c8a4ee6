/**
 * The tenant's own administration: the tenant, permission profiles, collaborators and API keys.
 * Every route of these resources is owner only (`ownerOnlyConfig`): no profile, however broad,
 * reaches them, so a collaborator can never change the owner's data or anyone's permissions.
 * Each write is appended to the tenant's audit log and its actor returned as `recordedBy`.
 */
import { z } from 'zod';
import { type ProfileSummary, collaboratorStatus } from '../../application/access';
import type { ApiKeyRow, CollaboratorRow } from '../../db/access-repository';
import type { AuditRow } from '../../db/audit-repository';
import { externalIdSchema, plainTextSchema } from '../../domain/installment';
import { PERMISSIONS } from '../../domain/permissions';
import { URL_TEMPLATE_PLACEHOLDERS, urlTemplateProblem } from '../../domain/url-templates';
import { emailSchema } from '../../domain/value-schemas';

export const accessTags = ['access'];
export const ownerOnlyConfig = { ownerOnly: true } as const;

/** Names are shown to people: trimmed, bounded, no control characters (PostgreSQL refuses NUL). */
export const nameSchema = plainTextSchema(200);
/** Ids in paths and bodies: letters, digits, ".", "_", ":" or "-", at most 128. */
const idParam = externalIdSchema;
export const slugSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{1,62}$/,
    'must be 2–63 characters: lowercase letters, digits, "_" or "-", starting with a letter',
  );
// Open (`x-open-enum`): permissions join with the capabilities that need them, in minor versions.
export const permissionsSchema = z.array(z.enum(PERMISSIONS).meta({ 'x-open-enum': true })).max(PERMISSIONS.length * 4);
export const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const actorSchema = z
  .object({
    keyId: z
      .string()
      .meta({ description: 'The API key’s id, or for a person signed in to the seller app their user id.' }),
    userId: z
      .string()
      .optional()
      .meta({ description: 'Set when a person signed in to the seller app made the change.' }),
    collaboratorId: z.string().optional(),
    profileId: z.string().optional(),
  })
  .meta({
    id: 'Actor',
    description:
      'Who made the change: the key (or signed-in person), and for a collaborator the collaborator and profile.',
  });
export const recorded = { recordedBy: actorSchema };

export const tenantView = z
  .object({
    id: z.string(),
    name: z.string(),
    defaultPolicyId: z
      .string()
      .meta({ description: 'The policy new journeys run unless they name one ("default" = built-in).' }),
    buyerArea: z.object({
      checkoutUrlTemplate: z.string().nullable(),
      paymentMethodUrlTemplate: z.string().nullable(),
    }),
    notificationEmail: z
      .string()
      .nullable()
      .meta({ description: 'Where the seller is emailed when a buyer needs a person (an agent task opens).' }),
    createdAt: z.string().nullable().meta({ description: 'Null until the tenant is first recorded.' }),
  })
  .meta({ id: 'Tenant' });
export const profileView = z
  .object({
    id: z.string(),
    name: z.string(),
    permissions: z.array(z.string()),
    builtIn: z.boolean(),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'Profile' });
export const collaboratorView = z
  .object({
    id: z.string(),
    name: z.string(),
    profileId: z.string(),
    email: z
      .string()
      .nullable()
      .meta({ description: 'The invited person’s email (lower-case); null for a system that only holds API keys.' }),
    status: z.enum(['pending', 'active', 'disabled']).meta({
      description:
        'pending: invited, not yet accepted; active: accepted, or a system without email; disabled: removed (its keys open nothing).',
    }),
    disabled: z.boolean(),
    createdAt: z.string(),
    invitedAt: z.string().nullable().meta({ description: 'When the latest invite was sent.' }),
    acceptedAt: z.string().nullable(),
    disabledAt: z.string().nullable(),
  })
  .meta({ id: 'Collaborator' });
export const keyView = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the secret, to recognise the key.' }),
    collaboratorId: z.string().nullable().meta({ description: 'Null for an owner key.' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

// The default policy is chosen with PUT /v1/tenant/default-policy (policies:write): one rule for it.
const placeholders = URL_TEMPLATE_PLACEHOLDERS.map((n) => `{${n}}`).join(', ');
const urlTemplateSchema = z
  .string()
  .max(2048)
  .superRefine((template, ctx) => {
    const problem = urlTemplateProblem(template);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const tenantPatch = z
  .strictObject({
    name: nameSchema.optional(),
    buyerArea: z
      .strictObject({
        checkoutUrlTemplate: urlTemplateSchema
          .nullable()
          .optional()
          .describe(
            `The payment system's checkout for an amount the buyer chooses ("pay part"); placeholders: ${placeholders}. Null = not offered`,
          ),
        paymentMethodUrlTemplate: urlTemplateSchema
          .nullable()
          .optional()
          .describe(
            `The payment system's page where the buyer changes the payment method; placeholders: ${placeholders}`,
          ),
      })
      .optional()
      .describe("Links of the buyer's payment area to the payment system's own pages (we never see card data)"),
    notificationEmail: emailSchema
      .nullable()
      .optional()
      .describe(
        'Where the seller is emailed when an agent task opens (ids, reason and links only; never the buyer’s words). Null = no email',
      ),
  })
  .meta({
    example: {
      name: 'Acme Courses',
      buyerArea: {
        checkoutUrlTemplate: 'https://pay.example.com/checkout/{purchaseId}/{installmentNumber}?amount={amountMinor}',
        paymentMethodUrlTemplate: 'https://pay.example.com/purchases/{purchaseId}/payment-method',
      },
    },
  });
export const profileCreate = z
  .strictObject({ id: slugSchema, name: nameSchema, permissions: permissionsSchema })
  .meta({ example: { id: 'night-shift', name: 'Night shift', permissions: ['journeys:read', 'journeys:pause'] } });
export const profilePatch = z
  .strictObject({ name: nameSchema.optional(), permissions: permissionsSchema.optional() })
  .meta({ example: { permissions: ['journeys:read', 'journeys:pause', 'contacts:write'] } });
export const collaboratorCreate = z
  .strictObject({
    name: nameSchema,
    profileId: externalIdSchema,
    email: emailSchema
      .optional()
      .meta({ description: 'A person to invite by email (pending until they accept); omit for a system.' }),
  })
  .meta({ example: { name: 'Billing service', profileId: 'payment_system' } });
export const collaboratorPatch = z
  .strictObject({
    name: nameSchema.optional(),
    profileId: externalIdSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .meta({ example: { disabled: true } });
export const keyCreate = z
  .strictObject({
    name: nameSchema,
    collaboratorId: externalIdSchema.optional().meta({ description: 'Omit for a key of the owner.' }),
  })
  .meta({ example: { name: 'billing-prod', collaboratorId: 'col_3f2a9c1d7e5b4a6f8c0d' } });

export const profileParams = z.object({ profileId: idParam });
export const collaboratorParams = z.object({ collaboratorId: idParam });
export const keyParams = z.object({ keyId: idParam });

export const profileOut = (p: ProfileSummary) => ({
  ...p,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});
export const collaboratorOut = (c: CollaboratorRow) => ({
  id: c.id,
  name: c.name,
  profileId: c.profileId,
  email: c.email,
  status: collaboratorStatus(c),
  disabled: c.disabledAt !== null,
  createdAt: c.createdAt.toISOString(),
  invitedAt: iso(c.invitedAt),
  acceptedAt: iso(c.acceptedAt),
  disabledAt: iso(c.disabledAt),
});
export const keyOut = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  collaboratorId: k.collaboratorId,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
});

export const auditEntryView = z
  .object({
    id: z.string(),
    action: z.string().meta({ description: 'What was done, e.g. profile.updated, collaborator.created, key.revoked.' }),
    actor: actorSchema,
    target: z
      .record(z.string(), z.unknown())
      .meta({ description: 'The ids the write concerned (never personal data).' }),
    at: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export const auditEntryOut = (row: AuditRow) => ({
  id: String(row.id),
  action: row.action,
  actor: row.actor,
  target: row.target,
  at: row.at.toISOString(),
});
