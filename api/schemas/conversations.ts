import { z } from 'zod';
import { CONVERSATION_CHANNELS, MAX_AGENT_REPLY_LENGTH } from '../../domain/conversation';
import { LIST_LIMIT_MAX, cursorSchema } from './journeys';
import { messageTextSchema } from '../../domain/text';

export const conversationTags = ['conversations'];

const queryLimit = z
  .preprocess(
    (v) => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : v),
    z.number().int().min(1).max(LIST_LIMIT_MAX),
  )
  .default(50)
  .describe(`page size, at most ${LIST_LIMIT_MAX}`);

/**
 * A conversation's id is `conversation/<tenant>/<buyer>/<channel>` (the workflow's ID): in a path
 * it is one URL-encoded segment (`conversation%2Facme%2Fbuyer_77%2Fwhatsapp`).
 */
export const conversationParams = z.object({
  // Within the router's 256 characters once URL-encoded (its three `/` are `%2F`).
  conversationId: z
    .string()
    .min(1)
    .max(240)
    .regex(
      /^conversation\/[A-Za-z0-9._:-]{1,100}\/[A-Za-z0-9._:-]{1,128}\/(whatsapp|sms)$/,
      'must be a conversation id, conversation/<tenant>/<buyer>/<channel>, URL-encoded as one path segment',
    )
    .describe('The conversation id `conversation/<tenant>/<buyer>/<channel>`, URL-encoded (`/` as `%2F`)')
    .meta({ example: 'conversation/acme/buyer_77/whatsapp' }),
});

export const conversationListQuery = z
  .object({
    status: z.enum(['open', 'handoff', 'closed']).optional().describe('only conversations in this status'),
    limit: queryLimit,
    cursor: cursorSchema.optional().describe('`nextCursor` of the previous page'),
  })
  .strict();

export const conversationSummary = z
  .object({
    conversationId: z.string(),
    buyerId: z.string(),
    channel: z.enum(CONVERSATION_CHANNELS),
    status: z.enum(['open', 'handoff', 'closed']),
    locale: z.string(),
    openedAt: z.string(),
    lastMessageAt: z.string(),
    lastInboundAt: z
      .string()
      .nullable()
      .describe("the buyer's last message: free-form replies go out only within the channel's window of it"),
    closedAt: z.string().nullable(),
    url: z.string().describe('this conversation with its messages'),
  })
  .meta({ id: 'ConversationSummary' });

export const conversationPage = z
  .object({ items: z.array(conversationSummary), nextCursor: z.string().nullable().describe('null on the last page') })
  .meta({ id: 'ConversationPage' });

export const conversationMessage = z
  .object({
    messageId: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    author: z.enum(['buyer', 'assistant', 'agent', 'system']),
    authorId: z.string().nullable().describe('the API key that wrote an agent’s message'),
    text: z.string(),
    engine: z.enum(['openai', 'menu', 'template']).nullable().describe("the assistant's replies: who wrote it"),
    toolCalls: z
      .array(z.record(z.string(), z.unknown()))
      .nullable()
      .describe('the tools the turn called, with arguments and results'),
    guardrail: z.string().nullable().describe("why a guardrail replaced the model's words, when it did"),
    at: z.string(),
  })
  .meta({ id: 'ConversationMessage' });

export const conversationDetail = conversationSummary
  .extend({ messages: z.array(conversationMessage).describe('oldest first (the last 500)') })
  .meta({ id: 'Conversation' });

export const agentReplyBody = z
  .object({
    text: messageTextSchema(MAX_AGENT_REPLY_LENGTH)
      .trim()
      .min(1, 'must not be empty')
      .describe('What the agent says to the buyer, sent on the conversation’s channel'),
  })
  .strict()
  .meta({ id: 'AgentReply', example: { text: 'Olá Ana, aqui é a Bia do suporte. Vamos ver juntas?' } });

export const agentReplySent = z
  .object({
    messageId: z.string(),
    status: z.literal('sent'),
  })
  .meta({ id: 'AgentReplySent' });

const TASK_KINDS = ['handoff', 'call'] as const;
const TASK_STATUSES = ['open', 'closed'] as const;

export const agentTaskParams = z.object({
  taskId: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7E]+$/, 'must be a task id')
    .describe('The task id (URL-encoded: it may contain `/`)'),
});

export const agentTaskListQuery = z
  .object({
    status: z.enum(TASK_STATUSES).optional(),
    kind: z.enum(TASK_KINDS).optional(),
    limit: queryLimit,
    cursor: cursorSchema.optional().describe('`nextCursor` of the previous page'),
  })
  .strict();

export const agentTaskView = z
  .object({
    taskId: z.string(),
    kind: z
      .enum(TASK_KINDS)
      .describe('`handoff`: a conversation handed to a person; `call`: a ladder step asks for a call'),
    status: z.enum(TASK_STATUSES),
    buyerId: z.string(),
    conversationId: z.string().nullable(),
    journeyId: z.string().nullable(),
    reason: z.string(),
    holdUntil: z.string().nullable().describe("the buyer's reminders are held until then, or until the task closes"),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    closedBy: z.object({ kind: z.string(), id: z.string() }).nullable(),
    resolution: z.string().nullable(),
  })
  .meta({ id: 'AgentTask' });

export const agentTaskPage = z
  .object({ items: z.array(agentTaskView), nextCursor: z.string().nullable().describe('null on the last page') })
  .meta({ id: 'AgentTaskPage' });

export const closeTaskBody = z
  .object({
    resolution: messageTextSchema(1000)
      .trim()
      .optional()
      .describe('What was agreed (kept with the task; never sent to the buyer)'),
  })
  .strict()
  .meta({ id: 'CloseAgentTask', example: { resolution: 'The buyer will pay on the 10th' } });

export const closedTask = agentTaskView
  .extend({
    alreadyClosed: z.boolean().describe('true when the task had been closed before: its first close stands'),
    journeys: z
      .object({ applied: z.number().int(), notRunning: z.number().int(), unavailable: z.number().int() })
      .describe("the buyer's journeys told the handoff closed"),
  })
  .meta({ id: 'ClosedAgentTask' });
