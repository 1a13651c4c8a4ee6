import type { Actor } from '../domain/journey';
import type { LocalDate } from '../domain/local-time';
import type { JourneyGateway, JourneyRef, PromiseToPayResult } from './journey-gateway';

/**
 * Promises to pay, whoever records one: an agent or a payment system through the API, the buyer
 * in their payment area, the assistant in a conversation. One path, so every promise is judged
 * by the journey's own policy (the promiseToPay update's validator, with the journey's clock and
 * balance) and lands in the journey's history with its actor, from which the audit log is written.
 */
export interface PromiseToPay {
  date: LocalDate;
  /** Minor units; absent: everything still owed. */
  amountMinor?: number | undefined;
  actor: Actor;
}

export function recordPromise(
  deps: { gateway: JourneyGateway },
  ref: JourneyRef,
  promise: PromiseToPay,
  options: { idempotencyKey?: string } = {},
): Promise<PromiseToPayResult> {
  const { date, amountMinor, actor } = promise;
  return deps.gateway.promiseToPay(ref, { date, ...(amountMinor !== undefined && { amountMinor }), actor }, options);
}
