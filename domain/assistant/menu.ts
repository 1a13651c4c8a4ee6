/**
 * The assistant without a model: a deterministic menu. It understands the menu's numbers (1 amount
 * due, 2 payment link, 3 new due date, 4 a person), words for each option in English, Spanish,
 * French and Portuguese, a date ("the 20th", "el 20", "20/03", "20 de março"…) read against
 * today, an amount to pay now ("pay 50", "pagar 50,00") and a request for a person. It calls the
 * tools those need and answers with replies.ts; anything else gets the menu.
 *
 * What it understands, in order (the first that applies wins):
 *  1. a person ("4", "human", "asesor"…) or a dispute ("I already paid") → handoff;
 *  2. a date → a new due date for the first open installment;
 *  3. an amount with a word for paying or with a currency → a partial payment;
 *  4. a menu number, or words for an option.
 * A bare day number ("20") is a date only when the last thing we asked for was a date, or when it
 * cannot be a menu number (5–31).
 *
 * Pure: no Node built-ins, no clock (today comes in the context).
 */
import type { AssistantContext, AssistantTurnResult, TurnMessage } from '../conversation';
import { foldKeywordText } from '../keywords';
import type { LocalDate } from '../local-time';
import type { Locale } from '../locales';
import { writtenAmounts } from './amounts';
import { resolveDayOfMonth, resolveWrittenDate, writtenDates } from './dates';
import type { AssistantEngine, AssistantTurnInput } from './engine';
import { asksForHuman, soundsUpset } from './intents';
import { askDateReply, handoffReply, menuReply, nothingOpenReply, templatedReply } from './replies';
import { callTool, handoffOf } from './toolbox';
import type { HandoffReason, ToolCallRecord } from './tools';

export type MenuIntent =
  | { kind: 'handoff'; reason: HandoffReason }
  | { kind: 'new_date'; dueDate: LocalDate }
  | { kind: 'ask_date' }
  | { kind: 'partial'; amount: number }
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

/** "the 20th", "on the 20th", "el 20", "el día 20", "dia 20", "le 20", "20th". */
const DAY_OF_MONTH =
  /(?:^| )(?:(?:on )?the|el(?: dia)?|dia|o dia|le|day)(?: )(\d{1,2})(?:st|nd|rd|th|er|o)?(?: |$)|(?:^| )(\d{1,2})(?:st|nd|rd|th)(?: |$)/u;
/** An amount after a word for paying: "pay 50", "pagar 50,00", "payer 50", "pay only 20.50". */
const PAY_AMOUNT =
  /(?:^|[^\p{L}])(?:pay|paying|pagar|pago|abonar|payer|payerai|pagaria|parcial|partial|partiel)(?:[^\p{L}\d]+(?:only|just|solo|sólo|apenas|só|seulement|now|ahora|agora|maintenant|de|du))*[^\p{L}\d]*(\d+(?:[.,]\d{1,2})?)(?![\d/])/iu;

/** The due date a message asks for, if any. `awaitingDate`: our last message asked for one. */
export function requestedDate(
  message: string,
  today: LocalDate,
  locale: Locale,
  awaitingDate: boolean,
): LocalDate | null {
  const written = writtenDates(message, locale)[0];
  if (written) return resolveWrittenDate(written, today);
  const folded = foldKeywordText(message);
  const day = DAY_OF_MONTH.exec(folded);
  if (day) return resolveDayOfMonth(Number(day[1] ?? day[2]), today);
  if (/^\d{1,2}$/.test(folded) && (awaitingDate || Number(folded) > 4)) return resolveDayOfMonth(Number(folded), today);
  return null;
}

/** The amount (major units) a message offers to pay now, if any. */
export function offeredAmount(message: string, locale: Locale): number | null {
  const withCurrency = writtenAmounts(message, locale)[0];
  if (withCurrency) return Number(withCurrency.value);
  const afterPay = PAY_AMOUNT.exec(message);
  if (!afterPay) return null;
  const amount = Number(afterPay[1]!.replace(',', '.'));
  return amount > 0 ? amount : null;
}

/** Whether the last assistant message asked for a date. */
function awaitingDate(history: readonly TurnMessage[], context: AssistantContext): boolean {
  const last = [...history].reverse().find((m) => m.author === 'assistant');
  return last?.text === askDateReply(context);
}

/** What the buyer's message asks the menu for. */
export function readMenuMessage(
  message: string,
  context: AssistantContext,
  history: readonly TurnMessage[],
): MenuIntent {
  const folded = foldKeywordText(message);
  const awaiting = awaitingDate(history, context);
  if (asksForHuman(message) || (folded === '4' && !awaiting)) return { kind: 'handoff', reason: 'buyer_asked' };
  if (soundsUpset(message)) return { kind: 'handoff', reason: 'dispute' };
  const dueDate = requestedDate(message, context.today, context.locale, awaiting);
  if (dueDate) return { kind: 'new_date', dueDate };
  const amount = offeredAmount(message, context.locale);
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
