import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../domain/channels';
import { SUPPORTED_LOCALES } from '../../domain/installment';
import { type MessageFacts, formatAmount, formatDate, renderReminder } from '../../domain/messages';
import { TEMPLATE_KEYS, channelArb } from '../support/arbitraries';

/** Intl uses no-break and narrow no-break spaces; compare with plain ones. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

const facts = (over: Partial<MessageFacts> = {}): MessageFacts => ({
  template: 'overdue_early',
  channel: 'email',
  locale: 'en',
  buyerName: 'Ana',
  productName: 'Guitar course',
  amountDueMinor: 12_990,
  currency: 'BRL',
  dueDate: '2026-03-05',
  installmentNumber: 2,
  installmentCount: 6,
  paymentUrl: 'https://pay.example.com/i/inst-42',
  ...over,
});

describe('formatAmount', () => {
  it('divides by the currency’s own minor unit', () => {
    expect(plain(formatAmount(123_456, 'USD', 'en'))).toBe('$1,234.56');
    expect(plain(formatAmount(1_234, 'JPY', 'en'))).toBe('¥1,234'); // no minor unit
    expect(plain(formatAmount(1_234_567, 'KWD', 'en'))).toContain('1,234.567'); // three decimals
  });

  it('uses the buyer’s locale conventions', () => {
    expect(plain(formatAmount(12_990, 'BRL', 'pt-BR'))).toBe('R$ 129,90');
    expect(plain(formatAmount(123_456, 'EUR', 'fr'))).toBe('1 234,56 €');
    expect(plain(formatAmount(1_050, 'EUR', 'es'))).toBe('10,50 €');
  });

  it('property: the integer amount survives formatting exactly (en, USD)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 13 }), (minor) => {
        const digits = plain(formatAmount(minor, 'USD', 'en')).replace(/[^0-9]/g, '');
        expect(BigInt(digits)).toBe(BigInt(minor));
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatDate', () => {
  it('writes the calendar date in the locale, never shifted by a time zone', () => {
    expect(formatDate('2026-03-05', 'en')).toBe('March 5, 2026');
    expect(formatDate('2026-03-05', 'pt-BR')).toBe('5 de março de 2026');
    expect(formatDate('2026-03-05', 'es')).toBe('5 de marzo de 2026');
    expect(formatDate('2026-03-05', 'fr')).toBe('5 mars 2026');
    expect(formatDate('2026-01-01', 'en')).toBe('January 1, 2026');
    expect(formatDate('2026-12-31', 'en')).toBe('December 31, 2026');
  });
});

describe('renderReminder', () => {
  it('an email has a subject; the body carries the facts and the opt-out line', () => {
    const m = renderReminder(facts());
    expect(m.subject).toBe('Your payment for Guitar course is pending');
    expect(plain(m.body)).toBe(
      'Hi Ana, we could not find your payment of R$129.90 for Guitar course (installment 2 of 6, due March 5, 2026). ' +
        'If you have already paid, thank you and please ignore this. Otherwise: https://pay.example.com/i/inst-42' +
        '\n\nTo stop these emails, reply STOP.',
    );
  });

  it('SMS and WhatsApp have no subject and their own opt-out line', () => {
    const sms = renderReminder(facts({ channel: 'sms', locale: 'pt-BR', template: 'due_today' }));
    expect(sms.subject).toBeNull();
    expect(plain(sms.body)).toContain('R$ 129,90');
    expect(sms.body).toContain('parcela 2 de 6');
    expect(sms.body.endsWith('Responda SAIR para não receber mais mensagens.')).toBe(true);
    const wa = renderReminder(facts({ channel: 'whatsapp', locale: 'es' }));
    expect(wa.subject).toBeNull();
    expect(wa.body.endsWith('Responde BAJA para no recibir más mensajes.')).toBe(true);
  });

  it('an unknown template falls back to the early-overdue copy', () => {
    expect(renderReminder(facts({ template: 'no_such_template' }))).toEqual(renderReminder(facts({ template: 'overdue_early' })));
  });

  it('inserts names literally: no $-patterns, no second round of placeholders', () => {
    const m = renderReminder(facts({ buyerName: "$& {url} $'", productName: '{amount}' }));
    expect(m.body.startsWith("Hi $& {url} $', ")).toBe(true);
    expect(m.subject).toBe('Your payment for {amount} is pending');
  });

  it('property: every locale, template and channel renders completely and deterministically', () => {
    const nameArb = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.includes('{'));
    fc.assert(
      fc.property(
        fc.constantFrom(...SUPPORTED_LOCALES),
        fc.constantFrom(...TEMPLATE_KEYS),
        channelArb,
        nameArb,
        nameArb,
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 1, max: 24 }),
        (locale, template, channel: Channel, buyerName, productName, amountDueMinor, count) => {
          const f = facts({ locale, template, channel, buyerName, productName, amountDueMinor, installmentNumber: Math.ceil(count / 2), installmentCount: count });
          const m = renderReminder(f);
          expect(m.body).not.toMatch(/\{\w+\}/);
          if (m.subject) expect(m.subject).not.toMatch(/\{\w+\}/);
          expect(m.subject === null).toBe(channel !== 'email');
          expect(m.body).toContain(f.paymentUrl);
          expect(m.body).toContain(buyerName);
          expect(m.body).toContain(productName);
          expect(m.body).toContain(formatAmount(amountDueMinor, 'BRL', locale));
          expect(renderReminder(f)).toEqual(m);
        },
      ),
      { numRuns: 300 },
    );
  });
});
