import createClient, { type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import { withIdempotencyKey } from './idempotency.js';
import { ApiProblemError } from './problem.js';
import { DEFAULT_RETRY, type Fetch, type RetryOptions, retryingFetch } from './retry.js';
import type { paths } from './schema.js';

export interface DunningClientOptions {
  /** Where the API is, e.g. `https://dunning.example.com` (the paths carry `/v1`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** Defaults to the global `fetch`. */
  fetch?: Fetch;
  /** How often and how long to retry 429, 503 and network errors; see {@link RetryOptions}. */
  retry?: Partial<RetryOptions>;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends Record<M, object> ? P : never;
}[keyof paths];
type Operation<P extends keyof paths, M extends Method> = Extract<paths[P][M], Record<string | number, unknown>>;
type InitParam<Init> = undefined extends Init ? [init?: Init] : [init: Init];
/** openapi-fetch's answer without its error arm: errors are thrown. */
type Success<Answer> = Exclude<Answer, { error: unknown }>;

/** A method of the API by path, typed from the OpenAPI document: it resolves to `{ data, response }` on 2xx. */
export type DunningMethod<M extends Method> = <P extends PathsWith<M>, Init extends MaybeOptionalInit<paths[P], M>>(
  path: P,
  ...init: InitParam<Init>
) => Promise<Success<FetchResponse<Operation<P, M>, Init, `${string}/${string}`>>>;

/**
 * The API, typed by path. A call resolves to `{ data, response }` only on 2xx; every other answer
 * rejects with an {@link ApiProblemError}, after the retries that are safe.
 */
export interface DunningClient {
  GET: DunningMethod<'get'>;
  POST: DunningMethod<'post'>;
  PUT: DunningMethod<'put'>;
  PATCH: DunningMethod<'patch'>;
  DELETE: DunningMethod<'delete'>;
}

export function createDunningClient(options: DunningClientOptions): DunningClient {
  const retrying = retryingFetch(options.fetch ?? ((request, init) => fetch(request, init)), {
    ...DEFAULT_RETRY,
    ...options.retry,
  });
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}` },
    fetch: (request: Request, init?: RequestInit) => retrying(withIdempotencyKey(request), init),
  });
  const throwing = <M extends Method>(
    call: (path: never, init?: never) => Promise<FetchResponse<never, never, never>>,
  ) =>
    (async (path: never, init?: never) => {
      const answer = await call(path, init);
      if (!answer.response.ok) throw ApiProblemError.from(answer.response, answer.error);
      return answer;
    }) as unknown as DunningMethod<M>;
  return {
    GET: throwing<'get'>(client.GET),
    POST: throwing<'post'>(client.POST),
    PUT: throwing<'put'>(client.PUT),
    PATCH: throwing<'patch'>(client.PATCH),
    DELETE: throwing<'delete'>(client.DELETE),
  };
}
