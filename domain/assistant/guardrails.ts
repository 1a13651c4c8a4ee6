/**
 * The guardrails a model's reply passes before a buyer reads it. Rules in code, not in the prompt:
 * the prompt asks, this module checks.
 *
 *  - card data: a run of 13–19 digits (spaces or dashes between) that passes the Luhn check;
 *  - every amount must be one a tool answered in this turn (a ToolAmount anywhere in the results),
 *    in the currency it was answered in when the text names one ("€150" is not R$ 150);
 *  - every calendar date must be one a tool answered (a ToolDate) or one the turn asked a tool for
 *    (request_new_due_date's dueDate or promise_to_pay's date, even when refused: "the 20th is
 *    beyond the limit");
 *  - nothing to say is not a reply.
 *
 * And one before a tool acts: the assistant never promises to pay on the buyer's behalf. A
 * promise_to_pay call goes through only with a day the buyer wrote (and an amount they wrote, when
 * it names one); otherwise nothing is recorded and the buyer is asked (promiseGuard).
 *
 * Text the tools gave verbatim (payment URLs, product names, IDs) and the names in the context are
 * taken out first: "Curso 2026/1" is a product, not a date. Amounts and dates are never taken out
 * by their text: "150,00 €" is inside "1150,00 €".
 *
 * Pure: no Node built-ins, no clock.
 */
import type { AssistantContext, GuardrailRefusal, TurnMessage } from '../conversation';
import type { Locale } from '../locales';
import { minorToDecimal, offeredAmount, writtenAmounts } from './amounts';
import { isWrittenAs, numericDates, statedDates, statedTomorrow, writtenDates } from './dates';
import { askedForDay } from './replies';
import type { ConversationTools, ToolAmount, ToolArguments, ToolCallRecord, ToolDate } from './tools';

/** Names the reply may quote that the tool results do not hold (the context's). */
export interface QuotableNames {
  sellerName?: string;
  firstName?: string;
}

// ——— what the tools answered ———

function isToolAmount(value: object): value is ToolAmount {
  return 'minor' in value && 'currency' in value && 'formatted' in value;
}

function isToolDate(value: object): value is ToolDate {
  return 'date' in value && 'formatted' in value && !('minor' in value);
}

interface ToolFacts {
  /** Each amount's exact decimal, with the currencies it was answered in. */
  amounts: Map<string, Set<string>>;
  dates: Set<string>;
  /** Verbatim strings: URLs, product names, IDs. */
  strings: Set<string>;
}

/** Every ToolAmount, ToolDate and quotable string in this turn's results (and the dates asked for). */
export function toolFacts(toolCalls: readonly ToolCallRecord[]): ToolFacts {
  const facts: ToolFacts = { amounts: new Map(), dates: new Set(), strings: new Set() };
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) for (const item of value) visit(item, key);
    else if (typeof value === 'object' && value !== null) {
      if (isToolAmount(value)) {
        const decimal = minorToDecimal(value.minor, value.currency);
        facts.amounts.set(decimal, (facts.amounts.get(decimal) ?? new Set()).add(value.currency));
      } else if (isToolDate(value)) facts.dates.add(value.date);
      else for (const [k, v] of Object.entries(value)) visit(v, k);
    } else if (typeof value === 'string' && ['url', 'productName', 'installmentId', 'taskId'].includes(key)) {
      facts.strings.add(value);
    }
  };
  for (const call of toolCalls) {
    visit(call.result, '');
    if (call.tool === 'request_new_due_date') facts.dates.add(call.arguments.dueDate);
    // A promise's day, even refused ("the 30th is too far ahead"); not one the guard stopped.
    if (call.tool === 'promise_to_pay' && call.result.outcome !== 'not_stated') facts.dates.add(call.arguments.date);
  }
  return facts;
}

// ——— card numbers ———

/** Luhn: double every second digit from the right. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

const DIGIT_RUN = /\d(?:[ \-\u00a0\u202f]?\d)*/g;

/**
 * Digit runs (spaces or dashes between digits allowed) of 13–19 digits that pass Luhn. A longer
 * run may hide a card number next to other digits: there every stretch of a card's length is tried.
 */
export function cardNumbers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(DIGIT_RUN)) {
    const digits = match[0].replace(/\D/g, '');
    if (digits.length < 13) continue;
    if (digits.length <= 19) {
      if (passesLuhn(digits)) found.push(digits);
      continue;
    }
    search: for (let length = 13; length <= 19; length++) {
      for (let start = 0; start + length <= digits.length; start++) {
        if (passesLuhn(digits.slice(start, start + length))) {
          found.push(digits.slice(start, start + length));
          break search;
        }
      }
    }
  }
  return found;
}

/** `text` with every run that holds a card number replaced by a mask. */
export function maskCardNumbers(text: string, mask = '[card number]'): string {
  return text.replace(DIGIT_RUN, (run) => (cardNumbers(run).length > 0 ? mask : run));
}

// ——— the check ———

/** What may stand between the digits of one number: a decimal or group separator. */
const SEPARATOR = '[.,\\s\\u00a0\\u202f]';
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The reply without the quoted strings, each taken out only where it stands apart: not next to a
 * letter or digit, nor across a digit separator from one (a seller called "1" must not take the 1
 * out of "$150.00", a buyer called "31" not the cents out of "085,31"). Longest first: a URL
 * holding an ID goes out whole.
 */
function withoutQuotedStrings(reply: string, strings: Iterable<string>): string {
  let text = reply;
  for (const s of [...new Set(strings)].filter((s) => s.trim() !== '').sort((a, b) => b.length - a.length)) {
    const apart = new RegExp(
      `(?<![\\p{L}\\p{N}]|\\d${SEPARATOR})${escapeRegExp(s)}(?![\\p{L}\\p{N}]|${SEPARATOR}\\d)`,
      'gu',
    );
    text = text.replace(apart, ' ');
  }
  return text;
}

/** Blank out numeric dates so "20.03.2026" is not read as the amount 20.03. */
function withoutNumericDates(text: string, locale: Locale): string {
  let out = text;
  for (const { start, end } of numericDates(text, locale))
    out = out.slice(0, start) + ' '.repeat(end - start) + out.slice(end);
  return out;
}

/** Null when the reply may go to the buyer, else why not. */
export function checkReply(
  reply: string,
  toolCalls: readonly ToolCallRecord[],
  locale: Locale,
  names: QuotableNames = {},
): GuardrailRefusal | null {
  if (reply.trim() === '') return 'empty';
  const facts = toolFacts(toolCalls);
  const text = withoutQuotedStrings(reply, [...facts.strings, names.sellerName ?? '', names.firstName ?? '']);
  if (cardNumbers(text).length > 0) return 'card_data';
  const dates = [...facts.dates];
  if (writtenDates(text, locale).some((written) => !dates.some((date) => isWrittenAs(written, date)))) {
    return 'date_not_from_tools';
  }
  // The value must be one the tools gave; a currency the text names must be that amount's too.
  const answered = ({ value, currency }: { value: string; currency: string | null }) => {
    const currencies = facts.amounts.get(value);
    return currencies !== undefined && (currency === null || currencies.has(currency));
  };
  if (writtenAmounts(withoutNumericDates(text, locale), locale).some((amount) => !answered(amount))) {
    return 'amount_not_from_tools';
  }
  return null;
}

// ——— promises ———

/** What a turn knows of the buyer's own words. */
export interface BuyerWords {
  message: string;
  history: readonly TurnMessage[];
  context: Pick<AssistantContext, 'locale' | 'today' | 'firstName' | 'sellerName'>;
}

/**
 * What the buyer has not said of a promise the assistant would record: the day must be one they
 * wrote, in this message or their one before (a model may confirm before it records: "yes" names
 * no day), and so must the amount when the call names one. Null when they said it all.
 */
export function promiseNotStated(
  args: ToolArguments['promise_to_pay'],
  { message, history, context }: BuyerWords,
): 'date' | 'amount' | null {
  const earlier = history.findLast((m) => m.author === 'buyer')?.text;
  const said = earlier === undefined ? [message] : [message, earlier];
  const awaiting = askedForDay(history, context) !== null;
  const days = said.flatMap((text) => [
    ...statedDates(text, context.today, context.locale, awaiting),
    ...statedTomorrow(text, context.today),
  ]);
  if (!days.includes(args.date)) return 'date';
  if (args.amount === null) return null;
  const amounts = said.flatMap((text) => [
    offeredAmount(text, context.locale),
    ...writtenAmounts(text, context.locale).map((a) => Number(a.value)),
  ]);
  return amounts.includes(args.amount) ? null : 'amount';
}

/** The tools with promise_to_pay behind {@link promiseNotStated}: nothing is recorded the buyer did not say. */
export function promiseGuard(tools: ConversationTools, words: BuyerWords): ConversationTools {
  // Each method delegated by name: the tools may be a class, whose methods a spread would drop.
  return {
    openInstallments: () => tools.openInstallments(),
    paymentLink: (args) => tools.paymentLink(args),
    requestNewDueDate: (args) => tools.requestNewDueDate(args),
    partialPayment: (args) => tools.partialPayment(args),
    handoffToHuman: (args) => tools.handoffToHuman(args),
    promiseToPay: async (args) => {
      const missing = promiseNotStated(args, words);
      return missing === null ? tools.promiseToPay(args) : { outcome: 'not_stated', missing };
    },
  };
}
