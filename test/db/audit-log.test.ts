import { eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { JourneyRecord } from '../../activities/contracts';
import { listEvents, recordJourney } from '../../db/journey-repository';
import { events, journeys } from '../../db/schema';
import { describeEachDatabase } from '../support/databases';
import { makeInstallment } from '../support/fixtures';
import { HOUR, simulateJourney } from './journey-sim';
import { errorMessages, rejectionOf } from './sql';

const T0 = Date.parse('2026-11-26T18:00:00Z');

describeEachDatabase('events table (append-only audit log)', (getDb) => {
  let record: JourneyRecord;

  beforeAll(async () => {
    const sim = simulateJourney(makeInstallment(), T0);
    sim.apply({ type: 'paused', at: T0 + HOUR, until: null });
    sim.apply({ type: 'resumed', at: T0 + 2 * HOUR });
    record = sim.flush();
    await recordJourney(getDb(), record);
  });

  it.each([
    [
      'UPDATE',
      'raw SQL',
      () => getDb().execute(sql`update events set type = 'tampered' where journey_id = ${record.journeyId}`),
    ],
    [
      'UPDATE',
      'query builder',
      () => getDb().update(events).set({ type: 'tampered' }).where(eq(events.journeyId, record.journeyId)),
    ],
    ['DELETE', 'raw SQL', () => getDb().execute(sql`delete from events where journey_id = ${record.journeyId}`)],
    ['DELETE', 'query builder', () => getDb().delete(events).where(eq(events.journeyId, record.journeyId))],
    ['TRUNCATE', 'raw SQL', () => getDb().execute(sql`truncate events`)],
  ] as const)('refuses %s (%s) and leaves the rows as they were', async (op, _how, attempt) => {
    const db = getDb();
    const before = await listEvents(db, record.journeyId);
    expect(before.map((e) => e.type)).toEqual(['started', 'paused', 'resumed']);

    const err = await rejectionOf(attempt());

    expect(errorMessages(err)).toContain(`events is append-only (${op} refused)`);
    expect(await listEvents(db, record.journeyId)).toEqual(before);
  });

  it('still accepts new events, and other tables stay writable', async () => {
    const db = getDb();
    const extra: JourneyRecord = {
      ...record,
      events: [{ type: 'canceled', at: T0 + 3 * HOUR, reason: 'manual', seq: record.events.length + 1 }],
    };
    await recordJourney(db, extra);
    expect((await listEvents(db, record.journeyId)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);

    const updated = await db
      .update(journeys)
      .set({ stage: 'closed' })
      .where(eq(journeys.id, record.journeyId))
      .returning({ id: journeys.id });
    expect(updated).toEqual([{ id: record.journeyId }]);
  });
});
