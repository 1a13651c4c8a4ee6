import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { type AttemptRow, findAttempt, insertAttemptOnce, recordJourney } from '../db/journey-repository';
import { renderReminder } from '../domain/messages';
import type { DeliveryResult, JourneyActivities, JourneyRecord, ReminderDelivery } from './contracts';

export interface ActivityDeps {
  db: Database;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** The activities' clock (tests pass their own). */
  now?: () => number;
}

/** The SQLSTATE of a database error, wherever a driver or drizzle wrapped it. */
function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Retrying cannot fix data the database refuses (SQLSTATE class 22, data exception, or 23,
 * integrity violation): fail at once and visibly instead of retrying forever.
 */
async function refusingBadData<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    const code = sqlState(err);
    if (code && (code.startsWith('22') || code.startsWith('23'))) {
      throw ApplicationFailure.nonRetryable(`the database refused the journey's data (SQLSTATE ${code})`, 'InvalidJourneyData');
    }
    throw err;
  }
}

function resultOf(row: AttemptRow): DeliveryResult {
  return row.status === 'sent'
    ? { status: 'sent', providerMessageId: row.providerMessageId ?? row.id }
    : { status: 'undeliverable', reason: row.error ?? row.status };
}

/**
 * The journey's side effects. Each is idempotent under retry: the outbox attempt is keyed by
 * the workflow's attempt id, and recording is keyed by event sequence.
 */
export function createActivities({ db, logger, now = Date.now }: ActivityDeps): JourneyActivities {
  return {
    async deliverReminder(delivery: ReminderDelivery): Promise<DeliveryResult> {
      const earlier = await findAttempt(db, delivery.attemptId);
      if (earlier) return resultOf(earlier);
      if (now() >= Date.parse(delivery.sendBefore)) {
        logger.warn({ journeyId: delivery.journeyId, attemptId: delivery.attemptId, sendBefore: delivery.sendBefore }, 'reminder deferred: contact window closed');
        return { status: 'deferred', reason: 'contact_window_closed' };
      }
      const message = renderReminder(delivery);
      // The outbox channel: the message is the row. Providers (channels issue) will send it too.
      const { row, created } = await refusingBadData(() => insertAttemptOnce(db, {
        id: delivery.attemptId,
        journeyId: delivery.journeyId,
        tenantId: delivery.tenantId,
        planRevision: delivery.planRevision,
        stepIndex: delivery.stepIndex,
        channel: delivery.channel,
        requestedChannel: delivery.requestedChannel,
        template: delivery.template,
        provider: 'outbox',
        recipient: delivery.to,
        subject: message.subject,
        body: message.body,
        status: 'sent',
        providerMessageId: `outbox:${delivery.attemptId}`,
      }));
      if (created) {
        logger.info(
          { journeyId: delivery.journeyId, attemptId: delivery.attemptId, channel: delivery.channel, template: delivery.template, subject: message.subject },
          'reminder written to outbox',
        );
      }
      return resultOf(row);
    },

    async recordJourney(record: JourneyRecord): Promise<void> {
      await refusingBadData(() => recordJourney(db, record));
    },
  };
}
