/**
 * Email through Resend (the `resend` SDK). Resend deduplicates by Idempotency-Key for 24 hours, so
 * this sender is idempotent: the key is derived from the attempt id alone, and a retry of the same
 * attempt (after a timeout, say) returns the first email instead of sending a second one.
 *
 * The SDK never throws on HTTP errors: it resolves `{ data, error }`, with `error.statusCode` and
 * `error.name` taken from Resend's JSON error body, and folds network failures (connection refused,
 * our own abort) into `{ statusCode: null, name: 'application_error' }`. We tell a timeout apart by
 * our own AbortSignal.
 */
import { createHash } from 'node:crypto';
import { Resend, type CreateEmailOptions, type ErrorResponse } from 'resend';
import {
  type ChannelSender,
  type OutgoingEmail,
  ProviderOutcomeUnknownError,
  ProviderUnavailableError,
  type SendOutcome,
} from './sender';
import { DEFAULT_PROVIDER_TIMEOUT_MS, parseRetryAfterSeconds, scrubContactData } from './provider-http';

export const RESEND_DEFAULT_BASE_URL = 'https://api.resend.com';

export interface ResendConfig {
  apiKey: string;
  /** The sender, e.g. `Acme Billing <billing@acme.com>`; its domain must be verified at Resend. */
  from: string;
  replyTo?: string | null;
  /** Resend's API root, without `/v1` (the SDK posts to `${baseUrl}/emails`). Defaults to https://api.resend.com. */
  baseUrl?: string | null;
  /** How long to wait for Resend's answer before the outcome is unknown. Default 15 000 ms. */
  timeoutMs?: number;
}

/**
 * Resend keys are 1–256 characters; attempt ids that are plain and short enough are used as they are (readable in
 * Resend's logs).
 */
const PLAIN_KEY = /^[A-Za-z0-9._:/-]{1,256}$/;

/**
 * The Idempotency-Key of an attempt: a pure function of the attempt id, so every retry of the attempt sends the same
 * key.
 */
export function resendIdempotencyKey(attemptId: string): string {
  return PLAIN_KEY.test(attemptId) ? attemptId : `attempt-sha256-${sha256Hex(attemptId)}`;
}

/** Resend tag names and values: ASCII letters, numbers, underscores and dashes, at most 256 characters. */
const TAG_SAFE = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * A tag value Resend accepts. Values that already fit are kept; anything else has its other
 * characters replaced by `_` and a short hash of the original appended, so two different ids that
 * sanitize alike (`a/b`, `a.b`) still get different tags.
 */
export function resendTagValue(raw: string): string {
  if (TAG_SAFE.test(raw)) return raw;
  const hash = sha256Hex(raw).slice(0, 10);
  const cleaned = raw.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256 - hash.length - 1);
  return `${cleaned}-${hash}`;
}

export function createResendEmailSender(config: ResendConfig): ChannelSender<OutgoingEmail> {
  const timeoutMs = config.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  // Always pass baseUrl: without it the SDK falls back to process.env.RESEND_BASE_URL behind our back.
  const resend = new Resend(config.apiKey, {
    baseUrl: (config.baseUrl ?? RESEND_DEFAULT_BASE_URL).replace(/\/+$/, ''),
  });

  return {
    provider: 'resend',
    idempotent: true,
    async send(message: OutgoingEmail): Promise<SendOutcome> {
      const payload: CreateEmailOptions = {
        from: config.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(config.replyTo ? { replyTo: config.replyTo } : {}),
        ...(message.unsubscribeUrl
          ? {
              headers: {
                'List-Unsubscribe': `<${message.unsubscribeUrl}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
              },
            }
          : {}),
        // Identifiers only: never the address or anything else about the buyer.
        tags: [
          { name: 'tenant', value: resendTagValue(message.tags.tenant) },
          { name: 'journey', value: resendTagValue(message.tags.journey) },
          { name: 'step', value: resendTagValue(message.tags.step) },
        ],
      };

      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new Error(`Resend request timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      let result: Awaited<ReturnType<Resend['emails']['send']>>;
      try {
        result = await resend.emails.send(payload, {
          idempotencyKey: resendIdempotencyKey(message.attemptId),
          signal: controller.signal,
        });
      } catch (error) {
        // The SDK resolves errors instead of throwing; if it throws anyway we cannot know what went out.
        throw new ProviderOutcomeUnknownError(
          `Resend send failed unexpectedly: ${scrubContactData(errorMessage(error))}`,
          { cause: error },
        );
      } finally {
        clearTimeout(timer);
      }

      if (result.error === null) {
        const id = (result.data as { id?: unknown } | null)?.id;
        if (typeof id !== 'string' || id === '') {
          throw new ProviderOutcomeUnknownError('Resend answered without an email id');
        }
        return { kind: 'sent', providerMessageId: id };
      }
      return mapResendError(result.error, result.headers, controller.signal.aborted, timeoutMs, message.to);
    },
  };
}

const CONFIG_ERROR_NAMES = new Set<string>([
  'missing_api_key',
  'invalid_api_key',
  'restricted_api_key',
  'invalid_access',
  'invalid_from_address',
  'invalid_region',
  'not_found',
  'method_not_allowed',
  'invalid_idempotency_key',
]);
const QUOTA_ERROR_NAMES = new Set<string>(['rate_limit_exceeded', 'daily_quota_exceeded', 'monthly_quota_exceeded']);
/** A validation error about a field we fill from configuration, not from the buyer. */
const OUR_FIELD_MENTIONED = /`(from|reply_?to|headers|tags|attachments)`/i;
/** A validation error about the `to` field (quoted, or "to field"), never `reply_to`. */
const TO_FIELD_MENTIONED = /(?<![\w-]|reply[\s_-]?)(?:[`'"]to[`'"]|to\s+field)/i;

/**
 * Whether a validation error is about the recipient's address: it names the `to` field, or quotes
 * the recipient's address. Only such an error may suppress the address (in every tenant).
 */
function aboutRecipient(rawMessage: string, recipient: string | undefined): boolean {
  if (TO_FIELD_MENTIONED.test(rawMessage)) return true;
  const address = recipient?.trim().toLowerCase();
  return !!address && rawMessage.toLowerCase().includes(address);
}

/**
 * Resend's answer, as a permanent refusal or a thrown error (see {@link ChannelSender.send}).
 *
 * - no response: our timeout fired → outcome unknown (safe to retry: same Idempotency-Key);
 *   otherwise (connection refused, DNS…) → unavailable. The SDK hides the cause, so a connection
 *   reset after the request went out also lands here; with the idempotency key a retry is safe.
 * - 429 (rate or quota) and 5xx → unavailable, with Retry-After when Resend sent it.
 * - 401/403 and errors about our own setup (API key, `from` domain, base URL) → unavailable with a
 *   message saying so: our misconfiguration must never mark a buyer undeliverable.
 * - 409 `concurrent_idempotent_requests`: the first request for this key is still being processed
 *   → unavailable (a retry returns its result). 409 `invalid_idempotent_request`: this key was
 *   already used with a different payload. That is our bug (the attempt's content changed between
 *   retries), not the buyer's: an earlier request with this key may have sent an email, so the
 *   outcome is unknown — never a refusal.
 * - 400/422 validation errors: about a field we set from configuration → unavailable; about the
 *   recipient (naming the `to` field or quoting `recipient`) → refused `undeliverable`; anything
 *   else (content, subject, a policy refusal) → refused `rejected`: this email was refused, and
 *   the address stays usable.
 *
 * Every message and detail has its email addresses and phone numbers scrubbed.
 */
export function mapResendError(
  error: ErrorResponse,
  headers: Record<string, string> | null,
  timedOut: boolean,
  timeoutMs: number,
  recipient?: string,
): SendOutcome {
  const status = typeof error.statusCode === 'number' ? error.statusCode : null;
  const name = scrubContactData(String(error.name));
  const rawMessage = String(error.message ?? '');
  const detail = scrubContactData(rawMessage);
  const retryAfter = parseRetryAfterSeconds(headers?.['retry-after']);

  // No answer, or a server error, may come after Resend accepted the email: the outcome is
  // unknown, and the retry sends the same email with the same Idempotency-Key (Resend dedupes).
  if (status === null) {
    if (timedOut) {
      throw new ProviderOutcomeUnknownError(
        `Resend did not answer within ${timeoutMs} ms (a retry reuses the Idempotency-Key)`,
      );
    }
    throw new ProviderOutcomeUnknownError(
      `Resend could not be reached or the connection broke: ${detail} (a retry reuses the Idempotency-Key)`,
    );
  }
  if (status === 429 || QUOTA_ERROR_NAMES.has(name)) {
    throw new ProviderUnavailableError(`Resend ${status} ${name}: ${detail}`, retryAfter);
  }
  if (status >= 500) {
    throw new ProviderOutcomeUnknownError(`Resend ${status} ${name}: ${detail} (a retry reuses the Idempotency-Key)`);
  }
  if (status === 401 || status === 403 || CONFIG_ERROR_NAMES.has(name) || status === 404 || status === 405) {
    throw new ProviderUnavailableError(
      `Resend rejected our configuration (${status} ${name}): ${detail}. ` +
        'Check RESEND_API_KEY, the verified domain of RESEND_FROM and RESEND_BASE_URL; no buyer was marked undeliverable.',
    );
  }
  if (status === 409) {
    if (name === 'concurrent_idempotent_requests') {
      // Another try's request with this key is still in flight: it may send the email.
      throw new ProviderOutcomeUnknownError(`Resend is still processing this attempt's first request: ${detail}`);
    }
    throw new ProviderOutcomeUnknownError(
      `Resend 409 ${name}: this attempt's Idempotency-Key was already used with a different payload ` +
        `(a bug: the attempt's content changed between retries); an earlier request may have sent the email. ${detail}`,
    );
  }
  if (status === 400 || status === 422) {
    if (OUR_FIELD_MENTIONED.test(detail)) {
      throw new ProviderUnavailableError(
        `Resend rejected a field we set from configuration (${status} ${name}): ${detail}`,
      );
    }
    return {
      kind: 'refused',
      refusal: aboutRecipient(rawMessage, recipient) ? 'undeliverable' : 'rejected',
      code: name,
      detail,
    };
  }
  throw new ProviderUnavailableError(`Resend ${status} ${name}: ${detail}`, retryAfter);
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
