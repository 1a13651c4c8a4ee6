/**
 * An activity's failure is kept in the journey's history — shown in the Temporal UI, exported
 * with the history, and not encrypted by the payload codec — so it must carry no personal data.
 * A thrown database error quotes the statement's parameters (the buyer's name, email, phone): it
 * leaves as its SQLSTATE. Any other error keeps its type and retryability, its message masked.
 */
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { databaseErrorMessage, framesUnder, isDatabaseError, redactText } from '../domain/redaction';

/** The error as it may enter the history. */
export function redactedFailure(err: unknown): unknown {
  // Our own failures (ApplicationFailure with our messages), cancellations: already fit to keep.
  if (err instanceof TemporalFailure || !(err instanceof Error)) return err;
  const message = isDatabaseError(err) ? databaseErrorMessage(err) : redactText(err.message);
  if (message === err.message && err.cause === undefined) return err;
  // Same type as before, so retry policies that name it (nonRetryableErrorTypes) still apply.
  const failure = ApplicationFailure.create({ type: err.name, message });
  failure.stack = framesUnder(`${err.name}: ${message}`, err.stack);
  return failure;
}

export class RedactingActivityInbound implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      throw redactedFailure(err);
    }
  }
}
