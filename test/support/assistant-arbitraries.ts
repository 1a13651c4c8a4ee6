/**
 * fast-check generators for the assistant's tools: tool calls whose results carry amounts and
 * dates formatted the way the application layer formats them (formatAmount, formatDate) in the
 * buyer's locale, one currency per buyer.
 */
import fc from 'fast-check';
import type { ToolAmount, ToolCallRecord, ToolDate } from '../../domain/assistant/tools';
import type { LocalDate } from '../../domain/local-time';
import { SUPPORTED_LOCALES, type Locale } from '../../domain/locales';
import { formatAmount, formatDate } from '../../domain/messages';

export const CURRENCIES = ['USD', 'BRL', 'EUR', 'MXN', 'JPY', 'GBP'] as const;

export const localeArb = fc.constantFrom(...SUPPORTED_LOCALES);
export const currencyArb = fc.constantFrom(...CURRENCIES);
/** Realistic amounts: up to ten million in major units. */
export const minorArb = fc.integer({ min: 1, max: 1_000_000_000 });
export const localDateArb: fc.Arbitrary<LocalDate> = fc
  .date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

export interface Buyer {
  locale: Locale;
  currency: string;
}

export const buyerArb: fc.Arbitrary<Buyer> = fc.record({ locale: localeArb, currency: currencyArb });

export function toolAmount(minor: number, { currency, locale }: Buyer): ToolAmount {
  return { minor, currency, formatted: formatAmount(minor, currency, locale) };
}

export function toolDate(date: LocalDate, { locale }: Buyer, style: 'long' | 'medium' = 'long'): ToolDate {
  return { date, formatted: formatDate(date, locale, style) };
}

const idArb = fc.constantFrom('inst-1', 'inst-2', 'i_9f2c');
const urlArb = fc.constantFrom('https://pay.example.com/i/inst-2', 'https://acme.test/p/123456/7890?t=ab12');

/** One tool call of any kind, with any outcome, its amounts and dates in the buyer's formats. */
export function toolCallArb(buyer: Buyer): fc.Arbitrary<ToolCallRecord> {
  const amount = minorArb.map((m) => toolAmount(m, buyer));
  const date = fc
    .tuple(localDateArb, fc.constantFrom('long' as const, 'medium' as const))
    .map(([d, s]) => toolDate(d, buyer, s));
  const installment = fc.record({
    installmentId: idArb,
    productName: fc.constantFrom('Photography course', 'Curso 2026/1', 'Plan Pro 12', 'Mentoria'),
    number: fc.integer({ min: 1, max: 12 }),
    count: fc.integer({ min: 1, max: 48 }),
    amountDue: amount,
    dueDate: date,
    status: fc.constantFrom('upcoming' as const, 'due_today' as const, 'overdue' as const),
  });
  return fc.oneof(
    fc.array(installment, { maxLength: 3 }).map((installments): ToolCallRecord => ({
      tool: 'open_installments',
      arguments: {},
      result: { installments },
    })),
    fc.tuple(idArb, urlArb, fc.boolean()).map(([installmentId, url, open]): ToolCallRecord => ({
      tool: 'payment_link',
      arguments: { installmentId },
      result: open ? { outcome: 'link', installmentId, url } : { outcome: 'nothing_open' },
    })),
    fc
      .tuple(
        idArb,
        localDateArb,
        date,
        fc.constantFrom(
          'changed' as const,
          'in_the_past' as const,
          'beyond_limit' as const,
          'too_many_changes' as const,
          'unavailable' as const,
        ),
        fc.option(fc.tuple(date, date), { nil: null }),
      )
      .map(([installmentId, asked, changedTo, outcome, window]): ToolCallRecord => ({
        tool: 'request_new_due_date',
        arguments: { installmentId, dueDate: asked },
        result:
          outcome === 'changed'
            ? { outcome, installmentId, dueDate: changedTo }
            : outcome === 'unavailable'
              ? { outcome }
              : {
                  outcome: 'refused',
                  installmentId,
                  reason: outcome,
                  window: window && { min: window[0], max: window[1] },
                },
      })),
    fc
      .tuple(
        idArb,
        amount,
        amount,
        amount,
        urlArb,
        fc.constantFrom('checkout', 'below_minimum', 'partial_not_allowed', 'above_balance'),
      )
      .map(([installmentId, paid, minimum, maximum, url, outcome]): ToolCallRecord => ({
        tool: 'partial_payment',
        arguments: { installmentId, amount: 1 },
        result:
          outcome === 'checkout'
            ? { outcome, installmentId, amount: paid, url }
            : { outcome: 'refused', installmentId, reason: outcome, minimum, maximum },
      })),
    fc.constantFrom('buyer_asked' as const, 'dispute' as const).map((reason): ToolCallRecord => ({
      tool: 'handoff_to_human',
      arguments: { reason },
      result: { outcome: 'opened', taskId: 'task-42' },
    })),
  );
}

/** A buyer and a turn's tool calls. */
export const turnArb = buyerArb.chain((buyer) =>
  fc.record({ buyer: fc.constant(buyer), calls: fc.array(toolCallArb(buyer), { maxLength: 4 }) }),
);

/** A Luhn-valid card number of 13–19 digits. */
export const cardNumberArb: fc.Arbitrary<string> = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 18 })
  .map((digits) => {
    // The check digit, computed here independently of the guardrail's own Luhn.
    const sum = digits
      .slice()
      .reverse()
      .reduce((acc, d, i) => acc + (i % 2 === 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
    return [...digits, (10 - (sum % 10)) % 10].join('');
  });
