/**
 * A promise to pay through the assistant: which days a buyer's words name, when they commit to
 * paying, what the menu does with it, the guardrail that records nothing the buyer did not write,
 * and the replies (recorded, every refusal, the questions back) in every language.
 */
import { describe, expect, it } from 'vitest';
import { statedDates, statedTomorrow } from '../../domain/assistant/dates';
import { evaluationContext, evaluationTools } from '../../domain/assistant/evaluation-ledger';
import { checkReply, promiseGuard, promiseNotStated } from '../../domain/assistant/guardrails';
import { promisesToPay } from '../../domain/assistant/intents';
import { menuTurn, readMenuMessage } from '../../domain/assistant/menu';
import {
  askPromiseDateReply,
  askedForDay,
  promiseDateUnclearReply,
  templatedReply,
} from '../../domain/assistant/replies';
import type { PromiseResult, ToolAmount, ToolCallRecord, ToolDate } from '../../domain/assistant/tools';
import type { TurnMessage } from '../../domain/conversation';
import { SUPPORTED_LOCALES, type Locale } from '../../domain/locales';
import { formatAmount, formatDate } from '../../domain/messages';
import type { PromiseRefusal } from '../../domain/promises';

/** A Tuesday: "Friday" is the 13th, "Tuesday" is today or the 17th. */
const TODAY = '2026-03-10';

describe('statedDates', () => {
  it.each<[string, Locale, string[]]>([
    ["I'll pay on Friday", 'en', ['2026-03-13']],
    ['Monday', 'en', ['2026-03-16']],
    ['te pago el viernes', 'es', ['2026-03-13']],
    ['el sábado', 'es', ['2026-03-14']],
    ['je paierai vendredi', 'fr', ['2026-03-13']],
    ['vou pagar na sexta', 'pt-BR', ['2026-03-13']],
    ['sexta-feira', 'pt-BR', ['2026-03-13']],
    ['até a quinta', 'pt-BR', ['2026-03-12']],
    ['the 20th', 'en', ['2026-03-20']],
    ['el 20 de marzo de 2027', 'es', ['2027-03-20']],
  ])('%s (%s) → %s', (text, locale, expected) => {
    expect(statedDates(text, TODAY, locale, false)).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['I will pay tomorrow', ['2026-03-11']],
    ['te pago mañana', ['2026-03-11']],
    ['el viernes por la mañana', []],
    ['je paierai après-demain', []],
    ['pago amanhã', ['2026-03-11']],
    ['depois de amanhã', []],
  ])('%s → tomorrow %s (a promise reads it; a due-date question does not)', (text, expected) => {
    expect(statedTomorrow(text, TODAY)).toEqual(expected);
    expect(statedDates(text, TODAY, 'es', false)).not.toContain('2026-03-11');
  });

  it('a weekday named on that weekday is today or a week from today: two days, the buyer is asked', () => {
    expect(statedDates('I will pay on Tuesday', TODAY, 'en', false)).toEqual(['2026-03-10', '2026-03-17']);
  });

  it('"segunda" alone is "second" in Portuguese, not Monday', () => {
    expect(statedDates('vou pagar a segunda parcela', TODAY, 'pt-BR', false)).toEqual([]);
    expect(statedDates('vou pagar na segunda', TODAY, 'pt-BR', false)).toEqual(['2026-03-16']);
  });

  it('several days are all kept', () => {
    expect(statedDates('the 15th or the 20th', TODAY, 'en', false)).toEqual(['2026-03-15', '2026-03-20']);
  });
});

describe('promisesToPay', () => {
  it.each(["I'll pay on Friday", 'I will pay soon', 'Voy a pagar', 'Pagaré el 20', 'Je vais payer', 'Vou pagar'])(
    '%s → a promise',
    (text) => expect(promisesToPay(text)).toBe(true),
  );
  it.each(['Can I pay on the 20th?', 'I want to pay', 'Quiero pagar', 'Je veux payer', 'Quero pagar'])(
    '%s → not a promise',
    (text) => expect(promisesToPay(text)).toBe(false),
  );
});

describe('readMenuMessage', () => {
  const context = evaluationContext('en');

  it('a promise with a day, an amount with a day, and the questions back', () => {
    expect(readMenuMessage("I'll pay on Friday", context, [])).toEqual({
      kind: 'promise',
      date: '2026-03-13',
      amount: null,
    });
    expect(readMenuMessage('can I pay 200 on the 15th?', context, [])).toEqual({
      kind: 'promise',
      date: '2026-03-15',
      amount: 200,
    });
    expect(readMenuMessage("I'll pay next week", context, [])).toEqual({ kind: 'ask_promise_date' });
    expect(readMenuMessage("I'll pay tomorrow", context, [])).toEqual({
      kind: 'promise',
      date: '2026-03-11',
      amount: null,
    });
    expect(readMenuMessage('What is the weather tomorrow?', context, []).kind).toBe('menu');
    expect(readMenuMessage("I'll pay on Tuesday", context, [])).toEqual({ kind: 'promise_date_unclear' });
    // A question about a day without a commitment stays a new due date.
    expect(readMenuMessage('Can I pay on the 20th?', context, [])).toEqual({ kind: 'new_date', dueDate: '2026-03-20' });
  });

  it('after our question, a bare day is the promise, with the amount said before it', () => {
    const history: TurnMessage[] = [
      { author: 'buyer', text: "I'll pay 150.00 but I don't know when" },
      { author: 'assistant', text: askPromiseDateReply(context) },
    ];
    expect(askedForDay(history, context)).toBe('promise');
    expect(readMenuMessage('20', context, history)).toEqual({ kind: 'promise', date: '2026-03-20', amount: 150 });
  });
});

describe('the promise guardrail', () => {
  const context = evaluationContext('en');
  const args = { installmentId: 'inst-2', date: '2026-03-13', amount: null };

  it('lets through only a day, and an amount, the buyer wrote', () => {
    expect(promiseNotStated(args, { message: "I'll pay on Friday", history: [], context })).toBeNull();
    expect(promiseNotStated(args, { message: "I'll pay soon", history: [], context })).toBe('date');
    expect(promiseNotStated({ ...args, amount: 150 }, { message: 'Friday', history: [], context })).toBe('amount');
    expect(
      promiseNotStated({ ...args, amount: 150 }, { message: 'pay 150 on Friday', history: [], context }),
    ).toBeNull();
    // "yes" to the model's "shall I note Friday?" confirms a day the buyer wrote just before.
    const history: TurnMessage[] = [
      { author: 'buyer', text: 'I can pay on Friday' },
      { author: 'assistant', text: 'Shall I note that you will pay on Friday?' },
    ];
    expect(promiseNotStated(args, { message: 'yes', history, context })).toBeNull();
  });

  it('records nothing the buyer did not say, and answers what is missing', async () => {
    const tools = evaluationTools('en');
    let recorded = 0;
    const counting = { ...tools, promiseToPay: async (a: typeof args) => (recorded++, tools.promiseToPay(a)) };
    const guarded = promiseGuard(counting, { message: 'sure, whenever', history: [], context });
    expect(await guarded.promiseToPay(args)).toEqual({ outcome: 'not_stated', missing: 'date' });
    expect(recorded).toBe(0);
    const stated = promiseGuard(counting, { message: "I'll pay on Friday", history: [], context });
    expect(await stated.promiseToPay(args)).toMatchObject({ outcome: 'promised' });
    expect(recorded).toBe(1);
  });
});

describe('the menu records a promise', () => {
  it.each<[Locale, string]>([
    ['en', "I'll pay on Friday"],
    ['es', 'Te pago el viernes'],
    ['fr', 'Je vais payer vendredi'],
    ['pt-BR', 'Vou pagar na sexta'],
  ])('%s: %s → promised, and the reply says the day, the amount and when reminders resume', async (locale, text) => {
    const context = evaluationContext(locale);
    const result = await menuTurn({ context, history: [], message: text, tools: evaluationTools(locale) });
    expect(result.toolCalls.map((c) => c.tool)).toEqual(['open_installments', 'promise_to_pay']);
    expect(result.toolCalls[1]!.result).toMatchObject({ outcome: 'promised', date: { date: '2026-03-13' } });
    expect(result.reply).toContain(formatDate('2026-03-13', locale));
    // The default rules' one day of grace: reminders may resume from the 15th.
    expect(result.reply).toContain(formatDate('2026-03-15', locale));
    expect(result.reply).toContain(
      formatAmount(15_000, (result.toolCalls[1]!.result as { amount: ToolAmount }).amount.currency, locale),
    );
    expect(checkReply(result.reply, result.toolCalls, locale, context)).toBeNull();
  });

  it('asks which day when none or several are named, and records nothing', async () => {
    const soon: Record<Locale, string> = {
      en: "I'll pay soon",
      es: 'Voy a pagar pronto',
      fr: 'Je vais payer bientôt',
      'pt-BR': 'Vou pagar assim que puder',
    };
    for (const locale of SUPPORTED_LOCALES) {
      const context = evaluationContext(locale);
      const tools = evaluationTools(locale);
      const none = await menuTurn({ context, history: [], message: soon[locale], tools });
      expect(none.reply).toBe(askPromiseDateReply(context));
      expect(none.toolCalls).toEqual([]);
    }
    const context = evaluationContext('en');
    const two = await menuTurn({ context, history: [], message: "I'll pay on Tuesday", tools: evaluationTools('en') });
    expect(two.reply).toBe(promiseDateUnclearReply(context));
  });
});

describe('promise replies in every language', () => {
  const REFUSALS: PromiseRefusal[] = [
    'invalid_date',
    'invalid_amount',
    'journey_closed',
    'promise_open',
    'too_many_promises',
    'in_the_past',
    'too_far_ahead',
    'above_outstanding',
    'below_minimum',
  ];
  const day = (date: string, locale: Locale): ToolDate => ({ date, formatted: formatDate(date, locale) });
  const money = (minor: number, locale: Locale): ToolAmount => ({
    minor,
    currency: 'EUR',
    formatted: formatAmount(minor, 'EUR', locale),
  });
  const call = (result: PromiseResult, amount: number | null = null): ToolCallRecord => ({
    tool: 'promise_to_pay',
    arguments: { installmentId: 'inst-2', date: '2026-03-30', amount },
    result,
  });

  it.each(SUPPORTED_LOCALES)('%s: each refusal in its own words, with what the policy would take', (locale) => {
    const context = evaluationContext(locale);
    const said = new Set<string>();
    for (const reason of REFUSALS) {
      const result: PromiseResult = {
        outcome: 'refused',
        installmentId: 'inst-2',
        reason,
        window: { min: day('2026-03-10', locale), max: day('2026-03-24', locale) },
        amounts: { minimum: money(5_000, locale), maximum: money(15_000, locale) },
        open: reason === 'promise_open' ? { date: day('2026-03-12', locale), amount: money(15_000, locale) } : null,
      };
      const reply = templatedReply([call(result)], context);
      const first = reply.split('\n')[0]!;
      expect(first.trim(), reason).not.toBe('');
      said.add(first);
      if (['in_the_past', 'too_far_ahead', 'invalid_date'].includes(reason)) {
        expect(reply, reason).toContain(formatDate('2026-03-24', locale));
      }
      if (['below_minimum', 'above_outstanding', 'invalid_amount'].includes(reason)) {
        expect(reply, reason).toContain(formatAmount(5_000, 'EUR', locale));
      }
      if (reason === 'promise_open') expect(reply).toContain(formatDate('2026-03-12', locale));
      expect(checkReply(reply, [call(result)], locale, context), reason).toBeNull();
    }
    expect(said.size).toBe(REFUSALS.length);
  });

  it('the recorded promise and the questions back differ in every language', () => {
    const replies = SUPPORTED_LOCALES.map((locale) => {
      const context = evaluationContext(locale);
      const promised = templatedReply(
        [
          call({
            outcome: 'promised',
            installmentId: 'inst-2',
            date: day('2026-03-13', locale),
            amount: money(15_000, locale),
            resumesOn: day('2026-03-15', locale),
          }),
        ],
        context,
      );
      const notStated = templatedReply([call({ outcome: 'not_stated', missing: 'date' })], context);
      expect(notStated).toContain(askPromiseDateReply(context));
      return [promised, askPromiseDateReply(context), promiseDateUnclearReply(context)];
    });
    for (const column of [0, 1, 2]) {
      expect(new Set(replies.map((r) => r[column])).size).toBe(SUPPORTED_LOCALES.length);
    }
  });
});
