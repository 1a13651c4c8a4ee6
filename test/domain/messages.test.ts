import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Locale, SUPPORTED_LOCALES } from '../../domain/locales';
import {
  CONFIRMATION_TEMPLATES,
  MESSAGE_TEMPLATES,
  type MessageFacts,
  type MessageTemplate,
  REMINDER_TEMPLATES,
  MESSAGE_COPY,
  WHATSAPP_TEMPLATE_VARIABLES,
  agentTaskSummary,
  formatAmount,
  formatDate,
  renderAssistantText,
  renderEmail,
  renderInApp,
  renderSms,
  renderWhatsAppText,
  LADDER_TEMPLATES,
  ladderTemplateSchema,
  whatsAppTemplateVariables,
} from '../../domain/messages';
import { smsSegments } from '../../domain/sms-segments';

/** Intl uses no-break and narrow no-break spaces; compare with plain ones. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

/** Our own escaping, written here so the test does not trust the one under test. */
const escaped = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const URL_ = 'https://pay.example.com/i/inst-42?sig=abc&exp=1';
const UNSUBSCRIBE = 'https://mail.example.com/unsubscribe?t=xyz&u=9';

const facts = (over: Partial<MessageFacts> = {}): MessageFacts => ({
  template: 'overdue_early',
  locale: 'en',
  buyerName: 'Ana Maria Souza',
  productName: 'Guitar course',
  amountDueMinor: 98_760,
  currency: 'EUR',
  dueDate: '2026-03-05',
  installmentNumber: 7,
  installmentCount: 11,
  paymentUrl: URL_,
  amountPaidMinor: 4_321,
  previousDueDate: '2026-02-20',
  ...over,
});

/** Hand-checked: the locale's word for an installment and the stop keyword each locale's buyers reply with. */
const INSTALLMENT_WORD: Record<Locale, RegExp> = {
  en: /installment/i,
  es: /cuota/i,
  fr: /échéance/i,
  'pt-BR': /parcela/i,
};
const STOP_WORD: Record<Locale, string> = { en: 'STOP', es: 'BAJA', fr: 'ARRET', 'pt-BR': 'SAIR' };

/** Words a collections message must never use: threats, penalties, legal pressure (every locale). */
const THREATENING: RegExp[] = [
  // en
  /legal action/i,
  /lawsuit/i,
  /\bsue\b/i,
  /\bcourt\b/i,
  /collections? agenc/i,
  /debt collector/i,
  /final warning/i,
  /last warning/i,
  /penalt/i,
  /\bfines?\b/i,
  /credit (score|report|bureau)/i,
  /\bseiz/i,
  /\barrest/i,
  /consequences/i,
  // es
  /acci[oó]n(es)? legal/i,
  /demanda/i,
  /abogad/i,
  /tribunal/i,
  /juzgado/i,
  /agencia de cobr/i,
  /cobranza judicial/i,
  /embargo/i,
  /\bmultas?\b/i,
  /penalizaci/i,
  /recargo/i,
  /advertencia/i,
  /[uú]ltimo aviso/i,
  /aviso final/i,
  /moros/i,
  // fr
  /poursuite/i,
  /action en justice/i,
  /huissier/i,
  /contentieux/i,
  /recouvrement/i,
  /p[ée]nalit/i,
  /amende/i,
  /majoration/i,
  /avertissement/i,
  /mise en demeure/i,
  /saisie/i,
  /fichage/i,
  // pt-BR
  /a[çc][ãa]o judicial/i,
  /processo/i,
  /advogad/i,
  /justi[çc]a/i,
  /ag[êe]ncia de cobran/i,
  /cobran[çc]a judicial/i,
  /penalidade/i,
  /\bjuros\b/i,
  /advert[êe]ncia/i,
  /protesto/i,
  /negativa[çc]/i,
  /\bSPC\b/,
  /serasa/i,
];
const ASKS_FOR_CARD =
  /card number|card details|n[úu]mero de (la |tu )?tarjeta|num[ée]ro de (votre |la )?carte|n[úu]mero do (seu )?cart[ãa]o|\bCVV\b|\bCVC\b/i;

/** Every rendered part of one message, by channel, as plain strings. */
function renderAll(f: MessageFacts) {
  const email = renderEmail(f);
  return {
    email,
    sms: renderSms(f),
    whatsapp: renderWhatsAppText(f),
    assistant: renderAssistantText(f),
    variables: whatsAppTemplateVariables(f),
  };
}

/** Allowed tags in our HTML; after removing them no `<` may be left (an injected tag would leave one). */
const OUR_TAGS = /<!DOCTYPE html>|<\/?(html|head|meta|title|body|div|p|a|br|hr)\b[^<>]*>/g;

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

  it('has a shorter medium form (used in SMS)', () => {
    expect(formatDate('2026-03-05', 'en', 'medium')).toBe('Mar 5, 2026');
    expect(formatDate('2026-03-05', 'pt-BR', 'medium')).toBe('5 de mar. de 2026');
    expect(formatDate('2026-12-31', 'en', 'medium')).toBe('Dec 31, 2026');
  });
});

describe('template lists', () => {
  it('reminders and confirmations make up every template, and a ladder step takes the ladder’s reminders only', () => {
    expect([...MESSAGE_TEMPLATES].sort()).toEqual([...REMINDER_TEMPLATES, ...CONFIRMATION_TEMPLATES].sort());
    expect(new Set(MESSAGE_TEMPLATES).size).toBe(MESSAGE_TEMPLATES.length);
    for (const t of LADDER_TEMPLATES) expect(ladderTemplateSchema.safeParse(t).success).toBe(true);
    // The broken-promise reminder is the policy's `promises.brokenPromiseStep`, never a ladder step.
    for (const t of [...CONFIRMATION_TEMPLATES, 'promise_broken'])
      expect(ladderTemplateSchema.safeParse(t).success).toBe(false);
  });
});

describe.each(SUPPORTED_LOCALES)('every template in %s', (locale) => {
  it.each(MESSAGE_TEMPLATES)('%s renders completely on every channel', (template) => {
    for (const unsubscribeUrl of [undefined, UNSUBSCRIBE]) {
      const f = facts({ locale, template, unsubscribeUrl });
      const { email, sms, whatsapp, assistant } = renderAll(f);
      const about = template === 'payment_confirmation' ? f.amountPaidMinor! : f.amountDueMinor;
      const amount = plain(formatAmount(about, f.currency, locale));
      const bodies = {
        subject: email.subject,
        text: email.text,
        html: email.html,
        sms: sms.body,
        whatsapp: whatsapp.body,
        assistant: assistant.body,
      };

      for (const [part, body] of Object.entries(bodies)) {
        const p = plain(body);
        expect(body, part).not.toMatch(/\{\w+\}/);
        expect(body, part).not.toMatch(/undefined|null|NaN|\[object/);
        expect(p, part).toContain('Guitar course');
        for (const threat of THREATENING) expect(p, `${part}: ${threat}`).not.toMatch(threat);
        expect(p, part).not.toMatch(ASKS_FOR_CARD);
        if (part === 'subject') continue;
        expect(p, part).toContain(amount);
        expect(p, part).toMatch(INSTALLMENT_WORD[locale]);
        expect(p, part).toMatch(/\b7\b/);
        expect(p, part).toMatch(/\b11\b/);
        expect(body, part).toContain('Ana');
        expect(body, part).not.toContain('Souza'); // first name only
      }

      // The payment link: raw in plain text, escaped inside an href in HTML.
      expect(email.text).toContain(URL_);
      expect(sms.body).toContain(URL_);
      expect(whatsapp.body).toContain(URL_);
      expect(email.html).toContain(`href="${escaped(URL_)}"`);
      expect(email.html).toContain(`<html lang="${locale}"`);

      // The opt-out instruction, every channel.
      expect(sms.body).toContain(STOP_WORD[locale]);
      expect(whatsapp.body).toContain(STOP_WORD[locale]);
      expect(assistant.body).toContain(STOP_WORD[locale]);
      if (unsubscribeUrl) {
        expect(email.text).toContain(unsubscribeUrl);
        expect(email.html).toContain(`href="${escaped(unsubscribeUrl)}"`);
      } else {
        expect(email.text).toContain(STOP_WORD[locale]);
        expect(email.html).toContain(STOP_WORD[locale]);
      }

      // Only our own tags in the HTML; SMS reports its own encoding honestly.
      expect(email.html.replace(OUR_TAGS, '')).not.toContain('<');
      expect({ encoding: sms.encoding, segments: sms.segments }).toEqual({
        encoding: smsSegments(sms.body).encoding,
        segments: smsSegments(sms.body).segments,
      });
      expect(renderAll(f)).toEqual(renderAll(f)); // deterministic
    }
  });

  it.each(REMINDER_TEMPLATES)(
    '%s: a typical reminder SMS is GSM-7 in 2 segments, and ≤ 3 with a long signed link',
    (template) => {
      const typical = renderSms(
        facts({ locale, template, productName: 'Guitar course', paymentUrl: 'https://pay.example.com/i/inst-42' }),
      );
      expect(typical.encoding).toBe('GSM-7');
      expect(typical.segments).toBeLessThanOrEqual(2);
      const longLink = `https://pay.example.com/p/${'x'.repeat(60)}?exp=1767225600&sig=${'a'.repeat(43)}`;
      const long = renderSms(
        facts({
          locale,
          template,
          productName: 'Advanced watercolor course',
          currency: 'BRL',
          amountDueMinor: 1_234_567,
          paymentUrl: longLink,
        }),
      );
      expect(long.segments).toBeLessThanOrEqual(3);
    },
  );
});

describe('email', () => {
  it('property: hostile names and products are escaped in HTML and literal in the text part', () => {
    const tag = fc.constantFrom(
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '"><svg onload=alert(1)>',
      "'><a href=javascript:x>",
      '</p><h1>',
    );
    const hostile = fc
      .tuple(fc.string({ unit: 'grapheme', maxLength: 15 }), tag, fc.string({ unit: 'grapheme', maxLength: 15 }))
      .map(([a, t, b]) => a + t + b);
    fc.assert(
      fc.property(
        fc.constantFrom(...SUPPORTED_LOCALES),
        fc.constantFrom(...MESSAGE_TEMPLATES),
        hostile,
        hostile,
        (locale, template, productName, rawName) => {
          const buyerName = rawName.replace(/\s/g, '_'); // one word, so the whole name is the first name
          const { html, text } = renderEmail(
            facts({ locale, template, productName, buyerName, unsubscribeUrl: UNSUBSCRIBE }),
          );
          expect(html.replace(OUR_TAGS, '')).not.toContain('<');
          expect(html).toContain(escaped(productName));
          expect(html).toContain(escaped(buyerName));
          expect(text).toContain(productName);
          expect(text).toContain(buyerName);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('links only http(s) URLs; anything else is shown as escaped text', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,<b>x</b>', '/relative/path', 'https://x.example/a b']) {
      const { html, text } = renderEmail(facts({ paymentUrl: bad, unsubscribeUrl: bad }));
      expect(html).not.toContain(`href="${escaped(bad)}"`);
      expect(html).not.toMatch(/href="(?!https?:)/);
      expect(html).toContain(escaped(bad));
      expect(html.replace(OUR_TAGS, '')).not.toContain('<');
      expect(text).toContain(bad);
    }
  });

  it('escapes quotes and ampersands inside href attributes', () => {
    const tricky = 'https://pay.example.com/i/1?a=1&b="2"&c=\'3\'';
    const { html } = renderEmail(facts({ paymentUrl: tricky }));
    expect(html).toContain('href="https://pay.example.com/i/1?a=1&amp;b=&quot;2&quot;&amp;c=&#39;3&#39;"');
    expect(html).not.toContain(tricky);
  });

  it('keeps the subject on one line', () => {
    expect(renderEmail(facts({ productName: 'Guitar\r\nBcc: x@example.com' })).subject).not.toMatch(/[\r\n]/);
  });

  it('greets without a name when there is none', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const { text } = renderEmail(facts({ locale, buyerName: '   ' }));
      const { body } = renderSms(facts({ locale, buyerName: '' }));
      const greeting = text.split('\n')[0]!;
      expect(greeting).toMatch(/^\p{L}+[,:!]$/u); // "Hi," "Hola:" "Bonjour," "Olá!": no gap where the name was
      expect(body).toMatch(/^\p{L}+[,:!] \p{L}/u);
      expect(whatsAppTemplateVariables(facts({ locale, buyerName: '' }))['1']).not.toBe('');
    }
  });
});

describe('confirmations', () => {
  it('a payment confirmation names the amount paid, and the balance only when something is still owed', () => {
    const open = renderEmail(
      facts({ template: 'payment_confirmation', amountPaidMinor: 4_321, amountDueMinor: 98_760 }),
    ).text;
    expect(open).toContain('€43.21');
    expect(open).toContain('€987.60');
    const settled = renderEmail(
      facts({ template: 'payment_confirmation', amountPaidMinor: 4_321, amountDueMinor: 0 }),
    ).text;
    expect(settled).toContain('€43.21');
    expect(settled).not.toContain('€0.00');
    const unknownAmount = renderSms(facts({ template: 'payment_confirmation', amountPaidMinor: undefined })).body;
    expect(unknownAmount).not.toMatch(/undefined|NaN|of \(|of for/);
  });

  it('a due-date change names the new date, and the previous one when known', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const withPrevious = renderWhatsAppText(facts({ locale, template: 'due_date_change_confirmation' })).body;
      expect(withPrevious).toContain(formatDate('2026-03-05', locale));
      expect(withPrevious).toContain(formatDate('2026-02-20', locale));
      const without = renderWhatsAppText(
        facts({ locale, template: 'due_date_change_confirmation', previousDueDate: undefined }),
      ).body;
      expect(without).toContain(formatDate('2026-03-05', locale));
      expect(without).not.toMatch(/\(\s*\)|\(\S*:\s*\)/);
    }
  });
});

describe('interpolation', () => {
  it('inserts values literally: no $-patterns, no second round of placeholders', () => {
    const f = facts({ buyerName: "$&{url}$'", productName: '{amount} $` $$' });
    const email = renderEmail(f);
    expect(email.text.startsWith("Hi $&{url}$',")).toBe(true);
    expect(email.subject).toContain('{amount} $` $$');
    expect(renderSms(f).body).toContain('{amount} $` $$');
    expect(whatsAppTemplateVariables(f)['2']).toBe('{amount} $` $$');
  });

  it('an unknown template (old data) falls back to the early-overdue copy on every channel', () => {
    for (const bad of ['no_such_template', 'constructor', '__proto__', 'toString']) {
      const f = facts({ template: bad as MessageTemplate });
      expect(renderAll(f)).toEqual(renderAll(facts({ template: 'overdue_early' })));
    }
  });

  it('an unknown locale (old data) renders English words', () => {
    const f = facts({ locale: 'de' as Locale });
    expect(renderSms(f).body).toContain('STOP');
    expect(renderEmail(f).text).toMatch(/installment 7 of 11/);
  });
});

describe('WhatsApp template variables', () => {
  const keys = WHATSAPP_TEMPLATE_VARIABLES.map((v) => v.key);

  it('are numbered "1".."n" in order, each documented', () => {
    expect(keys).toEqual(Array.from({ length: keys.length }, (_, i) => String(i + 1)));
    expect(keys.length).toBeGreaterThanOrEqual(6);
    for (const v of WHATSAPP_TEMPLATE_VARIABLES) expect(v.meaning.length).toBeGreaterThan(10);
  });

  it('have the same keys for every template and locale, and carry the facts', () => {
    for (const locale of SUPPORTED_LOCALES) {
      for (const template of MESSAGE_TEMPLATES) {
        const f = facts({ locale, template });
        const vars = whatsAppTemplateVariables(f);
        expect(Object.keys(vars)).toEqual(keys);
        expect(vars['1']).toBe('Ana');
        expect(vars['2']).toBe('Guitar course');
        const about = template === 'payment_confirmation' ? f.amountPaidMinor! : f.amountDueMinor;
        expect(plain(vars['3']!)).toBe(plain(formatAmount(about, f.currency, locale)));
        expect(vars['4']).toBe(formatDate(f.dueDate, locale));
        expect(vars['5']).toMatch(INSTALLMENT_WORD[locale]);
        expect(vars['5']).toMatch(/\b7\b.*\b11\b/);
        expect(vars['6']).toBe(URL_);
      }
    }
  });

  it('property: never empty, never a newline, tab or run of spaces', () => {
    const messy = fc.string({
      unit: fc.constantFrom('a', 'é', ' ', '  ', '\n', '\t', '\r', '\u2028', '\u00a0', 'ç'),
      maxLength: 20,
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...SUPPORTED_LOCALES),
        fc.constantFrom(...MESSAGE_TEMPLATES),
        messy,
        messy,
        messy,
        (locale, template, buyerName, productName, paymentUrl) => {
          const vars = whatsAppTemplateVariables(facts({ locale, template, buyerName, productName, paymentUrl }));
          expect(Object.keys(vars)).toEqual(keys);
          for (const value of Object.values(vars)) {
            expect(value.trim()).not.toBe('');
            expect(value).not.toMatch(/[\n\r\t\u2028\u2029]/);
            expect(value).not.toMatch(/\s{2}/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Hand-checked: each locale's word for the assistant, and for a person to talk to. */
const ASSISTANT_WORD: Record<Locale, RegExp> = {
  en: /\bassistant\b.*\bperson\b/,
  es: /\basistente\b.*\bpersona\b/,
  fr: /\bassistant\b.*\bpersonne\b/,
  'pt-BR': /\bassistente\b.*\bpessoa\b/,
};

describe.each(SUPPORTED_LOCALES)('the assistant’s opening message in %s', (locale) => {
  it.each(REMINDER_TEMPLATES)(
    '%s: the WhatsApp reminder, with a line inviting a reply before the opt-out',
    (template) => {
      const f = facts({ locale, template });
      const whatsapp = renderWhatsAppText(f).body.split('\n\n');
      const assistant = renderAssistantText(f).body.split('\n\n');
      const invite = MESSAGE_COPY[locale].assistantInvite;
      // Exactly one more paragraph, second to last, before the opt-out line.
      expect(assistant).toEqual([...whatsapp.slice(0, -1), invite, whatsapp.at(-1)]);
      expect(invite).toMatch(ASSISTANT_WORD[locale]);
      expect(assistant.at(-1)).toContain(STOP_WORD[locale]);
    },
  );
});

describe.each(SUPPORTED_LOCALES)('the in-app notification in %s', (locale) => {
  it.each(MESSAGE_TEMPLATES)(
    '%s: the email’s subject as title and its paragraphs as body, without the buyer’s name',
    (template) => {
      const f = facts({ locale, template, buyerName: 'Ana Maria Souza' });
      const inApp = renderInApp(f);
      const email = renderEmail(f);
      expect(inApp.title).toBe(email.subject);
      expect(inApp.title).not.toMatch(/\n/);
      // The email's paragraphs, each one as the email's text has it, in order.
      const paragraphs = inApp.body.split('\n\n');
      expect(paragraphs.length).toBeGreaterThan(0);
      const emailParagraphs = email.text.split('\n\n');
      expect(emailParagraphs.slice(1, 1 + paragraphs.length)).toEqual(paragraphs);
      expect(inApp.action).toBe(MESSAGE_COPY[locale].templates[template].action);
      const about = template === 'payment_confirmation' ? f.amountPaidMinor! : f.amountDueMinor;
      expect(plain(inApp.body)).toContain(plain(formatAmount(about, f.currency, locale)));
      expect(inApp.body).toMatch(INSTALLMENT_WORD[locale]);
      // The event carries the link beside the text, and personal data nowhere: no name, no link, no stop word.
      for (const part of [inApp.title, inApp.body]) {
        expect(part).not.toContain('Ana');
        expect(part).not.toContain(URL_);
        expect(part).not.toMatch(/\{\w+\}|undefined|null|NaN/);
        for (const threat of THREATENING) expect(plain(part)).not.toMatch(threat);
      }
    },
  );
});

describe('the agent’s call task', () => {
  it('says, for the seller’s team, what to call about: product, installment n of m, amount due, due date', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const summary = agentTaskSummary(facts({ locale, template: 'final_notice' }));
      // In English whatever the buyer's language: the task is for the team.
      expect(summary).toBe(
        'Call the buyer about Guitar course: installment 7 of 11, €987.60 due on 2026-03-05 (reminder final_notice).',
      );
    }
    // No personal data beyond what the task's ids point to; one line even with a hostile product name.
    const hostile = agentTaskSummary(facts({ productName: 'Course\n\nCall +1 555 0100 now' }));
    expect(hostile).not.toMatch(/\n/);
    expect(hostile).not.toContain('Ana');
    expect(agentTaskSummary(facts({ currency: 'JPY', amountDueMinor: 5_000 }))).toContain('¥5,000 due on');
  });
});
