/**
 * The assistant on an OpenAI model, through the Responses API. One turn is a short tool loop: the
 * model calls tools (validated against the same zod schemas the menu uses), we run them and send
 * their results back, until it writes a reply or the round bound is reached.
 *
 * `store: false` keeps the conversation out of OpenAI's storage, so there is no previous response
 * to point at: every request resends the whole turn (input, the model's calls, our outputs).
 *
 * Model trouble never throws: the tools have side effects (a due date moved, a task opened), and a
 * retried activity would repeat them. An API error (after the SDK's own retries) or a model that
 * keeps calling tools gets the templated reply built from whatever the tools did. A tool that throws
 * does propagate: that is our failure, and the activity's retry policy is the place for it.
 */
import type OpenAI from 'openai';
import { zodResponsesFunction } from 'openai/helpers/zod';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import type { AssistantTurnResult } from '../../domain/conversation';
import type { AssistantEngine, AssistantTurnInput } from '../../domain/assistant/engine';
import { assistantInput } from '../../domain/assistant/prompt';
import { linkStandIns } from '../../domain/assistant/links';
import { templatedReply } from '../../domain/assistant/replies';
import { callTool, handoffOf, parseToolCall } from '../../domain/assistant/toolbox';
import { TOOL_ARGUMENTS, TOOL_NAMES, type ToolCallRecord, type ToolName } from '../../domain/assistant/tools';

const TOOL_DESCRIPTIONS: Readonly<Record<ToolName, string>> = {
  open_installments:
    "The buyer's open installments with amount due and due date, formatted for the buyer. Call it first.",
  payment_link: 'A link where the buyer pays an installment (null installmentId: the first open one).',
  request_new_due_date:
    "Asks the journey's policy to move an installment's due date; answers the new date, or why not and the allowed window.",
  partial_payment:
    'Starts a payment of part of an installment; answers a checkout link, or why not with the minimum and maximum.',
  promise_to_pay:
    "Records the buyer's promise to pay an installment by a day they wrote (and the amount they wrote, or null for all that is due); reminders hold until then. Answers the promise and when reminders resume, or why not with the allowed days and amounts, or not_stated: ask the buyer.",
  handoff_to_human: 'Hands the conversation to a person from the team, who will reply in this chat.',
};

/** The tools as the Responses API takes them: JSON schemas derived from the zod arguments, strict. */
export const OPENAI_TOOLS = TOOL_NAMES.map((name) =>
  zodResponsesFunction({ name, parameters: TOOL_ARGUMENTS[name], description: TOOL_DESCRIPTIONS[name] }),
);

export interface OpenAiEngineOptions {
  client: OpenAI;
  model: string;
  /** How many rounds of tool calls one turn may run before the model must answer. */
  maxToolRounds?: number;
}

type FunctionCall = { type: 'function_call'; call_id: string; name: string; arguments: string };

export function createOpenAiEngine({ client, model, maxToolRounds = 4 }: OpenAiEngineOptions): AssistantEngine {
  async function turn({ context, history, message, tools }: AssistantTurnInput): Promise<AssistantTurnResult> {
    const { instructions, input } = assistantInput(context, history, message);
    const items: ResponseInputItem[] = [...input];
    const toolCalls: ToolCallRecord[] = [];
    // Links (the buyer-area link is a bearer token) reach the model as placeholders only.
    const links = linkStandIns();
    const fallback = (): AssistantTurnResult => ({
      reply: templatedReply(toolCalls, context),
      engine: 'template',
      toolCalls,
      guardrail: 'model_error',
      handoff: handoffOf(toolCalls),
    });

    for (let round = 0; round <= maxToolRounds; round++) {
      let response: OpenAI.Responses.Response;
      try {
        response = await client.responses.create({
          model,
          instructions,
          input: items,
          tools: OPENAI_TOOLS,
          // The last request may not call tools: the model has to answer with what it has.
          ...(round === maxToolRounds ? { tool_choice: 'none' as const } : {}),
          store: false,
        });
      } catch {
        return fallback();
      }
      const calls = response.output.filter((item): item is FunctionCall & typeof item => item.type === 'function_call');
      if (calls.length === 0) {
        return {
          reply: links.restore(response.output_text),
          engine: 'openai',
          toolCalls,
          guardrail: null,
          handoff: handoffOf(toolCalls),
        };
      }
      if (round === maxToolRounds) return fallback();
      for (const call of calls) {
        // Without storage the items' IDs point at nothing: resend the call by its content.
        items.push({ type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments });
        const parsed = parseToolCall(call.name, call.arguments);
        let output: unknown;
        if (parsed.ok) {
          const record = await callTool(tools, parsed.tool, parsed.arguments as never);
          toolCalls.push(record);
          output = record.result;
        } else {
          output = parsed.error;
        }
        items.push({ type: 'function_call_output', call_id: call.call_id, output: JSON.stringify(links.hide(output)) });
      }
    }
    return fallback();
  }
  return { name: 'openai', turn };
}
