/**
 * Conversations and agent tasks as the API's use cases: pages of a tenant's conversations and
 * tasks, one conversation with its history, an agent's reply (sent through the conversation's
 * workflow, which decides: only while a handoff is open and inside the channel's window), and a
 * task's close (application/agent-tasks.ts).
 */
import type { Database } from '../db/client';
import {
  type AgentTaskKind,
  type AgentTaskRow,
  type AgentTaskStatus,
  type ConversationMessageRow,
  type ConversationRow,
  findConversation,
  findConversationWithMessages,
  listAgentTasks,
  listConversations,
} from '../db/conversation-repository';
import type { TimeCursor } from '../db/time-cursor';
import { CONVERSATION_CHANNELS, type ConversationChannel, type ConversationStatus } from '../domain/conversation';
import type { Actor } from '../domain/journey';
import type { ConversationGateway } from './conversation-gateway';

export function encodeTimeCursor(cursor: TimeCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.at.toISOString(), i: cursor.id })).toString('base64url');
}

/** The cursor, or null when it is not one of ours (the route answers 400 naming `cursor`). */
export function decodeTimeCursor(raw: string): TimeCursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { t, i } = parsed as { t?: unknown; i?: unknown };
    if (typeof t !== 'string' || typeof i !== 'string' || !/^[\x20-\x7E]{1,300}$/.test(i)) return null;
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t)) return null;
    const at = new Date(t);
    return Number.isNaN(at.getTime()) ? null : { at, id: i };
  } catch {
    return null;
  }
}

/** A page of `limit` rows and the cursor after its last one (null on the last page): one row more is read to know. */
export async function pageOf<Row>(
  rows: (limit: number) => Promise<Row[]>,
  limit: number,
  cursorOf: (row: Row) => string,
): Promise<{ items: Row[]; nextCursor: string | null }> {
  const found = await rows(limit + 1);
  const items = found.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: found.length > limit && last ? cursorOf(last) : null };
}

export function conversationPage(
  db: Database,
  tenantId: string,
  query: { status?: ConversationStatus | undefined; limit: number; after?: TimeCursor | undefined },
) {
  return pageOf(
    (limit) => listConversations(db, tenantId, { status: query.status }, { limit, after: query.after }),
    query.limit,
    (row) => encodeTimeCursor({ at: row.lastMessageAt, id: row.id }),
  );
}

export function agentTaskPage(
  db: Database,
  tenantId: string,
  query: {
    status?: AgentTaskStatus | undefined;
    kind?: AgentTaskKind | undefined;
    limit: number;
    after?: TimeCursor | undefined;
  },
) {
  return pageOf(
    (limit) => listAgentTasks(db, tenantId, { status: query.status, kind: query.kind }, { limit, after: query.after }),
    query.limit,
    (row) => encodeTimeCursor({ at: row.openedAt, id: row.id }),
  );
}

export function conversationHistory(
  db: Database,
  tenantId: string,
  conversationId: string,
): Promise<{ conversation: ConversationRow; messages: ConversationMessageRow[] } | null> {
  return findConversationWithMessages(db, tenantId, conversationId);
}

export type AgentReplyOutcome =
  | { kind: 'sent'; messageId: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'not_running' }
  | { kind: 'not_found' }
  /** No conversation workflow is configured in this process. */
  | { kind: 'unavailable' };

/** An agent's reply to the buyer, through the conversation's workflow (which records it in the history). */
export async function sendAgentReply(
  deps: { db: Database; conversations?: ConversationGateway | undefined },
  input: {
    tenantId: string;
    conversationId: string;
    text: string;
    actor: Actor;
    /** The caller's Idempotency-Key: a retry after a timeout is the same reply, never a second message. */
    idempotencyKey?: string | undefined;
  },
): Promise<AgentReplyOutcome> {
  const row = await findConversation(deps.db, input.tenantId, input.conversationId);
  if (!row || !isConversationChannel(row.channel)) return { kind: 'not_found' };
  if (!deps.conversations) return { kind: 'unavailable' };
  const result = await deps.conversations.agentReply(
    { tenantId: row.tenantId, buyerId: row.buyerId, channel: row.channel },
    { text: input.text, actor: input.actor },
    input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {},
  );
  if (result.kind === 'not_running') return result;
  if (result.kind === 'refused') return result;
  if (result.result.status === 'refused') return { kind: 'refused', reason: result.result.reason ?? 'refused' };
  return { kind: 'sent', messageId: result.result.messageId };
}

function isConversationChannel(channel: string): channel is ConversationChannel {
  return (CONVERSATION_CHANNELS as readonly string[]).includes(channel);
}

export type { AgentTaskRow };
