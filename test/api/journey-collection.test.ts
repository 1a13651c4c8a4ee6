import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJourney } from '../../db/journey-repository';
import { startJourneyExample } from '../../api/schemas/journeys';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, TENANT_B_KEY, startApi, startBody } from './support';

const DAY = 86_400_000;
/** A due date `days` from today (UTC): negative = in the past. */
const dueIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

interface Summary {
  journeyId: string;
  installmentId: string;
  stage: string;
  outcome: string | null;
  dueDate: string;
  daysOverdue: number;
  buyerId: string;
  productId: string;
}

function problemOf(response: { headers: Record<string, unknown>; json(): unknown }) {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json() as { status: number; errors?: { in?: string; path: string; message: string }[] };
}

describeEachDatabase('journey collection API', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  /** Starts journeys through the single route; returns their installment IDs. */
  async function seed(count: number, overrides: (i: number) => Record<string, unknown>) {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const installmentId = uniqueId('inst');
      const response = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(installmentId, overrides(i)),
      });
      expect(response.statusCode).toBe(201);
      ids.push(installmentId);
    }
    return ids;
  }

  async function listAll(query: string, limit: number): Promise<{ items: Summary[]; pages: number }> {
    const items: Summary[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await api.call({
        method: 'GET',
        url: `/v1/journeys?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(response.statusCode).toBe(200);
      const page = response.json() as { items: Summary[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      cursor = page.nextCursor;
      pages++;
      expect(pages).toBeLessThan(100);
    } while (cursor);
    return { items, pages };
  }

  describe('POST /v1/journeys/bulk', () => {
    it('starts the valid items, reports each invalid one by index and field, and answers 207', async () => {
      const [a, b, c] = [uniqueId('bulk'), uniqueId('bulk'), uniqueId('bulk')];
      const existing = (await seed(1, () => ({})))[0]!;
      const items = [
        startBody(a),
        startBody(b, { dueDate: '2026-02-30' }),
        { nonsense: true },
        startBody(existing),
        startBody(c, { policyId: 'no-such-policy' }),
        startBody(a),
        'not an object',
      ];
      const before = api.gateway.calls.length;
      const response = await api.call({ method: 'POST', url: '/v1/journeys/bulk', payload: { items } });
      expect(response.statusCode).toBe(207);
      const body = response.json() as {
        summary: Record<string, number>;
        results: {
          index: number;
          installmentId: string | null;
          status: number;
          journeyId?: string;
          errors?: { path: string }[];
        }[];
      };
      expect(body.summary).toEqual({ total: 7, started: 1, existing: 2, failed: 4 });
      expect(body.results.map((r) => [r.index, r.installmentId, r.status])).toEqual([
        [0, a, 201],
        [1, b, 400],
        [2, null, 400],
        [3, existing, 200],
        [4, c, 422],
        [5, a, 200],
        [6, null, 400],
      ]);
      expect(body.results[1]!.errors!.map((e) => e.path)).toEqual(['items.1.dueDate']);
      expect(body.results[4]!.errors!.map((e) => e.path)).toEqual(['items.4.policyId']);
      expect(body.results[5]!.journeyId).toBe(body.results[0]!.journeyId);
      expect(await findJourney(getDb(), 'tenant-a', a)).toBeDefined();
      expect(await findJourney(getDb(), 'tenant-a', b)).toBeUndefined();
      expect(await findJourney(getDb(), 'tenant-a', c)).toBeUndefined();
      // Only the valid new installment reached the gateway; the existing one was answered from the database.
      expect(
        api.gateway.calls
          .slice(before)
          .filter((call) => call.method === 'start')
          .map((call) => call.ref.installmentId),
      ).toEqual([a]);
    });

    it('answers 200 when every item started or existed, and refuses an empty or oversize batch', async () => {
      const ids = [uniqueId('bulk'), uniqueId('bulk')];
      const ok = await api.call({
        method: 'POST',
        url: '/v1/journeys/bulk',
        payload: { items: ids.map((id) => startBody(id)) },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().summary).toEqual({ total: 2, started: 2, existing: 0, failed: 0 });
      const empty = await api.call({ method: 'POST', url: '/v1/journeys/bulk', payload: { items: [] } });
      expect(problemOf(empty).errors?.[0]?.path).toBe('items');
      const tooMany = await api.call({
        method: 'POST',
        url: '/v1/journeys/bulk',
        payload: { items: Array.from({ length: 1001 }, () => ({})) },
      });
      expect(tooMany.statusCode).toBe(400);
      expect(problemOf(tooMany).errors?.[0]?.path).toBe('items');
    });

    it('starts a full batch of 1,000 with bounded concurrency', async () => {
      const product = { id: uniqueId('prod'), name: 'Bulk' };
      const items = Array.from({ length: 1000 }, () => startBody(uniqueId('big'), { product }));
      const response = await api.call({ method: 'POST', url: '/v1/journeys/bulk', payload: { items } });
      expect(response.statusCode).toBe(200);
      expect(response.json().summary.started).toBe(1000);
      const { items: listed } = await listAll(`productId=${product.id}`, 200);
      expect(listed).toHaveLength(1000);
    }, 60_000);
  });

  describe('GET /v1/journeys', () => {
    it('pages through every match once, in (due date, id) order, whatever the page size', async () => {
      const product = { id: uniqueId('prod'), name: 'Paged' };
      const ids = await seed(23, (i) => ({ product, dueDate: dueIn((i % 5) - 2) }));
      for (const limit of [1, 4, 7, 23, 200]) {
        const { items, pages } = await listAll(`productId=${product.id}`, limit);
        expect(items.map((j) => j.installmentId).sort()).toEqual([...ids].sort());
        expect(new Set(items.map((j) => j.journeyId)).size).toBe(23);
        expect(pages).toBe(Math.ceil(23 / limit));
        const keys = items.map((j) => [j.dueDate, j.journeyId] as const);
        const sorted = [...keys].sort((x, y) =>
          x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0,
        );
        expect(keys.map((k) => k[0])).toEqual(sorted.map((k) => k[0]));
      }
    });

    it('filters by buyer, product, stage, outcome, due-date range and days overdue', async () => {
      const product = { id: uniqueId('prod'), name: 'Filtered' };
      const buyerX = { ...startJourneyExample.buyer, id: uniqueId('buyer') };
      const buyerY = { ...startJourneyExample.buyer, id: uniqueId('buyer') };
      const [late10, late2] = await seed(2, (i) => ({ product, buyer: buyerX, dueDate: dueIn(i === 0 ? -10 : -2) }));
      const [future5] = await seed(1, () => ({ product, buyer: buyerY, dueDate: dueIn(5) }));
      const canceled = (await seed(1, () => ({ product, buyer: buyerY, dueDate: dueIn(-3) })))[0]!;
      expect(
        (await api.call({ method: 'POST', url: `/v1/journeys/${canceled}/cancel`, payload: { reason: 'manual' } }))
          .statusCode,
      ).toBe(202);

      const ids = async (query: string) => {
        const response = await api.call({ method: 'GET', url: `/v1/journeys?productId=${product.id}&${query}` });
        expect(response.statusCode).toBe(200);
        return (response.json().items as Summary[]).map((j) => j.installmentId).sort();
      };
      expect(await ids(`buyerId=${buyerX.id}`)).toEqual([late10, late2].sort());
      expect(await ids(`buyerId=${buyerY.id}`)).toEqual([future5, canceled].sort());
      expect(await ids('stage=overdue')).toEqual([late10, late2].sort());
      expect(await ids('stage=pre_due,closed')).toEqual([future5, canceled].sort());
      expect(await ids('outcome=canceled')).toEqual([canceled]);
      expect(await ids('daysOverdueMin=3')).toEqual([late10, canceled].sort());
      expect(await ids('daysOverdueMin=1&daysOverdueMax=5')).toEqual([late2, canceled].sort());
      expect(await ids('daysOverdueMax=-1')).toEqual([future5]);
      expect(await ids(`dueFrom=${dueIn(-3)}&dueTo=${dueIn(0)}`)).toEqual([late2, canceled].sort());
      const one = (await api.call({ method: 'GET', url: `/v1/journeys?buyerId=${buyerY.id}&stage=pre_due` })).json()
        .items as Summary[];
      expect(one).toEqual([
        expect.objectContaining({
          installmentId: future5,
          daysOverdue: -5,
          buyerId: buyerY.id,
          productId: product.id,
          outcome: null,
        }),
      ]);
      // Another tenant sees none of them.
      const other = await api.call({ method: 'GET', url: `/v1/journeys?productId=${product.id}`, key: TENANT_B_KEY });
      expect(other.json().items).toEqual([]);
    });

    it('refuses malformed filters and cursors as problem+json naming the parameter', async () => {
      for (const [query, path] of [
        ['stage=sleeping', 'stage'],
        ['limit=201', 'limit'],
        ['limit=0', 'limit'],
        ['dueFrom=2026-13-01', 'dueFrom'],
        ['daysOverdueMin=5&daysOverdueMax=1', 'daysOverdueMin'],
        ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
        ['cursor=has%20space', 'cursor'],
        ['unknown=1', 'unknown'],
      ] as const) {
        const response = await api.call({ method: 'GET', url: `/v1/journeys?${query}` });
        expect(response.statusCode, query).toBe(400);
        expect(
          problemOf(response).errors?.some((e) => e.path === path || e.path.startsWith(`${path}.`)),
          query,
        ).toBe(true);
      }
    });
  });

  describe('pause and resume by filter', () => {
    it('pauses the open journeys that match, in bounded calls continued by cursor, then resumes them', async () => {
      const product = { id: uniqueId('prod'), name: 'Paused' };
      const ids = await seed(5, (i) => ({ product, dueDate: dueIn(-i) }));
      const [otherProduct] = await seed(1, () => ({ dueDate: dueIn(-1) }));
      const ended = (await seed(1, () => ({ product, dueDate: dueIn(-2) })))[0]!;
      await api.call({ method: 'POST', url: `/v1/journeys/${ended}/cancel`, payload: { reason: 'manual' } });

      const first = await api.call({
        method: 'POST',
        url: '/v1/journeys/pause',
        payload: { filter: { productId: product.id }, limit: 3 },
      });
      expect(first.statusCode).toBe(200);
      const firstBody = first.json();
      expect(firstBody).toMatchObject({ matched: 3, applied: 3, notRunning: 0, unavailable: 0 });
      expect(firstBody.nextCursor).toEqual(expect.any(String));
      const second = await api.call({
        method: 'POST',
        url: '/v1/journeys/pause',
        payload: { filter: { productId: product.id }, limit: 3, cursor: firstBody.nextCursor },
      });
      expect(second.json()).toMatchObject({ matched: 2, applied: 2, nextCursor: null });
      expect([...firstBody.installmentIds, ...second.json().installmentIds].sort()).toEqual([...ids].sort());

      const paused = await api.call({ method: 'GET', url: `/v1/journeys?productId=${product.id}&stage=paused` });
      expect((paused.json().items as Summary[]).map((j) => j.installmentId).sort()).toEqual([...ids].sort());
      expect((await findJourney(getDb(), 'tenant-a', otherProduct!))!.stage).not.toBe('paused');
      expect((await findJourney(getDb(), 'tenant-a', ended))!.outcome).toBe('canceled');
      // Already paused: a repeat selects nothing.
      expect(
        (
          await api.call({ method: 'POST', url: '/v1/journeys/pause', payload: { filter: { productId: product.id } } })
        ).json().matched,
      ).toBe(0);

      const resumed = await api.call({
        method: 'POST',
        url: '/v1/journeys/resume',
        payload: { filter: { productId: product.id, daysOverdueMin: 2 } },
      });
      expect(resumed.json()).toMatchObject({ matched: 3, applied: 3 });
      const stillPaused = await api.call({ method: 'GET', url: `/v1/journeys?productId=${product.id}&stage=paused` });
      expect((stillPaused.json().items as Summary[]).map((j) => j.installmentId).sort()).toEqual(
        [ids[0], ids[1]].sort(),
      );
    });

    it('refuses a malformed filter without messaging any journey', async () => {
      const before = api.gateway.calls.length;
      for (const payload of [
        { filter: { stage: ['nope'] } },
        { filter: { color: 'red' } },
        { limit: 1001 },
        { until: 'tomorrow' },
        { cursor: 'AAAA' },
      ]) {
        const response = await api.call({ method: 'POST', url: '/v1/journeys/pause', payload });
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        problemOf(response);
      }
      expect(api.gateway.calls.length).toBe(before);
    });
  });
});
