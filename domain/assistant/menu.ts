/**
 * The assistant without a model: a deterministic menu. It understands the menu's numbers (1 amount
 * due, 2 payment link, 3 new due date, 4 a person), words for each option in English, Spanish,
 * French and Portuguese, a date ("the 20th", "el 20", "20/03", "20 de março", "Friday"…) read
 * against today, an amount to pay now ("pay 50", "pagar 50,00"), a promise to pay ("I'll pay on
 * Friday", "can I pay 200 on the 15th?") and a request for a person. It calls the tools those
 * need and answers with replies.ts; anything else gets the menu.
 *
 * What it understands, in order (the first that applies wins):
 *  1. a person ("4", "human", "asesor"…) or a dispute ("I already paid") → handoff;
 *  2. a promise: words that commit to paying, a day with an amount, or a day in answer to our
 *     question for one → a promise to pay for the first open installment, on the one day the
 *     buyer named (none, or several: we ask which day);
 *  3. a date → a new due date for the first open installment;
 *  4. an amount with a word for paying or with a currency → a partial payment;
 *  5. a menu number, or words for an option.
 * A bare day number ("20") is a date only when the last thing we asked for was a date, or when it
 * cannot be a menu number (5–31).
 *
 * Pure: no Node built-ins, no clock (today comes in the context).
 */
import type { AssistantContext, AssistantTurnResult, TurnMessage } from '../conversation';
import { foldKeywordText } from '../keywords';
import type { LocalDate } from '../local-time';
import type { Locale } from '../locales';
import { offeredAmount } from './amounts';
import { statedDates, statedTomorrow } from './dates';
import type { AssistantEngine, AssistantTurnInput } from './engine';
import { asksForHuman, promisesToPay, soundsUpset } from './intents';
import {
  askDateReply,
  askPromiseDateReply,
  askedForDay,
  handoffReply,
  menuReply,
  nothingOpenReply,
  promiseDateUnclearReply,
  templatedReply,
} from './replies';
import { callTool, handoffOf } from './toolbox';
import type { HandoffReason, ToolCallRecord } from './tools';

export type MenuIntent =
  | { kind: 'handoff'; reason: HandoffReason }
  | { kind: 'new_date'; dueDate: LocalDate }
  | { kind: 'ask_date' }
  | { kind: 'partial'; amount: number }
  | { kind: 'promise'; date: LocalDate; amount: number | null }
  | { kind: 'ask_promise_date' }
  | { kind: 'promise_date_unclear' }
  | { kind: 'amount' }
  | { kind: 'pay' }
  | { kind: 'menu' };

/** Option words (folded), any language: the buyer may not write in the locale we have. */
const OPTION_WORDS: Readonly<Record<'ask_date' | 'amount' | 'pay', readonly string[]>> = {
  ask_date: [
    ...['due date', 'new date', 'another date', 'change the date', 'postpone', 'extend', 'extension', 'more time'],
    ...['reschedule', 'fecha', 'prorroga', 'plazo', 'mas tiempo', 'aplazar', 'posponer', 'date', 'echeance'],
    ...['reporter', 'repousser', 'delai', 'plus de temps', 'decaler', 'data', 'prazo', 'adiar', 'prorrogar'],
    ...['vencimento', 'mais tempo'],
  ],
  amount: [
    ...['amount', 'how much', 'balance', 'owe', 'total', 'cuanto', 'monto', 'saldo', 'debo', 'importe', 'deuda'],
    ...['combien', 'montant', 'solde', 'dois', 'dette', 'quanto', 'valor', 'devo', 'divida', 'debito'],
  ],
  pay: [
    ...['pay', 'payment', 'link', 'pagar', 'pago', 'enlace', 'payer', 'paiement', 'lien', 'regler', 'pagamento'],
    ...['boleto', 'pix'],
  ],
};
const OPTION_NUMBERS: Readonly<Record<string, MenuIntent['kind']>> = { '1': 'amount', '2': 'pay', '3': 'ask_date' };

function hasWord(folded: string, phrases: readonly string[]): boolean {
  return phrases.some((phrase) => ` ${folded} `.includes(` ${phrase} `));
}

/** The due date a message asks for, if any. `awaitingDate`: our last message asked for one. */
export function requestedDate(
  message: string,
  today: LocalDate,
  locale: Locale,
  awaitingDate: boolean,
): LocalDate | null {
  return statedDates(message, today, locale, awaitingDate)[0] ?? null;
}

/** The buyer's message before our question for a day: it may have said how much. */
function amountBeforeQuestion(history: readonly TurnMessage[], locale: Locale): number | null {
  const said = history.findLast((m) => m.author === 'buyer')?.text;
  return said === undefined ? null : offeredAmount(said, locale);
}

/** What the buyer's message asks the menu for. */
export function readMenuMessage(
  message: string,
  context: AssistantContext,
  history: readonly TurnMessage[],
): MenuIntent {
  const folded = foldKeywordText(message);
  const asked = askedForDay(history, context);
  if (asksForHuman(message) || (folded === '4' && asked === null)) return { kind: 'handoff', reason: 'buyer_asked' };
  if (soundsUpset(message)) return { kind: 'handoff', reason: 'dispute' };
  const days = statedDates(message, context.today, context.locale, asked !== null);
  const amount = offeredAmount(message, context.locale);
  const promising = promisesToPay(message) || asked === 'promise';
  const promiseDays = [...new Set([...days, ...(promising ? statedTomorrow(message, context.today) : [])])];
  if (promisesToPay(message) || (promiseDays.length > 0 && (amount !== null || promising))) {
    if (promiseDays.length === 0) return { kind: 'ask_promise_date' };
    if (promiseDays.length > 1) return { kind: 'promise_date_unclear' };
    const promised = amount ?? (asked === 'promise' ? amountBeforeQuestion(history, context.locale) : null);
    return { kind: 'promise', date: promiseDays[0]!, amount: promised };
  }
  if (days[0]) return { kind: 'new_date', dueDate: days[0] };
  if (amount !== null) return { kind: 'partial', amount };
  const option = /^(?:option |opcion |opcao |)([1-3])$/.exec(folded)?.[1];
  if (option) return { kind: OPTION_NUMBERS[option]! } as MenuIntent;
  for (const kind of ['ask_date', 'amount', 'pay'] as const) {
    if (hasWord(folded, OPTION_WORDS[kind])) return { kind };
  }
  return { kind: 'menu' };
}

/** Carries the intent out through the tools; returns the reply. */
async function act(intent: MenuIntent, input: AssistantTurnInput, calls: ToolCallRecord[]): Promise<string> {
  const { context, tools } = input;
  const record = <T extends ToolCallRecord>(call: T): T => (calls.push(call), call);
  switch (intent.kind) {
    case 'menu':
      return menuReply(context);
    case 'ask_date':
      return askDateReply(context);
    case 'ask_promise_date':
      return askPromiseDateReply(context);
    case 'promise_date_unclear':
      return promiseDateUnclearReply(context);
    case 'handoff':
      record(await callTool(tools, 'handoff_to_human', { reason: intent.reason }));
      return handoffReply(context);
    case 'amount':
      record(await callTool(tools, 'open_installments', {}));
      return templatedReply(calls, context);
    default: {
      const open = record(await callTool(tools, 'open_installments', {})).result.installments[0];
      if (!open) return nothingOpenReply(context);
      const installmentId = open.installmentId;
      if (intent.kind === 'pay') record(await callTool(tools, 'payment_link', { installmentId }));
      if (intent.kind === 'new_date') {
        record(await callTool(tools, 'request_new_due_date', { installmentId, dueDate: intent.dueDate }));
      }
      if (intent.kind === 'promise') {
        record(await callTool(tools, 'promise_to_pay', { installmentId, date: intent.date, amount: intent.amount }));
      }
      if (intent.kind === 'partial') {
        record(await callTool(tools, 'partial_payment', { installmentId, amount: intent.amount }));
      }
      return templatedReply(calls, context);
    }
  }
}

/** One menu turn. */
export async function menuTurn(input: AssistantTurnInput): Promise<AssistantTurnResult> {
  const calls: ToolCallRecord[] = [];
  const reply = await act(readMenuMessage(input.message, input.context, input.history), input, calls);
  return { reply, engine: 'menu', toolCalls: calls, guardrail: null, handoff: handoffOf(calls) };
}

export const menuEngine: AssistantEngine = { name: 'menu', turn: menuTurn };
