/**
 * The one way to send a message to many journeys — support actions (a refund, a buyer's new
 * contact), pause and resume by filter, consent changes from provider webhooks: find the open
 * journeys with one paging loop, message each with bounded concurrency, and say what became of
 * each in one set of words. A journey that cannot be reached is counted, never thrown: the
 * others have been reached already.
 */
import type { Database } from '../db/client';
import { type JourneyCursor, type JourneyFilter, type JourneyRow, searchJourneys } from '../db/journey-repository';
import { GATEWAY_CONCURRENCY, mapLimit } from './concurrency';
import { type Delivery, type JourneyRef, JourneyServiceUnavailableError } from './journey-gateway';

/** What became of one journey: the message changed it, it had already ended, or Temporal could not be reached. */
export type FanOutResult = 'applied' | 'not_running' | 'unavailable';

export interface JourneyTarget {
  tenantId: string;
  installmentId: string;
  journeyId: string;
}

export interface FanOutOutcome extends JourneyTarget {
  result: FanOutResult;
}

export interface FanOutLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Rows read per query while paging. */
const PAGE = 500;

/**
 * The open journeys of a tenant matching `filter`, in the stable (due date, id) order, after
 * `after`: all of them, or the first `limit` and the cursor to continue from.
 */
export async function findOpenJourneys(
  db: Database,
  tenantId: string,
  filter: JourneyFilter,
  page: { limit?: number; after?: JourneyCursor | undefined; pageSize?: number } = {},
): Promise<{ journeys: JourneyRow[]; next: JourneyCursor | null }> {
  const limit = page.limit ?? Number.POSITIVE_INFINITY;
  const pageSize = page.pageSize ?? PAGE;
  const journeys: JourneyRow[] = [];
  let after = page.after;
  while (journeys.length < limit) {
    const want = Math.min(pageSize, limit - journeys.length);
    // One more than wanted says whether another page follows.
    const rows = await searchJourneys(
      db,
      tenantId,
      { ...filter, openOnly: true },
      { limit: want + 1, ...(after && { after }) },
    );
    const taken = rows.slice(0, want);
    journeys.push(...taken);
    const last = taken.at(-1);
    if (rows.length <= want || !last) return { journeys, next: null };
    after = { dueDate: last.dueDate, id: last.id };
  }
  return { journeys, next: after ?? null };
}

/** Sends `send` to each journey, at most GATEWAY_CONCURRENCY at once; the outcomes keep the journeys' order. */
export async function messageJourneys(
  targets: readonly JourneyTarget[],
  send: (ref: JourneyRef) => Promise<Delivery>,
  log: FanOutLog,
  what: string,
): Promise<FanOutOutcome[]> {
  return mapLimit(targets, GATEWAY_CONCURRENCY, async (target) => {
    const { tenantId, installmentId, journeyId } = target;
    try {
      const delivery = await send({ tenantId, installmentId });
      return { tenantId, installmentId, journeyId, result: delivery === 'delivered' ? 'applied' : 'not_running' };
    } catch (err) {
      log[err instanceof JourneyServiceUnavailableError ? 'warn' : 'error'](
        { err, journeyId },
        `${what}: a journey could not be reached`,
      );
      return { tenantId, installmentId, journeyId, result: 'unavailable' };
    }
  });
}

/** How many journeys ended in each result. */
export function tally(outcomes: readonly FanOutOutcome[]): Record<FanOutResult, number> {
  const counts: Record<FanOutResult, number> = { applied: 0, not_running: 0, unavailable: 0 };
  for (const { result } of outcomes) counts[result]++;
  return counts;
}

/** A journey row as a fan-out target. */
export const targetOf = (row: JourneyRow): JourneyTarget => ({
  tenantId: row.tenantId,
  installmentId: row.installmentId,
  journeyId: row.id,
});
