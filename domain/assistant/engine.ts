/**
 * What an assistant engine is: one turn of a conversation in, the reply and what it did out. The
 * model (activities/assistant/openai-engine.ts) and the menu (menu.ts) both are one.
 */
import type { AssistantContext, AssistantTurnResult, ReplyEngine, TurnMessage } from '../conversation';
import type { ConversationTools } from './tools';

export interface AssistantTurnInput {
  context: AssistantContext;
  /** The conversation before this message, oldest first. */
  history: readonly TurnMessage[];
  /** The buyer's new message. */
  message: string;
  tools: ConversationTools;
}

export interface AssistantEngine {
  name: Exclude<ReplyEngine, 'template'>;
  turn(input: AssistantTurnInput): Promise<AssistantTurnResult>;
}
