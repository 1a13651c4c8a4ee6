/** The guardrails' reading of amounts, dates and card numbers, example by example. */
import { describe, expect, it } from 'vitest';
import { decimalValue, writtenAmounts } from '../../domain/assistant/amounts';
import { writtenDates } from '../../domain/assistant/dates';
import { cardNumbers, checkReply, passesLuhn } from '../../domain/assistant/guardrails';
import type { ToolCallRecord } from '../../domain/assistant/tools';
import type { Locale } from '../../domain/locales';
import { formatAmount, formatDate } from '../../domain/messages';

const values = (text: string, locale: Locale) => writtenAmounts(text, locale).map((a) => a.value);
const currencies = (text: string, locale: Locale) => writtenAmounts(text, locale).map((a) => a.currency);
const dates = (text: string, locale: Locale) => writtenDates(text, locale).map((d) => [d.year, d.month, d.day]);

describe('amounts in a reply', () => {
  it.each<[string, Locale, string[]]>([
    ['R$ 150,00', 'pt-BR', ['150']],
    ['$150.00', 'en', ['150']],
    ['150,00 €', 'fr', ['150']],
    ['USD 150', 'en', ['150']],
    ['150 reais', 'pt-BR', ['150']],
    ['$1,234.50', 'en', ['1234.5']],
    ['1.234,50 US$', 'es', ['1234.5']],
    ['1\u202f234,56\u00a0$US', 'fr', ['1234.56']],
    ['¥15,000', 'en', ['15000']],
    ['15.000 JPY', 'es', ['15000']],
    ['1,500', 'en', ['1500']],
    ['1.500', 'pt-BR', ['1500']],
  ])('%s (%s) → %j', (text, locale, expected) => {
    expect(values(text, locale)).toEqual(expected);
  });

  it.each<[string, Locale]>([
    ['installment 2 of 3', 'en'],
    ['reply 1 for the amount, 4 for a person', 'en'],
    ['on the 20th', 'en'],
    ['cuota 3 de 12, responde 2', 'es'],
    ['en 2026 tu plan tiene 24 cuotas', 'es'],
    ['parcela 2 de 3', 'pt-BR'],
  ])('%s (%s) has no amount', (text, locale) => {
    expect(values(text, locale)).toEqual([]);
  });

  it.each<[string, Locale, (string | null)[]]>([
    ['R$ 150,00', 'pt-BR', ['BRL']],
    ['150,00 R$', 'fr', ['BRL']],
    ['€150.00', 'en', ['EUR']],
    ['150,00 $US', 'fr', ['USD']],
    ['150 US$', 'es', ['USD']],
    ['USD 150', 'en', ['USD']],
    ['150,00 BRL', 'es', ['BRL']],
    ['150 reais', 'pt-BR', ['BRL']],
    ['$150.00', 'en', [null]],
    ['150.00', 'en', [null]],
  ])('%s (%s) names the currency %j', (text, locale, expected) => {
    expect(currencies(text, locale)).toEqual(expected);
  });

  it('reads one separator before three digits the locale’s way', () => {
    expect(decimalValue('1,500', 'en')).toBe('1500');
    expect(decimalValue('1,500', 'fr')).toBe('1.5');
    expect(decimalValue('1.500', 'es')).toBe('1500');
    expect(decimalValue('1.500', 'en')).toBe('1.5');
  });
});

describe('dates in a reply', () => {
  it.each<[string, Locale, (number | null)[][]]>([
    ['2026-03-20', 'en', [[2026, 3, 20]]],
    ['03/20', 'en', [[null, 3, 20]]],
    ['20/03', 'en', [[null, 3, 20]]],
    ['20/03', 'es', [[null, 3, 20]]],
    ['05/04', 'en', [[null, 5, 4]]],
    ['05/04', 'fr', [[null, 4, 5]]],
    ['March 20', 'en', [[null, 3, 20]]],
    ['20 de marzo', 'es', [[null, 3, 20]]],
    ['20 mars', 'fr', [[null, 3, 20]]],
    ['20 de março de 2026', 'pt-BR', [[2026, 3, 20]]],
    ['1er mars', 'fr', [[null, 3, 1]]],
    ['installment 2 out of 3, 2 may be late', 'en', []],
    ['on the 20th', 'en', []],
  ])('%s (%s) → %j', (text, locale, expected) => {
    expect(dates(text, locale)).toEqual(expected);
  });

  it('reads every formatDate output, long and medium, in every locale', () => {
    for (const locale of ['en', 'es', 'fr', 'pt-BR'] as const) {
      for (let month = 1; month <= 12; month++) {
        const date = `2026-${String(month).padStart(2, '0')}-09`;
        for (const style of ['long', 'medium'] as const) {
          expect(dates(formatDate(date, locale, style), locale), `${locale} ${style} ${date}`).toEqual([
            [2026, month, 9],
          ]);
        }
      }
    }
  });
});

describe('card numbers', () => {
  it('finds Luhn-valid runs of 13–19 digits, grouped or not', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(cardNumbers('card 4111 1111 1111 1111 ok')).toEqual(['4111111111111111']);
    expect(cardNumbers('card 4111-1111-1111-1111')).toEqual(['4111111111111111']);
    expect(cardNumbers('378282246310005')).toEqual(['378282246310005']);
    expect(cardNumbers('order 4111 1111 1111 1112')).toEqual([]);
    expect(cardNumbers('installment 2 of 3: $1,234,567.89')).toEqual([]);
  });
});

describe('checkReply', () => {
  const open: ToolCallRecord = {
    tool: 'open_installments',
    arguments: {},
    result: {
      installments: [
        {
          installmentId: 'inst-2',
          productName: 'Curso 2026/1',
          number: 2,
          count: 3,
          amountDue: { minor: 15000, currency: 'BRL', formatted: formatAmount(15000, 'BRL', 'pt-BR') },
          dueDate: { date: '2026-03-05', formatted: formatDate('2026-03-05', 'pt-BR') },
          status: 'overdue',
        },
      ],
    },
  };
  const asked: ToolCallRecord = {
    tool: 'request_new_due_date',
    arguments: { installmentId: 'inst-2', dueDate: '2026-04-30' },
    result: { outcome: 'refused', installmentId: 'inst-2', reason: 'beyond_limit', window: null },
  };

  it('accepts what the tools said, refuses what they did not', () => {
    expect(
      checkReply('Curso 2026/1, parcela 2 de 3: R$ 150,00, venceu em 5 de março de 2026.', [open], 'pt-BR'),
    ).toBeNull();
    expect(checkReply('Você deve R$ 150,00 desde 05/03.', [open], 'pt-BR')).toBeNull();
    expect(checkReply('Você deve R$ 151,00.', [open], 'pt-BR')).toBe('amount_not_from_tools');
    // The right number in another currency is another amount.
    expect(checkReply('Você deve € 150,00.', [open], 'pt-BR')).toBe('amount_not_from_tools');
    expect(checkReply('Você deve 150,00 USD.', [open], 'pt-BR')).toBe('amount_not_from_tools');
    expect(checkReply('Você deve 150,00.', [open], 'pt-BR')).toBeNull();
    expect(checkReply('Você deve R$ 150,00 até 10/03.', [open], 'pt-BR')).toBe('date_not_from_tools');
    // The date the buyer asked for may be quoted back, refused or not.
    expect(checkReply('Não consigo mudar para 30 de abril.', [open, asked], 'pt-BR')).toBeNull();
    expect(checkReply('', [open], 'pt-BR')).toBe('empty');
    expect(checkReply(' \n ', [open], 'pt-BR')).toBe('empty');
  });

  it('refuses card data before anything else', () => {
    expect(checkReply('R$ 150,00 — cartão 5555 5555 5555 4444', [open], 'pt-BR')).toBe('card_data');
  });
});
