import type { components } from './schema.js';

/** An RFC 9457 problem as the API sends it: `errors` names each offending field by its dotted path. */
export type Problem = components['schemas']['Problem'];

/**
 * Every answer outside 2xx, thrown by the client's methods. The fields are the problem's; an
 * answer that is not a problem (a proxy's HTML page, an empty 502) gets a problem made from its
 * status, with the body's first characters as `detail`.
 */
export class ApiProblemError extends Error {
  override readonly name = 'ApiProblemError';
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string | undefined;
  readonly instance: string | undefined;
  readonly errors: NonNullable<Problem['errors']>;
  /** The server's `x-request-id`: quote it when you ask for help. */
  readonly requestId: string | undefined;
  /** Why a rule refused the change (422), e.g. a due date past the policy's limit. */
  readonly reason: string | undefined;

  constructor(
    readonly problem: Problem,
    readonly response: Response,
  ) {
    super(describe(problem));
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.detail = problem.detail;
    this.instance = problem.instance;
    this.errors = problem.errors ?? [];
    this.requestId = problem.requestId ?? response.headers.get('x-request-id') ?? undefined;
    this.reason = problem.reason;
  }

  /** From an answer and its body as openapi-fetch parsed it (JSON when it could, else text). */
  static from(response: Response, body: unknown): ApiProblemError {
    return new ApiProblemError(isProblem(body) ? body : problemFromStatus(response, body), response);
  }
}

function isProblem(body: unknown): body is Problem {
  const candidate = body as Partial<Problem> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.type === 'string' &&
    typeof candidate.title === 'string' &&
    typeof candidate.status === 'number'
  );
}

const DETAIL_LENGTH = 500;

function problemFromStatus(response: Response, body: unknown): Problem {
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    ...(text && { detail: text.slice(0, DETAIL_LENGTH) }),
  };
}

function describe(problem: Problem): string {
  const fields = (problem.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
  return [`${problem.status} ${problem.title}`, problem.detail, fields && `(${fields})`].filter(Boolean).join(' ');
}
