import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJourneyExample } from '../../api/schemas/journeys';
import { findJourney } from '../../db/journey-repository';
import { installments } from '../../db/schema';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, TENANT_B_KEY, startApi, startBody } from './support';

interface Affected {
  affected: { installmentId: string; journeyId: string; result: string }[];
  count: number;
}

describeEachDatabase('support actions API', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  async function seed(count: number, overrides: Record<string, unknown>) {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const installmentId = uniqueId('inst');
      const response = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(installmentId, { installmentNumber: i + 1, ...overrides }),
      });
      expect(response.statusCode).toBe(201);
      ids.push(installmentId);
    }
    return ids;
  }
  const sorted = (xs: string[]) => [...xs].sort();
  const status = async (installmentId: string) => (await findJourney(getDb(), 'tenant-a', installmentId))!;

  it('refund of a purchase cancels its open journeys with reason refund, and only those', async () => {
    const purchaseId = uniqueId('pur');
    const ids = await seed(3, { purchaseId });
    const [other] = await seed(1, { purchaseId: uniqueId('pur') });
    await api.call({ method: 'POST', url: `/v1/journeys/${ids[2]}/cancel`, payload: { reason: 'manual' } });

    const crossTenant = await api.call({
      method: 'POST',
      url: `/v1/purchases/${purchaseId}/refund`,
      key: TENANT_B_KEY,
    });
    expect(crossTenant.json()).toEqual({ affected: [], count: 0 });

    const response = await api.call({ method: 'POST', url: `/v1/purchases/${purchaseId}/refund` });
    expect(response.statusCode).toBe(200);
    const body = response.json() as Affected;
    expect(body.count).toBe(2);
    expect(sorted(body.affected.map((a) => a.installmentId))).toEqual(sorted([ids[0]!, ids[1]!]));
    expect(body.affected.every((a) => a.result === 'applied')).toBe(true);
    for (const id of [ids[0]!, ids[1]!]) {
      const row = await status(id);
      expect([row.outcome, row.status.cancelReason]).toEqual(['canceled', 'refund']);
    }
    expect((await status(ids[2]!)).status.cancelReason).toBe('manual');
    expect((await status(other!)).outcome).toBeNull();
    // Repeating it reaches nothing: the journeys have ended.
    expect((await api.call({ method: 'POST', url: `/v1/purchases/${purchaseId}/refund` })).json()).toEqual({
      affected: [],
      count: 0,
    });
  });

  it('a canceled subscription cancels its journeys with reason subscription_canceled', async () => {
    const subscriptionId = uniqueId('sub');
    const ids = await seed(2, { subscriptionId });
    const [other] = await seed(1, { subscriptionId: uniqueId('sub') });
    const response = await api.call({ method: 'POST', url: `/v1/subscriptions/${subscriptionId}/cancel` });
    expect(response.statusCode).toBe(200);
    expect(sorted((response.json() as Affected).affected.map((a) => a.installmentId))).toEqual(sorted(ids));
    for (const id of ids) expect((await status(id)).status.cancelReason).toBe('subscription_canceled');
    expect((await status(other!)).outcome).toBeNull();
  });

  it('a reactivated subscription starts the journey of its new installment, once', async () => {
    const subscriptionId = uniqueId('sub');
    const installmentId = uniqueId('inst');
    const payload = { ...startBody(installmentId), dueDate: '2027-01-10' };
    const first = await api.call({ method: 'POST', url: `/v1/subscriptions/${subscriptionId}/reactivate`, payload });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ installmentId, subscriptionId, created: true });
    const again = await api.call({ method: 'POST', url: `/v1/subscriptions/${subscriptionId}/reactivate`, payload });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ journeyId: first.json().journeyId, created: false });
    const listed = await api.call({
      method: 'GET',
      url: `/v1/journeys?buyerId=${startJourneyExample.buyer.id}&dueFrom=2027-01-10&dueTo=2027-01-10`,
    });
    expect(
      (listed.json().items as { installmentId: string; subscriptionId: string }[]).find(
        (j) => j.installmentId === installmentId,
      )?.subscriptionId,
    ).toBe(subscriptionId);

    const invalid = await api.call({
      method: 'POST',
      url: `/v1/subscriptions/${subscriptionId}/reactivate`,
      payload: { ...payload, installmentId: uniqueId('inst'), amount: { amountMinor: -1, currency: 'BRL' } },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors[0].path).toBe('amount.amountMinor');
  });

  it('a buyer’s new contact data reaches every open journey of that buyer', async () => {
    const buyer = { ...startJourneyExample.buyer, id: uniqueId('buyer') };
    const ids = await seed(2, { buyer });
    const [stranger] = await seed(1, { buyer: { ...buyer, id: uniqueId('buyer') } });
    const response = await api.call({
      method: 'POST',
      url: `/v1/buyers/${buyer.id}/contact`,
      payload: { email: 'new.address@example.com', phone: null },
    });
    expect(response.statusCode).toBe(200);
    expect((response.json() as Affected).count).toBe(2);
    const rows = await getDb().select().from(installments).where(eq(installments.buyerId, buyer.id));
    expect(rows.map((r) => [r.buyer.email, r.buyer.phone])).toEqual([
      ['new.address@example.com', undefined],
      ['new.address@example.com', undefined],
    ]);
    const [strangerRow] = await getDb()
      .select()
      .from(installments)
      .where(and(eq(installments.tenantId, 'tenant-a'), eq(installments.installmentId, stranger!)));
    expect(strangerRow!.buyer.email).toBe(startJourneyExample.buyer.email);
    expect(ids).toHaveLength(2);

    const empty = await api.call({ method: 'POST', url: `/v1/buyers/${buyer.id}/contact`, payload: {} });
    expect(empty.statusCode).toBe(400);
    expect(empty.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('a buyer who asks support to stop a channel is opted out of it in every open journey of theirs, and no one else’s', async () => {
    const buyer = { ...startJourneyExample.buyer, id: uniqueId('buyer') };
    const ids = await seed(2, { buyer });
    const [stranger] = await seed(1, { buyer: { ...buyer, id: uniqueId('buyer') } });
    const response = await api.call({
      method: 'POST',
      url: `/v1/buyers/${buyer.id}/opt-outs`,
      payload: { channel: 'whatsapp' },
    });
    expect(response.statusCode).toBe(200);
    expect((response.json() as Affected).count).toBe(2);
    const optOuts = api.gateway.calls.filter((c) => c.method === 'optOut');
    expect(optOuts.map((c) => (c.ref as { installmentId: string }).installmentId).sort()).toEqual([...ids].sort());
    expect(optOuts.every((c) => (c.argument as { channel: string }).channel === 'whatsapp')).toBe(true);
    expect(optOuts.map((c) => (c.ref as { installmentId: string }).installmentId)).not.toContain(stranger);

    const unknownChannel = await api.call({
      method: 'POST',
      url: `/v1/buyers/${buyer.id}/opt-outs`,
      payload: { channel: 'pigeon' },
    });
    expect(unknownChannel.statusCode).toBe(400);
    expect(unknownChannel.json().errors[0].path).toBe('channel');

    // The in-app channel has no STOP keyword or link: the buyer asks support, who record it here.
    const inApp = await api.call({
      method: 'POST',
      url: `/v1/buyers/${buyer.id}/opt-outs`,
      payload: { channel: 'in_app' },
    });
    expect(inApp.statusCode).toBe(200);
    expect(inApp.json()).toMatchObject({ count: 2, optOut: { channel: 'in_app', source: 'support' } });
    expect(
      api.gateway.calls.filter(
        (c) => c.method === 'optOut' && (c.argument as { channel: string }).channel === 'in_app',
      ),
    ).toHaveLength(2);
  });

  describe('a buyer’s stop that lasts', () => {
    const optOutsOf = async (buyerId: string, key?: string) =>
      (await api.call({ method: 'GET', url: `/v1/buyers/${buyerId}/opt-outs`, ...(key && { key }) })).json() as {
        optOuts: { channel: string; source: string; recordedBy: { keyId: string }; recordedAt: string }[];
      };

    it('is kept for the buyer with its source and author, and lifted only when the buyer says so', async () => {
      const buyer = { ...startJourneyExample.buyer, id: uniqueId('buyer') };
      const [open] = await seed(1, { buyer });
      const stopped = await api.call({
        method: 'POST',
        url: `/v1/buyers/${buyer.id}/opt-outs`,
        payload: { channel: 'sms' },
      });
      expect(stopped.statusCode).toBe(200);
      expect(stopped.json()).toMatchObject({ count: 1, optOut: { channel: 'sms', source: 'support' } });
      const [kept] = (await optOutsOf(buyer.id)).optOuts;
      expect(kept).toMatchObject({ channel: 'sms', source: 'support', recordedBy: { keyId: expect.any(String) } });
      expect(Date.parse(kept!.recordedAt)).toBeGreaterThan(Date.now() - 60_000);
      // The tenant's alone: another tenant's buyer of the same id is someone else.
      expect((await optOutsOf(buyer.id, TENANT_B_KEY)).optOuts).toEqual([]);
      // Repeating it keeps the first record.
      await api.call({ method: 'POST', url: `/v1/buyers/${buyer.id}/opt-outs`, payload: { channel: 'sms' } });
      expect((await optOutsOf(buyer.id)).optOuts).toEqual([kept]);

      const lifted = await api.call({ method: 'DELETE', url: `/v1/buyers/${buyer.id}/opt-outs/sms` });
      expect(lifted.statusCode).toBe(200);
      expect(lifted.json()).toMatchObject({ wasOptedOut: true, count: 1 });
      expect(
        api.gateway.calls
          .filter((c) => c.method === 'optIn')
          .map((c) => (c.ref as { installmentId: string }).installmentId),
      ).toContain(open);
      expect((await optOutsOf(buyer.id)).optOuts).toEqual([]);
      const again = await api.call({ method: 'DELETE', url: `/v1/buyers/${buyer.id}/opt-outs/sms` });
      expect(again.json()).toMatchObject({ wasOptedOut: false });
      expect((await api.call({ method: 'DELETE', url: `/v1/buyers/${buyer.id}/opt-outs/pigeon` })).statusCode).toBe(
        400,
      );
    });

    it('recorded on one journey, is the buyer’s — even when that journey has ended', async () => {
      const buyer = { ...startJourneyExample.buyer, id: uniqueId('buyer') };
      const [ended] = await seed(1, { buyer });
      const canceled = await api.call({
        method: 'POST',
        url: `/v1/journeys/${ended}/cancel`,
        payload: { reason: 'refund' },
      });
      expect(canceled.statusCode, canceled.body).toBe(202);
      const late = await api.call({ method: 'POST', url: `/v1/journeys/${ended}/pause`, payload: {} });
      expect(late.statusCode, 'the journey has ended').toBe(409);
      const response = await api.call({
        method: 'POST',
        url: `/v1/journeys/${ended}/opt-outs`,
        payload: { channel: 'whatsapp' },
      });
      expect(response.statusCode).toBe(202);
      expect((await optOutsOf(buyer.id)).optOuts).toMatchObject([{ channel: 'whatsapp', source: 'support:journey' }]);
      const unknown = await api.call({
        method: 'POST',
        url: `/v1/journeys/${uniqueId('none')}/opt-outs`,
        payload: { channel: 'sms' },
      });
      expect(unknown.statusCode).toBe(404);
    });
  });

  describe('refusals', () => {
    it('refuses malformed path IDs without touching any journey', async () => {
      const before = api.gateway.calls.length;
      for (const url of [
        '/v1/purchases/has%20space/refund',
        '/v1/subscriptions/%2F..%2F/cancel',
        `/v1/buyers/${'x'.repeat(129)}/contact`,
      ]) {
        const response = await api.call({ method: 'POST', url, payload: { email: 'a@example.com' } });
        expect(response.statusCode, url).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      expect(api.gateway.calls.length).toBe(before);
    });
  });
});
