/**
 * POST /v1/simulations through app.inject: a policy (a document, or one of the tenant's) over the
 * request's installments or the tenant's running journeys, answering the simulator's report; bad
 * input is a 400 naming the field, an unknown policy a 404.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SIMULATION_INSTALLMENTS_MAX } from '../../api/schemas/simulations';
import type { SimulationAnswer } from '../../application/simulation';
import { defaultPolicy } from '../../domain/policy';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, TENANT_B_KEY, startApi, startBody } from './support';

/** Monday 2027-03-01 12:00 UTC. */
const NOW = Date.UTC(2027, 2, 1, 12);

type ProblemBody = { status: number; errors?: { path: string; message: string }[] };

/** Due Thursday 2027-03-11 in São Paulo (UTC-3), with an email and a phone. */
const installment = (installmentId: string, buyerId = 'buyer_77') =>
  startBody(installmentId, {
    dueDate: '2027-03-11',
    buyer: { ...startBody(installmentId).buyer, id: buyerId, timezone: 'America/Sao_Paulo', country: 'BR' },
  });

describeEachDatabase('simulations API', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb(), () => NOW, {
      // Friday 2027-03-12 is a public holiday in Brazil for this test.
      simulation: { rateLimits: { email: 2, sms: 1 }, publicHolidays: (c) => (c === 'BR' ? ['2027-03-12'] : []) },
    });
  });
  afterAll(async () => {
    await api.app.close();
  });

  const simulate = (payload: object, key?: string) =>
    api.call({ method: 'POST', url: '/v1/simulations', payload, ...(key && { key }) });
  const errorsOf = (response: Awaited<ReturnType<typeof simulate>>) => {
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    return (response.json() as ProblemBody).errors?.map((e) => e.path);
  };

  it('answers what a policy document would do over the given installments, under the deployment’s limits and holidays', async () => {
    const response = await simulate({
      policy: defaultPolicy,
      installments: [installment('i1'), installment('i2'), installment('i3', 'buyer_78')],
    });
    expect(response.statusCode, response.body).toBe(200);
    const { report, portfolio } = response.json() as SimulationAnswer;
    expect(portfolio).toEqual({ source: 'installments', installments: 3 });
    expect(report.period.start).toBe('2027-03-01T12:00:00.000Z');
    expect(report.journeys).toMatchObject({ total: 3, reachedFinalAction: 3, finalActionShare: 1, paid: 0 });
    // The first reminders of three installments go out together, 10:00 in São Paulo, on email.
    const email = report.providerQueues.find((q) => q.queue === 'email')!;
    expect(email).toMatchObject({ limitPerSecond: 2, peakPerSecond: 3, peakAt: '2027-03-08T13:00:00.000Z' });
    expect(email.secondsOverLimit).toBeGreaterThanOrEqual(1);
    expect(email.longestQueueSeconds).toBe(1);
    expect(report.deferredSends.holiday).toBeGreaterThan(0);
    // buyer_77 has two installments under one cap of 3 a week.
    expect(report.deferredSends.frequency_cap).toBeGreaterThan(0);
    expect(report.contactsPerBuyer.count).toBe(2);
  });

  it('takes one of the tenant’s policies by id, and answers 404 naming policyId for an unknown one', async () => {
    const ok = await simulate({
      policyId: 'default',
      installments: [installment('i1')],
      assumptions: { payment: { afterEachStep: 1 } },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((ok.json() as SimulationAnswer).report).toMatchObject({
      policy: { id: 'default', version: 1 },
      journeys: { paid: 1, paidAfterStep: [{ stepIndex: 0, journeys: 1 }] },
      messages: { total: 1 },
    });
    const unknown = await simulate({ policyId: 'nope', installments: [installment('i1')] });
    expect(unknown.statusCode).toBe(404);
    expect(errorsOf(unknown)).toEqual(['policyId']);
  });

  it('runs over the tenant’s running journeys when no installments are given, never another tenant’s', async () => {
    const ids = [uniqueId('inst'), uniqueId('inst')];
    for (const id of ids) {
      const started = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(id),
        key: TENANT_B_KEY,
      });
      expect(started.statusCode, started.body).toBe(201);
    }
    const tenantB = await simulate({ policyId: 'default' }, TENANT_B_KEY);
    expect(tenantB.statusCode, tenantB.body).toBe(200);
    expect((tenantB.json() as SimulationAnswer).portfolio).toEqual({ source: 'tenant', installments: 2 });
    const tenantA = await simulate({ policyId: 'default' });
    expect((tenantA.json() as SimulationAnswer).portfolio).toEqual({ source: 'tenant', installments: 0 });
  });

  it('answers bad input with a 400 naming the field', async () => {
    const one = [installment('i1')];
    expect(errorsOf(await simulate({ policy: defaultPolicy, policyId: 'default', installments: one }))).toContain(
      'policy',
    );
    expect(errorsOf(await simulate({ installments: one }))).toContain('policy');
    expect(
      errorsOf(
        await simulate({
          policyId: 'default',
          installments: [installment('i1'), { ...installment('i2'), amount: { amountMinor: -1, currency: 'BRL' } }],
        }),
      ),
    ).toEqual(['installments.1.amount.amountMinor']);
    expect(
      errorsOf(
        await simulate({ policyId: 'default', installments: one, assumptions: { payment: { afterEachStep: 2 } } }),
      ),
    ).toEqual(['assumptions.payment.afterEachStep']);
    expect(errorsOf(await simulate({ policyId: 'default', installments: one, assumption: {} }))).toHaveLength(1);
    expect(
      errorsOf(await simulate({ policy: { ...defaultPolicy, maxContactsPer7Days: 9 }, installments: one })),
    ).toEqual(['policy.maxContactsPer7Days']);
    expect(
      errorsOf(
        await simulate({
          policyId: 'default',
          installments: one,
          start: '2027-03-02T00:00:00Z',
          end: '2027-03-01T00:00:00Z',
        }),
      ),
    ).toEqual(['end']);
    // Past what the database stores: still the client's mistake, not a 500.
    expect(errorsOf(await simulate({ policyId: 'default', policyVersion: 3_000_000_000, installments: one }))).toEqual([
      'policyVersion',
    ]);
  });

  it('answers other requests while a large simulation runs', async () => {
    let health: Promise<number> | undefined;
    let answered = false;
    let healthAnsweredMidRun: boolean | undefined;
    const busy: ApiHarness = await startApi(getDb(), () => NOW, {
      simulation: {
        rateLimits: {},
        // The guard asks for a country's calendar at its first send there: Brazil's early in the
        // run, when another request comes in; Portugal's months later in virtual time, when that
        // request should have its answer.
        publicHolidays: (country) => {
          health ??= busy.call({ method: 'GET', url: '/health' }).then((r) => {
            answered = true;
            return r.statusCode;
          });
          if (country === 'PT') healthAnsweredMidRun ??= answered;
          return [];
        },
      },
    });
    const later = (n: number) =>
      startBody(`pt${n}`, {
        dueDate: '2027-09-01',
        buyer: { ...startBody(`pt${n}`).buyer, id: `buyer_pt${n}`, timezone: 'Europe/Lisbon', country: 'PT' },
      });
    const installments = [
      ...Array.from({ length: 1_000 }, (_, n) => installment(`br${n}`, `buyer_br${n}`)),
      ...Array.from({ length: 1_000 }, (_, n) => later(n)),
    ];
    const simulation = busy.call({
      method: 'POST',
      url: '/v1/simulations',
      payload: { policyId: 'default', installments },
    });
    const response = await simulation;
    expect(response.statusCode, response.body).toBe(200);
    expect(await health).toBe(200);
    expect(healthAnsweredMidRun).toBe(true);
    await busy.app.close();
  });

  it(`refuses more than ${SIMULATION_INSTALLMENTS_MAX} installments in one request (400 naming installments)`, async () => {
    const many = Array.from({ length: SIMULATION_INSTALLMENTS_MAX + 1 }, (_, n) => installment(`i${n}`));
    const response = await simulate({ policyId: 'default', installments: many });
    expect(response.statusCode).toBe(400);
    expect(errorsOf(response)).toEqual(['installments']);
  });
});
