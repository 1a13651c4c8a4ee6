import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JourneyServiceUnavailableError } from '../../application/journey-gateway';
import { findJourney, listEvents, listPayments } from '../../db/journey-repository';
import { journeyWorkflowId } from '../../workflows/messages';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, TENANT_B_KEY, startApi, startBody } from './support';

/** Wednesday 2026-12-02 12:00 UTC: eight days before the bodies' due date of 2026-12-10. */
const NOW = Date.UTC(2026, 11, 2, 12, 0);

function problemOf(response: { headers: Record<string, unknown>; json(): unknown }) {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json() as {
    status: number;
    title: string;
    reason?: string;
    errors?: { in?: string; path: string; message: string }[];
  };
}

describeEachDatabase('journeys API', (getDb) => {
  let api: ApiHarness;
  const clock = NOW;
  beforeAll(async () => {
    api = await startApi(getDb(), () => clock);
  });
  afterAll(async () => {
    await api.app.close();
  });

  /** The late-payment confirmations the API asked the gateway for, for this installment. */
  const confirmationsAsked = (installmentId: string) =>
    api.gateway.calls
      .filter((c) => c.method === 'confirmLatePayment' && c.ref.installmentId === installmentId)
      .map((c) => c.argument);

  async function started(overrides: Record<string, unknown> = {}) {
    const installmentId = uniqueId('inst');
    const response = await api.call({
      method: 'POST',
      url: '/v1/journeys',
      payload: startBody(installmentId, overrides),
    });
    expect(response.statusCode).toBe(201);
    return installmentId;
  }

  describe('authentication', () => {
    it('refuses a request without a key, as problem+json with a WWW-Authenticate challenge', async () => {
      const response = await api.call({ method: 'GET', url: '/v1/journeys/anything', key: null });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(problemOf(response).status).toBe(401);
    });

    it('refuses an unknown key', async () => {
      const response = await api.call({ method: 'GET', url: '/v1/journeys/anything', key: 'not-a-key' });
      expect(response.statusCode).toBe(401);
    });

    it('never shows one tenant’s journey to another tenant', async () => {
      const installmentId = await started();
      const other = await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}`, key: TENANT_B_KEY });
      expect(other.statusCode).toBe(404);
      const payment = await api.call({
        method: 'POST',
        url: `/v1/journeys/${installmentId}/payments`,
        key: TENANT_B_KEY,
        payload: { paymentId: 'p1', amountMinor: 100, currency: 'BRL' },
      });
      expect(payment.statusCode).toBe(404);
      expect(api.gateway.journeys.get(journeyWorkflowId('tenant-a', installmentId))?.paidMinor).toBe(0);
    });
  });

  describe('POST /v1/journeys', () => {
    // Schemathesis (positive_data_acceptance, ST202): {"amountMinor": 0, "currency": ""} matched
    // the published schema (minimum 0, any string) and was refused with a 400.
    it('publishes the amount rules it enforces: a positive amount, a three-letter currency', async () => {
      const document = (await api.call({ method: 'GET', url: '/docs/json', key: null })).json();
      const amount = document.components.schemas.StartJourney.properties.amount.properties;
      expect(amount.amountMinor).toMatchObject({ type: 'integer', minimum: 1 });
      expect(amount.currency).toMatchObject({ type: 'string', pattern: '^[A-Z]{3}$' });
      const refused = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(uniqueId('inst'), { amount: { amountMinor: 0, currency: '' } }),
      });
      expect(refused.statusCode).toBe(400);
      expect(problemOf(refused).errors?.map((e) => e.path)).toEqual(['amount.amountMinor', 'amount.currency']);
    });

    // Schemathesis (negative_data_rejection, ST201): an address with 65 characters before the @
    // is not an email address (RFC 5321) and was taken.
    it('refuses an email address no mail server takes, naming the field', async () => {
      const buyer = { ...startBody('x').buyer, email: `${'a'.repeat(65)}@example.com` };
      const refused = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(uniqueId('inst'), { buyer }),
      });
      expect(refused.statusCode).toBe(400);
      expect(problemOf(refused).errors?.map((e) => e.path)).toEqual(['buyer.email']);
      const longest = { ...buyer, email: `${'a'.repeat(64)}@example.com` };
      const taken = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(uniqueId('inst'), { buyer: longest }),
      });
      expect(taken.statusCode).toBe(201);
    });

    it('starts a journey once: 201 the first time, 200 with the same journey after', async () => {
      const installmentId = uniqueId('inst');
      const first = await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) });
      const second = await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) });
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(200);
      expect(second.json().journeyId).toBe(first.json().journeyId);
      expect(first.json()).toMatchObject({ created: true, installmentId, statusUrl: `/v1/journeys/${installmentId}` });
      expect(second.json().created).toBe(false);
      const journeyId = journeyWorkflowId('tenant-a', installmentId);
      expect(first.json().journeyId).toBe(journeyId);
      // The workflow ID is built from opaque IDs only: nothing of the buyer in it.
      expect(journeyId).not.toMatch(/ana|souza|example\.com|5511/i);
      expect((await listEvents(getDb(), journeyId)).map((e) => e.type)).toEqual(['started']);
    });

    it('takes the tenant from the key, never from the body', async () => {
      const installmentId = uniqueId('inst');
      const response = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: { ...startBody(installmentId), tenantId: 'tenant-b' },
      });
      expect(response.statusCode).toBe(201);
      expect(await findJourney(getDb(), 'tenant-a', installmentId)).toBeDefined();
      expect(await findJourney(getDb(), 'tenant-b', installmentId)).toBeUndefined();
    });

    it('refuses a `segment` field by name instead of dropping it, and starts nothing', async () => {
      const installmentId = uniqueId('inst');
      const response = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: { ...startBody(installmentId), segment: 'vip' },
      });
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).errors).toEqual([
        expect.objectContaining({ path: 'segment', message: expect.stringMatching(/PUT \/v1\/segments/) }),
      ]);
      expect(await findJourney(getDb(), 'tenant-a', installmentId)).toBeUndefined();
    });

    it('answers 200 with the recorded journey, without starting another, once Temporal has forgotten it', async () => {
      const installmentId = await started();
      await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/cancel`, payload: { reason: 'refund' } });
      // Past the namespace retention Temporal no longer knows the closed workflow; only the database does.
      const journeyId = journeyWorkflowId('tenant-a', installmentId);
      api.gateway.journeys.delete(journeyId);
      const starts = api.gateway.calls.filter((c) => c.method === 'start').length;

      const again = await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) });

      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ journeyId, created: false, installmentId });
      expect(api.gateway.calls.filter((c) => c.method === 'start').length).toBe(starts);
      expect(api.gateway.journeys.has(journeyId)).toBe(false);
      expect(await findJourney(getDb(), 'tenant-a', installmentId)).toMatchObject({ outcome: 'canceled' });
    });

    it.each([
      ['buyer.name', (b: ReturnType<typeof startBody>) => ({ ...b, buyer: { ...b.buyer, name: 'Ana\u0000Souza' } })],
      [
        'product.name',
        (b: ReturnType<typeof startBody>) => ({ ...b, product: { ...b.product, name: 'Course\u0007' } }),
      ],
      ['metadata.note', (b: ReturnType<typeof startBody>) => ({ ...b, metadata: { note: 'line\u0000break' } })],
      [
        'installmentNumber',
        (b: ReturnType<typeof startBody>) => ({ ...b, installmentNumber: 10_001, installmentCount: 10_001 }),
      ],
      ['installmentCount', (b: ReturnType<typeof startBody>) => ({ ...b, installmentCount: 10_001 })],
      ['dueDate', (b: ReturnType<typeof startBody>) => ({ ...b, dueDate: '1999-12-31' })],
      ['dueDate', (b: ReturnType<typeof startBody>) => ({ ...b, dueDate: '2101-01-01' })],
    ])('answers 400 naming %s for a value the database cannot store or plan', async (field, mutate) => {
      const installmentId = uniqueId('inst');
      const before = api.gateway.calls.length;
      const response = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: mutate(startBody(installmentId)),
      });
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).errors?.map((e) => e.path)).toContain(field);
      expect(api.gateway.calls.length).toBe(before);
      expect(await findJourney(getDb(), 'tenant-a', installmentId)).toBeUndefined();
    });

    it('accepts the bounds themselves (installment 10000 of 10000, due 2100-12-31)', async () => {
      const installmentId = await started({
        installmentNumber: 10_000,
        installmentCount: 10_000,
        dueDate: '2100-12-31',
      });
      expect(await findJourney(getDb(), 'tenant-a', installmentId)).toMatchObject({ dueDate: '2100-12-31' });
    });

    it.each([
      [
        'buyer.timezone',
        (b: ReturnType<typeof startBody>) => ({ ...b, buyer: { ...b.buyer, timezone: 'Mars/Olympus' } }),
      ],
      ['buyer.email', (b: ReturnType<typeof startBody>) => ({ ...b, buyer: { ...b.buyer, email: 'not-an-email' } })],
      [
        'amount.amountMinor',
        (b: ReturnType<typeof startBody>) => ({ ...b, amount: { amountMinor: -5, currency: 'BRL' } }),
      ],
      [
        'amount.amountMinor',
        (b: ReturnType<typeof startBody>) => ({ ...b, amount: { amountMinor: 10.5, currency: 'BRL' } }),
      ],
      [
        'amount.currency',
        (b: ReturnType<typeof startBody>) => ({ ...b, amount: { amountMinor: 100, currency: 'reais' } }),
      ],
      ['dueDate', (b: ReturnType<typeof startBody>) => ({ ...b, dueDate: '2026-02-30' })],
      ['installmentNumber', (b: ReturnType<typeof startBody>) => ({ ...b, installmentNumber: 7 })],
      ['paymentUrl', (b: ReturnType<typeof startBody>) => ({ ...b, paymentUrl: 'javascript:alert(1)' })],
      ['installmentId', (b: ReturnType<typeof startBody>) => ({ ...b, installmentId: 'has spaces/and slashes' })],
      ['product', (b: ReturnType<typeof startBody>) => ({ ...b, product: undefined })],
    ])('answers 400 naming %s, and starts nothing', async (field, mutate) => {
      const installmentId = uniqueId('inst');
      const before = api.gateway.calls.length;
      const response = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: mutate(startBody(installmentId)),
      });
      expect(response.statusCode).toBe(400);
      const body = problemOf(response);
      expect(body.errors?.map((e) => e.path)).toContain(field);
      expect(api.gateway.calls.length).toBe(before);
      expect(await findJourney(getDb(), 'tenant-a', installmentId)).toBeUndefined();
    });

    it('answers 422 naming policyId for an unknown policy', async () => {
      const response = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(uniqueId('inst'), { policyId: 'no-such-policy' }),
      });
      expect(response.statusCode).toBe(422);
      expect(problemOf(response).errors?.[0]?.path).toBe('policyId');
    });

    it('answers 400 (not 500) to malformed JSON and 415 to a body that is not JSON', async () => {
      const malformed = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: '{"installmentId":',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.statusCode).toBe(400);
      problemOf(malformed);
      const text = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: '<xml/>',
        headers: { 'content-type': 'application/xml' },
      });
      expect(text.statusCode).toBe(415);
      problemOf(text);
    });
  });

  describe('GET /v1/journeys/:installmentId', () => {
    it('answers the live status of a running journey, with its plan in the buyer’s zone', async () => {
      const installmentId = await started();
      const response = await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` });
      expect(response.statusCode).toBe(200);
      const status = response.json();
      expect(status).toMatchObject({
        source: 'workflow',
        stage: 'pre_due',
        outcome: null,
        dueDate: '2026-12-10',
        amountDueMinor: 19_990,
        currency: 'BRL',
      });
      // First step: 3 days before the due date, 10:00 in São Paulo (UTC-3) = 13:00 UTC.
      expect(status.nextAction).toMatchObject({ kind: 'send', channel: 'email', at: '2026-12-07T13:00:00.000Z' });
    });

    it('falls back to the database once the journey has ended', async () => {
      const installmentId = await started();
      await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/cancel`, payload: { reason: 'refund' } });
      const response = await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        source: 'database',
        stage: 'closed',
        outcome: 'canceled',
        cancelReason: 'refund',
      });
    });

    it('answers from the database when the live query fails (no worker answering)', async () => {
      const installmentId = await started();
      const status = vi
        .spyOn(api.gateway, 'status')
        .mockRejectedValueOnce(new Error('query timed out: no worker polling'));
      const response = await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` });
      status.mockRestore();
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ source: 'database', installmentId, stage: 'pre_due', outcome: null });
    });

    it('answers 404 for an installment with no journey', async () => {
      const response = await api.call({ method: 'GET', url: `/v1/journeys/${uniqueId('missing')}` });
      expect(response.statusCode).toBe(404);
      problemOf(response);
    });
  });

  describe('payments', () => {
    it('counts a partial then a full payment, each payment ID once, and records who reported it', async () => {
      const installmentId = await started();
      const pay = (paymentId: string, amountMinor: number) =>
        api.call({
          method: 'POST',
          url: `/v1/journeys/${installmentId}/payments`,
          payload: { paymentId, amountMinor, currency: 'BRL' },
        });
      expect((await pay('pay-1', 5_000)).statusCode).toBe(202);
      expect((await pay('pay-1', 5_000)).statusCode).toBe(202);
      const status = (await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` })).json();
      expect(status).toMatchObject({ amountPaidMinor: 5_000, outstandingMinor: 14_990 });
      expect((await pay('pay-2', 14_990)).statusCode).toBe(202);
      const journeyId = journeyWorkflowId('tenant-a', installmentId);
      const payments = await listPayments(getDb(), journeyId);
      expect(payments.map((p) => [p.paymentId, p.amountMinor])).toEqual([
        ['pay-1', 5_000],
        ['pay-2', 14_990],
      ]);
      const row = await findJourney(getDb(), 'tenant-a', installmentId);
      expect(row?.outcome).toBe('paid_before_due');
      const events = await listEvents(getDb(), journeyId);
      const reported = events.filter((e) => e.type === 'payment_received').map((e) => e.payload);
      expect(reported).toHaveLength(2);
      expect(reported[0]).toMatchObject({
        actor: { kind: 'api_key', id: expect.stringMatching(/^key_[0-9a-f]{12}$/) },
      });
    });

    it('refuses a payment in another currency, naming the field', async () => {
      const installmentId = await started();
      const response = await api.call({
        method: 'POST',
        url: `/v1/journeys/${installmentId}/payments`,
        payload: { paymentId: 'p', amountMinor: 100, currency: 'USD' },
      });
      expect(response.statusCode).toBe(422);
      expect(problemOf(response).errors?.[0]).toMatchObject({ path: 'currency' });
    });

    it.each([
      ['amountMinor', { paymentId: 'p', amountMinor: 0, currency: 'BRL' }],
      ['amountMinor', { paymentId: 'p', amountMinor: -10, currency: 'BRL' }],
      ['paymentId', { amountMinor: 10, currency: 'BRL' }],
      ['paidAt', { paymentId: 'p', amountMinor: 10, currency: 'BRL', paidAt: 'yesterday' }],
      ['paidAt', { paymentId: 'p', amountMinor: 10, currency: 'BRL', paidAt: '1999-12-31T23:59:59Z' }],
      [
        'paidAt',
        {
          paymentId: 'p',
          amountMinor: 10,
          currency: 'BRL',
          paidAt: new Date(Date.now() + 25 * 3_600_000).toISOString(),
        },
      ],
    ])('answers 400 naming %s', async (field, payload) => {
      const installmentId = await started();
      const response = await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/payments`, payload });
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).errors?.map((e) => e.path)).toContain(field);
    });

    it('accepts paidAt from 2000-01-01T00:00:00Z up to a day ahead (clock skew)', async () => {
      const installmentId = await started();
      const pay = (paymentId: string, paidAt: string) =>
        api.call({
          method: 'POST',
          url: `/v1/journeys/${installmentId}/payments`,
          payload: { paymentId, amountMinor: 10, currency: 'BRL', paidAt },
        });
      expect((await pay('early', '2000-01-01T00:00:00Z')).statusCode).toBe(202);
      expect((await pay('skewed', new Date(Date.now() + 23 * 3_600_000).toISOString())).statusCode).toBe(202);
    });

    it('settles a written-off journey with a late payment, once, as recovered', async () => {
      const installmentId = await started();
      const ref = { tenantId: 'tenant-a', installmentId };
      await api.gateway.apply(ref, { type: 'final_action_taken', at: NOW, action: 'write_off' });
      expect((await findJourney(getDb(), 'tenant-a', installmentId))?.outcome).toBe('written_off');
      const pay = () =>
        api.call({
          method: 'POST',
          url: `/v1/journeys/${installmentId}/payments`,
          payload: { paymentId: 'late-1', amountMinor: 19_990, currency: 'BRL' },
        });
      expect((await pay()).statusCode).toBe(202);
      expect((await pay()).statusCode).toBe(202);
      const row = await findJourney(getDb(), 'tenant-a', installmentId);
      expect(row).toMatchObject({ outcome: 'recovered', amountPaidMinor: 19_990 });
      expect(row?.status).toMatchObject({ outcome: 'recovered', outstandingMinor: 0 });
      const journeyId = journeyWorkflowId('tenant-a', installmentId);
      expect((await listPayments(getDb(), journeyId)).map((p) => p.paymentId)).toEqual(['late-1']);
      expect((await listEvents(getDb(), journeyId)).map((e) => e.type)).toEqual([
        'started',
        'final_action_taken',
        'payment_received',
      ]);
      const status = (await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` })).json();
      expect(status).toMatchObject({ source: 'database', outcome: 'recovered', amountPaidMinor: 19_990 });
      // Confirmed once, for the payment's own event, with the installment and the policy it ran.
      expect(confirmationsAsked(installmentId)).toEqual([
        expect.objectContaining({
          journeyId,
          paymentId: 'late-1',
          installment: expect.objectContaining({ installmentId, buyer: expect.objectContaining({ locale: 'pt-BR' }) }),
          policy: expect.objectContaining({ id: 'default' }),
          confirmation: expect.objectContaining({
            confirms: 3,
            template: 'payment_confirmation',
            amountPaidMinor: 19_990,
            amountDueMinor: 0,
          }),
        }),
      ]);
    });

    it('records a late payment and answers 202 even when its confirmation cannot be started (Temporal unreachable)', async () => {
      const installmentId = await started();
      await api.gateway.apply(
        { tenantId: 'tenant-a', installmentId },
        { type: 'final_action_taken', at: NOW, action: 'write_off' },
      );
      const unavailable = vi
        .spyOn(api.gateway, 'confirmLatePayment')
        .mockRejectedValueOnce(new JourneyServiceUnavailableError('Temporal unavailable: connect ECONNREFUSED'));
      const response = await api.call({
        method: 'POST',
        url: `/v1/journeys/${installmentId}/payments`,
        payload: { paymentId: 'late-unconfirmed', amountMinor: 19_990, currency: 'BRL' },
      });
      expect(unavailable).toHaveBeenCalledTimes(1);
      expect(response.statusCode).toBe(202);
      expect(await findJourney(getDb(), 'tenant-a', installmentId)).toMatchObject({ outcome: 'recovered' });
      unavailable.mockRestore();
    });

    it('records a payment on a canceled journey without changing its outcome', async () => {
      const installmentId = await started();
      await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/cancel`, payload: { reason: 'manual' } });
      const response = await api.call({
        method: 'POST',
        url: `/v1/journeys/${installmentId}/payments`,
        payload: { paymentId: 'after-cancel', amountMinor: 19_990, currency: 'BRL' },
      });
      expect(response.statusCode).toBe(202);
      expect(await findJourney(getDb(), 'tenant-a', installmentId)).toMatchObject({
        outcome: 'canceled',
        amountPaidMinor: 19_990,
      });
      // Nothing to thank the buyer for on a canceled journey.
      expect(confirmationsAsked(installmentId)).toEqual([]);
    });

    it('answers 409 to a message for a journey that has ended, and 404 for none', async () => {
      const installmentId = await started();
      await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/cancel`, payload: { reason: 'manual' } });
      const ended = await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/pause`, payload: {} });
      expect(ended.statusCode).toBe(409);
      expect(problemOf(ended).reason).toBe('canceled');
      const none = await api.call({ method: 'POST', url: `/v1/journeys/${uniqueId('missing')}/resume` });
      expect(none.statusCode).toBe(404);
    });
  });

  describe('PUT /v1/journeys/:installmentId/due-date', () => {
    it('moves the due date and answers the new plan', async () => {
      const installmentId = await started();
      const response = await api.call({
        method: 'PUT',
        url: `/v1/journeys/${installmentId}/due-date`,
        payload: { dueDate: '2026-12-20' },
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.dueDate).toBe('2026-12-20');
      expect(body.status).toMatchObject({
        dueDate: '2026-12-20',
        originalDueDate: '2026-12-10',
        reschedules: 1,
        planRevision: 1,
      });
      // The ladder restarts: 3 days before the new date, 10:00 São Paulo.
      expect(body.status.nextAction).toMatchObject({ kind: 'send', at: '2026-12-17T13:00:00.000Z' });
      expect((await findJourney(getDb(), 'tenant-a', installmentId))?.dueDate).toBe('2026-12-20');
    });

    it.each([
      ['beyond_limit', '2027-02-01'],
      ['in_the_past', '2026-11-30'],
      ['unchanged', '2026-12-10'],
    ])('answers 422 with the policy’s reason (%s)', async (reason, dueDate) => {
      const installmentId = await started();
      const response = await api.call({
        method: 'PUT',
        url: `/v1/journeys/${installmentId}/due-date`,
        payload: { dueDate },
      });
      expect(response.statusCode).toBe(422);
      const body = problemOf(response);
      expect(body.reason).toBe(reason);
      expect(body.errors?.[0]?.path).toBe('dueDate');
      expect((await findJourney(getDb(), 'tenant-a', installmentId))?.dueDate).toBe('2026-12-10');
    });

    it('answers 409 journey-ended when the workflow still runs but the journey has closed', async () => {
      const installmentId = await started();
      await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/cancel`, payload: { reason: 'manual' } });
      // The in-memory gateway answers not_running for a closed journey; Temporal's can still be finishing up.
      const change = vi
        .spyOn(api.gateway, 'changeDueDate')
        .mockResolvedValueOnce({ kind: 'refused', reason: 'journey_closed', message: 'the journey has already ended' });
      const response = await api.call({
        method: 'PUT',
        url: `/v1/journeys/${installmentId}/due-date`,
        payload: { dueDate: '2026-12-20' },
      });
      change.mockRestore();
      expect(response.statusCode).toBe(409);
      const body = problemOf(response);
      expect(body.title).toBe('The journey has already ended');
      expect(body.reason).toBe('canceled');
    });

    it('answers 400 naming dueDate for a date outside 2000–2100', async () => {
      const installmentId = await started();
      const response = await api.call({
        method: 'PUT',
        url: `/v1/journeys/${installmentId}/due-date`,
        payload: { dueDate: '2101-01-01' },
      });
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).errors?.map((e) => e.path)).toEqual(['dueDate']);
    });

    it('hands the Idempotency-Key to the gateway, and refuses a malformed one naming the header', async () => {
      const installmentId = await started();
      const spy = vi.spyOn(api.gateway, 'changeDueDate');
      const url = `/v1/journeys/${installmentId}/due-date`;
      const ok = await api.call({
        method: 'PUT',
        url,
        payload: { dueDate: '2026-12-18' },
        headers: { 'idempotency-key': 'req-42' },
      });
      expect(ok.statusCode).toBe(200);
      expect(spy.mock.calls[0]?.[2]).toEqual({ idempotencyKey: 'req-42' });
      spy.mockRestore();
      const bad = await api.call({
        method: 'PUT',
        url,
        payload: { dueDate: '2026-12-19' },
        headers: { 'idempotency-key': 'has space' },
      });
      expect(bad.statusCode).toBe(400);
      expect(problemOf(bad).errors?.[0]).toMatchObject({ in: 'headers', path: 'idempotency-key' });
    });

    it('replays a retry with the same Idempotency-Key, and refuses the key reused for another date (422)', async () => {
      const installmentId = await started();
      const url = `/v1/journeys/${installmentId}/due-date`;
      const change = (dueDate: string) =>
        api.call({ method: 'PUT', url, payload: { dueDate }, headers: { 'idempotency-key': `due-${installmentId}` } });
      const first = await change('2026-12-18');
      expect(first.statusCode).toBe(200);
      const retry = await change('2026-12-18');
      expect(retry.statusCode).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.json()).toEqual(first.json());
      const reused = await change('2026-12-24');
      expect(reused.statusCode).toBe(422);
      expect(problemOf(reused)).toMatchObject({ errors: [expect.objectContaining({ path: 'idempotency-key' })] });
      const status = await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` });
      expect(status.json().dueDate).toBe('2026-12-18');
    });

    it('refuses a third change under the default policy (two allowed)', async () => {
      const installmentId = await started();
      const change = (dueDate: string) =>
        api.call({ method: 'PUT', url: `/v1/journeys/${installmentId}/due-date`, payload: { dueDate } });
      expect((await change('2026-12-12')).statusCode).toBe(200);
      expect((await change('2026-12-14')).statusCode).toBe(200);
      const third = await change('2026-12-16');
      expect(third.statusCode).toBe(422);
      expect(problemOf(third).reason).toBe('too_many_changes');
    });
  });

  describe('pause, resume, cancel, contact, opt-out', () => {
    it('pauses until a time, resumes, and cancels with a reason', async () => {
      const installmentId = await started();
      const url = `/v1/journeys/${installmentId}`;
      // The API checks `until` against the real clock, the journeys run on the test clock (NOW).
      const until = new Date(Math.max(NOW, Date.now()) + 5 * 86_400_000).toISOString();
      expect((await api.call({ method: 'POST', url: `${url}/pause`, payload: { until } })).statusCode).toBe(202);
      expect((await api.call({ method: 'GET', url })).json()).toMatchObject({
        stage: 'paused',
        paused: { until },
        nextAction: { kind: 'resume', at: until },
      });
      expect((await api.call({ method: 'POST', url: `${url}/resume` })).statusCode).toBe(202);
      expect((await api.call({ method: 'GET', url })).json().stage).toBe('pre_due');
      expect(
        (await api.call({ method: 'POST', url: `${url}/cancel`, payload: { reason: 'subscription_canceled' } }))
          .statusCode,
      ).toBe(202);
      const types = (await listEvents(getDb(), journeyWorkflowId('tenant-a', installmentId))).map((e) => e.type);
      expect(types).toEqual(['started', 'paused', 'resumed', 'canceled']);
    });

    // Schemathesis (negative_data_rejection, ST201): a pause without a body was taken (paused
    // until resumed) while the document said the body was required.
    it('pauses with no body at all, as the document says it may', async () => {
      const installmentId = await started();
      const document = (await api.call({ method: 'GET', url: '/docs/json', key: null })).json();
      expect(document.paths['/v1/journeys/{installmentId}/pause'].post.requestBody.required).toBe(false);
      expect((await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/pause` })).statusCode).toBe(202);
      expect((await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` })).json()).toMatchObject({
        stage: 'paused',
        nextAction: { kind: 'resume' },
      });
    });

    it('refuses a pause that ends in the past and a cancel without a known reason', async () => {
      const installmentId = await started();
      const past = await api.call({
        method: 'POST',
        url: `/v1/journeys/${installmentId}/pause`,
        payload: { until: '2020-01-01T00:00:00Z' },
      });
      expect(past.statusCode).toBe(400);
      expect(problemOf(past).errors?.[0]?.path).toBe('until');
      const cancel = await api.call({
        method: 'POST',
        url: `/v1/journeys/${installmentId}/cancel`,
        payload: { reason: 'because' },
      });
      expect(cancel.statusCode).toBe(400);
      expect(problemOf(cancel).errors?.[0]?.path).toBe('reason');
    });

    it.each([
      ['no body', {}],
      ['an empty object', { payload: {} }],
    ])('pauses until resumed with %s', async (_label, body) => {
      const installmentId = await started();
      const response = await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/pause`, ...body });
      expect(response.statusCode).toBe(202);
      const status = (await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` })).json();
      expect(status).toMatchObject({ stage: 'paused', paused: { until: null } });
    });

    it('refuses a pause ending more than 366 days ahead, naming until, and accepts one within', async () => {
      const installmentId = await started();
      const pause = (until: number) =>
        api.call({
          method: 'POST',
          url: `/v1/journeys/${installmentId}/pause`,
          payload: { until: new Date(until).toISOString() },
        });
      const tooFar = await pause(Date.now() + 367 * 86_400_000);
      expect(tooFar.statusCode).toBe(400);
      expect(problemOf(tooFar).errors).toMatchObject([{ path: 'until', message: 'must be at most 366 days ahead' }]);
      expect(api.gateway.journeys.get(journeyWorkflowId('tenant-a', installmentId))?.paused).toBeNull();
      expect((await pause(Date.now() + 365 * 86_400_000)).statusCode).toBe(202);
    });

    it('updates contact data without writing the new address into the audit log', async () => {
      const installmentId = await started();
      const response = await api.call({
        method: 'PATCH',
        url: `/v1/journeys/${installmentId}/contact`,
        payload: { email: 'ana.new@example.com' },
      });
      expect(response.statusCode).toBe(202);
      const events = await listEvents(getDb(), journeyWorkflowId('tenant-a', installmentId));
      const update = events.find((e) => e.type === 'contact_updated');
      expect(update?.payload).toMatchObject({ fields: ['email'] });
      expect(JSON.stringify(update?.payload)).not.toContain('ana.new@example.com');
      const empty = await api.call({ method: 'PATCH', url: `/v1/journeys/${installmentId}/contact`, payload: {} });
      expect(empty.statusCode).toBe(400);
    });

    it('records an opt-out of a channel and refuses an unknown channel', async () => {
      const installmentId = await started();
      expect(
        (await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/opt-outs`, payload: { channel: 'sms' } }))
          .statusCode,
      ).toBe(202);
      expect(api.gateway.journeys.get(journeyWorkflowId('tenant-a', installmentId))?.optedOut).toEqual(['sms']);
      const bad = await api.call({
        method: 'POST',
        url: `/v1/journeys/${installmentId}/opt-outs`,
        payload: { channel: 'pigeon' },
      });
      expect(bad.statusCode).toBe(400);
      expect(problemOf(bad).errors?.[0]?.path).toBe('channel');
    });
  });

  describe('HTTP quality', () => {
    it('echoes a request id, or makes one', async () => {
      const given = await api.call({ method: 'GET', url: '/v1/journeys/x', headers: { 'x-request-id': 'req-123' } });
      expect(given.headers['x-request-id']).toBe('req-123');
      const made = await api.call({ method: 'GET', url: '/v1/journeys/x' });
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const unsafe = await api.call({
        method: 'GET',
        url: '/v1/journeys/x',
        headers: { 'x-request-id': 'evil\tline forged=1' },
      });
      expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('publishes OpenAPI with every journey route and an example body', async () => {
      const response = await api.call({ method: 'GET', url: '/docs/json', key: null });
      expect(response.statusCode).toBe(200);
      const spec = response.json();
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          '/v1/journeys',
          '/v1/journeys/{installmentId}',
          '/v1/journeys/{installmentId}/payments',
          '/v1/journeys/{installmentId}/due-date',
          '/v1/journeys/{installmentId}/pause',
          '/v1/journeys/{installmentId}/resume',
          '/v1/journeys/{installmentId}/cancel',
        ]),
      );
      expect(JSON.stringify(spec.components?.schemas?.StartJourney ?? spec)).toContain('inst_2026_0042');
    });

    // Schemathesis (unsupported_method, ST204): TRACE on a path we serve was a 404 "No such route".
    it('answers a method a path does not take with 405 and the methods it does take', async () => {
      const trace = await api.call({ method: 'TRACE' as 'GET', url: '/v1/journeys/inst-1' });
      expect(trace.statusCode).toBe(405);
      expect(trace.headers.allow).toBe('GET, HEAD');
      expect(problemOf(trace)).toMatchObject({ status: 405, title: 'Method not allowed' });
      const put = await api.call({ method: 'PUT', url: '/v1/journeys?stage=overdue', payload: {} });
      expect(put.statusCode).toBe(405);
      expect(put.headers.allow).toBe('GET, HEAD, POST');
      const nowhere = await api.call({ method: 'GET', url: '/v1/journeys/inst-1/nothing' });
      expect(nowhere.statusCode).toBe(404);
      expect(nowhere.headers.allow).toBeUndefined();
    });

    it('serves installment IDs of the full 128 characters in paths', async () => {
      const installmentId = `i${'x'.repeat(127)}`;
      expect(
        (await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) })).statusCode,
      ).toBe(201);
      const response = await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ installmentId });
    });

    it('answers an over-long installment ID with a 4xx problem', async () => {
      const named = await api.call({ method: 'GET', url: `/v1/journeys/${'x'.repeat(200)}` });
      expect(named.statusCode).toBe(400);
      expect(problemOf(named).errors?.map((e) => e.path)).toEqual(['installmentId']);
      const beyondRouter = await api.call({
        method: 'POST',
        url: `/v1/journeys/${'x'.repeat(300)}/pause`,
        payload: {},
      });
      expect(beyondRouter.statusCode).toBe(414);
      expect(problemOf(beyondRouter)).toMatchObject({ status: 414, title: 'A path parameter is too long' });
      expect(beyondRouter.body).not.toContain('x'.repeat(300));
      expect(beyondRouter.headers['x-request-id']).toBe(beyondRouter.json().requestId);
      const malformed = await api.call({ method: 'GET', url: '/v1/journeys/%E0%A4%A' });
      expect(malformed.statusCode).toBe(400);
      problemOf(malformed);
    });

    it.each([
      [
        'a message',
        () => vi.spyOn(api.gateway, 'reportPayment'),
        (id: string) => ({
          method: 'POST' as const,
          url: `/v1/journeys/${id}/payments`,
          payload: { paymentId: 'p-503', amountMinor: 10, currency: 'BRL' },
        }),
      ],
      [
        'a start',
        () => vi.spyOn(api.gateway, 'start'),
        () => ({ method: 'POST' as const, url: '/v1/journeys', payload: startBody(uniqueId('inst')) }),
      ],
      [
        'a due-date change',
        () => vi.spyOn(api.gateway, 'changeDueDate'),
        (id: string) => ({
          method: 'PUT' as const,
          url: `/v1/journeys/${id}/due-date`,
          payload: { dueDate: '2026-12-20' },
        }),
      ],
    ])('answers 503 with Retry-After when Temporal is unavailable for %s', async (_label, spy, request) => {
      const installmentId = await started();
      const method = spy().mockRejectedValueOnce(
        new JourneyServiceUnavailableError('Temporal unavailable: connection refused', 7),
      );
      const response = await api.call(request(installmentId));
      method.mockRestore();
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('7');
      expect(problemOf(response)).toMatchObject({ status: 503, type: expect.stringContaining('service-unavailable') });
    });

    it('answers an unknown route with a problem', async () => {
      const response = await api.call({ method: 'GET', url: '/v2/nothing' });
      expect(response.statusCode).toBe(404);
      problemOf(response);
    });
  });
});
