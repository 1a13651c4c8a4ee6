/**
 * SMS and WhatsApp through Twilio's Messages API (the `twilio` SDK). Twilio has no idempotency key,
 * so these senders are at most once: anything that may have reached Twilio without an answer
 * (timeout, connection reset) is {@link ProviderOutcomeUnknownError}, never retried by the activity.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type TwilioHttpResponse from 'twilio/lib/http/response';
import type { Locale } from '../../domain/locales';
import { DEFAULT_PROVIDER_TIMEOUT_MS, parseRetryAfterSeconds, scrubContactData } from './provider-http';
import {
  type ChannelSender,
  type OutgoingSms,
  type OutgoingWhatsApp,
  type PermanentRefusal,
  ProviderOutcomeUnknownError,
  ProviderUnavailableError,
  type SendOutcome,
} from './sender';

/** A sending identity: an E.164 number of the account, or a Messaging Service (`MG…`) that picks one. */
export type TwilioSender = { from: string } | { messagingServiceSid: string };
/** Sender per locale; `'*'` is used for every locale without its own entry. */
export type TwilioSenderMap = { '*': TwilioSender } & Partial<Record<Locale, TwilioSender>>;
/** Approved WhatsApp templates: template name → locale (or `'*'`) → Content SID (`HX…`). */
export type WhatsAppTemplateMap = Record<string, Partial<Record<Locale | '*', string>>>;

export type TwilioHttpClient = RequestClient;

export interface TwilioSmsConfig {
  accountSid: string;
  authToken: string;
  /** Numbers are E.164 without any `whatsapp:` prefix; the WhatsApp sender adds it. */
  senders: TwilioSenderMap;
  /** Public https root of our API; status callbacks go to `${base}/webhooks/twilio/status?attempt=…`. */
  statusCallbackBaseUrl?: string | null;
  /** Request timeout; default 15 000 ms. */
  timeoutMs?: number;
  /** Tests point the SDK at a local server with a RequestClient whose `request` rewrites `opts.uri`. */
  httpClient?: TwilioHttpClient;
}

export interface TwilioWhatsAppConfig extends TwilioSmsConfig {
  templates: WhatsAppTemplateMap;
}

type CreateParams = Parameters<twilio.Twilio['messages']['create']>[0];

/** What the HTTP layer saw during one `messages.create`: whether a request started, and the response headers. */
interface Exchange {
  requestStarted: boolean;
  headers?: Record<string, unknown>;
}
const exchanges = new AsyncLocalStorage<Exchange>();

/**
 * Wraps the HTTP client the SDK uses, to apply our timeout and to see the response headers
 * (RestException drops them, and we need Retry-After) — per send, through AsyncLocalStorage.
 */
class ObservingRequestClient extends twilio.RequestClient {
  constructor(
    private readonly inner: TwilioHttpClient | null,
    private readonly timeoutMs: number,
  ) {
    super({ timeout: timeoutMs });
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioHttpResponse<TData>> {
    const exchange = exchanges.getStore();
    if (exchange) exchange.requestStarted = true;
    const withTimeout = { ...opts, timeout: opts.timeout ?? this.timeoutMs };
    const response = this.inner ? await this.inner.request(withTimeout) : await super.request(withTimeout);
    if (exchange) exchange.headers = (response.headers ?? {}) as Record<string, unknown>;
    return response;
  }
}

interface TwilioApiError {
  status: number;
  code: number | null;
  /** Twilio's message with every phone number and email address scrubbed (it often quotes the 'To'). */
  message: string;
  retryAfterSeconds: number | undefined;
}

type Attempt = { ok: true; sid: string } | { ok: false; error: TwilioApiError };

function createClient(config: TwilioSmsConfig) {
  const timeoutMs = config.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  const client = twilio(config.accountSid, config.authToken, {
    httpClient: new ObservingRequestClient(config.httpClient ?? null, timeoutMs),
  });

  /** One Messages API call: the created message, Twilio's API error, or a thrown transport error. */
  return async function create(params: CreateParams): Promise<Attempt> {
    const exchange: Exchange = { requestStarted: false };
    try {
      const message = await exchanges.run(exchange, () => client.messages.create(params));
      if (typeof message.sid !== 'string' || message.sid === '') {
        throw new ProviderOutcomeUnknownError('Twilio answered without a message sid');
      }
      return { ok: true, sid: message.sid };
    } catch (error) {
      if (error instanceof ProviderOutcomeUnknownError) throw error;
      const api = asApiError(error, exchange);
      if (api) return { ok: false, error: api };
      // The SDK validates parameters before sending: such an error is our bug, and nothing went out.
      if (!exchange.requestStarted) throw error;
      throw transportError(error, timeoutMs);
    }
  };
}

function asApiError(error: unknown, exchange: Exchange): TwilioApiError | null {
  // RestException (legacy body) and TwilioServiceException (RFC 9457 body) both carry status and code.
  if (!(error instanceof Error) || (error as { isAxiosError?: boolean }).isAxiosError) return null;
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number') return null;
  const code = (error as { code?: unknown }).code;
  return {
    status,
    code: typeof code === 'number' && code !== 0 ? code : null,
    message: scrubContactData(error.message),
    retryAfterSeconds: parseRetryAfterSeconds(exchange.headers?.['retry-after']),
  };
}

/** Before a connection exists nothing was sent; after, the message may have been created. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_INVALID_URL',
]);

function transportError(error: unknown, timeoutMs: number): Error {
  const code = errorCode(error);
  if (code && NEVER_CONNECTED.has(code)) {
    return new ProviderUnavailableError(`Twilio could not be reached (${code})`, undefined, { cause: error });
  }
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new ProviderOutcomeUnknownError(
      `Twilio did not answer within ${timeoutMs} ms; the message may have been created`,
      { cause: error },
    );
  }
  // ECONNRESET, EPIPE, "socket hang up", anything else: the request may have reached Twilio.
  return new ProviderOutcomeUnknownError(
    `Twilio request failed after it started (${code ?? 'no code'}): ${scrubContactData(messageOf(error))}`,
    { cause: error },
  );
}

function errorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

/** Permanent refusals: the recipient opted out at Twilio/carrier. */
const OPTED_OUT_CODES = new Set([21610]);
/**
 * The buyer's address cannot be reached on this channel: the only codes that suppress an address
 * (in every tenant), so only codes known to be about the 'To' itself belong here.
 * 21211 invalid 'To' number · 21614 'To' is not a mobile number · 21612 'To' is not reachable
 * (no route / carrier) · 21407 number type does not support SMS · 63003 not a WhatsApp user
 * (channel could not find the 'To' address) · 63024 invalid message recipient.
 */
const UNDELIVERABLE_CODES = new Set([21211, 21614, 21612, 21407, 63003, 63024]);
/**
 * Our own setup is wrong: never the buyer's fault, so never a refusal.
 * 20003 authentication · 20404 resource not found (account SID) · 21212 invalid 'From' ·
 * 21606 'From' cannot send SMS · 21608 trial account, recipient unverified · 21408 region not
 * enabled (geo permissions) · 21705 invalid Messaging Service · 63007 WhatsApp sender not found.
 */
const CONFIG_CODES = new Set([20003, 20404, 21212, 21606, 21608, 21408, 21705, 63007]);
/**
 * Our request was malformed (21602 body required, 21617 body too long, 21656 invalid ContentVariables): a bug, not the
 * buyer.
 */
const OUR_BUG_CODES = new Set([21602, 21617, 21656]);
/** Try again later: 20429 too many requests · 21611 sender queue full · 63018 WhatsApp rate limit. */
const RETRY_LATER_CODES = new Set([20429, 21611, 63018]);

/** Error code 63016: free-form WhatsApp text outside the 24-hour window. */
export const WHATSAPP_OUTSIDE_WINDOW = 63016;

/**
 * Twilio's API error as a permanent refusal, or a thrown {@link ProviderUnavailableError} (Twilio
 * answered with an error, so the message was not created and a retry is safe).
 *
 * Only {@link UNDELIVERABLE_CODES} are `undeliverable`; any other 400 (a code we do not know,
 * content or policy refusals, no code at all) is `rejected`: this message was refused, and the
 * address stays usable. The message and detail never carry a phone number or email address.
 */
export function mapTwilioError(error: TwilioApiError): SendOutcome {
  const { status, code } = error;
  const message = scrubContactData(error.message);
  const label = `Twilio ${status}${code === null ? '' : ` error ${code}`}`;
  const refused = (refusal: PermanentRefusal): SendOutcome => ({
    kind: 'refused',
    refusal,
    code: String(code ?? status),
    detail: message,
  });

  if (code !== null && OPTED_OUT_CODES.has(code)) return refused('opted_out');
  if (code === WHATSAPP_OUTSIDE_WINDOW) return refused('template_required');
  if (status === 401 || status === 403 || (code !== null && CONFIG_CODES.has(code))) {
    throw new ProviderUnavailableError(
      `${label}: Twilio rejected our configuration (${message}). Check TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and the senders; no buyer was marked undeliverable.`,
    );
  }
  if (status === 429 || status === 503 || (code !== null && RETRY_LATER_CODES.has(code))) {
    throw new ProviderUnavailableError(`${label}: ${message}`, error.retryAfterSeconds);
  }
  // Any other server error may come after Twilio created the message: never send it again.
  if (status >= 500) throw new ProviderOutcomeUnknownError(`${label}: ${message}`);
  if (code !== null && UNDELIVERABLE_CODES.has(code)) return refused('undeliverable');
  if (code !== null && OUR_BUG_CODES.has(code)) {
    throw new ProviderUnavailableError(
      `${label}: Twilio rejected the request we built (${message}); this is a bug, not the buyer's address`,
    );
  }
  if (status === 400) return refused('rejected');
  throw new ProviderUnavailableError(`${label}: ${message}`, error.retryAfterSeconds);
}

/** The sender for a locale: its own entry, else `'*'`. */
export function senderForLocale(senders: TwilioSenderMap, locale: Locale): TwilioSender {
  return senders[locale] ?? senders['*'];
}

/** The approved template's Content SID for a locale: its own entry, else the template's `'*'` entry. */
export function contentSidFor(templates: WhatsAppTemplateMap, template: string, locale: Locale): string | null {
  const byLocale = Object.hasOwn(templates, template) ? templates[template] : undefined;
  return byLocale?.[locale] ?? byLocale?.['*'] ?? null;
}

export function statusCallbackUrl(baseUrl: string | null | undefined, attemptId: string): string | undefined {
  if (!baseUrl) return undefined;
  return `${baseUrl.replace(/\/+$/, '')}/webhooks/twilio/status?attempt=${encodeURIComponent(attemptId)}`;
}

function addressing(
  sender: TwilioSender,
  to: string,
  prefix: '' | 'whatsapp:',
): Pick<CreateParams, 'to' | 'from' | 'messagingServiceSid'> {
  const bare = (n: string) => n.replace(/^whatsapp:/, '');
  const toAddress = `${prefix}${bare(to)}`;
  return 'messagingServiceSid' in sender
    ? { to: toAddress, messagingServiceSid: sender.messagingServiceSid }
    : { to: toAddress, from: `${prefix}${bare(sender.from)}` };
}

/** Who it goes to, from whom (the locale's sender), and where Twilio reports its status. */
function routing(config: TwilioSmsConfig, message: OutgoingSms | OutgoingWhatsApp, prefix: '' | 'whatsapp:') {
  const statusCallback = statusCallbackUrl(config.statusCallbackBaseUrl, message.attemptId);
  return {
    ...addressing(
      message.from ? { from: message.from } : senderForLocale(config.senders, message.locale),
      message.to,
      prefix,
    ),
    ...(statusCallback ? { statusCallback } : {}),
  };
}

export function createTwilioSmsSender(config: TwilioSmsConfig): ChannelSender<OutgoingSms> {
  const create = createClient(config);
  return {
    provider: 'twilio',
    idempotent: false,
    async send(message: OutgoingSms): Promise<SendOutcome> {
      const result = await create({ ...routing(config, message, ''), body: message.body });
      return result.ok ? { kind: 'sent', providerMessageId: result.sid } : mapTwilioError(result.error);
    },
  };
}

export function createTwilioWhatsAppSender(config: TwilioWhatsAppConfig): ChannelSender<OutgoingWhatsApp> {
  const create = createClient(config);
  return {
    provider: 'twilio',
    idempotent: false,
    async send(message: OutgoingWhatsApp): Promise<SendOutcome> {
      const base = routing(config, message, 'whatsapp:');
      const templateName: string = message.template;
      const contentSid = contentSidFor(config.templates, templateName, message.locale);
      const sendTemplate = async (sid: string): Promise<SendOutcome> => {
        const result = await create({ ...base, contentSid: sid, contentVariables: JSON.stringify(message.variables) });
        return result.ok
          ? { kind: 'sent', providerMessageId: result.sid, whatsappMode: 'template' }
          : mapTwilioError(result.error);
      };

      if (message.mode === 'template') {
        if (contentSid === null) {
          return {
            kind: 'refused',
            refusal: 'template_missing',
            code: 'template_missing',
            detail: `No approved WhatsApp template for "${templateName}" in ${message.locale} (TWILIO_WHATSAPP_TEMPLATES)`,
          };
        }
        return sendTemplate(contentSid);
      }

      const result = await create({ ...base, body: message.body });
      if (result.ok) return { kind: 'sent', providerMessageId: result.sid, whatsappMode: 'free_form' };
      if (result.error.code === WHATSAPP_OUTSIDE_WINDOW) {
        // Twilio refused the free-form text outright (no message was created): the template is the same reminder.
        if (contentSid === null) {
          return {
            kind: 'refused',
            refusal: 'template_required',
            code: String(WHATSAPP_OUTSIDE_WINDOW),
            detail: `Outside the 24-hour window and no approved template for "${templateName}" in ${message.locale}: ${result.error.message}`,
          };
        }
        return sendTemplate(contentSid);
      }
      return mapTwilioError(result.error);
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
