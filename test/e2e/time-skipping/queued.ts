/**
 * A journey whose first reminder waits in its channel's queue: workers of their own that poll no
 * delivery queue, server time skipped to just past the reminder. Each test that uses it needs a
 * file (a server) of its own: once an activity was canceled before any worker started it, the
 * Java test server no longer skips time.
 */
import { TemporalJourneyGateway } from '../../../application/temporal-journey-gateway';
import { uniqueId } from '../../support/fixtures';
import { eventually } from '../eventually';
import type { useTimeSkippingHarness } from './harness';

export async function journeyWithQueuedReminder(h: ReturnType<typeof useTimeSkippingHarness>) {
  const queue = uniqueId('e2e-queued');
  const held = await h.startWorkers({ taskQueue: queue, deliveryChannels: [] });
  const gateway = new TemporalJourneyGateway(h.env.client, queue);
  const started = await h.startJourney({}, gateway);
  const firstAt = Date.parse((await h.status(started.handle)).nextAction!.at!);
  // This server stops skipping time while an activity is scheduled: sleep just past the reminder,
  // so what remains of the sleep once it is queued is a second of real time.
  await h.env.sleep(firstAt - (await h.env.currentTimeMs()) + 1_000);
  await eventually('the reminder waiting in its queue', async () =>
    (await started.handle.describe()).raw.pendingActivities?.length === 1 ? true : undefined,
  );
  return { ...started, queue, gateway, held };
}
