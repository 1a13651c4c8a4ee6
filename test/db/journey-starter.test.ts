/**
 * The start path's database side: a new installment costs one claim statement, and starts that
 * arrive together (concurrent requests, a bulk start) share it — on both drivers. Statements are
 * counted at the driver, where they leave for the database.
 */
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { createJourneyStarter } from '../../application/journey-starter';
import { builtInPolicies } from '../../application/policy-catalog';
import type { Database } from '../../db/client';
import { findJourney } from '../../db/journey-repository';
import { ensureTenant, findTenant } from '../../db/access-repository';
import { describeEachDatabase } from '../support/databases';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';

/** Counts the statements that claim journeys (the pending rows starts write). */
function countClaims(db: Database): { count(): number } {
  const client = (db as unknown as { $client: Record<string, (...args: unknown[]) => unknown> }).$client;
  const method = 'unsafe' in client ? 'unsafe' : 'query';
  const spy = vi.spyOn(client, method);
  return {
    count: () =>
      spy.mock.calls.filter(([text]) => typeof text === 'string' && text.startsWith('with new_installments as')).length,
  };
}

describeEachDatabase('journey starter', (getDb) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  beforeAll(async () => {
    // Made with the tenant (here, its first key): the starts below find its row.
    await ensureTenant(getDb(), makeInstallment().tenantId);
  });

  const starterOn = (db: Database) => {
    const gateway = new InMemoryJourneyGateway(db);
    return { gateway, starter: createJourneyStarter({ db, gateway, policies: builtInPolicies }) };
  };

  it('a bulk start of 1,000 installments writes their journeys in two statements, then starts each', async () => {
    const db = getDb();
    const { gateway, starter } = starterOn(db);
    const claims = countClaims(db);
    const installments = Array.from({ length: 1000 }, () => makeInstallment({ installmentId: uniqueId('bulk') }));
    const results = await starter.startMany(installments, undefined, 16);
    expect(results.every((r) => r.status === 'fulfilled' && r.value.kind === 'started')).toBe(true);
    expect(claims.count()).toBe(2);
    expect(gateway.journeys.size).toBe(1000);
    const last = installments[999]!;
    expect(await findJourney(db, last.tenantId, last.installmentId)).toMatchObject({ policyId: 'default' });
  });

  it('concurrent starts share one statement; the same installment twice starts one journey', async () => {
    const db = getDb();
    const { gateway, starter } = starterOn(db);
    const claims = countClaims(db);
    const twice = makeInstallment({ installmentId: uniqueId('twice') });
    const others = Array.from({ length: 20 }, () => makeInstallment({ installmentId: uniqueId('together') }));
    const results = await Promise.all([twice, ...others, twice].map((installment) => starter.start(installment)));
    expect(claims.count()).toBe(1);
    expect(results.filter((r) => r.kind === 'started')).toHaveLength(21);
    expect(results.at(-1)).toEqual({
      kind: 'existing',
      journeyId: results[0]!.kind === 'started' && results[0]!.journeyId,
    });
    expect(gateway.journeys.size).toBe(21);
  });

  it('an item the database refuses fails alone; the others of its statement start', async () => {
    const { gateway, starter } = starterOn(getDb());
    // PostgreSQL stores no NUL in text or jsonb: the shared statement fails, each claim is retried alone.
    // (The API refuses it first; a start from elsewhere — an import, a script — may not.)
    const refused = { ...makeInstallment({ installmentId: uniqueId('nul') }), metadata: { note: 'a\u0000b' } };
    const fine = Array.from({ length: 3 }, () => makeInstallment({ installmentId: uniqueId('fine') }));
    const results = await starter.startMany([fine[0]!, refused, fine[1]!, fine[2]!], undefined, 4);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(gateway.journeys.size).toBe(3);
  });

  it('a tenant without a row gets one with its first journey, not a write per record', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const { starter } = starterOn(db);
    expect(await findTenant(db, tenantId)).toBeNull();
    await starter.start(makeInstallment({ tenantId, installmentId: uniqueId('first') }));
    expect(await findTenant(db, tenantId)).toMatchObject({ id: tenantId });
  });
});
