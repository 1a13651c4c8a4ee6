/**
 * The purchase ledger through the API: a schedule in, every installment's standing out;
 * payments of any installment, counted once; history that a schedule cannot rewrite; the
 * journeys of a purchase's installments as entries of its ledger; and the policy's
 * partial-payment rule on both payment routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purchaseScheduleExample } from '../../api/schemas/purchases';
import { defaultPolicy } from '../../domain/policy';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, TENANT_B_KEY, startApi, startBody } from './support';

/** Wednesday 2026-12-02 12:00 UTC (09:00 in São Paulo). */
const NOW = Date.UTC(2026, 11, 2, 12, 0);

interface Ledger {
  purchaseId: string;
  currency: string;
  installments: {
    number: number;
    standing: string;
    paidMinor: number;
    outstandingMinor: number;
    paidAt: string | null;
    currentDueDate: string;
    journey: { journeyId: string } | null;
  }[];
  payments: { paymentId: string; installmentNumber: number; amountMinor: number }[];
}

interface Problem {
  status: number;
  reason?: string;
  errors?: { path: string; message: string }[];
}

/** A schedule of three: the first paid on time, the second overdue since 2026-11-25, the third upcoming. */
function schedule(overrides: Record<string, unknown> = {}) {
  return {
    ...purchaseScheduleExample,
    installments: [
      { number: 1, amountMinor: 10_000, dueDate: '2026-10-25', status: 'paid', paidAt: '2026-10-24T15:00:00Z' },
      { number: 2, amountMinor: 10_000, dueDate: '2026-11-25', status: 'pending' },
      { number: 3, amountMinor: 10_000, dueDate: '2026-12-25', status: 'pending' },
    ],
    ...overrides,
  };
}

describeEachDatabase('purchase ledger API', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb(), () => NOW);
  });
  afterAll(async () => {
    await api.app.close();
  });

  const put = (purchaseId: string, body: unknown, key?: string) =>
    api.call({ method: 'PUT', url: `/v1/purchases/${purchaseId}`, payload: body as object, ...(key && { key }) });
  const get = async (purchaseId: string) => {
    const response = await api.call({ method: 'GET', url: `/v1/purchases/${purchaseId}` });
    expect(response.statusCode).toBe(200);
    return response.json() as Ledger;
  };
  const pay = (purchaseId: string, payment: Record<string, unknown>) =>
    api.call({
      method: 'POST',
      url: `/v1/purchases/${purchaseId}/payments`,
      payload: { currency: 'BRL', paidAt: new Date(NOW - 3_600_000).toISOString(), ...payment },
    });
  const standings = (ledger: Ledger) => ledger.installments.map((i) => [i.number, i.standing, i.outstandingMinor]);

  describe('schedules', () => {
    it('creates a purchase (201), answers its ledger with each standing, and takes the same schedule again (200) without counting anything twice', async () => {
      const purchaseId = uniqueId('pur');
      const first = await put(purchaseId, schedule());
      expect(first.statusCode).toBe(201);
      expect(standings(first.json() as Ledger)).toEqual([
        [1, 'paid_on_time', 0],
        [2, 'overdue', 10_000],
        [3, 'upcoming', 10_000],
      ]);
      const again = await put(purchaseId, schedule());
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      expect((await get(purchaseId)).payments.map((p) => [p.installmentNumber, p.amountMinor])).toEqual([[1, 10_000]]);
    });

    it('names the offending field of a bad schedule and writes nothing', async () => {
      const purchaseId = uniqueId('pur');
      const cases: [unknown, string][] = [
        [
          schedule({
            installments: [...schedule().installments, { ...schedule().installments[2], dueDate: '2027-01-25' }],
          }),
          'installments.3.number',
        ],
        [
          schedule({ installments: [{ number: 1, amountMinor: 100, dueDate: '2026-10-25', status: 'paid' }] }),
          'installments.0.paidAt',
        ],
        [
          schedule({
            installments: [
              { number: 1, amountMinor: 100, dueDate: '2026-10-25', status: 'pending', paidAt: '2026-10-24T15:00:00Z' },
            ],
          }),
          'installments.0.paidAt',
        ],
        [
          schedule({ installments: [{ number: 1, amountMinor: 1.5, dueDate: '2026-10-25', status: 'pending' }] }),
          'installments.0.amountMinor',
        ],
        [schedule({ installments: [] }), 'installments'],
        [schedule({ currency: 'brl' }), 'currency'],
      ];
      for (const [body, path] of cases) {
        const response = await put(purchaseId, body);
        expect(response.statusCode, path).toBe(400);
        expect((response.json() as Problem).errors?.map((e) => e.path)).toContain(path);
      }
      expect((await api.call({ method: 'GET', url: `/v1/purchases/${purchaseId}` })).statusCode).toBe(404);
    });

    it('never rewrites history: an installment with payments stays, and so do the currency and the buyer', async () => {
      const purchaseId = uniqueId('pur');
      await put(purchaseId, schedule());
      const [, second, third] = schedule().installments;
      const removed = await put(purchaseId, schedule({ installments: [second, third] }));
      expect(removed.statusCode).toBe(422);
      expect((removed.json() as Problem).errors).toEqual([
        { in: 'body', path: 'installments', message: expect.stringContaining('installment 1') },
      ]);
      const currency = await put(purchaseId, schedule({ currency: 'USD' }));
      expect((currency.json() as Problem).errors?.map((e) => e.path)).toEqual(['currency']);
      const buyer = await put(
        purchaseId,
        schedule({ buyer: { ...purchaseScheduleExample.buyer, id: 'someone-else' } }),
      );
      expect((buyer.json() as Problem).errors?.map((e) => e.path)).toEqual(['buyer.id']);
      // A refused schedule changed nothing; an unpaid installment may go, and a pending one may be canceled.
      expect(standings(await get(purchaseId))).toEqual([
        [1, 'paid_on_time', 0],
        [2, 'overdue', 10_000],
        [3, 'upcoming', 10_000],
      ]);
      const fewer = await put(
        purchaseId,
        schedule({ installments: [schedule().installments[0], { ...third, status: 'canceled' }] }),
      );
      expect(fewer.statusCode).toBe(200);
      expect(standings(fewer.json() as Ledger)).toEqual([
        [1, 'paid_on_time', 0],
        [3, 'canceled', 10_000],
      ]);
    });

    it("keeps one tenant's purchases from another", async () => {
      const purchaseId = uniqueId('pur');
      await put(purchaseId, schedule());
      const other = await api.call({ method: 'GET', url: `/v1/purchases/${purchaseId}`, key: TENANT_B_KEY });
      expect(other.statusCode).toBe(404);
    });
  });

  describe('payments', () => {
    it('records payments of any installment, late ones as paid late, each payment id once', async () => {
      const purchaseId = uniqueId('pur');
      await put(purchaseId, schedule());
      expect((await pay(purchaseId, { paymentId: 'p-2a', installmentNumber: 2, amountMinor: 4_000 })).statusCode).toBe(
        202,
      );
      expect((await pay(purchaseId, { paymentId: 'p-2a', installmentNumber: 2, amountMinor: 4_000 })).statusCode).toBe(
        202,
      );
      let ledger = await get(purchaseId);
      expect(ledger.installments[1]).toMatchObject({ standing: 'overdue', paidMinor: 4_000, outstandingMinor: 6_000 });
      await pay(purchaseId, { paymentId: 'p-2b', installmentNumber: 2, amountMinor: 6_000 });
      ledger = await get(purchaseId);
      expect(ledger.installments[1]).toMatchObject({ standing: 'paid_late', outstandingMinor: 0 });
      expect(ledger.payments.filter((p) => p.installmentNumber === 2).map((p) => p.paymentId)).toEqual([
        'p-2a',
        'p-2b',
      ]);
    });

    it('refuses a payment of an installment the schedule does not have, or in another currency, naming the field', async () => {
      const purchaseId = uniqueId('pur');
      await put(purchaseId, schedule());
      const unknown = await pay(purchaseId, { paymentId: 'p-9', installmentNumber: 9, amountMinor: 100 });
      expect(unknown.statusCode).toBe(422);
      expect((unknown.json() as Problem).errors?.[0]?.path).toBe('installmentNumber');
      const currency = await pay(purchaseId, {
        paymentId: 'p-usd',
        installmentNumber: 2,
        amountMinor: 100,
        currency: 'USD',
      });
      expect(currency.statusCode).toBe(422);
      expect((currency.json() as Problem).errors?.[0]?.path).toBe('currency');
      const missing = await pay(uniqueId('pur'), { paymentId: 'p-1', installmentNumber: 1, amountMinor: 100 });
      expect(missing.statusCode).toBe(404);
    });
  });

  describe('journeys as entries of the ledger', () => {
    it("shows a purchase's journey as its installment, and tells the journey of a payment reported for the purchase", async () => {
      const purchaseId = uniqueId('pur');
      const installmentId = uniqueId('inst');
      const start = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(installmentId, { purchaseId, installmentNumber: 2, dueDate: '2026-11-25' }),
      });
      expect(start.statusCode).toBe(201);
      let ledger = await get(purchaseId);
      expect(ledger.installments.map((i) => [i.number, i.standing, i.journey?.journeyId])).toEqual([
        [2, 'overdue', `dunning/tenant-a/${installmentId}`],
      ]);
      await put(purchaseId, schedule());
      const paid = await pay(purchaseId, { paymentId: uniqueId('pay'), installmentNumber: 2, amountMinor: 19_990 });
      expect(paid.statusCode).toBe(202);
      expect(paid.json()).toMatchObject({ journeyId: `dunning/tenant-a/${installmentId}` });
      const journey = await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` });
      expect(journey.json()).toMatchObject({ outcome: 'recovered', outstandingMinor: 0 });
      ledger = await get(purchaseId);
      // The schedule's amount for installment 2 is 10,000: the journey's payment covers it.
      expect(ledger.installments[1]).toMatchObject({ number: 2, standing: 'paid_late' });
    });
    it('takes a payment for a purchase known only from its journey', async () => {
      const purchaseId = uniqueId('pur');
      const installmentId = uniqueId('inst');
      await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(installmentId, { purchaseId, installmentNumber: 2, dueDate: '2026-11-25' }),
      });
      const paid = await pay(purchaseId, { paymentId: uniqueId('pay'), installmentNumber: 2, amountMinor: 19_990 });
      expect(paid.statusCode).toBe(202);
      expect((await get(purchaseId)).installments).toEqual([
        expect.objectContaining({ number: 2, standing: 'paid_late', outstandingMinor: 0 }),
      ]);
    });
  });

  describe("the policy's partial-payment rule", () => {
    async function journeyUnder(partialPayments: { allowed: boolean; minimumMinor: number }) {
      const policyId = uniqueId('partial').toLowerCase();
      const { version: _version, ...draft } = defaultPolicy;
      const created = await api.call({
        method: 'POST',
        url: '/v1/policies',
        payload: { ...draft, id: policyId, partialPayments },
      });
      expect(created.statusCode).toBe(201);
      const installmentId = uniqueId('inst');
      const purchaseId = uniqueId('pur');
      const start = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(installmentId, { policyId, purchaseId }),
      });
      expect(start.statusCode).toBe(201);
      return { installmentId, purchaseId };
    }
    const payJourney = (installmentId: string, amountMinor: number) =>
      api.call({
        method: 'POST',
        url: `/v1/journeys/${installmentId}/payments`,
        payload: { paymentId: uniqueId('pay'), amountMinor, currency: 'BRL' },
      });

    it('refuses a partial payment below the minimum on both routes, naming amountMinor, and takes one that reaches it', async () => {
      const { installmentId, purchaseId } = await journeyUnder({ allowed: true, minimumMinor: 5_000 });
      const below = await payJourney(installmentId, 4_999);
      expect(below.statusCode).toBe(422);
      expect(below.json()).toMatchObject({ reason: 'below_minimum', errors: [{ path: 'amountMinor' }] });
      const viaPurchase = await pay(purchaseId, { paymentId: uniqueId('pay'), installmentNumber: 2, amountMinor: 100 });
      expect(viaPurchase.statusCode).toBe(422);
      expect((await payJourney(installmentId, 5_000)).statusCode).toBe(202);
      const journey = await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` });
      expect(journey.json()).toMatchObject({ amountPaidMinor: 5_000 });
    });

    it('refuses any partial payment when the policy accepts none, but always takes the balance', async () => {
      const { installmentId } = await journeyUnder({ allowed: false, minimumMinor: 0 });
      const partial = await payJourney(installmentId, 1_000);
      expect(partial.json()).toMatchObject({ status: 422, reason: 'partial_not_allowed' });
      expect((await payJourney(installmentId, 19_990)).statusCode).toBe(202);
    });
  });
});
