/**
 * The one paging loop behind every message to many journeys: all the open journeys that match,
 * or the first `limit` and a cursor that continues exactly where it stopped — whatever the page
 * size underneath.
 */
import { expect, it } from 'vitest';
import { findOpenJourneys, messageJourneys, tally, targetOf } from '../../application/fan-out';
import { JourneyServiceUnavailableError } from '../../application/journey-gateway';
import { recordJourney } from '../../db/journey-repository';
import { addDays } from '../../domain/local-time';
import { describeEachDatabase } from '../support/databases';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { simulateJourney } from './journey-sim';

const T0 = Date.parse('2026-11-26T18:00:00Z');

describeEachDatabase('fan-out: finding and messaging many journeys', (getDb) => {
  it('pages through every open journey of the filter, in order, and continues from a cursor', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const purchaseId = uniqueId('pur');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const inst = makeInstallment({ tenantId, purchaseId, dueDate: addDays('2026-12-01', i) });
      const sim = simulateJourney(inst, T0);
      if (i === 3) sim.apply({ type: 'canceled', at: T0 + 1, reason: 'refund' });
      await recordJourney(db, sim.flush());
      if (i !== 3) ids.push(inst.installmentId);
    }
    await recordJourney(db, simulateJourney(makeInstallment({ tenantId, purchaseId: 'other' }), T0).flush());

    const all = await findOpenJourneys(db, tenantId, { purchaseId }, { pageSize: 2 });
    expect(all.journeys.map((j) => j.installmentId)).toEqual(ids);
    expect(all.next).toBeNull();

    const first = await findOpenJourneys(db, tenantId, { purchaseId }, { limit: 4, pageSize: 3 });
    expect(first.journeys.map((j) => j.installmentId)).toEqual(ids.slice(0, 4));
    const rest = await findOpenJourneys(db, tenantId, { purchaseId }, { limit: 4, pageSize: 3, after: first.next! });
    expect(rest.journeys.map((j) => j.installmentId)).toEqual(ids.slice(4));
    expect(rest.next).toBeNull();
    // Exactly `limit` left: no cursor to an empty page.
    const exact = await findOpenJourneys(db, tenantId, { purchaseId }, { limit: 6, pageSize: 4 });
    expect(exact).toMatchObject({ next: null });
    expect(exact.journeys).toHaveLength(6);
  });

  it('says what became of each journey in one set of words, and a failure does not stop the others', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    for (let i = 0; i < 3; i++) await recordJourney(db, simulateJourney(makeInstallment({ tenantId }), T0).flush());
    const { journeys } = await findOpenJourneys(db, tenantId, {});
    const [a, b, c] = journeys.map(targetOf);
    const logged: string[] = [];
    const log = {
      warn: (_: object, m: string) => logged.push(`warn ${m}`),
      error: (_: object, m: string) => logged.push(`error ${m}`),
    };
    const outcomes = await messageJourneys(
      [a!, b!, c!],
      async (ref) => {
        if (ref.installmentId === b!.installmentId) throw new JourneyServiceUnavailableError('Temporal unavailable');
        return ref.installmentId === a!.installmentId ? 'delivered' : 'not_running';
      },
      log,
      'test action',
    );
    expect(outcomes.map((o) => o.result)).toEqual(['applied', 'unavailable', 'not_running']);
    expect(tally(outcomes)).toEqual({ applied: 1, not_running: 1, unavailable: 1 });
    expect(logged).toEqual(['warn test action: a journey could not be reached']);
  });
});
