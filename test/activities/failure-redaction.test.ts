/**
 * What an activity's failure carries into the journey's history (the Temporal UI shows it, the
 * payload codec does not encrypt it): a failed query as its SQLSTATE, never its parameters.
 */
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { RedactingActivityInbound, redactedFailure } from '../../activities/failure-redaction';
import { describeEachDatabase } from '../support/databases';

const EMAIL = 'dolores.failure@example.org';
const NAME = 'Dolores Failure-Testcase';

describeEachDatabase('activity failures', (getDb) => {
  const failedQuery = () =>
    getDb()
      .execute(sql`select ${EMAIL}::int, ${NAME}::text`)
      .then(
        () => {
          throw new Error('the query was meant to fail');
        },
        (err: unknown) => err as Error,
      );

  it('a failed query leaves as its SQLSTATE, same type, still retryable, nothing personal in message or stack', async () => {
    const original = await failedQuery();
    expect(JSON.stringify({ message: original.message, stack: original.stack })).toContain(EMAIL);
    const failure = redactedFailure(original) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: original.name, message: 'database error 22P02', nonRetryable: false });
    expect(`${failure.message}\n${failure.stack}\n${JSON.stringify(failure.details ?? null)}`).not.toMatch(
      new RegExp(`${EMAIL}|${NAME}`),
    );
    expect(failure.cause).toBeUndefined();
  });

  it('is applied to every activity by the worker’s interceptor', async () => {
    const original = await failedQuery();
    const interceptor = new RedactingActivityInbound();
    const thrown = await interceptor
      .execute({} as never, async () => {
        throw original;
      })
      .then(
        () => null,
        (err: unknown) => err as Error,
      );
    expect(thrown?.message).toBe('database error 22P02');
  });
});

it('masks personal data in other errors and keeps our own failures as they are', () => {
  const plain = redactedFailure(new TypeError(`cannot reach ${EMAIL} at +5511987654321`)) as ApplicationFailure;
  expect(plain).toMatchObject({ type: 'TypeError', message: 'cannot reach [email] at [phone]' });
  const clean = new Error('provider answered 503');
  expect(redactedFailure(clean)).toBe(clean);
  const ours = ApplicationFailure.nonRetryable('template missing', 'TemplateMissing');
  expect(redactedFailure(ours)).toBe(ours);
});
