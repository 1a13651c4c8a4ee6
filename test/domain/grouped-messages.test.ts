/**
 * A grouped reminder: one message about its lead installment that also lists the buyer's other
 * open installments it covers. Every channel names each of them exactly once, after the lead's
 * own words and before the link and the opt-out; a reminder for one installment is unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../../domain/locales';
import {
  type CoveredInstallment,
  MESSAGE_COPY,
  MESSAGE_TEMPLATES,
  type MessageFacts,
  REMINDER_TEMPLATES,
  agentTaskSummary,
  formatAmount,
  formatDate,
  renderAssistantText,
  renderEmail,
  renderInApp,
  renderSms,
  renderWhatsAppText,
  whatsAppTemplateVariables,
} from '../../domain/messages';
import { smsSegments } from '../../domain/sms-segments';

const URL_ = 'https://pay.example.com/i/inst-42?sig=abc&exp=1';

/** The spaces Intl and the SMS renderer use in amounts and dates, as plain spaces. */
const plain = (s: string) => s.replace(/[\u00a0\u2007\u2009\u202f]/g, ' ');

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

/** Every renderer's whole result, for comparing a message with and without an empty group. */
function renderAll(facts: MessageFacts) {
  return {
    email: renderEmail(facts),
    sms: renderSms(facts),
    whatsapp: renderWhatsAppText(facts),
    assistant: renderAssistantText(facts),
    inApp: renderInApp(facts),
    variables: whatsAppTemplateVariables(facts),
    agent: agentTaskSummary(facts),
  };
}

/** Every channel's text, named: what a buyer (or the agent) reads. */
function renderEveryChannel(facts: MessageFacts): Record<string, string> {
  const all = renderAll(facts);
  return {
    emailText: all.email.text,
    emailHtml: all.email.html,
    sms: all.sms.body,
    whatsapp: all.whatsapp.body,
    assistant: all.assistant.body,
    inApp: all.inApp.body,
    whatsAppVariables: Object.values(all.variables).join('\n'),
    agent: all.agent,
  };
}

const CURRENCIES = ['EUR', 'USD', 'BRL', 'JPY', 'GBP'] as const;
const word = fc.stringMatching(/^[A-Za-z0-9]{3,8}$/);
const dateArb = fc
  .date({ min: new Date(Date.UTC(2025, 0, 1)), max: new Date(Date.UTC(2030, 11, 31)), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const installmentArb = fc
  .integer({ min: 1, max: 24 })
  .chain((count) =>
    fc.record({ installmentCount: fc.constant(count), installmentNumber: fc.integer({ min: 1, max: count }) }),
  );

const leadArb: fc.Arbitrary<MessageFacts> = fc
  .record({
    template: fc.constantFrom(...MESSAGE_TEMPLATES),
    locale: fc.constantFrom(...SUPPORTED_LOCALES),
    buyerName: fc.constantFrom('', 'Ana Maria Souza', 'Jo'),
    marker: word,
    amountDueMinor: fc.integer({ min: 0, max: 10_000_000 }),
    currency: fc.constantFrom(...CURRENCIES),
    dueDate: dateArb,
    installment: installmentArb,
    unsubscribeUrl: fc.constantFrom(undefined, 'https://mail.example.com/unsubscribe?t=xyz'),
  })
  .map(({ marker, installment, ...rest }) => ({
    ...rest,
    ...installment,
    productName: `Lead-${marker}`,
    paymentUrl: URL_,
    amountPaidMinor: 1_000,
    previousDueDate: '2026-02-20',
  }));

/** 1–5 covered installments with distinct marker names ("Item-<k>-<random>"), so each can be counted. */
const coveredArb: fc.Arbitrary<CoveredInstallment[]> = fc
  .array(
    fc.record({
      marker: word,
      amountDueMinor: fc.integer({ min: 1, max: 10_000_000 }),
      currency: fc.constantFrom(...CURRENCIES),
      dueDate: dateArb,
      installment: installmentArb,
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((items) =>
    items.map(({ marker, installment, ...rest }, k) => ({
      ...rest,
      ...installment,
      productName: `Item-${k}-${marker}`,
    })),
  );

const gymPlan: CoveredInstallment = {
  productName: 'Gym plan',
  installmentNumber: 3,
  installmentCount: 6,
  amountDueMinor: 1_000,
  currency: 'USD',
  dueDate: '2026-03-05',
};
const phone: CoveredInstallment = {
  productName: 'Phone',
  installmentNumber: 1,
  installmentCount: 3,
  amountDueMinor: 25_000,
  currency: 'EUR',
  dueDate: '2026-03-09',
};
const lead: MessageFacts = {
  template: 'overdue_early',
  locale: 'en',
  buyerName: 'Ana Maria Souza',
  productName: 'Guitar course',
  amountDueMinor: 98_760,
  currency: 'EUR',
  dueDate: '2026-03-01',
  installmentNumber: 2,
  installmentCount: 6,
  paymentUrl: URL_,
};

describe('a grouped reminder', () => {
  it('property: every channel names each covered installment exactly once, with its amount, after the lead and before the link and opt-out', () => {
    fc.assert(
      fc.property(leadArb, coveredArb, (leadFacts, alsoDue) => {
        const facts = { ...leadFacts, alsoDue };
        const copy = MESSAGE_COPY[facts.locale];
        const rendered = renderEveryChannel(facts);
        for (const [channel, text] of Object.entries(rendered)) {
          expect(text, channel).toContain(facts.productName);
          for (const covered of alsoDue) {
            expect(occurrences(text, covered.productName), `${channel}: ${covered.productName}`).toBe(1);
            const amountLocale = channel === 'agent' ? 'en' : facts.locale;
            expect(plain(text), channel).toContain(
              plain(formatAmount(covered.amountDueMinor, covered.currency, amountLocale)),
            );
          }
        }

        const sms = rendered.sms!;
        expect(occurrences(sms, URL_)).toBe(1);
        const lastItem = Math.max(...alsoDue.map((c) => sms.indexOf(c.productName)));
        expect(lastItem).toBeLessThan(sms.indexOf(copy.optOut.sms));

        // Email text, WhatsApp and the assistant: the list comes after the lead's own paragraphs and before the link.
        for (const channel of ['emailText', 'whatsapp', 'assistant'] as const) {
          const text = rendered[channel]!;
          const firstItem = Math.min(...alsoDue.map((c) => text.indexOf(c.productName)));
          const lastOfList = Math.max(...alsoDue.map((c) => text.indexOf(c.productName)));
          expect(text.indexOf(copy.alsoDue.lead), channel).toBeGreaterThan(text.indexOf(facts.productName));
          expect(text.indexOf(copy.alsoDue.lead), channel).toBeLessThan(firstItem);
          expect(lastOfList, channel).toBeLessThan(text.indexOf(URL_));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('property: without covered installments (absent or empty) every channel renders exactly the single reminder', () => {
    fc.assert(
      fc.property(leadArb, fc.string({ maxLength: 20 }), (facts, productName) => {
        const single = renderAll({ ...facts, productName });
        expect(renderAll({ ...facts, productName, alsoDue: [] })).toEqual(single);
        expect(renderAll({ ...facts, productName, alsoDue: undefined })).toEqual(single);
      }),
      { numRuns: 100 },
    );
  });

  it('property: the list never turns a GSM-7 SMS into UCS-2 (which would double its cost)', () => {
    fc.assert(
      fc.property(leadArb, coveredArb, (facts, alsoDue) => {
        // A French lead due in August ("août") is UCS-2 already, grouped or not.
        fc.pre(renderSms(facts).encoding === 'GSM-7');
        const sms = renderSms({ ...facts, alsoDue });
        expect({ body: sms.body, encoding: sms.encoding }).toEqual({ body: sms.body, encoding: 'GSM-7' });
        expect(smsSegments(sms.body).segments).toBe(sms.segments);
      }),
      { numRuns: 150 },
    );
  });

  it('writes a French August date in the SMS list in GSM-7 ("aout")', () => {
    const sms = renderSms({ ...lead, locale: 'fr', alsoDue: [{ ...gymPlan, dueDate: '2026-08-05' }] });
    expect(sms.body).toContain('Gym plan 3/6 10,00 $US 5 aout 2026.');
    expect(sms.encoding).toBe('GSM-7');
  });

  it('writes, in English, a list line per installment in email and chat, with its own currency and date', () => {
    const facts = { ...lead, alsoDue: [gymPlan, phone] };
    const list = [
      'You also have these installments open:',
      '- installment 3 of 6 for Gym plan: $10.00, due on March 5, 2026',
      '- installment 1 of 3 for Phone: €250.00, due on March 9, 2026',
    ].join('\n');
    const text = renderEmail(facts).text.split('\n\n');
    expect(text.slice(-3)).toEqual([
      list,
      `Pay now: ${URL_}`,
      'Prefer not to get these emails? Reply STOP to this email.',
    ]);
    expect(renderWhatsAppText(facts).body.split('\n\n').slice(-3)).toEqual([
      list,
      `Pay now: ${URL_}`,
      'Reply STOP to stop these messages.',
    ]);
    expect(renderAssistantText(facts).body.split('\n\n')).toContain(list);
    expect(renderInApp(facts).body.split('\n\n').at(-1)).toBe(list);
  });

  it('lists the others in the email HTML as a styled list between the lead paragraphs and the button', () => {
    const html = renderEmail({ ...lead, alsoDue: [gymPlan, phone] }).html;
    const list = html.indexOf('<ul style="');
    expect(list).toBeGreaterThan(html.indexOf('Guitar course'));
    expect(list).toBeLessThan(html.indexOf(`href="`));
    expect(html).toContain(
      '<li style="margin:0 0 4px;">installment 3 of 6 for Gym plan: $10.00, due on March 5, 2026</li>',
    );
    expect(html).not.toMatch(/class=/);
  });

  it('escapes a hostile product name in the HTML list and keeps it literal in the text', () => {
    const hostile = { ...gymPlan, productName: '<script>alert("x")</script> & {url}' };
    const email = renderEmail({ ...lead, alsoDue: [hostile] });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; {url}');
    expect(email.text).toContain('for <script>alert("x")</script> & {url}: $10.00');
    // "{url}" in a name is a name, never the link: the SMS still carries the link once.
    expect(occurrences(renderSms({ ...lead, alsoDue: [hostile] }).body, URL_)).toBe(1);
  });

  it('adds one compact sentence to the SMS, before the opt-out, in each locale', () => {
    const en = renderSms({ ...lead, alsoDue: [gymPlan, phone] }).body;
    expect(en).toMatch(
      /Pay here: \S+ Also due: Gym plan 3\/6 \$10\.00 Mar 5, 2026; Phone 1\/3 €250\.00 Mar 9, 2026\. Reply STOP to opt out\.$/,
    );
    for (const locale of SUPPORTED_LOCALES) {
      const body = renderSms({ ...lead, locale, alsoDue: [gymPlan] }).body;
      const date = plain(formatDate(gymPlan.dueDate, locale, 'medium'));
      expect(body).toContain(`Gym plan 3/6 ${plain(formatAmount(1_000, 'USD', locale))} ${date}`);
      expect(body.endsWith(MESSAGE_COPY[locale].optOut.sms)).toBe(true);
    }
  });

  it('carries the others in WhatsApp template variable 5, on one line; the rest of the variables are the lead’s', () => {
    const single = whatsAppTemplateVariables(lead);
    const grouped = whatsAppTemplateVariables({ ...lead, alsoDue: [gymPlan, phone] });
    expect(grouped['5']).toBe(
      'installment 2 of 6 (also due: Gym plan 3 of 6, $10.00, March 5, 2026; Phone 1 of 3, €250.00, March 9, 2026)',
    );
    expect({ ...grouped, '5': single['5'] }).toEqual(single);
    for (const locale of SUPPORTED_LOCALES)
      expect(whatsAppTemplateVariables({ ...lead, locale, alsoDue: [gymPlan] })['5']).not.toMatch(/\n|\s{2}/);
  });

  it('tells the agent, in English, what else the call covers', () => {
    for (const locale of SUPPORTED_LOCALES)
      expect(agentTaskSummary({ ...lead, locale, template: 'final_notice', alsoDue: [gymPlan, phone] })).toBe(
        'Call the buyer about Guitar course: installment 2 of 6, €987.60 due on 2026-03-01 (reminder final_notice). ' +
          'Also due: Gym plan installment 3 of 6, $10.00 due on 2026-03-05; Phone installment 1 of 3, €250.00 due on 2026-03-09.',
      );
  });

  it.each(SUPPORTED_LOCALES)('%s: every reminder template lists the others in the locale’s words', (locale) => {
    const copy = MESSAGE_COPY[locale];
    for (const template of REMINDER_TEMPLATES) {
      const text = renderEmail({ ...lead, locale, template, alsoDue: [gymPlan] }).text;
      expect(text).toContain(`${copy.alsoDue.lead}\n- `);
      expect(plain(text)).toContain(plain(formatDate(gymPlan.dueDate, locale)));
    }
  });
});
