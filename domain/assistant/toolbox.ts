/**
 * Calling a tool by name, the one way both engines do it: arguments validated against
 * TOOL_ARGUMENTS, the ConversationTools method for the name, the call recorded for the guardrails.
 *
 * Pure: the tools are passed in.
 */
import type { AssistantTurnResult } from '../conversation';
import {
  type ConversationTools,
  TOOL_ARGUMENTS,
  TOOL_NAMES,
  type ToolArguments,
  type ToolCallRecord,
  type ToolName,
} from './tools';

const METHODS: { [T in ToolName]: (tools: ConversationTools, args: ToolArguments[T]) => Promise<unknown> } = {
  open_installments: (tools) => tools.openInstallments(),
  payment_link: (tools, args) => tools.paymentLink(args),
  request_new_due_date: (tools, args) => tools.requestNewDueDate(args),
  partial_payment: (tools, args) => tools.partialPayment(args),
  promise_to_pay: (tools, args) => tools.promiseToPay(args),
  handoff_to_human: (tools, args) => tools.handoffToHuman(args),
};

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

/** Calls a tool with arguments already validated, and records it. */
export async function callTool<T extends ToolName>(
  tools: ConversationTools,
  tool: T,
  args: ToolArguments[T],
): Promise<ToolCallRecord & { tool: T }> {
  const result = await METHODS[tool](tools, args);
  return { tool, arguments: args, result } as ToolCallRecord & { tool: T };
}

export type ParsedToolCall =
  | { ok: true; tool: ToolName; arguments: ToolArguments[ToolName] }
  | { ok: false; error: { error: string; issues?: string[] } };

/** A tool call as a model writes it (a name and JSON text), validated. Never throws. */
export function parseToolCall(name: string, argumentsJson: string): ParsedToolCall {
  if (!isToolName(name)) return { ok: false, error: { error: `unknown tool ${name}` } };
  let raw: unknown;
  try {
    raw = JSON.parse(argumentsJson);
  } catch {
    return { ok: false, error: { error: 'arguments are not JSON' } };
  }
  const parsed = TOOL_ARGUMENTS[name].safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        error: 'invalid arguments',
        issues: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
      },
    };
  }
  return { ok: true, tool: name, arguments: parsed.data as ToolArguments[ToolName] };
}

/** The handoff a turn made, from its recorded calls (the last one wins). */
export function handoffOf(toolCalls: readonly ToolCallRecord[]): AssistantTurnResult['handoff'] {
  let handoff: AssistantTurnResult['handoff'] = null;
  for (const call of toolCalls) {
    if (call.tool === 'handoff_to_human') handoff = { reason: call.arguments.reason, taskId: call.result.taskId };
  }
  return handoff;
}
