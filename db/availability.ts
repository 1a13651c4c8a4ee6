/**
 * Whether an error means the database could not be reached or is shutting down — an outage to
 * retry, not a bug: connection refused or lost (postgres.js and Node codes), or PostgreSQL's
 * SQLSTATE classes 08 (connection exception), 57P0x (shutdown, cannot connect now) and 53300
 * (too many connections). Drizzle wraps driver errors, so the whole cause chain is searched.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let current = err, depth = 0; current instanceof Error && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    // Node reports a refused connection to several addresses (localhost: ::1 and 127.0.0.1) as one AggregateError.
    if (current instanceof AggregateError && current.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = current.cause;
  }
  return false;
}
