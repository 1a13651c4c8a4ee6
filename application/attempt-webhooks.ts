import type { AttemptRow } from '../db/attempt-repository';
import type { Database } from '../db/client';
import { findJourneyRef } from '../db/webhook-delivery-repository';
import type { WebhookPublisher } from '../domain/webhook-events';
import { type AttemptReport, attemptStatusDraft } from '../domain/webhook-payloads';

/**
 * Tells the tenant's webhooks what a provider's callback said of an attempt (delivered, bounced,
 * undelivered). A redelivered callback is the same event (keyed by attempt and status).
 */
export async function publishAttemptStatus(
  db: Database,
  publisher: WebhookPublisher | undefined,
  attempt: Pick<AttemptRow, 'id' | 'journeyId' | 'channel' | 'status' | 'error' | 'updatedAt'> | null,
): Promise<void> {
  if (!publisher || !attempt) return;
  const ref = await findJourneyRef(db, attempt.journeyId);
  if (!ref) return;
  const report: AttemptReport = {
    attemptId: attempt.id,
    channel: attempt.channel,
    status: attempt.status,
    error: attempt.error,
    at: attempt.updatedAt.getTime(),
  };
  const draft = attemptStatusDraft(ref, report);
  if (draft) await publisher.publish([draft]);
}
