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
  for (const current of causeChain(err)) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    // Node reports a refused connection to several addresses (localhost: ::1 and 127.0.0.1) as one AggregateError.
    if (current instanceof AggregateError && current.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}

/** Whether a write failed for want of its tenant's row (a foreign key to `tenants`). */
export function isMissingTenant(err: unknown): boolean {
  for (const current of causeChain(err)) {
    const { code, constraint, constraint_name } = current as {
      code?: unknown;
      constraint?: unknown; // PGlite
      constraint_name?: unknown; // postgres.js
    };
    const name = constraint ?? constraint_name;
    if (code === '23503' && typeof name === 'string' && name.includes('tenant_id')) return true;
  }
  return false;
}

/** The error and its causes, outermost first (drizzle wraps the driver's error). */
function* causeChain(err: unknown): Generator<Error> {
  for (let current = err, depth = 0; current instanceof Error && depth < 8; depth++) {
    yield current;
    current = current.cause;
  }
}
