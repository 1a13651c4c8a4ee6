/**
 * Conversations, their messages and agent tasks in the database (db/schema.ts). Every write is
 * idempotent by its id: a redelivered webhook is one message, a repeated turn one reply, a
 * repeated handoff one task. Lists are pages in a stable order (newest first, then id) after a
 * cursor, like the journeys' lists.
 */
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { ConversationChannel, ConversationStatus, MessageAuthor } from '../domain/conversation';
import { type TimeCursor, olderThan } from './time-cursor';
import type { Database } from './client';
import type { Buyer } from '../domain/installment';
import { agentTasks, conversationMessages, conversations, installments, journeys } from './schema';

export type ConversationRow = typeof conversations.$inferSelect;
export type ConversationMessageRow = typeof conversationMessages.$inferSelect;
export type AgentTaskRow = typeof agentTasks.$inferSelect;
export type AgentTaskKind = 'handoff' | 'call';
export type AgentTaskStatus = 'open' | 'closed';

/** A position in a newest-first list: the last row of the previous page. */
export interface ConversationUpsert {
  /** `conversationWorkflowId(tenantId, buyerId, channel)`. */
  id: string;
  tenantId: string;
  buyerId: string;
  channel: ConversationChannel;
  address: string;
  replyFrom?: string | null;
  locale: string;
  at: Date;
}

/**
 * Opens the conversation, or reopens a closed one (its history stays): the address, the number
 * the buyer wrote to and the locale are the latest. A conversation with a person keeps `handoff`.
 */
export async function upsertConversation(
  db: Database,
  input: ConversationUpsert,
): Promise<{ conversation: ConversationRow; reopened: boolean }> {
  const before = await findConversation(db, input.tenantId, input.id);
  const [row] = await db
    .insert(conversations)
    .values({
      id: input.id,
      tenantId: input.tenantId,
      buyerId: input.buyerId,
      channel: input.channel,
      address: input.address,
      replyFrom: input.replyFrom ?? null,
      locale: input.locale,
      status: 'open',
      openedAt: input.at,
      lastMessageAt: input.at,
    })
    .onConflictDoUpdate({
      target: conversations.id,
      set: {
        address: input.address,
        ...(input.replyFrom !== undefined && { replyFrom: input.replyFrom }),
        locale: input.locale,
        status: sql`case when ${conversations.status} = 'closed' then 'open' else ${conversations.status} end`,
        openedAt: sql`case when ${conversations.status} = 'closed' then ${input.at.toISOString()}::timestamptz else ${conversations.openedAt} end`,
        closedAt: sql`case when ${conversations.status} = 'closed' then null else ${conversations.closedAt} end`,
        lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${input.at.toISOString()}::timestamptz)`,
        updatedAt: sql`now()`,
      },
      // A conversation id names its tenant: another tenant's row is never touched.
      setWhere: eq(conversations.tenantId, input.tenantId),
    })
    .returning();
  if (!row) throw new Error(`conversation ${input.id} belongs to another tenant`);
  return { conversation: row, reopened: before?.status === 'closed' };
}

export async function findConversation(
  db: Database,
  tenantId: string,
  conversationId: string,
): Promise<ConversationRow | null> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.id, conversationId)))
    .limit(1);
  return row ?? null;
}

/** The conversations of a buyer in a tenant (one per channel). */
export async function conversationsOfBuyer(
  db: Database,
  tenantId: string,
  buyerId: string,
): Promise<ConversationRow[]> {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.buyerId, buyerId)))
    .orderBy(asc(conversations.id));
}

export async function setConversationStatus(
  db: Database,
  tenantId: string,
  conversationId: string,
  status: ConversationStatus,
  at: Date,
): Promise<ConversationRow | null> {
  const [row] = await db
    .update(conversations)
    .set({
      status,
      ...(status === 'closed' ? { closedAt: at } : { closedAt: null }),
      updatedAt: sql`now()`,
    })
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.id, conversationId)))
    .returning();
  return row ?? null;
}

/** A page of a tenant's conversations, the latest message first. */
export async function listConversations(
  db: Database,
  tenantId: string,
  filter: { status?: ConversationStatus | undefined },
  page: { limit: number; after?: TimeCursor | undefined },
): Promise<ConversationRow[]> {
  const conditions = [eq(conversations.tenantId, tenantId)];
  if (filter.status) conditions.push(eq(conversations.status, filter.status));
  if (page.after) conditions.push(olderThan(conversations.lastMessageAt, conversations.id, page.after));
  return db
    .select()
    .from(conversations)
    .where(and(...conditions))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(page.limit);
}

/** The id of a buyer's message: the provider's id, so a redelivered webhook is one message. */
export function inboundMessageId(providerMessageId: string): string {
  return `in/${providerMessageId}`;
}

export interface InboundMessage {
  conversationId: string;
  tenantId: string;
  /** The provider's message id (Twilio's MessageSid). */
  providerMessageId: string;
  text: string;
  at: Date;
}

/**
 * Records a buyer's message once; `created` is false for a redelivery. The conversation's last
 * message (and last inbound message: the reply window counts from it) moves forward.
 */
export async function recordInboundMessage(
  db: Database,
  message: InboundMessage,
): Promise<{ messageId: string; created: boolean }> {
  const messageId = inboundMessageId(message.providerMessageId);
  const inserted = await db
    .insert(conversationMessages)
    .values({
      id: messageId,
      conversationId: message.conversationId,
      tenantId: message.tenantId,
      direction: 'inbound',
      author: 'buyer',
      text: message.text,
      at: message.at,
    })
    .onConflictDoNothing()
    .returning({ id: conversationMessages.id });
  const created = inserted.length > 0;
  if (created)
    await db
      .update(conversations)
      .set({
        lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${message.at.toISOString()}::timestamptz)`,
        lastInboundAt: sql`greatest(${conversations.lastInboundAt}, ${message.at.toISOString()}::timestamptz)`,
        updatedAt: sql`now()`,
      })
      .where(eq(conversations.id, message.conversationId));
  return { messageId, created };
}

export interface OutboundMessage {
  /** The turn's key (or the agent reply's): a repeated write is one message. */
  id: string;
  conversationId: string;
  tenantId: string;
  author: Exclude<MessageAuthor, 'buyer'>;
  /** The API key / collaborator who wrote it, for an agent's message (never personal data). */
  authorId?: string | null;
  text: string;
  engine?: string | null;
  toolCalls?: unknown[] | null;
  guardrail?: string | null;
  attemptId?: string | null;
  at: Date;
}

/** Records a message we sent (the assistant's, an agent's, the system's) once; returns whether it is new. */
export async function recordOutboundMessage(db: Database, message: OutboundMessage): Promise<boolean> {
  const inserted = await db
    .insert(conversationMessages)
    .values({
      id: message.id,
      conversationId: message.conversationId,
      tenantId: message.tenantId,
      direction: 'outbound',
      author: message.author,
      authorId: message.authorId ?? null,
      text: message.text,
      engine: message.engine ?? null,
      toolCalls: message.toolCalls ?? null,
      guardrail: message.guardrail ?? null,
      attemptId: message.attemptId ?? null,
      at: message.at,
    })
    .onConflictDoNothing()
    .returning({ id: conversationMessages.id });
  if (inserted.length === 0) return false;
  await db
    .update(conversations)
    .set({
      lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${message.at.toISOString()}::timestamptz)`,
      updatedAt: sql`now()`,
    })
    .where(eq(conversations.id, message.conversationId));
  return true;
}

/** Sets the attempt that carried an outbound message (once the delivery is known). */
export async function setMessageAttempt(db: Database, messageId: string, attemptId: string): Promise<void> {
  await db.update(conversationMessages).set({ attemptId }).where(eq(conversationMessages.id, messageId));
}

/** One message by id, in its tenant. */
export async function findMessage(
  db: Database,
  tenantId: string,
  messageId: string,
): Promise<ConversationMessageRow | null> {
  const [row] = await db
    .select()
    .from(conversationMessages)
    .where(and(eq(conversationMessages.tenantId, tenantId), eq(conversationMessages.id, messageId)))
    .limit(1);
  return row ?? null;
}

/** The last `limit` messages of a conversation, oldest first: what the assistant reads. */
export async function recentMessages(
  db: Database,
  conversationId: string,
  limit: number,
): Promise<ConversationMessageRow[]> {
  const rows = await db
    .select()
    .from(conversationMessages)
    .where(eq(conversationMessages.conversationId, conversationId))
    .orderBy(desc(conversationMessages.at), desc(conversationMessages.id))
    .limit(limit);
  return rows.reverse();
}

/** A conversation with its last `limit` messages (oldest first), or null when the tenant has none by this id. */
export async function findConversationWithMessages(
  db: Database,
  tenantId: string,
  conversationId: string,
  limit = 500,
): Promise<{ conversation: ConversationRow; messages: ConversationMessageRow[] } | null> {
  const conversation = await findConversation(db, tenantId, conversationId);
  if (!conversation) return null;
  return { conversation, messages: await recentMessages(db, conversationId, limit) };
}

// ——— agent tasks ———

export interface AgentTaskOpen {
  id: string;
  tenantId: string;
  buyerId: string;
  kind: AgentTaskKind;
  conversationId?: string | null;
  journeyId?: string | null;
  reason: string;
  holdUntil?: Date | null;
  at: Date;
}

/** Opens the task once: a second open with the same id answers the stored task, `created: false`. */
export async function openAgentTask(
  db: Database,
  task: AgentTaskOpen,
): Promise<{ task: AgentTaskRow; created: boolean }> {
  const [inserted] = await db
    .insert(agentTasks)
    .values({
      id: task.id,
      tenantId: task.tenantId,
      buyerId: task.buyerId,
      kind: task.kind,
      conversationId: task.conversationId ?? null,
      journeyId: task.journeyId ?? null,
      reason: task.reason,
      status: 'open',
      holdUntil: task.holdUntil ?? null,
      openedAt: task.at,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted) return { task: inserted, created: true };
  const existing = await findAgentTask(db, task.tenantId, task.id);
  if (!existing) throw new Error(`agent task ${task.id} belongs to another tenant`);
  return { task: existing, created: false };
}

export async function findAgentTask(db: Database, tenantId: string, taskId: string): Promise<AgentTaskRow | null> {
  const [row] = await db
    .select()
    .from(agentTasks)
    .where(and(eq(agentTasks.tenantId, tenantId), eq(agentTasks.id, taskId)))
    .limit(1);
  return row ?? null;
}

/**
 * Closes an open task; `closed: false` when it was already closed (the stored close stands),
 * null when the tenant has no such task.
 */
export async function closeAgentTaskRow(
  db: Database,
  close: {
    tenantId: string;
    taskId: string;
    closedBy: { kind: string; id: string };
    resolution?: string | null;
    at: Date;
  },
): Promise<{ task: AgentTaskRow; closed: boolean } | null> {
  const [row] = await db
    .update(agentTasks)
    .set({ status: 'closed', closedAt: close.at, closedBy: close.closedBy, resolution: close.resolution ?? null })
    .where(and(eq(agentTasks.tenantId, close.tenantId), eq(agentTasks.id, close.taskId), eq(agentTasks.status, 'open')))
    .returning();
  if (row) return { task: row, closed: true };
  const existing = await findAgentTask(db, close.tenantId, close.taskId);
  return existing && { task: existing, closed: false };
}

/** The conversation's open handoff, if any (a conversation has at most one person at a time). */
export async function findOpenHandoffTask(
  db: Database,
  tenantId: string,
  conversationId: string,
): Promise<AgentTaskRow | null> {
  const [row] = await db
    .select()
    .from(agentTasks)
    .where(
      and(
        eq(agentTasks.tenantId, tenantId),
        eq(agentTasks.conversationId, conversationId),
        eq(agentTasks.kind, 'handoff'),
        eq(agentTasks.status, 'open'),
      ),
    )
    .orderBy(desc(agentTasks.openedAt))
    .limit(1);
  return row ?? null;
}

/** A page of a tenant's agent tasks, the newest first. */
export async function listAgentTasks(
  db: Database,
  tenantId: string,
  filter: { status?: AgentTaskStatus | undefined; kind?: AgentTaskKind | undefined },
  page: { limit: number; after?: TimeCursor | undefined },
): Promise<AgentTaskRow[]> {
  const conditions = [eq(agentTasks.tenantId, tenantId)];
  if (filter.status) conditions.push(eq(agentTasks.status, filter.status));
  if (filter.kind) conditions.push(eq(agentTasks.kind, filter.kind));
  if (page.after) conditions.push(olderThan(agentTasks.openedAt, agentTasks.id, page.after));
  return db
    .select()
    .from(agentTasks)
    .where(and(...conditions))
    .orderBy(desc(agentTasks.openedAt), desc(agentTasks.id))
    .limit(page.limit);
}

/** The open journeys of a buyer in a tenant (no outcome yet), in due-date order. */
export async function openJourneysOfBuyer(
  db: Database,
  tenantId: string,
  buyerId: string,
): Promise<{ journeyId: string; installmentId: string; policyId: string; policyVersion: number }[]> {
  return db
    .select({
      journeyId: journeys.id,
      installmentId: journeys.installmentId,
      policyId: journeys.policyId,
      policyVersion: journeys.policyVersion,
    })
    .from(journeys)
    .where(and(eq(journeys.tenantId, tenantId), eq(journeys.buyerId, buyerId), isNull(journeys.outcome)))
    .orderBy(asc(journeys.dueDate), asc(journeys.id));
}

/**
 * The buyer as their latest journey knows them (name, locale, time zone): whom the assistant
 * greets and whose "today" it reads dates against. Null when the tenant has no journey of theirs.
 */
export async function latestBuyer(db: Database, tenantId: string, buyerId: string): Promise<Buyer | null> {
  const [row] = await db
    .select({ buyer: installments.buyer })
    .from(journeys)
    .innerJoin(
      installments,
      and(eq(installments.tenantId, journeys.tenantId), eq(installments.installmentId, journeys.installmentId)),
    )
    .where(and(eq(journeys.tenantId, tenantId), eq(journeys.buyerId, buyerId)))
    .orderBy(desc(journeys.updatedAt), desc(journeys.id))
    .limit(1);
  return row?.buyer ?? null;
}

/**
 * Marks the conversation closed for inactivity as of `at`, unless the buyer wrote after it (the
 * webhook recorded a message that reopens it).
 */
export async function closeIdleConversation(db: Database, conversationId: string, at: Date): Promise<void> {
  await db
    .update(conversations)
    .set({ status: 'closed', closedAt: at, updatedAt: sql`now()` })
    .where(
      and(
        eq(conversations.id, conversationId),
        sql`${conversations.lastMessageAt} <= ${at.toISOString()}::timestamptz`,
      ),
    );
}

/** The conversations at an address that have not closed, the latest first: where a buyer's next message belongs. */
export async function activeConversationsAt(
  db: Database,
  channel: ConversationChannel,
  address: string,
): Promise<ConversationRow[]> {
  return db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.channel, channel),
        eq(conversations.address, address),
        sql`${conversations.status} <> 'closed'`,
      ),
    )
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id));
}
