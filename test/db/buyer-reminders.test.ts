/**
 * What a buyer's reminder coordinator counts before it sends: the buyer's other open journeys with
 * a reminder due by the message's deadline — not another buyer's, not a closed or paused journey,
 * not one already with the coordinator, not one whose policy on record does not group.
 */
import { expect, it } from 'vitest';
import { countBuyerRemindersDue } from '../../db/buyer-reminders';
import type { Database } from '../../db/client';
import { recordJourney } from '../../db/journey-repository';
import { insertFirstPolicyVersion } from '../../db/policy-repository';
import type { JourneyEvent } from '../../domain/journey';
import { defaultPolicy, type Policy } from '../../domain/policy';
import { describeEachDatabase } from '../support/databases';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { DAY, simulateJourney } from './journey-sim';

/** Days before the fixture's due date (2026-12-01): the first reminder (-3 days) is next. */
const T0 = Date.parse('2026-11-20T12:00:00Z');

describeEachDatabase('the buyer reminders a coordinator waits for', (getDb) => {
  async function journey(db: Database, tenantId: string, buyerId: string, policy: Policy, then?: JourneyEvent) {
    const installment = makeInstallment({ tenantId, buyer: { id: buyerId } });
    const sim = simulateJourney(installment, T0, { policy });
    if (then) sim.apply(then);
    const record = sim.flush();
    await recordJourney(db, record);
    return { journeyId: sim.journeyId, nextActionAt: Date.parse(record.status.nextAction?.at ?? '') };
  }

  it('counts the buyer’s open, grouping journeys due by the deadline', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const grouped = { ...defaultPolicy, id: 'grouped', grouping: { windowHours: 24 } };
    await insertFirstPolicyVersion(db, tenantId, grouped);
    await insertFirstPolicyVersion(db, tenantId, { ...defaultPolicy, id: 'alone' });
    const buyerId = uniqueId('buyer');
    const lead = await journey(db, tenantId, buyerId, { ...grouped, version: 1 });
    const other = await journey(db, tenantId, buyerId, { ...grouped, version: 1 });
    await journey(
      db,
      tenantId,
      buyerId,
      { ...grouped, version: 1 },
      { type: 'canceled', at: T0 + 1, reason: 'manual' },
    );
    // Paused: its next action is the end of the pause, not a reminder.
    await journey(db, tenantId, buyerId, { ...grouped, version: 1 }, { type: 'paused', at: T0 + 1, until: T0 + 2 });
    await journey(db, tenantId, buyerId, { ...defaultPolicy, id: 'alone', version: 1 });
    await journey(db, tenantId, uniqueId('buyer'), { ...grouped, version: 1 });
    // A policy document of its own, not on record: it may group, so it is waited for.
    await journey(db, tenantId, buyerId, { ...defaultPolicy, id: 'unrecorded', grouping: { windowHours: 2 } });

    const query = (excludeJourneyIds: string[], until: number) =>
      countBuyerRemindersDue(db, { tenantId, buyerId, excludeJourneyIds, until: new Date(until).toISOString() });
    const due = other.nextActionAt;
    expect(await query([lead.journeyId], due)).toBe(2);
    expect(await query([lead.journeyId, other.journeyId], due)).toBe(1);
    expect(await query([lead.journeyId], due - 1)).toBe(0);
    expect(await query([], due + DAY)).toBe(3);
  });
});
