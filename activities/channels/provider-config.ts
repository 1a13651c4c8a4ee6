/**
 * Which real providers this worker sends through, read from the environment. A channel whose
 * provider is not configured is `null` (the outbox takes it); a half-configured provider is an
 * error naming the missing variable, never a silent fallback. Error messages name variables and
 * never repeat their values (secrets stay out of logs).
 */
import { publicBaseUrlProblem, urlProblem, withoutTrailingSlash } from '../../domain/urls';
import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../domain/locales';
import { assistantSenderOf } from './assistant';
import { createResendEmailSender, type ResendConfig } from './resend-email';
import type { ChannelSenders } from './sender';
import {
  createTwilioSmsSender,
  createTwilioWhatsAppSender,
  type TwilioHttpClient,
  type TwilioSender,
  type TwilioSenderMap,
  type TwilioSmsConfig,
  type TwilioWhatsAppConfig,
  type WhatsAppTemplateMap,
} from './twilio-messaging';

export type { ResendConfig } from './resend-email';
export type { TwilioSmsConfig, TwilioWhatsAppConfig } from './twilio-messaging';

export interface ProviderConfig {
  email: ResendConfig | null;
  sms: TwilioSmsConfig | null;
  whatsapp: TwilioWhatsAppConfig | null;
  publicBaseUrl: string | null;
  /** Messages per second for each channel's provider; null when the channel goes to the outbox (no limit). */
  rateLimits: Record<RateLimitedChannel, number | null>;
}

export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
}

/** Unset and blank (`FOO=` in a compose file) are the same thing. */
const optionalText = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z.string().optional(),
);

const emailAddress = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const LOCALE_KEYS: readonly string[] = ['*', ...SUPPORTED_LOCALES];

function positiveRate(name: string, fallback: number, raw: string | undefined): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new ProviderConfigError(`${name} must be a positive number of messages per second`);
  return n;
}

function checkFrom(name: string, value: string): string {
  const angle = /^(.*)<([^<>]+)>$/.exec(value);
  const address = angle ? angle[2]!.trim() : value;
  if (!emailAddress.test(address)) {
    throw new ProviderConfigError(
      `${name} must be an email address or "Name <address>", e.g. Acme Billing <billing@acme.com>`,
    );
  }
  return value;
}

/** A configured URL as it is used, or the error naming its variable. */
function checked(problem: string | null, value: string): string {
  if (problem) throw new ProviderConfigError(problem);
  return withoutTrailingSlash(value);
}

function checkUrl(name: string, value: string, options: { httpsOnly: boolean }): string {
  return checked(urlProblem(name, value, options), value);
}

function parseJson(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    // JSON.parse's message quotes the input: keep it out of the error.
    throw new ProviderConfigError(`${name} is not valid JSON`);
  }
}

function parseSender(name: string, key: string, value: unknown, whatsapp: boolean): TwilioSender {
  const what = `${name}[${JSON.stringify(key)}]`;
  if (typeof value !== 'string')
    throw new ProviderConfigError(`${what} must be a string: an E.164 number or a Messaging Service SID (MG…)`);
  const trimmed = value.trim();
  if (MESSAGING_SERVICE_SID.test(trimmed)) return { messagingServiceSid: trimmed };
  const number = whatsapp ? trimmed.replace(/^whatsapp:/, '') : trimmed;
  if (E164.test(number)) return { from: number };
  throw new ProviderConfigError(
    `${what} must be an E.164 number such as +14155550100${whatsapp ? ' (optionally whatsapp:+…)' : ''} or a Messaging Service SID (MG + 32 hex characters)`,
  );
}

function checkLocaleKey(name: string, key: string): void {
  if (!LOCALE_KEYS.includes(key)) {
    throw new ProviderConfigError(
      `${name} has key ${JSON.stringify(key)}; keys must be '*' or one of ${SUPPORTED_LOCALES.join(', ')}`,
    );
  }
}

/** `{NAME}_SENDERS` (JSON locale|'*' → sender) and/or `{NAME}_FROM` (the `'*'` sender). Null when neither is set. */
function parseSenders(
  mapName: string,
  fromName: string,
  mapRaw: string | undefined,
  fromRaw: string | undefined,
  whatsapp: boolean,
): TwilioSenderMap | null {
  if (mapRaw === undefined && fromRaw === undefined) return null;
  const senders: Partial<Record<Locale | '*', TwilioSender>> = {};
  if (mapRaw !== undefined) {
    const parsed = parseJson(mapName, mapRaw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ProviderConfigError(
        `${mapName} must be a JSON object of locale or '*' → sender, e.g. {"*":"+14155550100","es":"+34910000000"}`,
      );
    }
    for (const [key, value] of Object.entries(parsed)) {
      checkLocaleKey(mapName, key);
      senders[key as Locale | '*'] = parseSender(mapName, key, value, whatsapp);
    }
  }
  if (fromRaw !== undefined) {
    if (senders['*'])
      throw new ProviderConfigError(
        `${fromName} and the '*' entry of ${mapName} both set the default sender; keep one`,
      );
    senders['*'] = parseSender(fromName, '*', fromRaw, whatsapp);
  }
  const fallback = senders['*'];
  if (!fallback) throw new ProviderConfigError(`${mapName} needs a '*' entry (the default sender), or set ${fromName}`);
  return { ...senders, '*': fallback };
}

function parseTemplates(name: string, raw: string | undefined): WhatsAppTemplateMap {
  if (raw === undefined) return {};
  const parsed = parseJson(name, raw);
  const shape = z.record(z.string().min(1), z.record(z.string(), z.string()));
  const result = shape.safeParse(parsed);
  if (!result.success) {
    throw new ProviderConfigError(`${name} must be a JSON object of template → { locale or '*' → Content SID (HX…) }`);
  }
  const templates: WhatsAppTemplateMap = {};
  for (const [template, byLocale] of Object.entries(result.data)) {
    const entry: Partial<Record<Locale | '*', string>> = {};
    for (const [locale, sid] of Object.entries(byLocale)) {
      checkLocaleKey(`${name}[${JSON.stringify(template)}]`, locale);
      if (!CONTENT_SID.test(sid.trim())) {
        throw new ProviderConfigError(
          `${name}[${JSON.stringify(template)}][${JSON.stringify(locale)}] must be a Content SID (HX + 32 hex characters)`,
        );
      }
      entry[locale as Locale | '*'] = sid.trim();
    }
    templates[template] = entry;
  }
  return templates;
}

type RateLimitedChannel = 'email' | 'sms' | 'whatsapp';

/** Each provider's rate variable and its documented default (messages per second). */
const RATE_VARIABLES = {
  email: ['RESEND_MAX_PER_SECOND', 2],
  sms: ['TWILIO_SMS_MAX_PER_SECOND', 1],
  whatsapp: ['TWILIO_WHATSAPP_MAX_PER_SECOND', 10],
} as const;

function rateOf(channel: RateLimitedChannel, e: Partial<Record<string, string | undefined>>): number {
  const [name, fallback] = RATE_VARIABLES[channel];
  return positiveRate(name, fallback, e[name]);
}

const envSchema = z.object({
  RESEND_API_KEY: optionalText,
  RESEND_FROM: optionalText,
  RESEND_REPLY_TO: optionalText,
  RESEND_BASE_URL: optionalText,
  RESEND_MAX_PER_SECOND: optionalText,
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_SMS_SENDERS: optionalText,
  TWILIO_SMS_FROM: optionalText,
  TWILIO_WHATSAPP_SENDERS: optionalText,
  TWILIO_WHATSAPP_FROM: optionalText,
  TWILIO_WHATSAPP_TEMPLATES: optionalText,
  TWILIO_SMS_MAX_PER_SECOND: optionalText,
  TWILIO_WHATSAPP_MAX_PER_SECOND: optionalText,
  PUBLIC_BASE_URL: optionalText,
});

export function providerConfigFromEnv(env: NodeJS.ProcessEnv): ProviderConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '?')))];
    throw new ProviderConfigError(`Invalid provider configuration: ${names.join(', ')} must be text`);
  }
  const e = parsed.data;

  const publicBaseUrl =
    e.PUBLIC_BASE_URL === undefined ? null : checked(publicBaseUrlProblem(e.PUBLIC_BASE_URL), e.PUBLIC_BASE_URL);

  // Email: Resend, switched on by RESEND_API_KEY.
  let email: ResendConfig | null = null;
  if (e.RESEND_API_KEY !== undefined) {
    if (e.RESEND_FROM === undefined)
      throw new ProviderConfigError(
        'RESEND_FROM is required when RESEND_API_KEY is set (e.g. Acme Billing <billing@acme.com>)',
      );
    if (e.RESEND_REPLY_TO !== undefined && !emailAddress.test(e.RESEND_REPLY_TO)) {
      throw new ProviderConfigError('RESEND_REPLY_TO must be an email address');
    }
    email = {
      apiKey: e.RESEND_API_KEY,
      from: checkFrom('RESEND_FROM', e.RESEND_FROM),
      replyTo: e.RESEND_REPLY_TO ?? null,
      baseUrl:
        e.RESEND_BASE_URL === undefined ? null : checkUrl('RESEND_BASE_URL', e.RESEND_BASE_URL, { httpsOnly: false }),
    };
  } else {
    const stray = (['RESEND_FROM', 'RESEND_REPLY_TO', 'RESEND_BASE_URL'] as const).find(
      (name) => e[name] !== undefined,
    );
    if (stray) throw new ProviderConfigError(`RESEND_API_KEY is required when ${stray} is set`);
  }

  // SMS and WhatsApp: Twilio, switched on by credentials plus a sender per channel.
  const smsSenders = parseSenders(
    'TWILIO_SMS_SENDERS',
    'TWILIO_SMS_FROM',
    e.TWILIO_SMS_SENDERS,
    e.TWILIO_SMS_FROM,
    false,
  );
  const whatsappSenders = parseSenders(
    'TWILIO_WHATSAPP_SENDERS',
    'TWILIO_WHATSAPP_FROM',
    e.TWILIO_WHATSAPP_SENDERS,
    e.TWILIO_WHATSAPP_FROM,
    true,
  );
  const templates = parseTemplates('TWILIO_WHATSAPP_TEMPLATES', e.TWILIO_WHATSAPP_TEMPLATES);
  if (e.TWILIO_WHATSAPP_TEMPLATES !== undefined && whatsappSenders === null) {
    throw new ProviderConfigError(
      'TWILIO_WHATSAPP_FROM (or TWILIO_WHATSAPP_SENDERS) is required when TWILIO_WHATSAPP_TEMPLATES is set',
    );
  }
  const twilioWanted =
    e.TWILIO_ACCOUNT_SID !== undefined ||
    e.TWILIO_AUTH_TOKEN !== undefined ||
    smsSenders !== null ||
    whatsappSenders !== null;
  let credentials: { accountSid: string; authToken: string } | null = null;
  if (twilioWanted) {
    if (e.TWILIO_ACCOUNT_SID === undefined)
      throw new ProviderConfigError(
        'TWILIO_ACCOUNT_SID is required when Twilio is configured (TWILIO_AUTH_TOKEN or a sender is set)',
      );
    if (e.TWILIO_AUTH_TOKEN === undefined)
      throw new ProviderConfigError('TWILIO_AUTH_TOKEN is required when TWILIO_ACCOUNT_SID is set');
    if (!ACCOUNT_SID.test(e.TWILIO_ACCOUNT_SID)) {
      throw new ProviderConfigError('TWILIO_ACCOUNT_SID must be an Account SID: AC followed by 32 hex characters');
    }
    credentials = { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN };
  }

  const sms: TwilioSmsConfig | null =
    credentials && smsSenders ? { ...credentials, senders: smsSenders, statusCallbackBaseUrl: publicBaseUrl } : null;
  const whatsapp: TwilioWhatsAppConfig | null =
    credentials && whatsappSenders
      ? { ...credentials, senders: whatsappSenders, templates, statusCallbackBaseUrl: publicBaseUrl }
      : null;

  return {
    email,
    sms,
    whatsapp,
    publicBaseUrl,
    rateLimits: {
      email: email ? rateOf('email', e) : null,
      sms: sms ? rateOf('sms', e) : null,
      whatsapp: whatsapp ? rateOf('whatsapp', e) : null,
    },
  };
}

/**
 * Messages per second each provider takes, whether or not it is configured here: its
 * `…_MAX_PER_SECOND` variable, else the provider's documented default. What a simulation plans
 * against (a what-if is about the deployment that will send).
 */
export function providerRateLimits(env: NodeJS.ProcessEnv): Record<RateLimitedChannel, number> {
  const parsed = envSchema
    .pick({ RESEND_MAX_PER_SECOND: true, TWILIO_SMS_MAX_PER_SECOND: true, TWILIO_WHATSAPP_MAX_PER_SECOND: true })
    .safeParse(env);
  if (!parsed.success) throw new ProviderConfigError('the …_MAX_PER_SECOND variables must be text');
  return {
    email: rateOf('email', parsed.data),
    sms: rateOf('sms', parsed.data),
    whatsapp: rateOf('whatsapp', parsed.data),
  };
}

export interface SenderOverrides {
  /** Replaces the HTTP client of the Twilio SDK (tests: a RequestClient that rewrites `opts.uri` to a local server). */
  twilioHttpClient?: TwilioHttpClient;
  /** Request timeout for every provider (default 15 000 ms). */
  timeoutMs?: number;
}

/** Senders for the configured channels only; the caller fills the rest with the outbox. */
export function sendersFromConfig(config: ProviderConfig, overrides: SenderOverrides = {}): Partial<ChannelSenders> {
  const extra = {
    ...(overrides.timeoutMs !== undefined ? { timeoutMs: overrides.timeoutMs } : {}),
  };
  const twilioExtra = { ...extra, ...(overrides.twilioHttpClient ? { httpClient: overrides.twilioHttpClient } : {}) };
  const senders: Partial<ChannelSenders> = {};
  if (config.email) senders.email = createResendEmailSender({ ...config.email, ...extra });
  if (config.sms) senders.sms = createTwilioSmsSender({ ...config.sms, ...twilioExtra });
  if (config.whatsapp) {
    senders.whatsapp = createTwilioWhatsAppSender({ ...config.whatsapp, ...twilioExtra });
    // The assistant opens its conversation with the WhatsApp reminder: same sender, templates and limit.
    senders.assistant = assistantSenderOf(senders.whatsapp);
  }
  return senders;
}
