/** The menu engine: what it reads in a message, and the tools it calls for it. */
import { describe, expect, it } from 'vitest';
import { evaluationContext, evaluationTools } from '../../domain/assistant/evaluation-ledger';
import { checkReply } from '../../domain/assistant/guardrails';
import { offeredAmount } from '../../domain/assistant/amounts';
import { menuTurn, readMenuMessage, requestedDate } from '../../domain/assistant/menu';
import { askDateReply, menuReply } from '../../domain/assistant/replies';
import type { TurnMessage } from '../../domain/conversation';
import type { Locale } from '../../domain/locales';
import { formatDate } from '../../domain/messages';

const TODAY = '2026-03-10';

describe('requestedDate', () => {
  it.each<[string, Locale, string]>([
    ['the 20th', 'en', '2026-03-20'],
    ['on the 20th please', 'en', '2026-03-20'],
    ['20', 'en', '2026-03-20'],
    ['the 5th', 'en', '2026-04-05'],
    ['March 20', 'en', '2026-03-20'],
    ['03/20', 'en', '2026-03-20'],
    ['2026-03-20', 'fr', '2026-03-20'],
    ['el 20', 'es', '2026-03-20'],
    ['el día 22', 'es', '2026-03-22'],
    ['20 de marzo', 'es', '2026-03-20'],
    ['20/03', 'es', '2026-03-20'],
    ['le 20', 'fr', '2026-03-20'],
    ['20 mars', 'fr', '2026-03-20'],
    ['dia 20', 'pt-BR', '2026-03-20'],
    ['20 de março', 'pt-BR', '2026-03-20'],
    ['5 de março', 'pt-BR', '2027-03-05'],
    ['the 31st', 'en', '2026-03-31'],
  ])('%s (%s) → %s', (text, locale, expected) => {
    expect(requestedDate(text, TODAY, locale, false)).toBe(expected);
  });

  it('a bare 1–4 is a menu number unless we just asked for a date', () => {
    expect(requestedDate('3', TODAY, 'en', false)).toBeNull();
    expect(requestedDate('3', TODAY, 'en', true)).toBe('2026-04-03');
    expect(requestedDate('How much do I owe?', TODAY, 'en', true)).toBeNull();
  });
});

describe('offeredAmount', () => {
  it.each<[string, Locale, number | null]>([
    ['pay 50', 'en', 50],
    ['Can I pay 50.25 now?', 'en', 50.25],
    ['pagar 50,00', 'es', 50],
    ['payer seulement 40', 'fr', 40],
    ['R$ 60,00', 'pt-BR', 60],
    ['I want to pay', 'en', null],
    ['installment 2', 'en', null],
    ['voy a pagar 10 de marzo', 'es', null],
    ['I will pay March 10', 'en', null],
    ['pagar 50 el 10 de marzo', 'es', 50],
  ])('%s → %s', (text, locale, expected) => {
    expect(offeredAmount(text, locale)).toBe(expected);
  });
});

describe('readMenuMessage', () => {
  const context = evaluationContext('en');
  it.each<[string, string]>([
    ['1', 'amount'],
    ['2', 'pay'],
    ['3', 'ask_date'],
    ['4', 'handoff'],
    ['montant', 'amount'],
    ['lien de paiement', 'pay'],
    ['prazo', 'ask_date'],
    ['hello there', 'menu'],
    ['I already paid!', 'handoff'],
  ])('%s → %s', (text, kind) => {
    expect(readMenuMessage(text, context, []).kind).toBe(kind);
  });

  it('after asking for a date, "4" is the 4th', () => {
    const history: TurnMessage[] = [{ author: 'assistant', text: askDateReply(context) }];
    expect(readMenuMessage('4', context, history)).toEqual({ kind: 'new_date', dueDate: '2026-04-04' });
  });
});

describe('menuTurn', () => {
  const run = async (message: string, locale: Locale = 'en', history: TurnMessage[] = []) => {
    const tools = evaluationTools(locale);
    const context = evaluationContext(locale);
    const result = await menuTurn({ context, history, message, tools });
    return { tools, context, result };
  };

  it('answers unknown input with the menu and calls nothing', async () => {
    const { context, result } = await run('what is the weather?');
    expect(result).toMatchObject({ engine: 'menu', toolCalls: [], reply: menuReply(context), handoff: null });
  });

  it('moves the due date inside the window and says the new date', async () => {
    const { tools, result } = await run('Posso pagar dia 20?', 'pt-BR');
    expect(result.toolCalls.map((c) => c.tool)).toEqual(['open_installments', 'request_new_due_date']);
    expect(tools.ledger[0]!.dueDate).toBe('2026-03-20');
    expect(result.reply).toContain(formatDate('2026-03-20', 'pt-BR'));
  });

  it('explains a refusal with the allowed window', async () => {
    const { tools, result } = await run('Je voudrais reporter au 30 avril', 'fr');
    expect(tools.ledger[0]!.dueDate).toBe('2026-03-05');
    expect(result.reply).toContain(formatDate('2026-03-25', 'fr'));
  });

  it('hands off on "4" and reports the handoff', async () => {
    const { result } = await run('4', 'es');
    expect(result.handoff).toEqual({ reason: 'buyer_asked', taskId: 'task-1' });
  });

  it('asks for the day, then understands the bare day', async () => {
    const first = await run('3');
    expect(first.result.reply).toBe(askDateReply(first.context));
    const history: TurnMessage[] = [
      { author: 'buyer', text: '3' },
      { author: 'assistant', text: first.result.reply },
    ];
    const second = await run('22', 'en', history);
    expect(second.tools.ledger[0]!.dueDate).toBe('2026-03-22');
  });

  it('every reply passes the guardrails', async () => {
    for (const message of ['1', '2', 'pay 50', 'pay 5', 'the 20th', 'the 5th', '4', 'hello']) {
      for (const locale of ['en', 'es', 'fr', 'pt-BR'] as const) {
        const { context, result } = await run(message, locale);
        expect(checkReply(result.reply, result.toolCalls, locale, context), `${locale} ${message}`).toBeNull();
      }
    }
  });
});
