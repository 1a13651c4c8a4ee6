import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJourney } from '../../db/journey-repository';
import { HOLDOUT_ARM, assignArm, experimentDraftSchema } from '../../domain/experiments';
import { defaultPolicy } from '../../domain/policy';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, TENANT_B_KEY, startApi, startBody } from './support';

/** Wednesday 2026-12-02 12:00 UTC: eight days before the bodies' due date of 2026-12-10. */
const NOW = Date.UTC(2026, 11, 2, 12, 0);

type ProblemBody = { status: number; errors?: { in?: string; path: string; message: string }[]; detail?: string };
const problemOf = (response: { headers: Record<string, unknown>; json(): unknown }) => {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json() as ProblemBody;
};

// The start body (startJourneyExample): product course-ts, 199.90 BRL, buyer in BR, installment 2 of 6.
const BIG_TICKETS = {
  id: 'big-tickets',
  name: 'Brazil, over R$ 100',
  when: { countries: ['BR'], amount: { currency: 'BRL', minMinor: 10_000 } },
  policyId: 'gentle',
};
const SMALL_TICKETS = {
  ...BIG_TICKETS,
  id: 'small-tickets',
  when: { amount: { currency: 'BRL', maxMinor: 9_999 } },
  policyId: 'firm',
};

describeEachDatabase('segments and experiments API', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb(), () => NOW);
    const { version: _v, id: _id, ...document } = defaultPolicy;
    for (const id of ['gentle', 'firm', 'minimal'])
      expect((await api.call({ method: 'POST', url: '/v1/policies', payload: { ...document, id } })).statusCode).toBe(
        201,
      );
  });
  afterAll(async () => {
    await api.app.close();
  });

  const saveRouting = (rules: unknown[], key?: string) =>
    api.call({ method: 'PUT', url: '/v1/segments', payload: { rules }, ...(key && { key }) });
  const start = async (overrides: Record<string, unknown> = {}) => {
    const installmentId = uniqueId('inst');
    const response = await api.call({
      method: 'POST',
      url: '/v1/journeys',
      payload: startBody(installmentId, overrides),
    });
    expect(response.statusCode, response.body).toBe(201);
    return installmentId;
  };
  const statusOf = async (installmentId: string) =>
    (await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` })).json() as {
      policy: { id: string; version: number };
      routing: {
        ruleId: string | null;
        routingVersion: number | null;
        experimentId: string | null;
        arm: string | null;
        holdout: boolean;
      };
      upcoming: unknown[];
    };
  const buyer = (id: string) => ({ ...startBody('x').buyer, id });

  describe('the routing document', () => {
    it('refuses an unknown field by name (400) and a rule naming a policy the tenant lacks (422), saving nothing', async () => {
      const misspelt = await saveRouting([{ ...BIG_TICKETS, when: { country: ['BR'] } }]);
      expect(misspelt.statusCode).toBe(400);
      expect(problemOf(misspelt).errors?.map((e) => e.path)).toEqual(['rules.0.when.country']);

      const unknown = await saveRouting([BIG_TICKETS, { ...SMALL_TICKETS, policyId: 'no-such-policy' }]);
      expect(unknown.statusCode).toBe(422);
      expect(problemOf(unknown).errors).toEqual([
        { in: 'body', path: 'rules.1.policyId', message: 'no policy "no-such-policy" for this tenant' },
      ]);
      expect((await api.call({ method: 'GET', url: '/v1/segments' })).json()).toEqual({ version: 0, rules: [] });
    });

    it('versions every save; the latest and any earlier version read back; another tenant sees none of it', async () => {
      const first = await saveRouting([SMALL_TICKETS]);
      expect(first.json()).toEqual({ version: 1, rules: [SMALL_TICKETS] });
      const second = await saveRouting([SMALL_TICKETS, BIG_TICKETS]);
      expect(second.json()).toEqual({ version: 2, rules: [SMALL_TICKETS, BIG_TICKETS] });
      expect((await api.call({ method: 'GET', url: '/v1/segments' })).json()).toEqual(second.json());
      expect((await api.call({ method: 'GET', url: '/v1/segments?version=1' })).json()).toEqual(first.json());
      expect((await api.call({ method: 'GET', url: '/v1/segments?version=9' })).statusCode).toBe(404);
      expect((await api.call({ method: 'GET', url: '/v1/segments', key: TENANT_B_KEY })).json()).toEqual({
        version: 0,
        rules: [],
      });
    });
  });

  describe('journeys are routed and record how', () => {
    it('runs the first matching rule’s policy, records the rule and the routing version, and keeps it in the database', async () => {
      const installmentId = await start();
      const status = await statusOf(installmentId);
      expect(status.policy).toEqual({ id: 'gentle', version: 1 });
      expect(status.routing).toEqual({
        ruleId: 'big-tickets',
        routingVersion: 2,
        experimentId: null,
        arm: null,
        holdout: false,
      });
      expect(await findJourney(getDb(), 'tenant-a', installmentId)).toMatchObject({
        policyId: 'gentle',
        ruleId: 'big-tickets',
        routingVersion: 2,
        experimentId: null,
      });
      const details = await api.call({ method: 'GET', url: `/v1/reports/payments/${installmentId}` });
      expect(details.statusCode, details.body).toBe(200);
      expect((details.json() as { installment: { policyChoice: unknown } }).installment.policyChoice).toEqual({
        policyId: 'gentle',
        policyVersion: 1,
        ruleId: 'big-tickets',
        routingVersion: 2,
        experimentId: null,
        arm: null,
      });
    });

    it('falls back to the tenant default when no rule matches, and records no rule', async () => {
      const status = await statusOf(await start({ amount: { amountMinor: 5_000, currency: 'USD' } }));
      expect(status.policy.id).toBe('default');
      expect(status.routing).toMatchObject({ ruleId: null, routingVersion: 2 });
    });

    it('routes a bulk start too, each installment by its own fields', async () => {
      const big = uniqueId('bulk');
      const small = uniqueId('bulk');
      const items = [startBody(big), startBody(small, { amount: { amountMinor: 5_000, currency: 'BRL' } })];
      const response = await api.call({ method: 'POST', url: '/v1/journeys/bulk', payload: { items } });
      expect(response.statusCode, response.body).toBeLessThan(300);
      expect((await statusOf(big)).routing).toMatchObject({ ruleId: 'big-tickets', routingVersion: 2 });
      expect((await statusOf(small)).routing).toMatchObject({ ruleId: 'small-tickets', routingVersion: 2 });
      expect((await statusOf(small)).policy.id).toBe('firm');
    });

    it('keeps the policy an installment names: no rule applies to it', async () => {
      const status = await statusOf(await start({ policyId: 'firm' }));
      expect(status.policy.id).toBe('firm');
      expect(status.routing).toEqual({
        ruleId: null,
        routingVersion: null,
        experimentId: null,
        arm: null,
        holdout: false,
      });
    });
  });

  describe('experiments', () => {
    const experiment = {
      id: 'firmer-ladder',
      name: 'A firmer ladder',
      ruleId: 'big-tickets',
      arms: [
        { id: 'a', policyId: 'gentle', weight: 45 },
        { id: 'b', policyId: 'firm', weight: 45 },
      ],
      holdout: { weight: 10 },
    };
    const create = (body: unknown) => api.call({ method: 'POST', url: '/v1/experiments', payload: body as object });
    const move = (id: string, action: 'start' | 'stop') =>
      api.call({ method: 'POST', url: `/v1/experiments/${id}/${action}` });

    it('refuses unknown fields (400) and references to nothing (422), each by name', async () => {
      const extra = await create({ ...experiment, split: 'random' });
      expect(extra.statusCode).toBe(400);
      expect(problemOf(extra).errors?.map((e) => e.path)).toEqual(['split']);
      const dangling = await create({
        ...experiment,
        ruleId: 'no-rule',
        arms: [{ id: 'a', policyId: 'nope', weight: 1 }],
      });
      expect(dangling.statusCode).toBe(422);
      expect(problemOf(dangling).errors?.map((e) => e.path)).toEqual(['ruleId', 'arms.0.policyId']);
    });

    it('assigns nothing in draft; once running, splits the rule’s buyers by their hash and a buyer’s installments share an arm', async () => {
      const created = await create(experiment);
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ state: 'draft', startedAt: null });
      expect((await create(experiment)).statusCode).toBe(409);

      const inDraft = await statusOf(await start({ buyer: buyer('buyer-draft') }));
      expect(inDraft.routing.experimentId).toBeNull();

      const started = await move('firmer-ladder', 'start');
      expect(started.json()).toMatchObject({ state: 'running' });
      expect((await move('firmer-ladder', 'start')).statusCode).toBe(409);

      const parsed = experimentDraftSchema.parse(experiment);
      const arms = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const buyerId = `buyer-${i}`;
        const expected = assignArm(parsed, 'gentle', buyerId);
        const statuses = [
          await statusOf(await start({ buyer: buyer(buyerId) })),
          await statusOf(await start({ buyer: buyer(buyerId), installmentNumber: 3 })),
        ];
        for (const status of statuses) {
          expect(status.routing).toEqual({
            ruleId: 'big-tickets',
            routingVersion: 2,
            experimentId: 'firmer-ladder',
            arm: expected.arm,
            holdout: expected.holdout,
          });
          expect(status.policy.id).toBe(expected.policyId);
          // The holdout's journeys plan no reminder at all.
          if (expected.holdout) expect(status.upcoming).toEqual([]);
          else expect(status.upcoming.length).toBeGreaterThan(0);
        }
        arms.add(expected.arm);
      }
      expect([...arms].sort()).toEqual(['a', 'b', HOLDOUT_ARM]);

      // Outside the rule, the experiment does not apply.
      expect(
        (await statusOf(await start({ buyer: buyer('buyer-0'), amount: { amountMinor: 5_000, currency: 'BRL' } })))
          .routing,
      ).toMatchObject({ ruleId: 'small-tickets', experimentId: null });
    });

    it('refuses a second running experiment on the same rule, and a routing that drops the rule it runs on', async () => {
      expect((await create({ ...experiment, id: 'rival' })).statusCode).toBe(201);
      const rival = await move('rival', 'start');
      expect(rival.statusCode).toBe(409);
      expect(problemOf(rival).detail).toMatch(/another experiment runs on rule "big-tickets"/);
      const dropped = await saveRouting([SMALL_TICKETS]);
      expect(dropped.statusCode).toBe(422);
      expect(problemOf(dropped).errors?.[0]?.message).toMatch(/must keep rule "big-tickets"/);
    });

    it('an experiment’s start and a routing without its rule, sent together: one of the two is refused', async () => {
      // Another tenant's, so tenant A's routing stays as the other tests left it.
      const rule = { id: 'contested', name: 'Anything', when: {}, policyId: 'default' };
      const arms = [
        { id: 'a', policyId: 'default', weight: 1 },
        { id: 'b', policyId: 'default', weight: 1 },
      ];
      for (let round = 0; round < 10; round++) {
        expect((await saveRouting([rule], TENANT_B_KEY)).statusCode).toBe(200);
        const id = `contest-${round}`;
        const created = await api.call({
          method: 'POST',
          url: '/v1/experiments',
          payload: { id, name: id, ruleId: rule.id, arms },
          key: TENANT_B_KEY,
        });
        expect(created.statusCode, created.body).toBe(201);
        const [started, saved] = await Promise.all([
          api.call({ method: 'POST', url: `/v1/experiments/${id}/start`, key: TENANT_B_KEY }),
          saveRouting([], TENANT_B_KEY),
        ]);
        expect([started.statusCode, saved.statusCode].sort(), `${started.body} / ${saved.body}`).toEqual(
          started.statusCode === 200 ? [200, 422] : [200, 409],
        );
        if (started.statusCode === 200)
          await api.call({ method: 'POST', url: `/v1/experiments/${id}/stop`, key: TENANT_B_KEY });
      }
    });

    it('reports each arm against the holdout with intervals and a verdict (reports:read); another tenant gets a 404', async () => {
      // Pay every journey of arm b, none of the others'.
      const rows = await getDb().query.journeys.findMany();
      for (const row of rows.filter((r) => r.experimentArm === 'b')) {
        const paid = await api.call({
          method: 'POST',
          url: `/v1/journeys/${row.installmentId}/payments`,
          payload: { paymentId: uniqueId('pay'), amountMinor: 19_990, currency: 'BRL' },
        });
        expect(paid.statusCode, paid.body).toBeLessThan(300);
      }
      const response = await api.call({ method: 'GET', url: '/v1/reports/experiments/firmer-ladder' });
      expect(response.statusCode, response.body).toBe(200);
      const report = response.json() as {
        control: string;
        arms: {
          arm: string;
          journeys: number;
          recovered: number;
          buyers: number;
          buyersRecovered: number;
          recoveryRate: number;
          collected: unknown[];
          versusControl: unknown;
        }[];
        verdicts: string[];
      };
      expect(report.control).toBe(HOLDOUT_ARM);
      const counted = rows.filter((r) => r.experimentId === 'firmer-ladder');
      for (const arm of report.arms) {
        const mine = counted.filter((r) => r.experimentArm === arm.arm);
        expect(arm.journeys).toBe(mine.length);
        expect(arm.recovered).toBe(arm.arm === 'b' ? mine.length : 0);
        // Rates are per buyer, the unit of assignment.
        const buyers = new Set(mine.map((r) => r.buyerId)).size;
        expect(arm.buyers).toBe(buyers);
        expect(arm.buyersRecovered).toBe(arm.arm === 'b' ? buyers : 0);
        expect(arm.collected).toEqual([{ currency: 'BRL', amountMinor: arm.arm === 'b' ? 19_990 * mine.length : 0 }]);
      }
      expect(report.arms.find((a) => a.arm === HOLDOUT_ARM)?.versusControl).toBeNull();
      expect(report.verdicts).toHaveLength(2);
      expect(report.verdicts.find((v) => v.startsWith('b '))).toMatch(
        /^b recovers [\d.]+ points more than holdout \(95 % interval/,
      );

      expect(
        (await api.call({ method: 'GET', url: '/v1/reports/experiments/firmer-ladder', key: TENANT_B_KEY })).statusCode,
      ).toBe(404);
    });

    it('stops: new journeys run the rule’s policy again, assigned journeys keep their arm', async () => {
      const before = await start({ buyer: buyer('buyer-1') });
      const armBefore = (await statusOf(before)).routing.arm;
      const stopped = await move('firmer-ladder', 'stop');
      expect(stopped.json()).toMatchObject({ state: 'stopped' });
      expect((stopped.json() as { stoppedAt: string | null }).stoppedAt).not.toBeNull();
      expect((await move('firmer-ladder', 'start')).statusCode).toBe(409);
      expect((await statusOf(before)).routing.arm).toBe(armBefore);
      const after = await statusOf(await start({ buyer: buyer('buyer-1') }));
      expect(after.routing).toMatchObject({ ruleId: 'big-tickets', experimentId: null, arm: null });
      expect(after.policy.id).toBe('gentle');
      const listed = (await api.call({ method: 'GET', url: '/v1/experiments' })).json() as {
        items: { id: string; state: string }[];
      };
      expect(listed.items.map((e) => [e.id, e.state])).toEqual([
        ['firmer-ladder', 'stopped'],
        ['rival', 'draft'],
      ]);
    });
  });
});
