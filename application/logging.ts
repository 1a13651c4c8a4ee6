/**
 * Every process's JSON log (API, worker, `npm run dev`) is made here, so what may reach a log is
 * decided once: IDs, routes, error codes — never a buyer's name, email or phone, an API key, or an
 * unsubscribe token (a token is enough to opt an address out).
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import {
  DATA_CARRYING_FIELDS,
  type ErrorFields,
  databaseErrorMessage,
  framesUnder,
  isDatabaseError,
  redactText,
  redactUrl,
} from '../domain/redaction';

type SerializedError = ErrorFields & { type?: string; message?: string; stack?: string } & Record<string, unknown>;

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
    clean.message = databaseErrorMessage(err);
    clean.stack = framesUnder(`${err.type ?? 'Error'}: ${clean.message}`, err.stack);
  }
  return clean;
}

/** Serializes an error for the log: pino's standard fields and cause chain, then scrubbed. */
export function safeError(err: unknown): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? redactText(err) : err;
  return scrubError(pino.stdSerializers.errWithCause(err) as SerializedError);
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
