/**
 * What the deliver activity needs from a provider, and nothing more: one small interface per
 * channel, so the activity's rules (compliance guard, intent rows, retries) are tested once and
 * every provider adapter is tested against its own wire format.
 */
import type { Channel } from '../../domain/channels';
import type { Locale } from '../../domain/locales';
import type { CONVERSATION_REPLY_TEMPLATE } from '../../domain/conversation';
import type { MessageTemplate } from '../../domain/messages';

interface OutgoingBase {
  /** The attempt this message belongs to: the idempotency key, and the key status callbacks come back with. */
  attemptId: string;
  /** The buyer's address: an email address, or an E.164 number (never with a `whatsapp:` prefix). */
  to: string;
  locale: Locale;
  /** The message's template; a conversation's reply is free text (`conversation_reply`), never a template. */
  template: MessageTemplate | typeof CONVERSATION_REPLY_TEMPLATE;
  /**
   * Our number to send from, when it must be a particular one: a reply goes out from the number
   * the buyer wrote to (a number per language). Absent: the locale's configured sender.
   */
  from?: string | undefined;
  /** Identifiers only (tenant, journey, step): providers keep them, so they never carry personal data. */
  tags: { tenant: string; journey: string; step: string };
}

export interface OutgoingEmail extends OutgoingBase {
  channel: 'email';
  subject: string;
  text: string;
  html: string;
  /** A one-click unsubscribe link (RFC 8058), sent as List-Unsubscribe headers when present. */
  unsubscribeUrl?: string | undefined;
}

export interface OutgoingSms extends OutgoingBase {
  channel: 'sms';
  body: string;
}

export interface OutgoingWhatsApp extends OutgoingBase {
  channel: 'whatsapp';
  /**
   * `free_form` only inside the 24-hour window after the buyer's last message; otherwise the
   * approved template for `template` × `locale`, filled with `variables`.
   */
  mode: 'free_form' | 'template';
  body: string;
  variables: Record<string, string>;
}

/**
 * The assistant's opening message: the step's WhatsApp reminder (the same approved template and
 * variables) whose free-form body adds a line inviting the buyer to reply and talk with the
 * assistant. It goes out on WhatsApp (see provider-config.ts: the WhatsApp sender, adapted).
 */
export interface OutgoingAssistant extends Omit<OutgoingWhatsApp, 'channel'> {
  channel: 'assistant';
}

/**
 * A task for the seller's team: call this buyer. Not a message the buyer reads, so no body in
 * their language: a short summary for the agent. `to` is the number to call.
 */
export interface OutgoingAgentTask extends OutgoingBase {
  channel: 'agent';
  tenantId: string;
  buyerId: string;
  journeyId: string;
  /** For the agent, in English: product, installment n of m, amount due, due date, the step's template. */
  summary: string;
}

/**
 * A notification for the seller's app or members area to show the buyer, published as an
 * `in_app_notification` webhook event. `to` is the buyer's ID: the seller's app knows them by it.
 */
export interface OutgoingInApp extends OutgoingBase {
  channel: 'in_app';
  tenantId: string;
  journeyId: string;
  installmentId: string;
  buyerId: string;
  /** The step it belongs to (its plan revision and index in the ladder). */
  step: { revision: number; index: number };
  /** When it was composed (epoch ms): the event's occurrence, the same on every try. */
  at: number;
  /** Localized: a short title and a plain-text body (domain/messages.ts renderInApp). */
  title: string;
  body: string;
  /** The localized label for the link's button, and the link: the buyer's payment area or the payment URL. */
  action: string;
  link: string;
}

/** The message each channel sends: a new channel needs its shape here. */
export interface OutgoingByChannel {
  email: OutgoingEmail;
  sms: OutgoingSms;
  whatsapp: OutgoingWhatsApp;
  assistant: OutgoingAssistant;
  agent: OutgoingAgentTask;
  in_app: OutgoingInApp;
}

export type OutgoingMessage = OutgoingByChannel[Channel];

/** Why a provider refused a message for good: the deliver activity turns each into a journey decision. */
export type PermanentRefusal =
  /** This address cannot be reached on this channel (invalid, hard bounce, not a WhatsApp user…). */
  | 'undeliverable'
  /** The recipient unsubscribed at the carrier or provider (Twilio 21610). */
  | 'opted_out'
  /** WhatsApp free-form text outside the 24-hour window (Twilio 63016): send the template instead. */
  | 'template_required'
  /** No approved WhatsApp template is configured for this template and locale. */
  | 'template_missing'
  /** The provider refused this message, not the address: this step falls through, the address stays usable. */
  | 'rejected';

export type SendOutcome =
  | {
      kind: 'sent';
      providerMessageId: string;
      /**
       * WhatsApp (and the assistant): how it really went out (a free-form message refused with
       * 63016 is re-sent as the template).
       */
      whatsappMode?: 'free_form' | 'template';
    }
  | { kind: 'refused'; refusal: PermanentRefusal; code: string; detail: string };

export interface ChannelSender<M extends OutgoingMessage = OutgoingMessage> {
  /** Recorded on the attempt row, e.g. `resend`, `twilio`, `outbox`. */
  readonly provider: string;
  /**
   * True when the provider deduplicates by the attempt id (Resend's Idempotency-Key), so a
   * message whose outcome is unknown can safely be sent again; false means at most once (Twilio).
   */
  readonly idempotent: boolean;
  /**
   * Sends one message. Resolves `sent` or `refused` (permanent); throws
   * {@link ProviderUnavailableError} when the provider certainly did not take the message and a
   * retry may succeed (429, 5xx, connection refused), and {@link ProviderOutcomeUnknownError} when
   * it may have (a timeout after the request went out).
   */
  send(message: M): Promise<SendOutcome>;
}

/** A sender for every channel (the outbox where no provider is configured). */
export type ChannelSenders = { [C in Channel]: ChannelSender<OutgoingByChannel[C]> };

/** The provider did not take the message; retrying later is safe. */
export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';
  constructor(
    message: string,
    /** From the provider's Retry-After, when it sent one. */
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The request went out and no answer came back: the provider may have sent the message. */
export class ProviderOutcomeUnknownError extends Error {
  override readonly name = 'ProviderOutcomeUnknownError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
