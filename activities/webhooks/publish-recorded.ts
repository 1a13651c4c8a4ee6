import type { AppendedEvents } from '../../db/journey-repository';
import { type JourneyWebhookPublisher, journeyWebhooks } from '../../domain/webhook-payloads';

/** Tells the tenant's webhooks what was recorded, when a publisher is given. */
export async function publishRecorded(
  publisher: JourneyWebhookPublisher | undefined,
  { ref, events, status }: AppendedEvents,
): Promise<void> {
  if (!publisher) return;
  const { drafts, stage } = journeyWebhooks(ref, events, status);
  await publisher.publishJourney(drafts, stage);
}
