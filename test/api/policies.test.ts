import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePolicies } from '../../application/policy-catalog';
import { insertNextPolicyVersion } from '../../db/policy-repository';
import { defaultPolicy, type Policy } from '../../domain/policy';
import { journeyWorkflowId } from '../../workflows/messages';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, TENANT_B_KEY, startApi, startBody } from './support';

/** Wednesday 2026-12-02 12:00 UTC: eight days before the bodies' due date of 2026-12-10. */
const NOW = Date.UTC(2026, 11, 2, 12, 0);

type ProblemBody = { status: number; errors?: { in?: string; path: string; message: string }[] };

/** A valid policy document without a version, under a fresh id (tests share one database). */
function draft(overrides: Partial<Policy> = {}) {
  const { version: _version, ...rest } = defaultPolicy;
  return { ...rest, id: uniqueId('pol'), ...overrides };
}

function problemOf(response: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json() as ProblemBody;
}

describeEachDatabase('policies API', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb(), () => NOW);
  });
  afterAll(async () => {
    await api.app.close();
  });

  const create = (body: unknown, key?: string) =>
    api.call({ method: 'POST', url: '/v1/policies', payload: body as object, ...(key && { key }) });
  const addVersion = (id: string, body: unknown, key?: string) =>
    api.call({ method: 'POST', url: `/v1/policies/${id}/versions`, payload: body as object, ...(key && { key }) });
  const withoutId = ({ id: _id, ...rest }: ReturnType<typeof draft>) => rest;

  describe('create and read', () => {
    it('creates version 1 and reads it back, latest and by version', async () => {
      const body = draft({ maxContactsPer7Days: 2 });
      const created = await create(body);
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ id: body.id, version: 1, maxContactsPer7Days: 2, builtIn: false });

      const latest = await api.call({ method: 'GET', url: `/v1/policies/${body.id}` });
      expect(latest.statusCode).toBe(200);
      expect(latest.json()).toEqual(created.json());
      const v1 = await api.call({ method: 'GET', url: `/v1/policies/${body.id}?version=1` });
      expect(v1.json()).toEqual(created.json());
      const v9 = await api.call({ method: 'GET', url: `/v1/policies/${body.id}?version=9` });
      expect(v9.statusCode).toBe(404);
    });

    it('takes in-app steps, and names the step of an unknown channel (400)', async () => {
      const steps = defaultPolicy.steps.map((s, i) => (i === 1 ? { ...s, channel: 'in_app' as const } : s));
      const created = await create(draft({ steps }));
      expect(created.statusCode, created.body).toBe(201);
      expect((created.json() as Policy).steps[1]).toMatchObject({ channel: 'in_app' });
      const unknown = await create({
        ...draft(),
        steps: steps.map((s, i) => (i === 2 ? { ...s, channel: 'fax' } : s)),
      });
      expect(unknown.statusCode).toBe(400);
      expect(problemOf(unknown).errors?.map((e) => e.path)).toEqual(['steps.2.channel']);
    });

    it('answers 409 when the id is taken, and for the built-in default', async () => {
      const body = draft();
      expect((await create(body)).statusCode).toBe(201);
      const again = await create({ ...body, maxContactsPer7Days: 1 });
      expect(again.statusCode).toBe(409);
      expect(problemOf(again).errors?.[0]?.path).toBe('id');
      expect((await api.call({ method: 'GET', url: `/v1/policies/${body.id}` })).json()).toMatchObject({
        version: 1,
        maxContactsPer7Days: 3,
      });
      expect((await create({ ...body, id: 'default' })).statusCode).toBe(409);
    });

    it('ignores a version in the body: the first version is always 1', async () => {
      const body = { ...draft(), version: 7 };
      const created = await create(body);
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ version: 1 });
    });

    it('reads 404 for an unknown policy and 400 for a malformed id or version', async () => {
      expect((await api.call({ method: 'GET', url: '/v1/policies/nope-nothing' })).statusCode).toBe(404);
      const badId = await api.call({ method: 'GET', url: '/v1/policies/Not%20An%20Id' });
      expect(badId.statusCode).toBe(400);
      expect(problemOf(badId).errors?.[0]?.path).toBe('policyId');
      const badVersion = await api.call({ method: 'GET', url: '/v1/policies/default?version=zero' });
      expect(badVersion.statusCode).toBe(400);
      expect(problemOf(badVersion).errors?.[0]?.path).toBe('version');
    });

    it('serves the built-in default until the tenant adds its own versions', async () => {
      const response = await api.call({ method: 'GET', url: '/v1/policies/default', key: TENANT_B_KEY });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ ...defaultPolicy, builtIn: true });
    });
  });

  describe('validation', () => {
    it('names the offending field of a step out of order (400)', async () => {
      const body = draft();
      body.steps = body.steps.map((s, i) => (i === 2 ? { ...s, offsetDays: -10 } : s));
      const response = await create(body);
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).errors?.map((e) => e.path)).toContain('steps.2.offsetDays');
    });

    it('names plain field errors and cross-field rules alike', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ maxContactsPer7Days: 0 }, 'maxContactsPer7Days'],
        [{ steps: [] }, 'steps'],
        [{ quietHours: { start: '21:00', end: '21:00' } }, 'quietHours'],
        [{ steps: [{ offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '22:00' }] }, 'steps.0.sendAt'],
        [{ steps: [{ offsetDays: 0, channel: 'pigeon', template: 'due_today', sendAt: '10:00' }] }, 'steps.0.channel'],
        [{ finalAction: { action: 'write_off', offsetDays: 5 } }, 'finalAction.offsetDays'],
        [{ id: 'Has Spaces' }, 'id'],
      ];
      for (const [override, path] of cases) {
        const response = await create({ ...draft(), ...override });
        expect(response.statusCode, path).toBe(400);
        expect(
          problemOf(response).errors?.map((e) => e.path),
          path,
        ).toContain(path);
      }
    });

    it('stores nothing when a document is refused', async () => {
      const body = draft({ maxContactsPer7Days: 99 });
      expect((await create(body)).statusCode).toBe(400);
      expect((await api.call({ method: 'GET', url: `/v1/policies/${body.id}` })).statusCode).toBe(404);
    });
  });

  describe('versions', () => {
    it('adds version n+1 and keeps the earlier ones readable', async () => {
      const body = draft();
      await create(body);
      const v2 = await addVersion(body.id, { ...withoutId(body), maxContactsPer7Days: 2 });
      expect(v2.statusCode).toBe(201);
      expect(v2.json()).toMatchObject({ id: body.id, version: 2, maxContactsPer7Days: 2 });
      const v3 = await addVersion(body.id, { ...withoutId(body), maxContactsPer7Days: 1 });
      expect(v3.json()).toMatchObject({ version: 3 });
      expect((await api.call({ method: 'GET', url: `/v1/policies/${body.id}` })).json()).toMatchObject({
        version: 3,
        maxContactsPer7Days: 1,
      });
      expect((await api.call({ method: 'GET', url: `/v1/policies/${body.id}?version=2` })).json()).toMatchObject({
        version: 2,
        maxContactsPer7Days: 2,
      });
    });

    it('answers 404 for a version of an unknown policy and 400 for an invalid document', async () => {
      expect((await addVersion('never-created', withoutId(draft()))).statusCode).toBe(404);
      const body = draft();
      await create(body);
      const bad = await addVersion(body.id, { ...withoutId(body), allowedWeekdays: [8] });
      expect(bad.statusCode).toBe(400);
      expect(problemOf(bad).errors?.map((e) => e.path)).toContain('allowedWeekdays.0');
      expect((await api.call({ method: 'GET', url: `/v1/policies/${body.id}` })).json()).toMatchObject({ version: 1 });
    });

    it('gives concurrent writers distinct, consecutive versions', async () => {
      const body = draft();
      await create(body);
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          addVersion(body.id, { ...withoutId(body), maxContactsPer7Days: (i % 7) + 1 }),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(Array(6).fill(201));
      const versions = responses.map((r) => (r.json() as Policy).version).sort((a, b) => a - b);
      expect(versions).toEqual([2, 3, 4, 5, 6, 7]);
    });

    it('repository: concurrent inserts on the same policy never collide', async () => {
      const db = getDb();
      const { id, ...rest } = draft();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => insertNextPolicyVersion(db, 'tenant-a', { id, ...rest }, { floorVersion: 0 })),
      );
      expect(results.map((p) => p?.version).sort()).toEqual([1, 2, 3, 4, 5]);
    });

    it('a tenant’s own default continues the built-in version 1 and then wins', async () => {
      // tenant-b's own 'default' (the other tests use tenant-a).
      const { id: _id, ...rest } = draft({ maxContactsPer7Days: 2 });
      const v2 = await addVersion('default', rest, TENANT_B_KEY);
      expect(v2.statusCode).toBe(201);
      expect(v2.json()).toMatchObject({ id: 'default', version: 2, builtIn: false });
      expect(
        (await api.call({ method: 'GET', url: '/v1/policies/default?version=1', key: TENANT_B_KEY })).json(),
      ).toMatchObject({ builtIn: true });
      expect(await databasePolicies(getDb()).resolve('tenant-b', undefined)).toMatchObject({
        id: 'default',
        version: 2,
        maxContactsPer7Days: 2,
      });
      expect(await databasePolicies(getDb()).resolve('tenant-b', 'default')).toMatchObject({ version: 2 });
      // tenant-a still runs the built-in default.
      expect(await databasePolicies(getDb()).resolve('tenant-a', 'default')).toEqual(defaultPolicy);
    });
  });

  it('answers the version a journey runs, whatever came after it, and the built-in default as version 1', async () => {
    const body = draft({ maxContactsPer7Days: 5 });
    await create(body);
    await addVersion(body.id, { ...withoutId(body), maxContactsPer7Days: 2 });
    const catalog = databasePolicies(getDb());
    expect(await catalog.version('tenant-a', body.id, 1)).toMatchObject({ version: 1, maxContactsPer7Days: 5 });
    expect(await catalog.version('tenant-a', body.id, 2)).toMatchObject({ version: 2, maxContactsPer7Days: 2 });
    // Asked again, the same answer (remembered: versions never change).
    expect(await catalog.version('tenant-a', body.id, 1)).toMatchObject({ maxContactsPer7Days: 5 });
    expect(await catalog.version('tenant-a', body.id, 3)).toBeNull();
    expect(await catalog.version('tenant-b', body.id, 1)).toBeNull();
    expect(await catalog.version('tenant-without-policies', 'default', 1)).toEqual(defaultPolicy);
  });

  describe('list, tenants and the default', () => {
    it('lists the latest version of each policy, with the built-in default, for this tenant only', async () => {
      const body = draft();
      await create(body);
      await addVersion(body.id, { ...withoutId(body), maxContactsPer7Days: 2 });
      const list = await api.call({ method: 'GET', url: '/v1/policies' });
      expect(list.statusCode).toBe(200);
      const { items } = list.json() as { items: (Policy & { builtIn: boolean })[] };
      expect(items.filter((p) => p.id === body.id)).toEqual([expect.objectContaining({ version: 2 })]);
      expect(items.find((p) => p.id === 'default')).toMatchObject({ builtIn: true });
      expect(new Set(items.map((p) => p.id)).size).toBe(items.length);

      const other = (await api.call({ method: 'GET', url: '/v1/policies', key: TENANT_B_KEY })).json() as {
        items: Policy[];
      };
      expect(other.items.some((p) => p.id === body.id)).toBe(false);
      expect((await api.call({ method: 'GET', url: `/v1/policies/${body.id}`, key: TENANT_B_KEY })).statusCode).toBe(
        404,
      );
      expect((await addVersion(body.id, withoutId(body), TENANT_B_KEY)).statusCode).toBe(404);
    });

    it('refuses an unknown default (422), and new journeys run the chosen one', async () => {
      const unknown = await api.call({
        method: 'PUT',
        url: '/v1/tenant/default-policy',
        payload: { policyId: 'no-such-policy' },
      });
      expect(unknown.statusCode).toBe(422);
      expect(problemOf(unknown).errors?.[0]?.path).toBe('policyId');
      const invalid = await api.call({
        method: 'PUT',
        url: '/v1/tenant/default-policy',
        payload: { policyId: 'Bad Id' },
      });
      expect(invalid.statusCode).toBe(400);

      const body = draft({ maxContactsPer7Days: 2 });
      await create(body);
      const chosen = await api.call({
        method: 'PUT',
        url: '/v1/tenant/default-policy',
        payload: { policyId: body.id },
      });
      expect(chosen.statusCode).toBe(200);
      expect(chosen.json()).toEqual({ policyId: body.id });
      expect((await api.call({ method: 'GET', url: '/v1/policies' })).json()).toMatchObject({
        defaultPolicyId: body.id,
      });

      const installmentId = uniqueId('inst');
      expect(
        (await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) })).statusCode,
      ).toBe(201);
      const status = await api.call({ method: 'GET', url: `/v1/journeys/${installmentId}` });
      expect(status.json()).toMatchObject({ policy: { id: body.id, version: 1 } });
      // Naming 'default' still gets the built-in one.
      const named = uniqueId('inst');
      await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(named, { policyId: 'default' }) });
      expect((await api.call({ method: 'GET', url: `/v1/journeys/${named}` })).json()).toMatchObject({
        policy: { id: 'default', version: 1 },
      });

      // Back to the built-in default; tenant B was never affected.
      expect(
        (await api.call({ method: 'PUT', url: '/v1/tenant/default-policy', payload: { policyId: 'default' } }))
          .statusCode,
      ).toBe(200);
      expect(await databasePolicies(getDb()).resolve('tenant-a', undefined)).toEqual(defaultPolicy);
      // The API remembered the chosen default for unnamed starts; its next start sees the change.
      const afterSwitch = uniqueId('inst');
      await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(afterSwitch) });
      expect((await api.call({ method: 'GET', url: `/v1/journeys/${afterSwitch}` })).json()).toMatchObject({
        policy: { id: 'default', version: 1 },
      });
      expect(api.gateway.journeys.get(journeyWorkflowId('tenant-a', afterSwitch))?.policy.id).toBe('default');
    });
  });

  describe('journeys keep the version they started with', () => {
    it('a new version changes new journeys only', async () => {
      const body = draft({ maxContactsPer7Days: 3 });
      await create(body);
      const before = uniqueId('inst');
      expect(
        (await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(before, { policyId: body.id }) }))
          .statusCode,
      ).toBe(201);

      expect((await addVersion(body.id, { ...withoutId(body), maxContactsPer7Days: 1 })).statusCode).toBe(201);
      const after = uniqueId('inst');
      expect(
        (await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(after, { policyId: body.id }) }))
          .statusCode,
      ).toBe(201);

      const oldStatus = await api.call({ method: 'GET', url: `/v1/journeys/${before}` });
      expect(oldStatus.json()).toMatchObject({ policy: { id: body.id, version: 1 } });
      expect(api.gateway.journeys.get(journeyWorkflowId('tenant-a', before))?.policy.maxContactsPer7Days).toBe(3);
      const newStatus = await api.call({ method: 'GET', url: `/v1/journeys/${after}` });
      expect(newStatus.json()).toMatchObject({ policy: { id: body.id, version: 2 } });
      expect(api.gateway.journeys.get(journeyWorkflowId('tenant-a', after))?.policy.maxContactsPer7Days).toBe(1);
    });

    it('refuses a journey naming another tenant’s policy (422)', async () => {
      const body = draft();
      await create(body);
      const response = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        key: TENANT_B_KEY,
        payload: startBody(uniqueId('inst'), { policyId: body.id }),
      });
      expect(response.statusCode).toBe(422);
    });
  });

  it('documents every policy route in the OpenAPI document', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, unknown>;
    };
    for (const path of [
      '/v1/policies',
      '/v1/policies/{policyId}',
      '/v1/policies/{policyId}/versions',
      '/v1/tenant/default-policy',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
