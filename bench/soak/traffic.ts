/**
 * The soak's HTTP client and its figures. A request is retried as a payment system would retry
 * it — every request the soak sends is safe to repeat (starts and payments are idempotent by
 * their IDs, due-date changes carry an Idempotency-Key, webhooks change nothing twice) — on a
 * 503 after its Retry-After, and also on other 5xx, network errors, 429 and a 409 "key in use",
 * with a bounded back-off: whatever the API answers, every intended start and payment should
 * end up accepted, and the checks of the ledger stay meaningful. Every answer is counted, and
 * every 5xx kept with its route and body, whatever the retry then got.
 */
import { delay } from './cleanup';

export const KINDS = [
  'start',
  'start again (same installment)',
  'payment',
  'payment again (same paymentId)',
  'payment (never-started installment)',
  'due-date change',
  'due-date change again (same key)',
  'webhook twilio status (signed)',
  'webhook twilio inbound (signed)',
  'webhook resend delivered (signed)',
  'webhook twilio (forged signature)',
  'webhook twilio (no signature)',
  'webhook resend (forged signature)',
] as const;
export type Kind = (typeof KINDS)[number];

export interface Request {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  /** JSON (an object) or an already encoded body (a string, e.g. a form). */
  body?: unknown;
}

export interface Answer {
  status: number;
  retryAfter: string | null;
  body: string;
}

/** The final answer, or the last one when the retries ran out (`gaveUp`); null when none came at all. */
export interface Outcome {
  answer: Answer | null;
  tries: number;
  gaveUp: boolean;
  /** The last network error, when there was one. */
  lastError: string;
}

/** A 5xx answer or a failed connection, as seen by the client. */
export interface ServerError {
  at: number;
  kind: Kind;
  route: string;
  status: number | 'network';
  retryAfter: string | null;
  body: string;
}

export interface KindFigures {
  /** Requests the load meant to make (one each, however often retried). */
  intended: number;
  /** HTTP requests actually sent, retries included. */
  sent: number;
  /** Answers by class: `2xx`, `404`, `503 with Retry-After`, `500`, `network error`… */
  answers: Map<string, number>;
  /** Intended requests given up after the retry budget. */
  gaveUp: number;
}

/** How long a client keeps retrying one request before it gives up. */
const RETRY_BUDGET_MS = Number(process.env.SOAK_RETRY_BUDGET_SECONDS ?? 60) * 1000;
const REQUEST_TIMEOUT_MS = 20_000;
const MAX_RETRY_AFTER_MS = 10_000;

export function answerClass(status: number | 'network', retryAfter: string | null): string {
  if (status === 'network') return 'network error';
  if (status >= 200 && status < 300) return '2xx';
  if (status === 503) return retryAfter ? '503 with Retry-After' : '503 without Retry-After';
  return String(status);
}

const isRetryable = (answer: Answer) =>
  answer.status >= 500 || answer.status === 429 || (answer.status === 409 && answer.retryAfter !== null);

/** Retry-After in seconds (bounded), else exponential back-off with jitter. */
function retryDelay(answer: Answer | null, tries: number): number {
  const seconds = Number(answer?.retryAfter);
  if (answer?.retryAfter && Number.isFinite(seconds)) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  return Math.min(250 * 2 ** tries, 4_000) * (0.75 + Math.random() / 2);
}

export class Traffic {
  readonly figures = new Map<Kind, KindFigures>(
    KINDS.map((kind) => [kind, { intended: 0, sent: 0, answers: new Map(), gaveUp: 0 }]),
  );
  readonly serverErrors: ServerError[] = [];

  constructor(
    private readonly base: string,
    private readonly authorization: string,
  ) {}

  /** One intended request, retried until a final answer or the budget runs out. */
  async send(kind: Kind, request: Request): Promise<Outcome> {
    const figures = this.figures.get(kind)!;
    figures.intended += 1;
    const started = Date.now();
    let tries = 0;
    let lastError = '';
    for (;;) {
      tries += 1;
      figures.sent += 1;
      const answer = await this.once(request).catch((err: unknown) => {
        lastError = describe(err);
        return null;
      });
      this.count(kind, request, answer, lastError);
      if (answer && !isRetryable(answer)) return { answer, tries, gaveUp: false, lastError };
      if (Date.now() - started > RETRY_BUDGET_MS) {
        figures.gaveUp += 1;
        return { answer, tries, gaveUp: true, lastError };
      }
      await delay(retryDelay(answer, tries));
    }
  }

  private async once(request: Request): Promise<Answer> {
    const encoded = typeof request.body === 'string' || request.body === undefined;
    const response = await fetch(`${this.base}${request.path}`, {
      method: request.method,
      headers: {
        ...(request.path.startsWith('/v1/') && { authorization: this.authorization }),
        ...(!encoded && { 'content-type': 'application/json' }),
        ...request.headers,
      },
      ...(request.body !== undefined && {
        body: encoded ? (request.body as string) : JSON.stringify(request.body),
      }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
  }

  private count(kind: Kind, request: Request, answer: Answer | null, error: string): void {
    const status = answer?.status ?? 'network';
    const label = answerClass(status, answer?.retryAfter ?? null);
    const answers = this.figures.get(kind)!.answers;
    answers.set(label, (answers.get(label) ?? 0) + 1);
    if (status === 'network' || status >= 500) {
      this.serverErrors.push({
        at: Date.now(),
        kind,
        route: `${request.method} ${request.path}`,
        status,
        retryAfter: answer?.retryAfter ?? null,
        body: (answer?.body ?? error).slice(0, 400),
      });
    }
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}
