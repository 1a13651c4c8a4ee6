/**
 * The assistant's deterministic replies, built only from what this turn's tools answered: the
 * menu engine's every reply, and what goes out instead of a model reply a guardrail refused.
 * Amounts and dates are the tools' own formatted text; nothing here computes one.
 *
 * Pure: no Node built-ins, no clock.
 */
import type { AssistantContext, TurnMessage } from '../conversation';
import { ASSISTANT_COPY, type AssistantCopy } from './copy';
import type { PromiseResult, ToolCallRecord } from './tools';

type ReplyContext = Pick<AssistantContext, 'locale' | 'firstName' | 'sellerName'>;

/** The greeting and the numbered menu. */
export function menuReply(context: ReplyContext): string {
  const copy = ASSISTANT_COPY[context.locale];
  return `${copy.greeting(context.firstName, context.sellerName)}\n${copy.menu}`;
}

export function handoffReply(context: ReplyContext): string {
  return ASSISTANT_COPY[context.locale].handoff;
}

export function nothingOpenReply(context: ReplyContext): string {
  return ASSISTANT_COPY[context.locale].nothingOpen;
}

/** What the menu asks when the buyer wants a new due date but gave no day. */
export function askDateReply(context: ReplyContext): string {
  return ASSISTANT_COPY[context.locale].askDate;
}

/** What the menu asks when the buyer promises to pay but named no day. */
export function askPromiseDateReply(context: ReplyContext): string {
  return ASSISTANT_COPY[context.locale].askPromiseDate;
}

/** What the menu asks when the buyer's promise names more than one day. */
export function promiseDateUnclearReply(context: ReplyContext): string {
  return ASSISTANT_COPY[context.locale].promiseDateUnclear;
}

/**
 * Which day the assistant's last message asked the buyer for, if it asked: a new due date, or the
 * day of a promise (so "20" in answer is that day, and a day in answer to a promise is a promise).
 */
export function askedForDay(history: readonly TurnMessage[], context: ReplyContext): 'due_date' | 'promise' | null {
  const last = history.findLast((m) => m.author === 'assistant')?.text;
  if (last === askDateReply(context)) return 'due_date';
  if (last === askPromiseDateReply(context) || last === promiseDateUnclearReply(context)) return 'promise';
  return null;
}

/** A promise's outcome: recorded, or why not with what the policy would take instead. */
function describePromise(result: PromiseResult, copy: AssistantCopy): string[] {
  switch (result.outcome) {
    case 'promised':
      return [copy.promised(result.amount.formatted, result.date.formatted, result.resumesOn.formatted)];
    case 'not_stated':
      return [copy.askPromiseDate];
    case 'refused': {
      const { reason, window, amounts, open } = result;
      const aboutDate = reason === 'invalid_date' || reason === 'in_the_past' || reason === 'too_far_ahead';
      const aboutAmount = reason === 'invalid_amount' || reason === 'above_outstanding' || reason === 'below_minimum';
      return [
        copy.promiseRefused[reason],
        ...(reason === 'promise_open' && open ? [copy.promiseOpen(open.amount.formatted, open.date.formatted)] : []),
        ...(aboutDate && window ? [copy.promiseWindow(window.min.formatted, window.max.formatted)] : []),
        ...(aboutAmount ? [copy.promiseAmounts(amounts.minimum.formatted, amounts.maximum.formatted)] : []),
      ];
    }
    default:
      return [copy.cannotDoHere];
  }
}

/** The lines one tool call contributes; null when another call of the turn says more. */
function describe(call: ToolCallRecord, copy: AssistantCopy, onlyLookup: boolean): string[] | null {
  switch (call.tool) {
    case 'open_installments': {
      // Looked up on the way to an action: the action's outcome is the news.
      if (!onlyLookup) return null;
      const { installments } = call.result;
      if (installments.length === 0) return [copy.nothingOpen];
      return installments.map((i) =>
        copy.installment(
          i.productName,
          i.number,
          i.count,
          i.amountDue.formatted,
          i.dueDate.formatted,
          i.status === 'overdue',
        ),
      );
    }
    case 'payment_link':
      return call.result.outcome === 'link' ? [copy.link(call.result.url)] : [copy.nothingOpen];
    case 'request_new_due_date': {
      const result = call.result;
      if (result.outcome === 'changed') return [copy.dueDateChanged(result.dueDate.formatted)];
      if (result.outcome !== 'refused') return [copy.cannotDoHere];
      const window = result.window
        ? [copy.dueDateWindow(result.window.min.formatted, result.window.max.formatted)]
        : [];
      return [copy.dueDateRefused[result.reason], ...window];
    }
    case 'partial_payment': {
      const result = call.result;
      if (result.outcome === 'checkout') return [copy.partialCheckout(result.amount.formatted, result.url)];
      if (result.outcome !== 'refused') return [copy.cannotDoHere];
      const range =
        result.reason === 'partial_not_allowed'
          ? []
          : [copy.partialRange(result.minimum.formatted, result.maximum.formatted)];
      return [copy.partialRefused[result.reason], ...range];
    }
    case 'promise_to_pay':
      return describePromise(call.result, copy);
    case 'handoff_to_human':
      return [copy.handoff];
  }
}

/**
 * A reply that says what this turn's tools found and did, in the buyer's language. No tools: the
 * greeting and menu. A handoff closes the reply (a person takes it from there); otherwise the way
 * to a person is offered.
 */
export function templatedReply(toolCalls: readonly ToolCallRecord[], context: ReplyContext): string {
  if (toolCalls.length === 0) return menuReply(context);
  const copy = ASSISTANT_COPY[context.locale];
  const onlyLookup = toolCalls.every((call) => call.tool === 'open_installments');
  const lines = toolCalls.flatMap((call) => describe(call, copy, onlyLookup) ?? []);
  const handedOff = toolCalls.some((call) => call.tool === 'handoff_to_human');
  const unique = [...new Set(lines)];
  return (handedOff ? unique : [...unique, copy.anythingElse]).join('\n');
}
