/**
 * A journey's status as the application acts on it: live from its workflow while a worker
 * answers the query, else as last recorded (workers down or a deploy in progress must not stop
 * a payment or a buyer's page); null when there is no journey.
 */
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { findJourney } from '../db/journey-repository';
import type { JourneyStatus } from '../domain/status';
import type { JourneyGateway, JourneyRef } from './journey-gateway';

export async function currentJourneyStatus(
  deps: { db: Database; gateway: JourneyGateway; logger?: Pick<Logger, 'warn'> },
  ref: JourneyRef,
): Promise<JourneyStatus | null> {
  try {
    const live = await deps.gateway.status(ref);
    if (live) return live;
  } catch (err) {
    deps.logger?.warn({ err, installmentId: ref.installmentId }, 'live status unavailable; using the recorded one');
  }
  return (await findJourney(deps.db, ref.tenantId, ref.installmentId))?.status ?? null;
}
