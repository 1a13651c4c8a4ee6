import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { Buyer } from '../domain/installment';
import type { AuditEvent } from '../domain/journey';
import type { ExperimentDraft } from '../domain/experiments';
import type { Policy } from '../domain/policy';
import type { RoutingDraft } from '../domain/segments';
import type { JourneyStatus } from '../domain/status';
import { journeyState } from './journey-state';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
// Amounts are integer minor units; bigint in mode 'number' keeps them exact up to 2^53.
const minor = (name: string) => bigint(name, { mode: 'number' }).notNull();

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** The policy new journeys run unless they name one; null = the built-in default. */
  defaultPolicyId: text('default_policy_id'),
  /** The buyer area's links to the payment system's pages (domain/url-templates.ts); null = not offered. */
  checkoutUrlTemplate: text('checkout_url_template'),
  paymentMethodUrlTemplate: text('payment_method_url_template'),
  /** Where the seller hears of work for a person (an agent task opened); null = no email, the task is still listed. */
  notificationEmail: text('notification_email'),
  createdAt: createdAt(),
});

/** A named set of permissions given to collaborators. Built-in profiles are seeded per tenant. */
export const permissionProfiles = pgTable(
  'permission_profiles',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: text('id').notNull(),
    name: text('name').notNull(),
    permissions: jsonb('permissions').$type<string[]>().notNull(),
    builtIn: boolean('built_in').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** A person or system the owner authorized; acts through one profile. */
export const collaborators = pgTable(
  'collaborators',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: text('id').notNull(),
    name: text('name').notNull(),
    profileId: text('profile_id').notNull(),
    /**
     * Lower-case email of a person invited to the seller app; null for a system that only holds
     * API keys. The person becomes `user_id` when they accept the invite (`accepted_at`).
     */
    email: text('email'),
    userId: text('user_id'),
    invitedAt: timestamp('invited_at', { withTimezone: true, mode: 'date' }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // One active seat per person and tenant; a removed collaborator may be invited again.
    uniqueIndex('collaborators_tenant_email_uq')
      .on(t.tenantId, t.email)
      .where(sql`${t.email} is not null and ${t.disabledAt} is null`),
    // "Accounts I assist": the tenants a signed-in person collaborates with.
    index('collaborators_user_idx')
      .on(t.userId)
      .where(sql`${t.userId} is not null`),
  ],
);

/** A person who signs in to the seller app by an emailed link: an owner, a collaborator, or both. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    /** Lower-case. Personal data: never in logs, URLs or the audit log (which records the id). */
    email: text('email').notNull(),
    name: text('name'),
    createdAt: createdAt(),
    lastSignedInAt: timestamp('last_signed_in_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email)],
);

/** The people who own a tenant: everything is open to them, as to the owner's API keys. */
export const tenantOwners = pgTable(
  'tenant_owners',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] }), index('tenant_owners_user_idx').on(t.userId)],
);

/**
 * Single-use links sent by email: a sign-in link, or a collaborator's invite (`tenant_id` and
 * `collaborator_id` set). Only a SHA-256 digest of the token is stored.
 */
export const signInLinks = pgTable(
  'sign_in_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    /** `sign_in` or `invite`. */
    purpose: text('purpose').notNull(),
    email: text('email').notNull(),
    tenantId: text('tenant_id'),
    collaboratorId: text('collaborator_id'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  },
  // Link requests are rate limited per address: the recent ones are counted by this index.
  (t) => [index('sign_in_links_email_idx').on(t.email, t.createdAt)],
);

/**
 * Seller app sessions (the session plugin's store). The row's id is a SHA-256 digest of the
 * cookie's session id, so a copy of this table opens no session.
 */
export const webSessions = pgTable(
  'web_sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    /** The plugin's session object: the signed-in user, the account (tenant) in use, the CSRF secret. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('web_sessions_user_idx').on(t.userId), index('web_sessions_expires_idx').on(t.expiresAt)],
);

/**
 * API keys: only a SHA-256 digest of the secret is stored (the secret is shown once). A key
 * belongs to the owner (collaborator_id null) or to one collaborator.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    collaboratorId: text('collaborator_id'),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    /** The first characters of the secret, to recognise a key in lists. */
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('api_keys_secret_hash_uq').on(t.secretHash), index('api_keys_tenant_idx').on(t.tenantId)],
);

/** Versioned policy documents; a journey keeps the version it started with. */
export const policies = pgTable(
  'policies',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: text('id').notNull(),
    version: integer('version').notNull(),
    document: jsonb('document').$type<Policy>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id, t.version] })],
);

/** A tenant's segment routing documents, one row per version; a journey records the version it was routed by. */
export const routingDocuments = pgTable(
  'routing_documents',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    version: integer('version').notNull(),
    document: jsonb('document').$type<RoutingDraft>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.version] })],
);

/** Experiments on a segment rule: draft → running → stopped. At most one runs per rule. */
export const experiments = pgTable(
  'experiments',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: text('id').notNull(),
    ruleId: text('rule_id').notNull(),
    document: jsonb('document').$type<ExperimentDraft>().notNull(),
    state: text('state').notNull().default('draft'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    stoppedAt: timestamp('stopped_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('experiments_running_rule_uq')
      .on(t.tenantId, t.ruleId)
      .where(sql`${t.state} = 'running'`),
  ],
);

/**
 * Append-only audit of tenant-level writes (profiles, collaborators, keys, policies, the tenant
 * itself): who did what. Journey writes are audited in `events`. A trigger refuses UPDATE,
 * DELETE and TRUNCATE.
 */
/** Who made a tenant-level write: ids only, never a name or an email. (A type: answers take it as a record.) */
export type AuditActor = {
  /** The API key's id, or for a person signed in to the seller app their user id (= `userId`). */
  keyId: string;
  userId?: string;
  collaboratorId?: string;
  profileId?: string;
};

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: text('tenant_id').notNull(),
    action: text('action').notNull(),
    /** The API key (or the signed-in person), and for a collaborator who and through which profile. */
    actor: jsonb('actor').$type<AuditActor>().notNull(),
    target: jsonb('target').$type<Record<string, unknown>>().notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_tenant_time_idx').on(t.tenantId, t.at)],
);

/** Answers to writes made with an Idempotency-Key: a retry gets the first answer back. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: text('tenant_id').notNull(),
    key: text('key').notNull(),
    route: text('route').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code').notNull(),
    responseBody: jsonb('response_body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

export const installments = pgTable(
  'installments',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    installmentId: text('installment_id').notNull(),
    purchaseId: text('purchase_id'),
    subscriptionId: text('subscription_id'),
    productId: text('product_id').notNull(),
    productName: text('product_name').notNull(),
    buyerId: text('buyer_id').notNull(),
    /** Current contact data; kept here, out of workflow IDs, search attributes and the audit log. */
    buyer: jsonb('buyer').$type<Buyer>().notNull(),
    amountMinor: minor('amount_minor'),
    currency: text('currency').notNull(),
    installmentNumber: integer('installment_number').notNull(),
    installmentCount: integer('installment_count').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    paymentUrl: text('payment_url').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string | number | boolean>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.installmentId] }),
    index('installments_buyer_idx').on(t.tenantId, t.buyerId),
    // Support actions find journeys by purchase (refunds), subscription and product.
    index('installments_purchase_idx').on(t.tenantId, t.purchaseId),
    index('installments_subscription_idx').on(t.tenantId, t.subscriptionId),
    index('installments_product_idx').on(t.tenantId, t.productId),
    // Webhooks find a buyer's journeys by the address a STOP or a bounce came from.
    index('installments_buyer_email_idx').on(sql`lower(${t.buyer}->>'email')`),
    index('installments_buyer_phone_idx').on(sql`(${t.buyer}->>'phone')`),
    index('installments_buyer_whatsapp_idx').on(sql`(${t.buyer}->>'whatsapp')`),
    // The reports read a period's installments that no schedule names by their due date.
    index('installments_tenant_due_idx').on(t.tenantId, t.dueDate),
  ],
);

/** The projection of each journey, written by the workflow through the recordJourney activity. */
export const journeys = pgTable(
  'journeys',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    installmentId: text('installment_id').notNull(),
    // The installment's IDs, kept here so that lists filter and order on this table alone.
    buyerId: text('buyer_id').notNull(),
    productId: text('product_id').notNull(),
    purchaseId: text('purchase_id'),
    subscriptionId: text('subscription_id'),
    runId: text('run_id').notNull(),
    policyId: text('policy_id').notNull(),
    policyVersion: integer('policy_version').notNull(),
    /** How the policy was chosen (null: named by the installment, the default, or before routing existed). */
    ruleId: text('rule_id'),
    routingVersion: integer('routing_version'),
    experimentId: text('experiment_id'),
    experimentArm: text('experiment_arm'),
    stage: text('stage').notNull(),
    outcome: text('outcome'),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    originalDueDate: date('original_due_date', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    amountDueMinor: minor('amount_due_minor'),
    amountPaidMinor: minor('amount_paid_minor'),
    overpaidMinor: minor('overpaid_minor'),
    nextActionAt: timestamp('next_action_at', { withTimezone: true, mode: 'date' }),
    status: jsonb('status').$type<JourneyStatus>().notNull(),
    /** Sequence of the newest event reflected here: older projections never overwrite newer ones. */
    lastSeq: integer('last_seq').notNull(),
    /** The stage last announced to the tenant's webhooks (`journey.stage_changed`); null before the first. */
    publishedStage: text('published_stage'),
    startedAt: createdAt(),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('journeys_installment_uq').on(t.tenantId, t.installmentId),
    // Lists are ordered by (due_date, id): each index ends with them, after the columns a filter fixes.
    index('journeys_tenant_due_idx').on(t.tenantId, t.dueDate, t.id),
    // The reports' periods select by the schedule's due date, which a journey's reschedule leaves as it was.
    index('journeys_tenant_original_due_idx').on(t.tenantId, t.originalDueDate),
    index('journeys_tenant_state_idx').on(t.tenantId, journeyState(t), t.dueDate, t.id),
    index('journeys_tenant_product_idx').on(t.tenantId, t.productId, t.dueDate, t.id),
    index('journeys_tenant_product_state_idx').on(t.tenantId, t.productId, journeyState(t), t.dueDate, t.id),
    index('journeys_tenant_buyer_idx').on(t.tenantId, t.buyerId, t.dueDate, t.id),
    index('journeys_tenant_purchase_idx')
      .on(t.tenantId, t.purchaseId, t.dueDate, t.id)
      .where(sql`${t.purchaseId} is not null`),
    // An experiment's results read its journeys arm by arm.
    index('journeys_tenant_experiment_idx')
      .on(t.tenantId, t.experimentId, t.experimentArm)
      .where(sql`${t.experimentId} is not null`),
    index('journeys_tenant_subscription_idx')
      .on(t.tenantId, t.subscriptionId, t.dueDate, t.id)
      .where(sql`${t.subscriptionId} is not null`),
  ],
);

/**
 * Every delivery attempt. Written before the provider is called (the intent row, status
 * `sending`), so a retried activity knows what may already have gone out; for the outbox
 * channel the row is the message itself. Rows from `sending` on are the buyer's contact ledger.
 */
export const attempts = pgTable(
  'attempts',
  {
    id: text('id').primaryKey(),
    journeyId: text('journey_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    /** Null only on rows written before the per-buyer ledger existed. */
    buyerId: text('buyer_id'),
    planRevision: integer('plan_revision').notNull(),
    stepIndex: integer('step_index').notNull(),
    channel: text('channel').notNull(),
    requestedChannel: text('requested_channel').notNull(),
    template: text('template').notNull(),
    provider: text('provider').notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    /** See ATTEMPT_STATUSES in db/contact-repository.ts. */
    status: text('status').notNull(),
    /** WhatsApp: `free_form` inside the buyer's 24-hour window, otherwise `template`. */
    whatsappMode: text('whatsapp_mode'),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
    /** When the message went out (or was about to): the instant the contact ledger counts. */
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('attempts_journey_idx').on(t.journeyId, t.createdAt),
    index('attempts_buyer_ledger_idx').on(t.tenantId, t.buyerId, t.sentAt),
    index('attempts_provider_message_idx').on(t.providerMessageId),
  ],
);

/**
 * What we know about an address on a channel, for every journey that uses it: consent (a STOP,
 * a complaint, a START), permanent unreachability (a hard bounce), and the buyer's last inbound
 * message (which opens WhatsApp's 24-hour window). Keyed by the address, not the buyer: a
 * carrier-level STOP applies to the number whichever seller's journey it came from.
 */
export const contactPoints = pgTable(
  'contact_points',
  {
    channel: text('channel').notNull(),
    /** Lower-case email, or an E.164 number without any `whatsapp:` prefix. */
    address: text('address').notNull(),
    optedOutAt: timestamp('opted_out_at', { withTimezone: true, mode: 'date' }),
    /** Who said so: `twilio:stop`, `twilio:21610`, `resend:complaint`, `api`, `link`. */
    optOutSource: text('opt_out_source'),
    suppressedAt: timestamp('suppressed_at', { withTimezone: true, mode: 'date' }),
    suppressionReason: text('suppression_reason'),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.address] })],
);

/**
 * A buyer's "stop" on a channel, recorded by the seller's support (by phone, by email, on a
 * journey): the buyer's, not one journey's, so it holds for every journey of theirs in this
 * tenant — the ones open now and the ones that start later — until the buyer says otherwise
 * (support records their opt-in, or they send START from that address).
 */
export const buyerOptOuts = pgTable(
  'buyer_opt_outs',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    buyerId: text('buyer_id').notNull(),
    channel: text('channel').notNull(),
    /** Where it was said: `support` (the buyer route), `support:journey` (a journey's route). */
    source: text('source').notNull(),
    /** Who recorded it (key, collaborator, profile). */
    recordedBy: jsonb('recorded_by').$type<Record<string, string>>().notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.buyerId, t.channel] })],
);

export const payments = pgTable(
  'payments',
  {
    journeyId: text('journey_id').notNull(),
    paymentId: text('payment_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    amountMinor: minor('amount_minor'),
    currency: text('currency').notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true, mode: 'date' }).notNull(),
    recordedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.paymentId] })],
);

/** Append-only audit log: a database trigger refuses UPDATE and DELETE. */
export const events = pgTable(
  'events',
  {
    journeyId: text('journey_id').notNull(),
    seq: integer('seq').notNull(),
    tenantId: text('tenant_id').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<AuditEvent>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.seq] }), index('events_tenant_time_idx').on(t.tenantId, t.occurredAt)],
);

/**
 * The purchase ledger (domain/ledger.ts): what the payment system reports of a purchase, whether
 * or not its installments became journeys. Installments that did are found through
 * `installments.purchase_id`, and their journeys' payments through `payments`.
 */
export const purchases = pgTable(
  'purchases',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    purchaseId: text('purchase_id').notNull(),
    buyerId: text('buyer_id').notNull(),
    /** Current contact data, as for installments: never in URLs, workflow IDs or logs. */
    buyer: jsonb('buyer').$type<Buyer>().notNull(),
    productId: text('product_id').notNull(),
    productName: text('product_name').notNull(),
    currency: text('currency').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.purchaseId] }), index('purchases_buyer_idx').on(t.tenantId, t.buyerId)],
);

/** A purchase's schedule: one row per installment, replaced by each schedule update. */
export const purchaseInstallments = pgTable(
  'purchase_installments',
  {
    tenantId: text('tenant_id').notNull(),
    purchaseId: text('purchase_id').notNull(),
    number: integer('number').notNull(),
    /** The payment system's id of the installment, when it has one (the id its journey starts with). */
    installmentId: text('installment_id'),
    amountMinor: minor('amount_minor'),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    canceled: boolean('canceled').notNull().default(false),
    paymentUrl: text('payment_url'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.purchaseId, t.number] }),
    // The reports' periods: a tenant's installments due between two dates, in tracking's page order.
    index('purchase_installments_tenant_due_idx').on(t.tenantId, t.dueDate, t.purchaseId, t.number),
    // A payment's details are asked for by the payment system's installment id.
    index('purchase_installments_installment_idx')
      .on(t.tenantId, t.installmentId)
      .where(sql`${t.installmentId} is not null`),
    foreignKey({
      name: 'purchase_installments_purchase_fk',
      columns: [t.tenantId, t.purchaseId],
      foreignColumns: [purchases.tenantId, purchases.purchaseId],
    }),
  ],
);

/**
 * Payments reported for a purchase (and the paid statements of its schedules). Never updated or
 * deleted by a schedule update; counted once by payment id, also against the journeys' own.
 */
export const purchasePayments = pgTable(
  'purchase_payments',
  {
    tenantId: text('tenant_id').notNull(),
    purchaseId: text('purchase_id').notNull(),
    paymentId: text('payment_id').notNull(),
    installmentNumber: integer('installment_number').notNull(),
    amountMinor: minor('amount_minor'),
    currency: text('currency').notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** `schedule` (a schedule said it was paid) or `api` (a payment reported for the purchase). */
    source: text('source').notNull(),
    recordedAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.purchaseId, t.paymentId] }),
    foreignKey({
      name: 'purchase_payments_purchase_fk',
      columns: [t.tenantId, t.purchaseId],
      foreignColumns: [purchases.tenantId, purchases.purchaseId],
    }),
  ],
);

/**
 * A buyer's conversation on a text channel (WhatsApp or SMS) in one tenant: one per buyer and
 * channel, run by the `buyerConversation` workflow whose ID is this row's id (no personal data:
 * domain/conversation.ts). Closed by inactivity; the buyer's next message opens it again, with
 * its history. The address is personal data: it stays here, never in the workflow.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    buyerId: text('buyer_id').notNull(),
    /** `whatsapp` or `sms`: the channel the buyer writes on. */
    channel: text('channel').notNull(),
    /** The buyer's address (E.164, no `whatsapp:` prefix). */
    address: text('address').notNull(),
    /** The number the buyer last wrote to: replies go out from it (a number per language). */
    replyFrom: text('reply_from'),
    locale: text('locale').notNull(),
    /** `open` (the assistant answers), `handoff` (a person does), `closed` (inactive). */
    status: text('status').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The buyer's last message: a free-form reply goes out only within the channel's window of it. */
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true, mode: 'date' }),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('conversations_tenant_status_idx').on(t.tenantId, t.status, t.lastMessageAt),
    index('conversations_address_idx').on(t.channel, t.address),
  ],
);

/** Every message of a conversation, in and out, with what the assistant did to write it. */
export const conversationMessages = pgTable(
  'conversation_messages',
  {
    /** Inbound: `in/<provider message id>` (a redelivered webhook is one message); outbound: the turn's key. */
    id: text('id').primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    tenantId: text('tenant_id').notNull(),
    /** `inbound` (the buyer) or `outbound` (the assistant, an agent, the system). */
    direction: text('direction').notNull(),
    /** `buyer`, `assistant`, `agent` or `system`. */
    author: text('author').notNull(),
    /** Who wrote it when a person did: the API key / collaborator (never personal data). */
    authorId: text('author_id'),
    text: text('text').notNull(),
    /** Outbound assistant replies: `openai`, `menu` or `template` (a guardrail replaced the model's words). */
    engine: text('engine'),
    /** The tools the turn called, with their arguments and results (see domain/assistant/tools.ts). */
    toolCalls: jsonb('tool_calls').$type<unknown[]>(),
    /** Why a guardrail refused the model's reply, when it did. */
    guardrail: text('guardrail'),
    /** The delivery attempt that carried an outbound message (attempts.id). */
    attemptId: text('attempt_id'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('conversation_messages_conversation_idx').on(t.conversationId, t.at, t.id)],
);

/**
 * Work for a person: a conversation handed over (`handoff`, from the assistant or the buyer's
 * words) or a ladder step that asks for a call (`call`). Open until an agent closes it; while a
 * handoff is open the buyer's journeys hold their reminders until `holdUntil`.
 */
export const agentTasks = pgTable(
  'agent_tasks',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    buyerId: text('buyer_id').notNull(),
    kind: text('kind').notNull(),
    conversationId: text('conversation_id'),
    journeyId: text('journey_id'),
    /** Why: the assistant's reason, the buyer's words' category, or the step's template. Never the buyer's text. */
    reason: text('reason').notNull(),
    status: text('status').notNull(),
    holdUntil: timestamp('hold_until', { withTimezone: true, mode: 'date' }),
    openedAt: timestamp('opened_at', { withTimezone: true, mode: 'date' }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    /** The actor who closed it (domain/journey.ts Actor) and what they noted. */
    closedBy: jsonb('closed_by').$type<{ kind: string; id: string }>(),
    resolution: text('resolution'),
    createdAt: createdAt(),
  },
  (t) => [index('agent_tasks_tenant_status_idx').on(t.tenantId, t.status, t.openedAt)],
);

/** A tenant's receiver of outbound webhooks: where, and which event types (domain/webhook-events.ts). */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    url: text('url').notNull(),
    description: text('description'),
    eventTypes: jsonb('event_types').$type<string[]>().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_tenant_idx').on(t.tenantId, t.createdAt)],
);

/**
 * An endpoint's signing secrets: the current one (no expiry) and, after a rotation, the previous
 * ones until their grace period ends. Every delivery is signed with each secret still valid.
 */
export const webhookSecrets = pgTable(
  'webhook_secrets',
  {
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    secret: text('secret').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('webhook_secrets_endpoint_idx').on(t.endpointId)],
);

/** Every event published, once per occurrence (`source_key`), whatever endpoints it went to. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    sourceKey: text('source_key').notNull(),
    journeyId: text('journey_id').notNull(),
    installmentId: text('installment_id').notNull(),
    type: text('type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('webhook_events_source_uq').on(t.tenantId, t.sourceKey)],
);

/**
 * One event for one endpoint: the delivery log. Delivered in `seq` order per endpoint and journey;
 * `pending` until a receiver answers 2xx (`delivered`) or the retries run out (`failed`).
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    seq: bigserial('seq', { mode: 'number' }).notNull().unique(),
    tenantId: text('tenant_id').notNull(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: text('event_id')
      .notNull()
      .references(() => webhookEvents.id),
    journeyId: text('journey_id').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_uq').on(t.endpointId, t.eventId),
    index('webhook_deliveries_queue_idx').on(t.endpointId, t.journeyId, t.status, t.seq),
    index('webhook_deliveries_log_idx').on(t.endpointId, t.seq),
  ],
);

/** Each HTTP try of a delivery: what the receiver answered (or why there was no answer) and how long it took. */
export const webhookDeliveryAttempts = pgTable(
  'webhook_delivery_attempts',
  {
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deliveryId, t.attempt] })],
);

/**
 * The reports' ledger, one narrow row per ledger installment (db/report-ledger.ts says what one
 * is), with its payments already summed: the overview reads a period's rows by due date instead
 * of joining six tables and summing payments per row. Kept exact in two steps (migration 0013):
 * a write to a table it comes from marks the purchase stale (`report_ledger_stale`, a cheap
 * insert in the writer's transaction), and a report reads only after recomputing the tenant's
 * stale purchases from the base tables (`report_ledger_catch_up`).
 */
export const reportLedger = pgTable(
  'report_ledger',
  {
    tenantId: text('tenant_id').notNull(),
    purchaseKey: text('purchase_key').notNull(),
    purchaseId: text('purchase_id'),
    number: integer('number').notNull(),
    installmentId: text('installment_id'),
    productId: text('product_id'),
    country: text('country'),
    currency: text('currency').notNull(),
    amountMinor: minor('amount_minor'),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    currentDueDate: date('current_due_date', { mode: 'string' }).notNull(),
    canceled: boolean('canceled').notNull(),
    timeZone: text('time_zone').notNull(),
    dueEnd: timestamp('due_end', { withTimezone: true, mode: 'date' }).notNull(),
    journeyId: text('journey_id'),
    journeyState: text('journey_state'),
    policyId: text('policy_id'),
    /** The channels its journey sent at least one attempt on (db/report-ledger.ts `sentAttempt`). */
    channels: text('channels').array().notNull(),
    paidMinor: minor('paid_minor'),
    paidBeforeDueMinor: minor('paid_before_due_minor'),
    settledAt: timestamp('settled_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    // report_ledger_period_idx (tenant, due date, covering the overview's columns) is in migration 0013.
    index('report_ledger_purchase_idx').on(t.tenantId, t.purchaseKey),
    index('report_ledger_open_idx')
      .on(t.tenantId, t.journeyState)
      .where(sql`${t.journeyId} is not null`),
  ],
);

/**
 * What changed since the report ledger was last caught up: one row per written row of a table it
 * comes from, naming the purchase, the installment or the journey it belongs to (resolved to
 * purchases when caught up). Appended by triggers, never updated: writers never wait on it.
 */
export const reportLedgerStale = pgTable(
  'report_ledger_stale',
  {
    tenantId: text('tenant_id').notNull(),
    purchaseKey: text('purchase_key'),
    installmentId: text('installment_id'),
    journeyId: text('journey_id'),
  },
  (t) => [index('report_ledger_stale_tenant_idx').on(t.tenantId)],
);
