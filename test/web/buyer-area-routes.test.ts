/**
 * The buyer's payment area through its routes (`app.inject`, real routes and database, the
 * in-memory journey gateway): what a signed link opens and what it refuses to open, each
 * self-service action through the journey's policy, CSRF and the per-link rate limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuyerAreaToken } from '../../application/buyer-links';
import { defaultPolicy } from '../../domain/policy';
import { type ApiHarness, startApi, startBody } from '../api/support';
import { ALL_SETTINGS, LINK_KEYS } from '../api/webhooks-support';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';

/** Wednesday 2026-12-02 12:00 UTC (09:00 in São Paulo). */
const NOW = Date.UTC(2026, 11, 2, 12, 0);
const DAY = 86_400_000;
const CHECKOUT = 'https://pay.example.com/checkout/{purchaseId}/{installmentNumber}?amount={amountMinor}';
const METHOD = 'https://pay.example.com/purchases/{purchaseId}/payment-method';

interface Purchase {
  purchaseId: string;
  buyerId: string;
  installmentId: string;
  token: string;
}

describeEachDatabase("the buyer's payment area", (getDb) => {
  let api: ApiHarness;
  let clock = NOW;
  beforeAll(async () => {
    api = await startApi(getDb(), () => clock, { webhooks: ALL_SETTINGS });
    const policy = await api.call({
      method: 'POST',
      url: '/v1/policies',
      payload: {
        ...withoutVersion(defaultPolicy),
        id: 'buyer-area',
        partialPayments: { allowed: true, minimumMinor: 5_000 },
        reschedule: { maxDaysBeyondOriginalDue: 20, maxTimes: 2 },
      },
    });
    expect(policy.statusCode).toBe(201);
    const tenant = await api.call({
      method: 'PATCH',
      url: '/v1/tenant',
      payload: { name: 'Acme Courses', buyerArea: { checkoutUrlTemplate: CHECKOUT, paymentMethodUrlTemplate: METHOD } },
    });
    expect(tenant.statusCode).toBe(200);
  });
  afterAll(async () => {
    await api.app.close();
  });

  /** A purchase of three: the first paid, the second overdue with a journey, the third upcoming. */
  async function purchase(): Promise<Purchase> {
    const purchaseId = uniqueId('pur');
    const buyerId = uniqueId('buyer');
    const installmentId = uniqueId('inst');
    const body = startBody(installmentId, {
      purchaseId,
      policyId: 'buyer-area',
      installmentNumber: 2,
      installmentCount: 3,
      dueDate: '2026-11-25',
      buyer: { ...startBody(installmentId).buyer, id: buyerId },
    });
    expect((await api.call({ method: 'POST', url: '/v1/journeys', payload: body })).statusCode).toBe(201);
    const schedule = await api.call({
      method: 'PUT',
      url: `/v1/purchases/${purchaseId}`,
      payload: {
        buyer: body.buyer,
        product: body.product,
        currency: 'BRL',
        installments: [
          { number: 1, amountMinor: 19_990, dueDate: '2026-10-25', status: 'paid', paidAt: '2026-10-24T15:00:00Z' },
          { number: 2, installmentId, amountMinor: 19_990, dueDate: '2026-11-25', status: 'pending' },
          { number: 3, amountMinor: 19_990, dueDate: '2026-12-25', status: 'pending' },
        ],
      },
    });
    expect(schedule.statusCode).toBe(201);
    const token = createBuyerAreaToken(
      { tenantId: 'tenant-a', buyerId, purchaseId },
      { keys: LINK_KEYS, now: NOW, ttlDays: 30 },
    );
    return { purchaseId, buyerId, installmentId, token };
  }

  const open = (token: string, query = '', headers: Record<string, string> = {}) =>
    api.call({ method: 'GET', url: `/pay/${token}${query}`, key: null, headers });

  /** Opens the page and posts one of its forms the way a browser would: the cookie and the form's CSRF token. */
  async function submit(
    token: string,
    query: string,
    fields: Record<string, string>,
    options: { csrf?: boolean } = {},
  ) {
    const page = await open(token);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    const cookie = String(page.headers['set-cookie'] ?? '').split(';')[0]!;
    expect(csrf).toBeTruthy();
    return api.call({
      method: 'POST',
      url: `/pay/${token}${query}`,
      key: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      payload: new URLSearchParams({
        ...(options.csrf === false ? {} : { _csrf: csrf! }),
        lang: 'en',
        ...fields,
      }).toString(),
    });
  }

  const status = async (installmentId: string) =>
    (await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` })).json() as {
      dueDate: string;
      amountPaidMinor: number;
    };

  describe('what a link opens', () => {
    it("shows the purchase in the buyer's language and currency, with every installment and its standing, and keeps it out of caches", async () => {
      const { token } = await purchase();
      const page = await open(token);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.body).toContain('lang="pt-BR"');
      expect(page.body).toContain('Acme Courses');
      expect(page.body).toContain('TypeScript Mastery');
      expect(page.body).toMatch(/R\$\s199,90/);
      // Installment 2 is overdue and offers every action; 1 is paid, 3 upcoming.
      expect(page.body).toContain('intent=due-date&amp;installment=2');
      expect(page.body).toContain('intent=partial&amp;installment=2');
      expect(page.body).not.toContain('intent=due-date&amp;installment=1');
      expect(page.body).toContain('go=method&amp;installment=2');
    });

    it('switches language on request', async () => {
      const { token } = await purchase();
      const page = await open(token, '?lang=fr');
      expect(page.body).toContain('lang="fr"');
      expect(page.body).toMatch(/199,90\sR\$/);
    });

    it('answers a tampered, foreign or expired link with a polite page that shows nothing of the purchase', async () => {
      const { token, purchaseId } = await purchase();
      const tampered = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
      const foreign = createBuyerAreaToken(
        { tenantId: 'tenant-a', buyerId: 'someone-else', purchaseId },
        { keys: LINK_KEYS, now: NOW, ttlDays: 30 },
      );
      const otherTenant = createBuyerAreaToken(
        { tenantId: 'tenant-b', buyerId: 'x', purchaseId },
        { keys: LINK_KEYS, now: NOW, ttlDays: 30 },
      );
      for (const [link, code] of [
        [tampered, 404],
        [foreign, 404],
        [otherTenant, 404],
        ['not-a-token', 404],
      ] as const) {
        const page = await open(link, '', { 'accept-language': 'es-MX,es;q=0.9' });
        expect(page.statusCode, link).toBe(code);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
        expect(page.body).toContain('lang="es"');
        expect(page.body).not.toContain('TypeScript Mastery');
        expect(page.body).not.toContain('199,90');
      }
      clock = NOW + 31 * DAY;
      try {
        const expired = await open(token);
        expect(expired.statusCode).toBe(410);
        expect(expired.body).not.toContain('TypeScript Mastery');
      } finally {
        clock = NOW;
      }
    });
  });

  describe('self-service through the journey', () => {
    it('moves the due date inside the policy (the journey answers, the page shows the new date) and refuses one beyond it with the reason', async () => {
      const { token, installmentId } = await purchase();
      const accepted = await submit(token, '?intent=due-date&installment=2', { dueDate: '2026-12-10' });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.body).toContain('role="status"');
      expect((await status(installmentId)).dueDate).toBe('2026-12-10');
      expect(api.gateway.calls.filter((c) => c.method === 'changeDueDate').at(-1)?.argument).toMatchObject({
        dueDate: '2026-12-10',
        actor: { kind: 'buyer' },
      });
      const refused = await submit(token, '?intent=due-date&installment=2', { dueDate: '2027-02-01' });
      expect(refused.statusCode).toBe(422);
      expect(refused.body).toContain('role="alert"');
      expect((await status(installmentId)).dueDate).toBe('2026-12-10');
    });

    it('refuses an amount below the policy minimum, and sends one above it to the checkout, recorded as the buyer’s', async () => {
      const { token, purchaseId, installmentId } = await purchase();
      const below = await submit(token, '?intent=partial&installment=2', { amount: '49.99' });
      expect(below.statusCode).toBe(422);
      expect(below.body).toContain('role="alert"');
      const unreadable = await submit(token, '?intent=partial&installment=2', { amount: 'lots' });
      expect(unreadable.statusCode).toBe(422);
      const above = await submit(token, '?intent=partial&installment=2', { amount: '60.00' });
      expect(above.statusCode).toBe(303);
      expect(above.headers.location).toBe(`https://pay.example.com/checkout/${purchaseId}/2?amount=6000`);
      expect(
        api.gateway.calls.filter((c) => c.method === 'recordBuyerAction' && c.ref.installmentId === installmentId),
      ).toEqual([
        expect.objectContaining({ argument: expect.objectContaining({ action: 'pay_part', amountMinor: 6_000 }) }),
      ]);
    });

    it('takes a promise to pay within the policy (the journey holds its reminders; the card shows it) and refuses one beyond it', async () => {
      const { token, installmentId } = await purchase();
      const page = await open(token, '?lang=en');
      expect(page.body).toContain('intent=promise&amp;installment=2');
      expect(page.body).not.toContain('intent=promise&amp;installment=1');

      const tooFar = await submit(token, '?intent=promise&installment=2', { promiseDate: '2026-12-20' });
      expect(tooFar.statusCode).toBe(422);
      expect(tooFar.body).toContain('role="alert"');
      expect(tooFar.body).toContain('That date is too far ahead.');
      const unreadable = await submit(token, '?intent=promise&installment=2', {
        promiseDate: '2026-12-09',
        amount: 'lots',
      });
      expect(unreadable.statusCode).toBe(422);
      const noDate = await submit(token, '?intent=promise&installment=2', { promiseDate: '' });
      expect(noDate.statusCode).toBe(422);
      expect(noDate.body).toContain('Please choose a date.');

      const promised = await submit(token, '?intent=promise&installment=2', { promiseDate: '2026-12-09' });
      expect(promised.statusCode).toBe(200);
      expect(promised.body).toContain('role="status"');
      expect(promised.body).toContain('No reminders until then.');
      expect(promised.body).toContain('You promised to pay R$199.90 by December 9, 2026.');
      // One promise at a time: the form gives way to the promise.
      expect(promised.body).not.toContain('intent=promise&amp;installment=2');
      const journey = (await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` })).json();
      expect(journey).toMatchObject({ stage: 'paused', promise: { date: '2026-12-09', amountMinor: 19_990 } });
      expect(api.gateway.calls.filter((c) => c.method === 'promiseToPay').at(-1)?.argument).toMatchObject({
        date: '2026-12-09',
        actor: { kind: 'buyer' },
      });
    });

    it('leads "Pay now" and "Change payment method" to the payment system', async () => {
      const { token, purchaseId, installmentId } = await purchase();
      const pay = await open(token, '?go=pay&installment=2');
      expect(pay.statusCode).toBe(303);
      expect(pay.headers.location).toBe(`https://pay.example.com/i/${installmentId}`);
      const method = await open(token, '?go=method&installment=2');
      expect(method.headers.location).toBe(`https://pay.example.com/purchases/${purchaseId}/payment-method`);
      // A paid installment offers neither: the page is shown instead.
      expect((await open(token, '?go=pay&installment=1')).statusCode).toBe(200);
    });

    it('refuses a form without its CSRF token, changing nothing', async () => {
      const { token, installmentId } = await purchase();
      const forged = await submit(token, '?intent=due-date&installment=2', { dueDate: '2026-12-10' }, { csrf: false });
      expect(forged.statusCode).toBe(403);
      expect(forged.headers['content-type']).toMatch(/^text\/html/);
      expect((await status(installmentId)).dueDate).toBe('2026-11-25');
    });
  });

  it('limits the requests per link, with a polite page', async () => {
    const { token } = await purchase();
    let last = await open(token);
    for (let i = 0; i < 70 && last.statusCode !== 429; i++) last = await open(token);
    expect(last.statusCode).toBe(429);
    expect(last.headers['content-type']).toMatch(/^text\/html/);
    expect(last.headers['retry-after']).toBeDefined();
    // Another buyer's link is unaffected.
    expect((await open((await purchase()).token)).statusCode).toBe(200);
  });
});

function withoutVersion<T extends { version: number }>({ version: _version, ...rest }: T) {
  return rest;
}
