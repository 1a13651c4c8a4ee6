/**
 * One durable conversation per buyer and channel in a tenant. The webhook records each message the
 * buyer writes and signals it here (signal-with-start); this workflow serializes the turns: the
 * assistant answers each batch of messages in an activity, the reply goes out through the
 * channel's delivery queue, a handoff hands the conversation to a person until the task closes,
 * an agent's reply goes out through the same path, and a day without messages closes it. The
 * buyer's messages and the assistant's replies live in Postgres: the history carries their ids,
 * not their words (an agent's reply passes through its update's arguments: encrypt payloads with
 * TEMPORAL_PAYLOAD_KEYS).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConversationActivities, ConversationActivityRef } from '../activities/contracts';
import {
  type ConversationState,
  agentReplyRefusal,
  handedOff,
  handoffClosed,
  idleDeadline,
  newConversation,
  replyWindowOpen,
  takeBuyerMessage,
} from '../domain/conversation';
import {
  AGENT_REPLY_REFUSED,
  type AgentReplySent,
  type ConversationInput,
  agentReplyUpdate,
  buyerMessageSignal,
  conversationStateQuery,
  handoffClosedSignal,
} from './conversation-messages';
import { deliveryTaskQueue } from './messages';

const { answerBuyer, recordAgentReply, closeConversation } = proxyActivities<ConversationActivities>({
  // A turn may call the model up to five times (each 20 s, retried twice by the SDK) and the tools.
  startToCloseTimeout: '6 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '2 minutes', maximumAttempts: 10 },
});

export async function buyerConversation(input: ConversationInput): Promise<void> {
  let state: ConversationState = input.carried ?? newConversation(Date.now());
  const ref: ConversationActivityRef = {
    conversationId: workflowInfo().workflowId,
    tenantId: input.tenantId,
    buyerId: input.buyerId,
    channel: input.channel,
  };
  // Replies go out on the channel's delivery queue: the provider's rate limit holds for them too.
  const { sendConversationMessage } = proxyActivities<ConversationActivities>({
    taskQueue: deliveryTaskQueue(workflowInfo().taskQueue, input.channel),
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 8 },
  });

  // A conversation closed for inactivity starts again as a new workflow (the same ID) whose count
  // starts again: its messages' keys carry the chain's first run so they never meet the old ones.
  const chain = workflowInfo().firstExecutionRunId;
  setHandler(conversationStateQuery, () => state);
  setHandler(buyerMessageSignal, ({ messageId, receivedAt }) => {
    state = takeBuyerMessage(state, { messageId, receivedAt: Date.parse(receivedAt) }, Date.now());
  });
  setHandler(handoffClosedSignal, ({ taskId }) => {
    state = handoffClosed(state, taskId);
  });
  setHandler(
    agentReplyUpdate,
    async ({ text, actor }): Promise<AgentReplySent> => {
      state = { ...state, agentReplies: state.agentReplies + 1, lastActivityAt: Date.now() };
      const messageId = `${ref.conversationId}/${chain}/agent/${state.agentReplies}`;
      await recordAgentReply({ ...ref, messageId, text, actor });
      const outcome = await sendConversationMessage({ ...ref, messageId });
      return { messageId, status: outcome.status, ...(outcome.reason && { reason: outcome.reason }) };
    },
    {
      validator: ({ text }) => {
        const refusal = agentReplyRefusal(state, text, (at) => replyWindowOpen(input.channel, at, Date.now()));
        if (refusal)
          throw ApplicationFailure.create({ type: AGENT_REPLY_REFUSED, message: refusal, nonRetryable: true });
      },
    },
  );

  for (;;) {
    if (state.pending.length > 0) {
      const messageIds = state.pending;
      state = { ...state, pending: [] };
      // While a person has the conversation the assistant stays quiet: the agent reads them in the API.
      if (state.status === 'open') await answer(messageIds);
      continue;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof buyerConversation>({ ...input, carried: state });
    }
    const seen = state;
    const deadline = idleDeadline(state);
    const woken = await condition(() => state !== seen, Math.max(deadline - Date.now(), 1));
    if (!woken && state === seen && Date.now() >= idleDeadline(state)) {
      await condition(allHandlersFinished);
      if (state.pending.length > 0) continue;
      await closeConversation({ ...ref, at: Date.now() });
      // The buyer (or an agent) wrote while it closed: the row stayed open (it closes only what
      // was quiet), and so does this.
      await condition(allHandlersFinished);
      if (state.pending.length > 0) continue;
      return;
    }
  }

  /**
   * One turn. A turn that keeps failing (the database down for long, a bug) is given up, not the
   * conversation: its messages stay on record for an agent, and the next message is answered.
   */
  async function answer(messageIds: string[]): Promise<void> {
    state = { ...state, turns: state.turns + 1 };
    try {
      const turn = await answerBuyer({ ...ref, messageIds, turn: `${chain}/${state.turns}` });
      if (turn.handoffTaskId) state = handedOff(state, turn.handoffTaskId);
      if (turn.replyMessageId) await sendConversationMessage({ ...ref, messageId: turn.replyMessageId });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn('a turn was given up', { turn: state.turns, error: err.cause?.message ?? err.message });
    }
    state = { ...state, lastActivityAt: Date.now() };
  }
}
