export interface RetryOptions {
  /** Tries in all, the first included (1 = never retry). Default 3. */
  attempts: number;
  /** The longest wait between tries, whatever `Retry-After` asks for. Default 10 s. */
  maxDelayMs: number;
}

/** What openapi-fetch calls: a ready request, and extensions such as undici's `dispatcher`. */
export type Fetch = (request: Request, init?: RequestInit) => Promise<Response>;

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, maxDelayMs: 10_000 };

/** Unavailable (the API answers 503 when Temporal cannot be reached in time) and rate limited. */
const RETRIED_STATUSES = new Set([429, 503]);
/**
 * The 409 the API gives a keyed write while the first request with that key is still running
 * (typically right after a lost answer): once it finishes, the retry gets the first answer back.
 */
const KEY_IN_USE = 'https://dunning.dev/problems/idempotency-key-in-use';
/** The first wait when the answer gives no `Retry-After` (or a network error gives no answer); it doubles. */
const BASE_DELAY_MS = 250;

/**
 * `fetch` that tries a request again on 429, 503 and a 409 "key in use", waiting as `Retry-After` says, and on a
 * network error when repeating it is safe: a GET, or a write with an `Idempotency-Key`. Any other
 * answer is returned at once; after the last try its answer (or error) is the caller's.
 */
export function retryingFetch(baseFetch: Fetch, options: RetryOptions): Fetch {
  return async (request, init) => {
    const replayable = request.method === 'GET' || request.headers.has('idempotency-key');
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= options.attempts;
      let response: Response;
      try {
        response = await baseFetch(request.clone(), init);
      } catch (error) {
        if (last || !replayable || request.signal.aborted) throw error;
        await sleep(backoffMs(attempt, options), request.signal);
        continue;
      }
      if (last || !(await isRetried(response))) return response;
      await response.body?.cancel();
      await sleep(retryDelayMs(response.headers.get('retry-after'), attempt, options), request.signal);
    }
  };
}

async function isRetried(response: Response): Promise<boolean> {
  if (RETRIED_STATUSES.has(response.status)) return true;
  if (response.status !== 409) return false;
  const problem = (await response
    .clone()
    .json()
    .catch(() => null)) as { type?: unknown } | null;
  return problem?.type === KEY_IN_USE;
}

/** `Retry-After` in seconds or as an HTTP date, capped at `maxDelayMs`; the backoff when absent or unreadable. */
export function retryDelayMs(
  retryAfter: string | null,
  attempt: number,
  options: RetryOptions,
  now: number = Date.now(),
): number {
  const asked = parseRetryAfterMs(retryAfter, now);
  return asked === undefined ? backoffMs(attempt, options) : Math.min(asked, options.maxDelayMs);
}

function parseRetryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Doubling waits with jitter, so clients that failed together do not come back together. */
function backoffMs(attempt: number, options: RetryOptions): number {
  const ceiling = Math.min(options.maxDelayMs, BASE_DELAY_MS * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
