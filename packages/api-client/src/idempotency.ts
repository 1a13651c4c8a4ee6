const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A write without an `Idempotency-Key` gets a fresh one. It is set once, before any attempt, so
 * every retry of the call carries the same key and the server applies the write once.
 */
export function withIdempotencyKey(request: Request): Request {
  if (!WRITES.has(request.method) || request.headers.has('idempotency-key')) return request;
  const headers = new Headers(request.headers);
  headers.set('idempotency-key', crypto.randomUUID());
  return new Request(request, { headers });
}
