import { and, count, eq, isNull, lte, notInArray, sql } from 'drizzle-orm';
import type { BuyerRemindersDueQuery } from '../domain/grouping';
import type { Database } from './client';
import { journeys, policies } from './schema';

/**
 * How many of a buyer's other open journeys have a reminder as their next action, due by
 * `until`, as they last recorded it: what a buyer's reminder coordinator waits for before it sends. A journey whose
 * policy on record does not group sends on its own, so it is not waited for; one whose policy is
 * not on record (started with a policy document of its own) may group, so it is.
 */
export async function countBuyerRemindersDue(db: Database, query: BuyerRemindersDueQuery): Promise<number> {
  const [row] = await db
    .select({ due: count() })
    .from(journeys)
    .leftJoin(
      policies,
      and(
        eq(policies.tenantId, journeys.tenantId),
        eq(policies.id, journeys.policyId),
        eq(policies.version, journeys.policyVersion),
      ),
    )
    .where(
      and(
        eq(journeys.tenantId, query.tenantId),
        eq(journeys.buyerId, query.buyerId),
        isNull(journeys.outcome),
        lte(journeys.nextActionAt, new Date(query.until)),
        // A reminder, not a final action or the end of a pause or a promise.
        sql`${journeys.status} -> 'nextAction' ->> 'kind' = 'send'`,
        query.excludeJourneyIds.length > 0 ? notInArray(journeys.id, query.excludeJourneyIds) : undefined,
        sql`(${policies.document} is null or ${policies.document} -> 'grouping' is not null)`,
      ),
    );
  return row?.due ?? 0;
}
