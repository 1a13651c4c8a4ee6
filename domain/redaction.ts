/**
 * What may leave the process in a log line or a Temporal failure: IDs, routes, error codes —
 * never a buyer's name, email or phone, an API key, or a link token (an unsubscribe token is
 * enough to opt an address out; a payment-area token opens the buyer's purchase). The rules,
 * written once for the logger and the activity failures.
 */

/** Text that identifies a person or grants access, wherever it turns up in a message or URL. */
const SECRETS_IN_TEXT: [RegExp, string][] = [
  [/\/unsubscribe\/[^\s/?#"'<>]+/g, '/unsubscribe/[token]'],
  // A payment-area link opens the buyer's purchase to whoever holds it.
  [/\/pay\/[^\s/?#"'<>]+/g, '/pay/[token]'],
  [/\bBearer\s+\S+/gi, 'Bearer [redacted]'],
  [/\bdk_live_\w+/g, '[api-key]'],
  [/[^\s@"'<>(),;:=[\]]+@[^\s@"'<>(),;:=[\]]+\.[A-Za-z]{2,}/g, '[email]'],
  [/\+\d[\d ()-]{6,18}\d/g, '[phone]'],
];

/** `text` with emails, phone numbers, keys and link tokens masked. */
export function redactText(text: string): string {
  return SECRETS_IN_TEXT.reduce((masked, [pattern, mask]) => masked.replace(pattern, mask), text);
}

/** Query parameters that are bearer secrets whatever they look like: the seller app's sign-in and invite links. */
const SECRET_QUERY_NAMES: ReadonlySet<string> = new Set(['token']);

/** A URL with the path masked, and each query value masked as the client meant it (percent-decoded). */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return redactText(url);
  const query = new URLSearchParams(url.slice(at + 1));
  const masked = [...query]
    .map(([name, value]) => `${redactText(name)}=${SECRET_QUERY_NAMES.has(name) ? '[token]' : redactText(value)}`)
    .join('&');
  return `${redactText(url.slice(0, at))}?${masked}`;
}

/** An error as an object: a live Error (`name`) or a serialized one (`type`). */
export interface ErrorFields {
  name?: unknown;
  type?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
  cause?: unknown;
  constraint_name?: unknown;
}

/**
 * Properties database drivers attach to an error that quote the data: the statement's parameters
 * (drizzle `params`, postgres.js `parameters`), the statement, and PostgreSQL's `detail`/`where`
 * ("Key (email)=(ana@…) already exists").
 */
export const DATA_CARRYING_FIELDS: ReadonlySet<string> = new Set([
  'params',
  'parameters',
  'query',
  'detail',
  'where',
  'internal_query',
  'hint',
]);

/** PostgreSQL's SQLSTATE codes: five digits or capitals. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

export function isDatabaseError(err: ErrorFields): boolean {
  return (
    err.type === 'DrizzleQueryError' ||
    err.name === 'DrizzleQueryError' ||
    (typeof err.message === 'string' && err.message.startsWith('Failed query:')) ||
    (typeof err.code === 'string' && SQLSTATE.test(err.code) && ('severity' in err || 'routine' in err))
  );
}

/**
 * A database error told by its SQLSTATE and constraint, never by its message: PostgreSQL quotes
 * the offending value (`invalid input syntax for type integer: "ana@…"`), drizzle the parameters.
 */
export function databaseErrorMessage(err: ErrorFields): string {
  // Drizzle's wrapper has no code of its own: the driver's error under it does.
  const driver = typeof err.code === 'string' ? err : ((err.cause as ErrorFields | undefined) ?? err);
  const code = typeof driver.code === 'string' ? ` ${driver.code}` : '';
  const constraint = typeof driver.constraint_name === 'string' ? ` (constraint ${driver.constraint_name})` : '';
  return `database error${code}${constraint}`;
}

/** A stack trace under a new first line: its frames only, since the first line repeats the message. */
export function framesUnder(headline: string, stack: unknown): string {
  const frames = typeof stack === 'string' ? stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
  return [headline, ...frames].join('\n');
}
