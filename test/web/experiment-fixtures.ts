/**
 * An experiment as the Experiments pages' tests see it, made through the API as a seller would
 * (test/api/segments.test.ts does the same by hand): two policies, a rule, a ladder with a
 * holdout and a draft rival on the same rule; journeys for buyers, and one arm's journeys paid.
 */
import { expect } from 'vitest';
import type { Database } from '../../db/client';
import { defaultPolicy } from '../../domain/policy';
import { type ApiHarness, startBody } from '../api/support';
import { uniqueId } from '../support/fixtures';

/** The API's test key's tenant (test/api/support.ts), where `seedLab` makes everything. */
export const LAB_TENANT = 'tenant-a';

export const RULE = {
  id: 'big-tickets',
  name: 'Brazil, over R$ 100',
  when: { countries: ['BR'], amount: { currency: 'BRL', minMinor: 10_000 } },
  policyId: 'gentle',
};
export const LADDER = {
  id: 'firmer-ladder',
  name: 'A firmer ladder',
  ruleId: RULE.id,
  arms: [
    { id: 'a', policyId: 'gentle', weight: 45 },
    { id: 'b', policyId: 'firm', weight: 45 },
  ],
  holdout: { weight: 10 },
};
/** Created after the ladder, on the same rule: newest in the list, refused while the ladder runs. */
export const RIVAL = { ...LADDER, id: 'rival-ladder', name: 'A rival ladder' };

async function ok(api: ApiHarness, options: Parameters<ApiHarness['call']>[0]) {
  const response = await api.call(options);
  expect(response.statusCode, response.body).toBeLessThan(300);
}

/** Tenant A's policies, routing, ladder and rival, both in draft. */
export async function seedLab(api: ApiHarness): Promise<void> {
  const { version: _v, id: _id, ...document } = defaultPolicy;
  for (const id of ['gentle', 'firm'])
    await ok(api, { method: 'POST', url: '/v1/policies', payload: { ...document, id } });
  await ok(api, { method: 'PUT', url: '/v1/segments', payload: { rules: [RULE] } });
  for (const experiment of [LADDER, RIVAL])
    await ok(api, { method: 'POST', url: '/v1/experiments', payload: experiment });
}

/** A journey per buyer and installment number (R$ 199.90 each, in the rule). */
export async function startJourneys(api: ApiHarness, buyers: number, installmentNumbers: readonly number[] = [2]) {
  for (let i = 0; i < buyers; i++)
    for (const installmentNumber of installmentNumbers)
      await ok(api, {
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(uniqueId('inst'), {
          installmentNumber,
          buyer: { ...startBody('x').buyer, id: `buyer-${i}` },
        }),
      });
}

/** Pays in full every journey the experiment put in `arm`. */
export async function payArm(api: ApiHarness, db: Database, experimentId: string, arm: string) {
  const journeys = await db.query.journeys.findMany();
  for (const row of journeys.filter((r) => r.experimentId === experimentId && r.experimentArm === arm))
    await ok(api, {
      method: 'POST',
      url: `/v1/journeys/${row.installmentId}/payments`,
      payload: { paymentId: uniqueId('pay'), amountMinor: 19_990, currency: 'BRL' },
    });
}
