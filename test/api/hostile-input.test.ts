/**
 * What an outside probe sent: text that is not well-formed Unicode (lone surrogates, written as
 * JSON escapes), C1 controls, bidirectional overrides, made-up currencies and absurd nesting. Each
 * is a 400 problem+json naming the field, before anything is written — and a bulk start with an
 * Idempotency-Key neither starts an item nor keeps the key.
 */
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, idempotencyKeys, journeys, tenants } from '../../db/schema';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, startApi, startBody } from './support';

/** A JSON document with `\ud800`-style escapes kept as written (JSON.stringify would also write them so). */
const json = (value: unknown) => JSON.stringify(value);

/** `{"items":[[[…"x"…]]]}` built as text: no JavaScript value this deep is ever made on our side. */
function deeplyNestedBulk(depth: number): string {
  return `{"items":[${'['.repeat(depth)}"x"${']'.repeat(depth)}]}`;
}

describeEachDatabase('hostile input', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  /** What a refused request must leave unchanged. */
  const footprint = async () => {
    const db = getDb();
    const [[j], [e], [k]] = await Promise.all([
      db.select({ n: count() }).from(journeys),
      db.select({ n: count() }).from(events),
      db.select({ n: count() }).from(idempotencyKeys),
    ]);
    return { journeys: j!.n, events: e!.n, keys: k!.n, gateway: api.gateway.calls.length };
  };

  const expectRefused = async (
    request: Parameters<ApiHarness['call']>[0],
    path: string,
    message: RegExp = /lone surrogate/,
  ) => {
    const before = await footprint();
    const response = await api.call(request);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const errors = response.json().errors as { path: string; message: string }[];
    expect(errors, response.body).toContainEqual(
      expect.objectContaining({ path, message: expect.stringMatching(message) }),
    );
    expect(await footprint()).toEqual(before);
  };

  describe('text that is not well-formed Unicode', () => {
    const cases: [string, (id: string) => Record<string, unknown>, string][] = [
      ['buyer.name', (id) => startBody(id, { buyer: { ...startBody(id).buyer, name: 'Ana \ud800' } }), 'buyer.name'],
      ['product.name', (id) => startBody(id, { product: { id: 'p', name: '\udfffCourse' } }), 'product.name'],
      ['a metadata value', (id) => startBody(id, { metadata: { note: 'x\udc00' } }), 'metadata.note'],
      ['a metadata key', (id) => startBody(id, { metadata: { 'k\ud83d': 'v' } }), 'metadata'],
    ];
    for (const [what, body, path] of cases) {
      it(`in ${what} is a 400 naming it, and nothing is started`, async () => {
        await expectRefused(
          {
            method: 'POST',
            url: '/v1/journeys',
            payload: json(body(uniqueId('inst'))),
            headers: { 'content-type': 'application/json' },
          },
          path,
        );
      });
    }

    it('in the tenant name is a 400, not stored as U+FFFD', async () => {
      const [before] = await getDb().select().from(tenants);
      await expectRefused(
        {
          method: 'PATCH',
          url: '/v1/tenant',
          payload: json({ name: 'Acme \ud800' }),
          headers: { 'content-type': 'application/json' },
        },
        'name',
      );
      const [after] = await getDb().select().from(tenants);
      expect(after?.name).toBe(before?.name);
    });

    it('in a bulk item with an Idempotency-Key: 400, no item started, the key free for the corrected request', async () => {
      const key = uniqueId('idem');
      const good = startBody(uniqueId('inst'));
      const bad = startBody(uniqueId('inst'), { buyer: { ...startBody('x').buyer, name: '\ud800' } });
      const request = {
        method: 'POST' as const,
        url: '/v1/journeys/bulk',
        headers: { 'idempotency-key': key, 'content-type': 'application/json' },
      };
      for (let attempt = 0; attempt < 2; attempt++)
        await expectRefused({ ...request, payload: json({ items: [good, bad] }) }, 'items.1.buyer.name');
      const corrected = await api.call({ ...request, payload: json({ items: [good] }) });
      expect(corrected.statusCode, corrected.body).toBe(200);
      expect(corrected.json().summary.started).toBe(1);
    });
  });

  describe('characters that hide or spoof', () => {
    const spoofs: [string, string][] = [
      ['a C1 control (NEL)', 'Course\u0085Bcc: x'],
      ['a right-to-left override', 'Invoice \u202Efdp.exe'],
      ['a bidirectional isolate', '\u2066Course\u2069'],
      ['DEL', 'Course\u007f'],
    ];
    for (const [what, name] of spoofs) {
      it(`${what} in a product name is a 400 naming product.name`, async () => {
        await expectRefused(
          { method: 'POST', url: '/v1/journeys', payload: startBody(uniqueId('inst'), { product: { id: 'p', name } }) },
          'product.name',
          /control characters or bidirectional overrides/,
        );
      });
    }
  });

  it('a made-up currency is a 400 naming amount.currency', async () => {
    for (const currency of ['AAA', 'ZZZ']) {
      await expectRefused(
        {
          method: 'POST',
          url: '/v1/journeys',
          payload: startBody(uniqueId('inst'), { amount: { amountMinor: 100, currency } }),
        },
        'amount.currency',
        /ISO 4217/,
      );
    }
  });

  describe('absurd nesting', () => {
    for (const depth of [40, 5_000, 50_000]) {
      it(`a bulk item nested ${depth} deep with an Idempotency-Key is a 400, not a stack overflow`, async () => {
        await expectRefused(
          {
            method: 'POST',
            url: '/v1/journeys/bulk',
            payload: deeplyNestedBulk(depth),
            headers: { 'idempotency-key': uniqueId('idem'), 'content-type': 'application/json' },
          },
          ['items', ...Array<string>(31).fill('0')].join('.'),
          /nested at most 32/,
        );
      });
    }
  });
});
