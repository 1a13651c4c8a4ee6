/**
 * `/v1/conversations` and `/v1/agent-tasks`: the buyers' conversations with the assistant (and
 * with a person, after a handoff), and the work waiting for a person. A conversation's id
 * (`conversation/<tenant>/<buyer>/<channel>`) is one URL-encoded path segment. An agent replies
 * through the conversation's workflow, which refuses unless a handoff is open and the channel's
 * window allows it (409); closing a task resumes the buyer's reminders it held.
 */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type AgentTaskDeps, type SellerNotifier, closeAgentTask } from '../../application/agent-tasks';
import type { ConversationGateway } from '../../application/conversation-gateway';
import {
  type AgentTaskRow,
  agentTaskPage,
  conversationHistory,
  conversationPage,
  decodeTimeCursor,
  sendAgentReply,
} from '../../application/conversations';
import { tally } from '../../application/fan-out';
import type { ConversationMessageRow, ConversationRow } from '../../db/conversation-repository';
import { auditWrite } from '../audit';
import { actorOf } from '../plugins/auth';
import { errorResponses, problem, sendBadCursor, sendProblem } from '../problem';
import type { RouteDeps } from '../route-deps';
import {
  agentReplyBody,
  agentReplySent,
  agentTaskListQuery,
  agentTaskPage as agentTaskPageSchema,
  agentTaskParams,
  closeTaskBody,
  closedTask,
  conversationDetail,
  conversationListQuery,
  conversationPage as conversationPageSchema,
  conversationParams,
  conversationTags,
} from '../schemas/conversations';

export interface ConversationRouteDeps extends RouteDeps {
  conversations?: ConversationGateway | undefined;
  sellerNotifier?: SellerNotifier | undefined;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function summaryOf(row: ConversationRow) {
  return {
    conversationId: row.id,
    buyerId: row.buyerId,
    channel: row.channel as 'whatsapp' | 'sms',
    status: row.status as 'open' | 'handoff' | 'closed',
    locale: row.locale,
    openedAt: row.openedAt.toISOString(),
    lastMessageAt: row.lastMessageAt.toISOString(),
    lastInboundAt: iso(row.lastInboundAt),
    closedAt: iso(row.closedAt),
    url: `/v1/conversations/${encodeURIComponent(row.id)}`,
  };
}

function messageOf(row: ConversationMessageRow) {
  return {
    messageId: row.id,
    direction: row.direction as 'inbound' | 'outbound',
    author: row.author as 'buyer' | 'assistant' | 'agent' | 'system',
    authorId: row.authorId,
    text: row.text,
    engine: row.engine as 'openai' | 'menu' | 'template' | null,
    toolCalls: (row.toolCalls as Record<string, unknown>[] | null) ?? null,
    guardrail: row.guardrail,
    at: row.at.toISOString(),
  };
}

function taskOf(row: AgentTaskRow) {
  return {
    taskId: row.id,
    kind: row.kind as 'handoff' | 'call',
    status: row.status as 'open' | 'closed',
    buyerId: row.buyerId,
    conversationId: row.conversationId,
    journeyId: row.journeyId,
    reason: row.reason,
    holdUntil: iso(row.holdUntil),
    openedAt: row.openedAt.toISOString(),
    closedAt: iso(row.closedAt),
    closedBy: row.closedBy ? { kind: row.closedBy.kind, id: row.closedBy.id } : null,
    resolution: row.resolution,
  };
}

const conversationNotFound = (reply: FastifyReply, conversationId: string) =>
  sendProblem(
    reply,
    problem(404, 'conversation-not-found', 'No conversation with this id', {
      detail: `conversation ${conversationId}`,
    }),
  );

const routes: FastifyPluginAsyncZod<ConversationRouteDeps> = async (app, deps) => {
  const { db } = deps;
  /** A conversation id names its tenant: another tenant's id is not found, before any query. */
  const ownId = (tenantId: string, conversationId: string) => conversationId.split('/')[1] === tenantId;

  app.get(
    '/v1/conversations',
    {
      config: { permission: 'conversations:read' },
      schema: {
        operationId: 'listConversations',
        tags: conversationTags,
        summary: "The tenant's conversations with buyers, the latest message first",
        querystring: conversationListQuery,
        response: { 200: conversationPageSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { status, limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : decodeTimeCursor(cursor);
      if (after === null) return sendBadCursor(reply);
      const found = await conversationPage(db, request.principal.tenantId, { status, limit, after });
      return { items: found.items.map(summaryOf), nextCursor: found.nextCursor };
    },
  );

  app.get(
    '/v1/conversations/:conversationId',
    {
      config: { permission: 'conversations:read' },
      schema: {
        operationId: 'getConversation',
        tags: conversationTags,
        summary:
          'A conversation and its messages: who wrote each (buyer, assistant, agent, system), the engine, the tools called, the guardrail',
        params: conversationParams,
        response: { 200: conversationDetail, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const { conversationId } = request.params;
      const found = ownId(tenantId, conversationId) ? await conversationHistory(db, tenantId, conversationId) : null;
      if (!found) return conversationNotFound(reply, conversationId);
      return { ...summaryOf(found.conversation), messages: found.messages.map(messageOf) };
    },
  );

  app.post(
    '/v1/conversations/:conversationId/messages',
    {
      config: { permission: 'conversations:write' },
      schema: {
        operationId: 'replyToConversation',
        tags: conversationTags,
        summary:
          "An agent's reply to the buyer, while the conversation is handed to a person and inside the channel's reply window (409 otherwise)",
        params: conversationParams,
        body: agentReplyBody,
        response: { 201: agentReplySent, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const { conversationId } = request.params;
      if (!ownId(tenantId, conversationId)) return conversationNotFound(reply, conversationId);
      const actor = actorOf(request);
      const outcome = await sendAgentReply(
        { db, conversations: deps.conversations },
        { tenantId, conversationId, text: request.body.text, actor, idempotencyKey: request.idempotencyClaim?.key },
      );
      switch (outcome.kind) {
        case 'not_found':
          return conversationNotFound(reply, conversationId);
        case 'unavailable':
          return sendProblem(
            reply.header('retry-after', '30'),
            problem(503, 'conversations-unavailable', 'Conversations are not served by this deployment'),
          );
        case 'not_running':
          return sendProblem(
            reply,
            problem(409, 'conversation-not-running', 'The conversation is not running', {
              reason: 'not_running',
              detail: 'It closed for inactivity: the buyer’s next message opens it again.',
            }),
          );
        case 'refused':
          return sendProblem(
            reply,
            problem(409, 'agent-reply-refused', 'The conversation refused the reply', {
              reason: outcome.reason,
              detail:
                'An agent replies only while the conversation is handed to a person and the channel’s window is open.',
            }),
          );
        case 'sent':
          await auditWrite(db, request, 'conversation.agent_replied', { conversationId, messageId: outcome.messageId });
          return reply.code(201).send({ messageId: outcome.messageId, status: 'sent' as const });
      }
    },
  );

  app.get(
    '/v1/agent-tasks',
    {
      config: { permission: 'conversations:read' },
      schema: {
        operationId: 'listAgentTasks',
        tags: conversationTags,
        summary: 'Work for a person: conversations handed over and calls a ladder asks for, the newest first',
        querystring: agentTaskListQuery,
        response: { 200: agentTaskPageSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { status, kind, limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : decodeTimeCursor(cursor);
      if (after === null) return sendBadCursor(reply);
      const found = await agentTaskPage(db, request.principal.tenantId, { status, kind, limit, after });
      return { items: found.items.map(taskOf), nextCursor: found.nextCursor };
    },
  );

  app.post(
    '/v1/agent-tasks/:taskId/close',
    {
      config: { permission: 'conversations:write' },
      schema: {
        operationId: 'closeAgentTask',
        tags: conversationTags,
        summary:
          "Close a task: the buyer's reminders it held resume, and the assistant answers the conversation again (a repeated close answers the first)",
        params: agentTaskParams,
        body: closeTaskBody.nullish().meta({ example: { resolution: 'The buyer will pay on the 10th' } }),
        response: { 200: closedTask, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const { taskId } = request.params;
      const taskDeps: AgentTaskDeps = {
        db,
        gateway: deps.gateway,
        policies: deps.policies,
        conversations: deps.conversations,
        notifier: deps.sellerNotifier,
        log: request.log,
        now: Date.now,
      };
      const resolution = request.body?.resolution;
      const result = await closeAgentTask(taskDeps, {
        tenantId,
        taskId,
        actor: actorOf(request),
        ...(resolution ? { resolution } : {}),
      });
      if (result.kind === 'not_found')
        return sendProblem(
          reply,
          problem(404, 'agent-task-not-found', 'No agent task with this id', { detail: `task ${taskId}` }),
        );
      if (result.kind === 'closed')
        await auditWrite(db, request, 'agent_task.closed', { taskId, kind: result.task.kind });
      const counts = tally(result.journeys);
      return {
        ...taskOf(result.task),
        alreadyClosed: result.kind === 'already_closed',
        journeys: { applied: counts.applied, notRunning: counts.not_running, unavailable: counts.unavailable },
      };
    },
  );
};

export default routes;
