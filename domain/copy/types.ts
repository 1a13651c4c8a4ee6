import type { MessageTemplate } from '../templates';

/**
 * The words of one locale. Placeholders in braces are filled by domain/messages.ts in a single
 * pass (a value is never read for placeholders again):
 *   {greeting} {name} {product} {amount} {date} {installment} {url} {payment} {balance}
 *   {previous} {previousDate} {paid} {n} {m} {action} {unsubscribe} {items}
 * Every locale has exactly the keys of `en` (checked by the type and by test/domain/message-catalog).
 * SMS strings keep to the GSM-7 alphabet so a reminder fits 2 segments with typical values.
 */
export interface TemplateCopy {
  /** Email subject. */
  subject: string;
  /** Email and WhatsApp paragraphs after the greeting. */
  paragraphs: readonly string[];
  /** The label of the email button and of the link line ("Pay now"). */
  action: string;
  /** The whole SMS before the opt-out line (GSM-7 characters only). */
  sms: string;
}

export interface LocaleCopy {
  /** Greeting for email and WhatsApp: {name} is the buyer's first name. */
  greeting: string;
  greetingNoName: string;
  /** Greeting for SMS (GSM-7 characters only). */
  smsGreeting: string;
  smsGreetingNoName: string;
  /** WhatsApp template variable 1 when the buyer has no usable name ("Hi {{1}}" → "Hi there"). */
  nameFallback: string;
  /** "installment {n} of {m}", used inside sentences. */
  installment: string;
  /** {payment} in a payment confirmation: with the amount paid when known, without otherwise. */
  paymentWithAmount: string;
  paymentWithoutAmount: string;
  /** {balance} in a payment confirmation: what is still owed, or that nothing is. */
  balanceOpen: string;
  balanceSettled: string;
  /** {previous} in a due-date change confirmation, when the earlier date is known (else empty). */
  previousDueDate: string;
  /** A line with the action and the link, in email text and WhatsApp: "{action}: {url}". */
  actionLine: string;
  /** HTML email: the line above the raw link, for when the button does not work. */
  linkFallback: string;
  /**
   * The assistant's opening message (a WhatsApp reminder): the line, before the opt-out, that
   * invites the buyer to reply and talk with the assistant — amount, payment link, a new date, a person.
   */
  assistantInvite: string;
  /**
   * A grouped reminder also covers some of the buyer's other open installments: they are listed
   * after the lead installment's paragraphs, each once. Item strings take {product} {amount}
   * {date} {installment} {n} {m} of the covered installment; {items} is the joined list.
   */
  alsoDue: {
    /** The line before the list in email, WhatsApp and in-app ("You also have these installments open:"). */
    lead: string;
    /** One item of that list, after a "- " bullet in text and as a list item in HTML. */
    item: string;
    /** SMS: the sentence added after the reminder, before the opt-out (GSM-7 characters only). */
    sms: string;
    /** SMS: one compact item ("{product} {n}/{m} {amount} {date}"), joined with "; " (GSM-7 only). */
    smsItem: string;
    /** WhatsApp template variable 5: the lead's {installment} with the others in brackets, one line. */
    whatsAppVariable: string;
    /** One item inside that bracket, joined with "; ". */
    whatsAppVariableItem: string;
  };
  optOut: {
    /** Email text with a one-click unsubscribe link. */
    emailUnsubscribeText: string;
    /** HTML email: the sentence before the unsubscribe link, and the link's label. */
    emailUnsubscribeLead: string;
    emailUnsubscribeLabel: string;
    /** Email without an unsubscribe link: reply with the stop word. */
    emailReply: string;
    sms: string;
    whatsapp: string;
  };
  templates: Record<MessageTemplate, TemplateCopy>;
}
