import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { problem, sendProblem } from '../problem';

const WINDOW_MS = 60_000;
/** Addresses remembered at once; past this the oldest windows are forgotten (memory stays bounded). */
const MAX_ADDRESSES = 100_000;

/**
 * Failed authentications per client address, in fixed one-minute windows. Only failures count:
 * a payment system with a valid key, or a provider whose signature checks out, is never slowed
 * by its own traffic — a caller guessing keys, forging webhooks or unsubscribe tokens is.
 */
export class FailedAuthBudget {
  private readonly windows = new Map<string, { started: number; failures: number }>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(perMinute) || perMinute < 1)
      throw new Error('AUTH_FAILURES_PER_MINUTE must be a positive integer');
  }

  /** Seconds until `address` may try again, or 0 when it still may. */
  retryAfterSeconds(address: string): number {
    const window = this.current(address);
    if (!window || window.failures < this.perMinute) return 0;
    return Math.max(1, Math.ceil((window.started + WINDOW_MS - this.now()) / 1000));
  }

  recordFailure(address: string): void {
    const window = this.current(address) ?? { started: this.now(), failures: 0 };
    window.failures += 1;
    this.windows.delete(address);
    this.windows.set(address, window);
    if (this.windows.size > MAX_ADDRESSES) this.windows.delete(this.windows.keys().next().value!);
  }

  private current(address: string) {
    const window = this.windows.get(address);
    if (window && this.now() - window.started >= WINDOW_MS) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}

export interface FailedAuthLimitOptions {
  budget: FailedAuthBudget;
  /** The answers of this scope that mean "you did not authenticate" (401 for keys; 401 and 403 for signatures). */
  isFailure: (statusCode: number) => boolean;
}

/**
 * Registered before authentication in its scope: an address past its budget of failed
 * authentications gets 429 with Retry-After before any key lookup, signature check or query.
 */
export default fp<FailedAuthLimitOptions>(
  async (app: FastifyInstance, { budget, isFailure }) => {
    app.addHook('onRequest', async (request, reply) => {
      const retryAfter = budget.retryAfterSeconds(request.ip);
      if (retryAfter === 0) return;
      reply.header('retry-after', String(retryAfter));
      return sendProblem(
        reply,
        problem(429, 'rate-limited', 'Too many failed authentications from this address', {
          detail: `Retry in ${retryAfter} seconds with a valid key or signature.`,
        }),
      );
    });
    app.addHook('onResponse', async (request, reply) => {
      if (isFailure(reply.statusCode)) budget.recordFailure(request.ip);
    });
  },
  { name: 'failed-auth-limit' },
);
