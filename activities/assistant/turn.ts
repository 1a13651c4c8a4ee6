/**
 * One assistant turn, whatever the engine: a buyer who asks for a person gets one at once (no
 * model between them), a promise to pay is recorded only as the buyer stated it, every model
 * reply passes the guardrails, and a refused reply is replaced by the templated reply built from
 * what the tools answered.
 */
import { checkReply, promiseGuard } from '../../domain/assistant/guardrails';
import type { AssistantEngine, AssistantTurnInput } from '../../domain/assistant/engine';
import { asksForHuman } from '../../domain/assistant/intents';
import { handoffReply, templatedReply } from '../../domain/assistant/replies';
import { callTool, handoffOf } from '../../domain/assistant/toolbox';
import type { AssistantTurnResult } from '../../domain/conversation';

export async function runAssistantTurn(
  input: AssistantTurnInput & { engine: AssistantEngine },
): Promise<AssistantTurnResult> {
  const { engine, context, history, message } = input;
  const tools = promiseGuard(input.tools, { message, history, context });
  if (asksForHuman(message)) {
    const call = await callTool(tools, 'handoff_to_human', { reason: 'buyer_asked' });
    // No model wrote this: with a model configured it is a template (with no guardrail involved).
    const replyEngine = engine.name === 'menu' ? 'menu' : 'template';
    return {
      reply: handoffReply(context),
      engine: replyEngine,
      toolCalls: [call],
      guardrail: null,
      handoff: handoffOf([call]),
    };
  }
  const result = await engine.turn({ ...input, tools });
  const handoff = handoffOf(result.toolCalls);
  if (result.engine !== 'openai') return { ...result, handoff };
  const refusal = checkReply(result.reply, result.toolCalls, context.locale, context);
  if (refusal === null) return { ...result, handoff };
  return {
    ...result,
    reply: templatedReply(result.toolCalls, context),
    engine: 'template',
    guardrail: refusal,
    handoff,
  };
}
