/** Helpers every provider adapter needs. */

/** How long a provider request may take before its outcome counts as unknown. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 15_000;

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterSeconds(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** What a scrubbed address is replaced with. */
export const SCRUBBED_ADDRESS = '<address>';

/** `whatsapp:` addresses, whatever follows the prefix (a number, normally with `+`). */
const WHATSAPP_ADDRESS = /whatsapp:\s*\+?\d(?:[\s().-]{0,2}\d)*/gi;
/** Email addresses: a local part of RFC 5322 atext and dots, `@`, then domain labels (or an address literal). */
const EMAIL_ADDRESS = /[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]+@(?:\[[^\]\s]*\]|[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*)/gu;
/**
 * E.164 numbers: `+` then 7–15 digits, which may be grouped by spaces, dashes, dots or brackets
 * (`+14155550100`, `+1 415-555-0100`, `+1 (415) 555 0100`).
 */
const E164_NUMBER = /\+\d(?:[\s().-]{0,2}\d){6,14}(?!\d)/g;
/** A bare run of 10–15 digits (a national or E.164 number written without `+`), not part of a longer token. */
const BARE_NUMBER = /(?<![\p{L}\p{N}_])\d{10,15}(?![\p{L}\p{N}_])/gu;

/**
 * Text from a provider (an error message, a refusal detail) with every email address and
 * phone-number-like sequence replaced by `<address>`: such text ends up in Temporal history, the
 * attempt row and the logs, which must never carry a buyer's address.
 */
export function scrubContactData(text: string): string {
  return text
    .replace(WHATSAPP_ADDRESS, SCRUBBED_ADDRESS)
    .replace(EMAIL_ADDRESS, SCRUBBED_ADDRESS)
    .replace(E164_NUMBER, SCRUBBED_ADDRESS)
    .replace(BARE_NUMBER, SCRUBBED_ADDRESS);
}
