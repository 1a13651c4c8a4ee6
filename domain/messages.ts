import type { Channel } from './channels';
import { en } from './copy/en';
import { es } from './copy/es';
import { fr } from './copy/fr';
import { ptBR } from './copy/pt-BR';
import type { LocaleCopy, TemplateCopy } from './copy/types';
import { escapeHtml, httpUrl } from './html';
import type { Locale } from './locales';
import { type SmsEncoding, smsSegments } from './sms-segments';

/**
 * Message content for every template, locale and channel. Pure: the same facts always render
 * the same text; no I/O, no clock. The words live in domain/copy/<locale>.ts.
 *
 * Every message names the product, the installment ("n of m"), the amount and the payment link,
 * and ends with an opt-out instruction for its channel. Values are inserted literally, in one pass:
 * a name containing "{url}" or "$&" stays exactly that.
 *
 * A grouped reminder (`alsoDue`) is still about its lead installment — its words, its link — and
 * lists the buyer's other installments it covers after the lead's paragraphs, each once.
 */

export {
  CONFIRMATION_TEMPLATES,
  type ConfirmationTemplate,
  MESSAGE_TEMPLATES,
  type MessageTemplate,
  REMINDER_TEMPLATES,
  type ReminderTemplate,
  LADDER_TEMPLATES,
  ladderTemplateSchema,
} from './templates';
import type { MessageTemplate } from './templates';

/** One of the buyer's other installments a grouped reminder also covers (listed after the lead's paragraphs). */
export interface CoveredInstallment {
  productName: string;
  installmentNumber: number;
  installmentCount: number;
  /** Integer minor units, still owed. */
  amountDueMinor: number;
  /** ISO 4217 (may differ from the lead's). */
  currency: string;
  /** YYYY-MM-DD */
  dueDate: string;
}

export interface MessageFacts {
  template: MessageTemplate;
  locale: Locale;
  buyerName: string;
  productName: string;
  /** Integer minor units, still owed. */
  amountDueMinor: number;
  /** ISO 4217 */
  currency: string;
  /** YYYY-MM-DD: the current due date. */
  dueDate: string;
  installmentNumber: number;
  installmentCount: number;
  paymentUrl: string;
  /** payment_confirmation: the amount just paid (minor units). */
  amountPaidMinor?: number | undefined;
  /** due_date_change_confirmation: the due date before the change. */
  previousDueDate?: string | undefined;
  /** A one-click unsubscribe link for email, when the deployment has one. */
  unsubscribeUrl?: string | undefined;
  /**
   * A grouped reminder: the buyer's other installments this one message also covers; absent or empty = just this one.
   */
  alsoDue?: readonly CoveredInstallment[] | undefined;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderedSms {
  body: string;
  encoding: SmsEncoding;
  segments: number;
}

/** The words of every locale (exported for the catalog tests). */
export const MESSAGE_COPY: Readonly<Record<Locale, LocaleCopy>> = { en, es, fr, 'pt-BR': ptBR };

export function formatAmount(amountMinor: number, currency: string, locale: Locale): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}

/** A calendar date in the locale: `long` ("March 5, 2026") by default, `medium` ("Mar 5, 2026") for SMS. */
export function formatDate(date: string, locale: Locale, style: 'long' | 'medium' = 'long'): string {
  // A due date is a calendar date: format it in UTC so no time zone shifts the day.
  return new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/** The first word of the buyer's name: greetings use the first name only. */
export function firstName(buyerName: string): string {
  return buyerName.trim().split(/\s+/u)[0] ?? '';
}

// ---------------------------------------------------------------------------------------------
// Filling
// ---------------------------------------------------------------------------------------------

/** One pass over `text`: each {key} becomes its value, inserted literally (never re-read). */
function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (Object.hasOwn(values, key) ? values[key]! : whole));
}

function localeCopy(locale: Locale): LocaleCopy {
  // Old data may carry a locale we no longer know: English rather than a crash.
  return Object.hasOwn(MESSAGE_COPY, locale) ? MESSAGE_COPY[locale] : en;
}

function templateCopy(copy: LocaleCopy, template: string): TemplateCopy {
  // Old data may carry a template key we no longer know: the early-overdue copy fits any open installment.
  return Object.hasOwn(copy.templates, template)
    ? copy.templates[template as MessageTemplate]
    : copy.templates.overdue_early;
}

/**
 * SMS: the spaces Intl puts in amounts and dates (no-break, narrow no-break, thin) and a
 * typographic apostrophe are outside GSM-7 and would turn the whole SMS into UCS-2.
 */
function gsmFriendly(text: string): string {
  return text.replace(/[\u00a0\u2007\u2009\u202f]/g, ' ').replace(/[\u2018\u2019]/g, "'");
}

/**
 * SMS list of a grouped reminder: French "août" is the one month Intl writes outside GSM-7.
 * Only the list gets this, so a single reminder's SMS stays exactly what it was.
 */
function gsmMonth(date: string): string {
  return date.replace(/û/g, 'u');
}

/** One line: control characters and runs of whitespace become single spaces (subjects, template variables). */
function oneLine(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, ' ')
      .replace(/\s{2,}/g, ' ')
      .trim()
  );
}

interface Context {
  copy: LocaleCopy;
  template: TemplateCopy;
  values: Record<string, string>;
  /** The values of each installment a grouped reminder also covers (empty for a single one). */
  alsoDue: readonly Record<string, string>[];
}

/** Amounts and dates as the channel shows them: SMS in its short, GSM-7 form. */
function formatters(locale: Locale, channel: Channel) {
  const sms = channel === 'sms';
  return {
    amount: (minor: number, currency: string) => {
      const s = formatAmount(minor, currency, locale);
      return sms ? gsmFriendly(s) : s;
    },
    date: (d: string) => {
      const s = formatDate(d, locale, sms ? 'medium' : 'long');
      return sms ? gsmFriendly(s) : s;
    },
  };
}

function installmentValues(
  copy: LocaleCopy,
  number: number,
  count: number,
): { n: string; m: string; installment: string } {
  const n = String(number);
  const m = String(count);
  return { n, m, installment: fill(copy.installment, { n, m }) };
}

function contextFor(facts: MessageFacts, channel: Channel): Context {
  const copy = localeCopy(facts.locale);
  const template = templateCopy(copy, facts.template);
  const sms = channel === 'sms';
  const format = formatters(facts.locale, channel);
  const amount = (minor: number) => format.amount(minor, facts.currency);
  const { date } = format;
  const name = firstName(facts.buyerName);
  const dueAmount = amount(facts.amountDueMinor);
  const dueDate = date(facts.dueDate);
  const paid = facts.amountPaidMinor === undefined ? '' : amount(facts.amountPaidMinor);
  const previousDate = facts.previousDueDate ? date(facts.previousDueDate) : '';
  const values: Record<string, string> = {
    name,
    greeting: name
      ? fill(sms ? copy.smsGreeting : copy.greeting, { name })
      : sms
        ? copy.smsGreetingNoName
        : copy.greetingNoName,
    product: facts.productName,
    amount: dueAmount,
    date: dueDate,
    url: facts.paymentUrl,
    installment: installmentValues(copy, facts.installmentNumber, facts.installmentCount).installment,
    paid,
    payment: paid ? fill(copy.paymentWithAmount, { paid }) : copy.paymentWithoutAmount,
    balance:
      facts.amountDueMinor > 0 ? fill(copy.balanceOpen, { amount: dueAmount, date: dueDate }) : copy.balanceSettled,
    previousDate,
    previous: previousDate ? fill(copy.previousDueDate, { previousDate }) : '',
    action: template.action,
    unsubscribe: facts.unsubscribeUrl ?? '',
  };
  const alsoDue = (facts.alsoDue ?? []).map((covered) => ({
    ...installmentValues(copy, covered.installmentNumber, covered.installmentCount),
    product: covered.productName,
    amount: format.amount(covered.amountDueMinor, covered.currency),
    date: sms ? gsmMonth(date(covered.dueDate)) : date(covered.dueDate),
  }));
  return { copy, template, values, alsoDue };
}

/** The lead-in line and one filled item per covered installment (none for a single reminder). */
function alsoDueList({ copy, alsoDue }: Context): { lead: string; items: string[] } | null {
  if (alsoDue.length === 0) return null;
  return { lead: copy.alsoDue.lead, items: alsoDue.map((values) => fill(copy.alsoDue.item, values)) };
}

/** The list as plain text: the lead-in, then one "- " line per item (one paragraph; none when single). */
function alsoDueParagraphs(context: Context): string[] {
  const list = alsoDueList(context);
  return list ? [[list.lead, ...list.items.map((item) => `- ${item}`)].join('\n')] : [];
}

// ---------------------------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------------------------

const STYLE = {
  body: 'margin:0;padding:0;background-color:#f4f5f7;',
  card: "max-width:560px;margin:0 auto;padding:32px 24px;background-color:#ffffff;color:#1f2933;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;",
  p: 'margin:0 0 16px;',
  buttonRow: 'margin:24px 0;',
  button:
    'display:inline-block;padding:12px 24px;background-color:#1a56db;color:#ffffff;font-weight:600;text-decoration:none;border-radius:6px;',
  small: 'margin:0 0 16px;font-size:14px;color:#52606d;',
  list: 'margin:0 0 16px;padding-left:24px;',
  listItem: 'margin:0 0 4px;',
  link: 'color:#1a56db;word-break:break-all;',
  rule: 'border:none;border-top:1px solid #e4e7eb;margin:24px 0;',
  footer: 'margin:0;font-size:13px;color:#52606d;',
  footerLink: 'color:#52606d;',
} as const;

/** What a message is about, in its words: the email's subject and paragraphs, the in-app title and body. */
function headline({ template, values }: Context): { subject: string; paragraphs: string[] } {
  return {
    subject: oneLine(fill(template.subject, values)),
    paragraphs: template.paragraphs.map((p) => fill(p, values)),
  };
}

export function renderEmail(facts: MessageFacts): RenderedEmail {
  const context = contextFor(facts, 'email');
  const { copy, template, values } = context;
  const { subject, paragraphs } = headline(context);
  const actionLine = fill(copy.actionLine, values);
  const unsubscribe = facts.unsubscribeUrl ? facts.unsubscribeUrl : null;
  const optOutText = unsubscribe ? fill(copy.optOut.emailUnsubscribeText, values) : copy.optOut.emailReply;

  const alsoDue = alsoDueList(context);
  const text = [values.greeting, ...paragraphs, ...alsoDueParagraphs(context), actionLine, optOutText].join('\n\n');

  const payHref = httpUrl(facts.paymentUrl);
  const unsubscribeHref = unsubscribe ? httpUrl(unsubscribe) : null;
  const para = (content: string, style: string = STYLE.p) => `<p style="${style}">${content}</p>`;
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(facts.locale)}" dir="ltr">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    `<body style="${STYLE.body}">`,
    `<div role="article" aria-roledescription="email" aria-label="${escapeHtml(subject)}" lang="${escapeHtml(facts.locale)}" style="${STYLE.card}">`,
    para(escapeHtml(values.greeting!)),
    ...paragraphs.map((p) => para(escapeHtml(p))),
    ...(alsoDue
      ? [
          para(escapeHtml(alsoDue.lead)),
          `<ul style="${STYLE.list}">`,
          ...alsoDue.items.map((item) => `<li style="${STYLE.listItem}">${escapeHtml(item)}</li>`),
          '</ul>',
        ]
      : []),
    ...(payHref
      ? [
          para(
            `<a href="${escapeHtml(payHref)}" style="${STYLE.button}">${escapeHtml(template.action)}</a>`,
            STYLE.buttonRow,
          ),
          para(
            `${escapeHtml(copy.linkFallback)}<br><a href="${escapeHtml(payHref)}" style="${STYLE.link}">${escapeHtml(payHref)}</a>`,
            STYLE.small,
          ),
        ]
      : [para(escapeHtml(actionLine))]),
    `<hr style="${STYLE.rule}">`,
    para(
      unsubscribeHref
        ? `${escapeHtml(copy.optOut.emailUnsubscribeLead)} <a href="${escapeHtml(unsubscribeHref)}" style="${STYLE.footerLink}">${escapeHtml(copy.optOut.emailUnsubscribeLabel)}</a>`
        : escapeHtml(optOutText),
      STYLE.footer,
    ),
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');

  return { subject, text, html };
}

/**
 * The SMS: the template's text, then (grouped) one compact sentence listing the others, then the
 * opt-out. The list goes after the template's text rather than before its link because each
 * locale's templates place the link differently; the link stays in the message once.
 */
export function renderSms(facts: MessageFacts): RenderedSms {
  const { copy, template, values, alsoDue } = contextFor(facts, 'sms');
  const items = alsoDue.map((item) => fill(copy.alsoDue.smsItem, item)).join('; ');
  const alsoDueSentence = items ? ` ${fill(copy.alsoDue.sms, { items })}` : '';
  const body = `${fill(template.sms, values)}${alsoDueSentence} ${copy.optOut.sms}`;
  const { encoding, segments } = smsSegments(body);
  return { body, encoding, segments };
}

/** WhatsApp free-form text (only inside the 24-hour window after the buyer's last message). */
export function renderWhatsAppText(facts: MessageFacts): { body: string } {
  return { body: whatsAppLines(facts, []).join('\n\n') };
}

/**
 * The assistant's opening message: the step's WhatsApp reminder with one more line, before the
 * opt-out, inviting the buyer to reply and talk with the assistant. Outside the 24-hour window
 * the approved template goes out instead, with the same variables as the WhatsApp reminder.
 */
export function renderAssistantText(facts: MessageFacts): { body: string } {
  const { copy } = contextFor(facts, 'whatsapp');
  return { body: whatsAppLines(facts, [copy.assistantInvite]).join('\n\n') };
}

function whatsAppLines(facts: MessageFacts, extra: readonly string[]): string[] {
  const context = contextFor(facts, 'whatsapp');
  const { copy, template, values } = context;
  return [
    values.greeting!,
    ...template.paragraphs.map((p) => fill(p, values)),
    ...alsoDueParagraphs(context),
    fill(copy.actionLine, values),
    ...extra,
    copy.optOut.whatsapp,
  ];
}

export interface RenderedInApp {
  /** Short, one line: the email's subject. */
  title: string;
  /** Plain text: the email's paragraphs (and, grouped, the list of the other installments). */
  body: string;
  /** The label of the link's button ("Pay now"). */
  action: string;
}

/**
 * The in-app notification the seller's app shows: the email's subject and paragraphs, without the
 * greeting (the buyer's name stays out of webhook events), the link (the event carries it beside
 * the text, for the app to render) or an opt-out line (the buyer asks the seller's support).
 */
export function renderInApp(facts: MessageFacts): RenderedInApp {
  const context = contextFor(facts, 'in_app');
  const { subject, paragraphs } = headline(context);
  return {
    title: subject,
    body: [...paragraphs, ...alsoDueParagraphs(context)].join('\n\n'),
    action: context.template.action,
  };
}

/**
 * What a human agent's call task says, for the seller's team (in English, not the buyer's
 * language): the product, the installment, the amount still due and the due date, and the step.
 * One line; no personal data beyond what the task's ids already point to.
 */
export function agentTaskSummary(facts: MessageFacts): string {
  const amount = formatAmount(facts.amountDueMinor, facts.currency, 'en');
  const alsoDue = (facts.alsoDue ?? []).map(
    (c) =>
      `${c.productName} installment ${c.installmentNumber} of ${c.installmentCount}, ` +
      `${formatAmount(c.amountDueMinor, c.currency, 'en')} due on ${c.dueDate}`,
  );
  return oneLine(
    `Call the buyer about ${facts.productName}: installment ${facts.installmentNumber} of ${facts.installmentCount}, ` +
      `${amount} due on ${facts.dueDate} (reminder ${facts.template}).` +
      (alsoDue.length > 0 ? ` Also due: ${alsoDue.join('; ')}.` : ''),
  );
}

// ---------------------------------------------------------------------------------------------
// WhatsApp approved templates
// ---------------------------------------------------------------------------------------------

const WHATSAPP_VARIABLES: readonly {
  key: string;
  meaning: string;
  value: (ctx: Context, facts: MessageFacts) => string;
}[] = [
  {
    key: '1',
    meaning: 'The buyer’s first name (a localized stand-in such as "there" when the name is empty).',
    value: ({ copy, values }) => values.name || copy.nameFallback,
  },
  { key: '2', meaning: 'The product name.', value: ({ values }) => values.product! },
  {
    key: '3',
    meaning:
      'The amount, formatted for the locale and currency: the amount just paid in payment_confirmation (when known), otherwise the amount still owed.',
    value: ({ values }, facts) =>
      facts.template === 'payment_confirmation' && values.paid ? values.paid : values.amount!,
  },
  {
    key: '4',
    meaning: 'The current due date, formatted for the locale (after a due-date change, the new date).',
    value: ({ values }) => values.date!,
  },
  {
    key: '5',
    meaning:
      'The installment as text in the locale, e.g. "installment 2 of 6"; for a grouped reminder followed, on the same line, by the other installments it covers, e.g. "installment 2 of 6 (also due: Gym plan 3 of 6, $10.00, March 5, 2026; …)".',
    value: ({ copy, values, alsoDue }) => {
      const items = alsoDue.map((item) => fill(copy.alsoDue.whatsAppVariableItem, item)).join('; ');
      return items
        ? fill(copy.alsoDue.whatsAppVariable, { installment: values.installment!, items })
        : values.installment!;
    },
  },
  { key: '6', meaning: 'The payment link (the buyer’s payment area).', value: ({ values }) => values.url! },
];

/** What each numbered variable of our approved WhatsApp templates holds: the same for every template and locale. */
export const WHATSAPP_TEMPLATE_VARIABLES: readonly { key: string; meaning: string }[] = WHATSAPP_VARIABLES.map(
  ({ key, meaning }) => ({ key, meaning }),
);

/**
 * The variables of the approved template for `facts.template` × `facts.locale`. WhatsApp refuses
 * parameters with newlines, tabs or more than four spaces in a row, and empty ones: every value is
 * one line, single-spaced, never empty.
 */
export function whatsAppTemplateVariables(facts: MessageFacts): Record<string, string> {
  const ctx = contextFor(facts, 'whatsapp');
  const variables: Record<string, string> = {};
  for (const v of WHATSAPP_VARIABLES) variables[v.key] = oneLine(v.value(ctx, facts)) || '-';
  return variables;
}
