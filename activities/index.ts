import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { countBuyerRemindersDue } from '../db/buyer-reminders';
import type { Database } from '../db/client';
import { appendJourneyEvents, recordJourney } from '../db/journey-repository';
import type { GroupedReminder } from '../domain/grouping';
import type { JourneyWebhookPublisher } from '../domain/webhook-payloads';
import { withOutboxFallback } from './channels/outbox';
import { type DeliveryDeps, createDeliverReminder } from './deliver';
import { createPublicHolidayLookup } from './holidays';
import type {
  BuyerReminderActivities,
  DeliveryResult,
  JourneyActivities,
  JourneyRecord,
  LatePaymentConfirmationActivities,
  ReminderDelivery,
} from './contracts';

export interface ActivityDeps extends Partial<
  Pick<DeliveryDeps, 'senders' | 'publicHolidays' | 'whatsappTemplateAvailable' | 'unsubscribeUrl' | 'buyerAreaUrl'>
> {
  db: Database;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** The activities' clock (tests pass their own). */
  now?: () => number;
  /** Where what a journey records goes out to the tenant's webhooks; none = nothing published. */
  publisher?: JourneyWebhookPublisher | undefined;
  /** Where journeys hand reminders that go out with the buyer's others (the buyer's coordinator). */
  reminderHandOver?: ((reminder: GroupedReminder) => Promise<void>) | undefined;
}

/** The SQLSTATE of a database error, wherever a driver or drizzle wrapped it. */
function sqlState(err: unknown): string | undefined {
  for (
    let e: unknown = err, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
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
      throw ApplicationFailure.nonRetryable(
        `the database refused the journey's data (SQLSTATE ${code})`,
        'InvalidJourneyData',
      );
    }
    throw err;
  }
}

/**
 * The journey's side effects. Each is idempotent under retry: a delivery is keyed by the
 * workflow's attempt id (see deliver.ts), and recording is keyed by event sequence.
 */
export function createActivities({
  db,
  logger,
  now = Date.now,
  publisher,
  reminderHandOver,
  ...channels
}: ActivityDeps): JourneyActivities & LatePaymentConfirmationActivities & BuyerReminderActivities {
  const deliverReminder = createDeliverReminder({
    db,
    logger,
    now,
    senders: channels.senders ?? withOutboxFallback({}),
    publicHolidays: channels.publicHolidays ?? createPublicHolidayLookup(),
    // The outbox can always show the template's content; a provider needs an approved one.
    whatsappTemplateAvailable: channels.whatsappTemplateAvailable ?? (() => true),
    unsubscribeUrl: channels.unsubscribeUrl,
    buyerAreaUrl: channels.buyerAreaUrl,
  });
  return {
    async deliverReminder(delivery: ReminderDelivery): Promise<DeliveryResult> {
      return refusingBadData(() => deliverReminder(delivery));
    },

    // Published after the record commits, also when a retry finds it recorded: publishing is idempotent.
    async recordJourney(record: JourneyRecord): Promise<void> {
      await refusingBadData(() => recordJourney(db, record));
      const ref = {
        tenantId: record.installment.tenantId,
        journeyId: record.journeyId,
        installmentId: record.installment.installmentId,
      };
      await publisher?.publishRecorded({ ref, status: record.status, events: record.events });
    },

    async handOverReminder(reminder: GroupedReminder): Promise<void> {
      if (!reminderHandOver) {
        throw ApplicationFailure.nonRetryable("this worker cannot reach buyers' coordinators", 'NotConfigured');
      }
      await reminderHandOver(reminder);
    },

    buyerRemindersDue: (query) => countBuyerRemindersDue(db, query),

    async appendJourneyEvents({ journeyId, events }): Promise<void> {
      const appended = await refusingBadData(() => appendJourneyEvents(db, journeyId, events));
      await publisher?.publishRecorded(appended);
    },
  };
}
