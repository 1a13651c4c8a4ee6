/**
 * The guardrails as properties: a reply with an amount the tools did not give is never accepted,
 * amounts and dates the tools gave are, card numbers never pass, and every templated reply passes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkReply } from '../../domain/assistant/guardrails';
import { templatedReply } from '../../domain/assistant/replies';
import type { ToolAmount, ToolCallRecord } from '../../domain/assistant/tools';
import { formatAmount } from '../../domain/messages';
import {
  type Buyer,
  buyerArb,
  cardNumberArb,
  localDateArb,
  minorArb,
  toolAmount,
  toolDate,
  turnArb,
} from '../support/assistant-arbitraries';

function installments(buyer: Buyer, minors: number[], dates: string[]): ToolCallRecord {
  return {
    tool: 'open_installments',
    arguments: {},
    result: {
      installments: minors.map((minor, i) => ({
        installmentId: `inst-${i + 1}`,
        productName: 'Photography course',
        number: i + 1,
        count: minors.length,
        amountDue: toolAmount(minor, buyer),
        dueDate: toolDate(dates[i % dates.length]!, buyer),
        status: 'overdue',
      })),
    },
  };
}

const SENTENCES = [
  (amount: string) => `You owe ${amount} for installment 2 of 3. Reply 1 to see more.`,
  (amount: string) => `Tu cuota es de ${amount}, responde 4 para hablar con una persona.`,
  (amount: string) => `Le montant dû est ${amount}.`,
  (amount: string) => `${amount}`,
];
const sentenceArb = fc.constantFrom(...SENTENCES);

describe('amounts', () => {
  it('a reply with an amount no tool answered is never accepted', () => {
    fc.assert(
      fc.property(
        buyerArb,
        fc.array(minorArb, { minLength: 1, maxLength: 3 }),
        minorArb,
        sentenceArb,
        (buyer, minors, invented, sentence) => {
          // Same currency, another count of minor units: another amount.
          fc.pre(!minors.includes(invented));
          const calls = [installments(buyer, minors, ['2026-03-05'])];
          const reply = sentence(formatAmount(invented, buyer.currency, buyer.locale));
          expect(checkReply(reply, calls, buyer.locale)).toBe('amount_not_from_tools');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('amounts the tools answered, formatted in the locale, are accepted, with counts and menu numbers around them', () => {
    fc.assert(
      fc.property(
        buyerArb,
        fc.array(minorArb, { minLength: 1, maxLength: 3 }),
        sentenceArb,
        (buyer, minors, sentence) => {
          const calls = [installments(buyer, minors, ['2026-03-05'])];
          const amounts = minors.map((m) => formatAmount(m, buyer.currency, buyer.locale));
          expect(checkReply(sentence(amounts.join(' + ')), calls, buyer.locale)).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the amount the tools gave, written in a currency that names another, is refused', () => {
    fc.assert(
      fc.property(buyerArb, minorArb, fc.constantFrom('EUR', 'GBP', 'BRL'), (buyer, minor, other) => {
        // Same number of decimals, so the digits are the same and only the currency differs.
        fc.pre(other !== buyer.currency && buyer.currency !== 'JPY');
        const calls = [installments(buyer, [minor], ['2026-03-05'])];
        expect(checkReply(`Total: ${formatAmount(minor, other, buyer.locale)}`, calls, buyer.locale)).toBe(
          'amount_not_from_tools',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('an amount in a partial-payment refusal (minimum, maximum) counts as answered', () => {
    fc.assert(
      fc.property(buyerArb, minorArb, minorArb, (buyer, min, max) => {
        const refused: ToolCallRecord = {
          tool: 'partial_payment',
          arguments: { installmentId: 'inst-1', amount: 1 },
          result: {
            outcome: 'refused',
            installmentId: 'inst-1',
            reason: 'below_minimum',
            minimum: toolAmount(min, buyer),
            maximum: toolAmount(max, buyer),
          },
        };
        const [a, b] = [min, max].map((m) => (toolAmount(m, buyer) satisfies ToolAmount).formatted);
        expect(checkReply(`From ${a} to ${b}`, [refused], buyer.locale)).toBeNull();
        expect(checkReply(`From ${a} to ${b}`, [], buyer.locale)).toBe('amount_not_from_tools');
      }),
    );
  });
});

describe('dates', () => {
  it('dates the tools answered are accepted in long and medium form; others are refused', () => {
    fc.assert(
      fc.property(
        buyerArb,
        localDateArb,
        localDateArb,
        fc.constantFrom('long' as const, 'medium' as const),
        (buyer, due, other, style) => {
          fc.pre(due.slice(5) !== other.slice(5));
          const calls = [installments(buyer, [15000], [due])];
          const formatted = (date: string) => toolDate(date, buyer, style).formatted;
          expect(checkReply(`Due ${formatted(due)}.`, calls, buyer.locale)).toBeNull();
          expect(checkReply(`Due ${formatted(other)}.`, calls, buyer.locale)).toBe('date_not_from_tools');
          expect(checkReply(`Due ${other}.`, calls, buyer.locale)).toBe('date_not_from_tools');
          expect(checkReply(`Due ${due}.`, calls, buyer.locale)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('card data', () => {
  it('a Luhn-valid card number is always refused, however it is grouped and whatever else the turn found', () => {
    fc.assert(
      fc.property(
        turnArb,
        cardNumberArb,
        fc.constantFrom('', ' ', '-'),
        fc.constantFrom(4, 3, 5),
        ({ buyer, calls }, card, separator, group) => {
          const grouped = card.match(new RegExp(`.{1,${group}}`, 'g'))!.join(separator);
          expect(checkReply(`Please confirm your card ${grouped} to continue`, calls, buyer.locale)).toBe('card_data');
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** Names as people type them, and names made of digits and separators (the adversarial ones). */
const nameArb = fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^[0-9 .,/$€-]{1,8}$/), fc.constant(''));

describe('templated replies', () => {
  it('always pass the guardrails, whatever the tools answered and whatever the names are', () => {
    fc.assert(
      fc.property(turnArb, nameArb, nameArb, ({ buyer, calls }, firstName, sellerName) => {
        const context = { locale: buyer.locale, firstName, sellerName };
        const reply = templatedReply(calls, context);
        expect(checkReply(reply, calls, buyer.locale, context), reply).toBeNull();
      }),
      { numRuns: 3000 },
    );
  });
});
