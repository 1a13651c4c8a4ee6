/**
 * Every process's JSON log (API, worker, `npm run dev`) is made here, so what may reach a log is
 * decided once: IDs, routes, error codes — never a buyer's name, email or phone, an API key, or an
 * unsubscribe token (a token is enough to opt an address out).
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** Text that identifies a person or grants access, wherever it turns up in a message or URL. */
const SECRETS_IN_TEXT: [RegExp, string][] = [
  [/\/unsubscribe\/[^\s/?#"'<>]+/g, '/unsubscribe/[token]'],
  [/\bBearer\s+\S+/gi, 'Bearer [redacted]'],
  [/\bdk_live_\w+/g, '[api-key]'],
  [/[^\s@"'<>(),;:=[\]]+@[^\s@"'<>(),;:=[\]]+\.[A-Za-z]{2,}/g, '[email]'],
  [/\+\d[\d ()-]{6,18}\d/g, '[phone]'],
];

/** `text` with emails, phone numbers, keys and unsubscribe tokens masked. */
export function redactText(text: string): string {
  return SECRETS_IN_TEXT.reduce((masked, [pattern, mask]) => masked.replace(pattern, mask), text);
}

/**
 * Properties database drivers attach to an error that quote the data: the statement's parameters
 * (drizzle `params`, postgres.js `parameters`), the statement, and PostgreSQL's `detail`/`where`
 * ("Key (email)=(ana@…) already exists").
 */
const DATA_CARRYING_FIELDS = new Set(['params', 'parameters', 'query', 'detail', 'where', 'internal_query', 'hint']);
/** PostgreSQL's SQLSTATE codes: five digits or capitals. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

interface SerializedError {
  type?: string;
  message?: string;
  stack?: string;
  code?: unknown;
  cause?: unknown;
  [field: string]: unknown;
}

function isDatabaseError(err: SerializedError): boolean {
  return (
    err.type === 'DrizzleQueryError' ||
    (typeof err.message === 'string' && err.message.startsWith('Failed query:')) ||
    (typeof err.code === 'string' && SQLSTATE.test(err.code) && ('severity' in err || 'routine' in err))
  );
}

/**
 * A database error is told by its SQLSTATE and constraint, never by its message (PostgreSQL quotes
 * the offending value: `invalid input syntax for type integer: "ana@…"`); any other error keeps its
 * message with personal data masked. The cause chain gets the same treatment.
 */
function scrubError(err: SerializedError, depth = 0): SerializedError {
  const database = isDatabaseError(err);
  const clean: SerializedError = {};
  for (const [field, value] of Object.entries(err)) {
    if (database && DATA_CARRYING_FIELDS.has(field)) continue;
    if (field === 'cause' && value && typeof value === 'object' && depth < 8)
      clean.cause = scrubError(value as SerializedError, depth + 1);
    else if (typeof value === 'string') clean[field] = redactText(value);
    else clean[field] = value;
  }
  if (database) {
    // Drizzle's wrapper has no code of its own: the driver's error under it does.
    const driver = (typeof err.code === 'string' ? err : (err.cause as SerializedError | undefined)) ?? err;
    const code = typeof driver.code === 'string' ? ` ${driver.code}` : '';
    const constraint = typeof driver.constraint_name === 'string' ? ` (constraint ${driver.constraint_name})` : '';
    clean.message = `database error${code}${constraint}`;
    // The stack's first line repeats the message: keep only the frames.
    if (typeof err.stack === 'string')
      clean.stack = [
        `${err.type ?? 'Error'}: ${clean.message}`,
        ...err.stack.split('\n').filter((l) => /^\s+at /.test(l)),
      ].join('\n');
  }
  return clean;
}

/** Serializes an error for the log: pino's standard fields and cause chain, then scrubbed. */
export function safeError(err: unknown): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? redactText(err) : err;
  return scrubError(pino.stdSerializers.errWithCause(err) as SerializedError);
}

/** A URL as logged: the path masked, and each query value masked as the client meant it (percent-decoded). */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return redactText(url);
  const query = new URLSearchParams(url.slice(at + 1));
  const masked = [...query].map(([name, value]) => `${redactText(name)}=${redactText(value)}`).join('&');
  return `${redactText(url.slice(0, at))}?${masked}`;
}

/** A request as logged: method and URL with tokens and addresses masked; no client address, no headers. */
export function safeRequest(request: { method?: string; url?: string }): object {
  return { method: request.method, url: request.url === undefined ? undefined : redactUrl(request.url) };
}

/**
 * The process logger: level from LOG_LEVEL (info), the serializers above for `err`, `error` (the
 * Temporal SDK's key) and `req`, and the secret-bearing fields censored wherever they are nested.
 */
export function createLogger(name: string, options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const settings: LoggerOptions = {
    name,
    level: process.env.LOG_LEVEL || 'info',
    ...options,
    serializers: { err: safeError, error: safeError, req: safeRequest, ...options.serializers },
    // The message strings too: a line written as `sent to ${address}` is masked like any field.
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<typeof method>,
        );
      },
    },
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'headers.authorization',
        '*.headers.authorization',
        'secret',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(settings, destination) : pino(settings);
}
