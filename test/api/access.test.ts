import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKeyStore } from '../../application/key-stores';
import { sha256Hex } from '../../application/key-stores';
import { apiKeys, tenants } from '../../db/schema';
import { BUILT_IN_PROFILES } from '../../domain/permissions';
import { createTenant } from '../../scripts/create-tenant';
import { listAccounts } from '../../db/user-repository';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, TENANT_A_KEY, TENANT_B_KEY, createCollaboratorKey, startApi } from './support';

type Json = Record<string, unknown>;

function problemOf(response: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json() as {
    status: number;
    title: string;
    reason?: string;
    errors?: { in?: string; path: string; message: string }[];
  };
}
const paths = (response: Parameters<typeof problemOf>[0]) => (problemOf(response).errors ?? []).map((e) => e.path);

describeEachDatabase('access management API', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  const ownerKeyId = () => `key_${sha256Hex(TENANT_A_KEY).slice(0, 12)}`;

  describe('tenant', () => {
    it('answers for a tenant that has no row yet, and creates it on the first change', async () => {
      const before = await api.call({ method: 'GET', url: '/v1/tenant', key: TENANT_B_KEY });
      expect(before.statusCode).toBe(200);
      expect(before.json()).toMatchObject({
        id: 'tenant-b',
        name: 'tenant-b',
        defaultPolicyId: 'default',
        createdAt: null,
      });

      const patched = await api.call({
        method: 'PATCH',
        url: '/v1/tenant',
        key: TENANT_B_KEY,
        payload: { name: 'Tenant B Ltd' },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({
        id: 'tenant-b',
        name: 'Tenant B Ltd',
        recordedBy: { keyId: `key_${sha256Hex(TENANT_B_KEY).slice(0, 12)}` },
      });
      const after = (await api.call({ method: 'GET', url: '/v1/tenant', key: TENANT_B_KEY })).json() as Json;
      expect(after.name).toBe('Tenant B Ltd');
      expect(after.createdAt).toEqual(expect.any(String));
    });

    it('leaves the default policy to PUT /v1/tenant/default-policy', async () => {
      const response = await api.call({
        method: 'PATCH',
        url: '/v1/tenant',
        payload: { name: 'Tenant A', defaultPolicyId: 'gentle' },
      });
      expect(response.statusCode).toBe(400);
      expect(paths(response)).toEqual(['defaultPolicyId']);
    });

    it('names the offending field of a bad change', async () => {
      const empty = await api.call({ method: 'PATCH', url: '/v1/tenant', payload: { name: '  ' } });
      expect(empty.statusCode).toBe(400);
      expect(paths(empty)).toEqual(['name']);
      const unknownField = await api.call({ method: 'PATCH', url: '/v1/tenant', payload: { id: 'tenant-b' } });
      expect(unknownField.statusCode).toBe(400);
      // PostgreSQL cannot store NUL: refused as input, never a 500.
      const nul = await api.call({ method: 'PATCH', url: '/v1/tenant', payload: { name: 'A\u0000B' } });
      expect(nul.statusCode).toBe(400);
      expect(paths(nul)).toEqual(['name']);
      expect((await api.call({ method: 'PATCH', url: '/v1/collaborators/a%00b', payload: {} })).statusCode).toBe(400);
      expect((await api.call({ method: 'POST', url: '/v1/keys/a%00b/revoke' })).statusCode).toBe(400);
    });
    it("sets and clears the buyer area's links to the payment system, refusing a template it could not fill", async () => {
      const checkout = 'https://pay.example.com/checkout/{purchaseId}/{installmentNumber}?amount={amountMinor}';
      const set = await api.call({
        method: 'PATCH',
        url: '/v1/tenant',
        payload: { buyerArea: { checkoutUrlTemplate: checkout } },
      });
      expect(set.statusCode).toBe(200);
      expect((set.json() as Json).buyerArea).toEqual({ checkoutUrlTemplate: checkout, paymentMethodUrlTemplate: null });
      for (const [template, message] of [
        ['https://pay.example.com/{cardNumber}', /unknown placeholders \{cardNumber\}/],
        ['/relative/{purchaseId}', /absolute URL/],
        ['javascript:alert({purchaseId})', /http\(s\)/],
      ] as const) {
        const bad = await api.call({
          method: 'PATCH',
          url: '/v1/tenant',
          payload: { buyerArea: { paymentMethodUrlTemplate: template } },
        });
        expect(bad.statusCode, template).toBe(400);
        expect(paths(bad)).toEqual(['buyerArea.paymentMethodUrlTemplate']);
        expect(JSON.stringify(bad.json())).toMatch(message);
      }
      const cleared = await api.call({
        method: 'PATCH',
        url: '/v1/tenant',
        payload: { buyerArea: { checkoutUrlTemplate: null } },
      });
      expect((cleared.json() as Json).buyerArea).toEqual({ checkoutUrlTemplate: null, paymentMethodUrlTemplate: null });
    });
  });

  describe('profiles', () => {
    it('lists the built-in profiles, read-only, before any custom one exists', async () => {
      const response = await api.call({ method: 'GET', url: '/v1/profiles', key: TENANT_B_KEY });
      expect(response.statusCode).toBe(200);
      const { profiles } = response.json() as { profiles: Json[] };
      for (const [id, p] of Object.entries(BUILT_IN_PROFILES)) {
        expect(profiles).toContainEqual(
          expect.objectContaining({ id, name: p.name, permissions: [...p.permissions], builtIn: true }),
        );
      }
      for (const id of Object.keys(BUILT_IN_PROFILES)) {
        const patch = await api.call({ method: 'PATCH', url: `/v1/profiles/${id}`, payload: { name: 'mine now' } });
        expect(patch.statusCode).toBe(409);
        const del = await api.call({ method: 'DELETE', url: `/v1/profiles/${id}` });
        expect(del.statusCode).toBe(409);
      }
    });

    it('creates, changes and deletes a custom profile; refuses duplicates and unknown permissions', async () => {
      const id = `night-${uniqueId('p')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')}`.slice(0, 40);
      const created = await api.call({
        method: 'POST',
        url: '/v1/profiles',
        payload: { id, name: 'Night shift', permissions: ['journeys:read', 'journeys:pause', 'journeys:read'] },
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({
        id,
        builtIn: false,
        permissions: ['journeys:read', 'journeys:pause'],
        recordedBy: { keyId: ownerKeyId() },
      });

      const again = await api.call({
        method: 'POST',
        url: '/v1/profiles',
        payload: { id, name: 'x', permissions: [] },
      });
      expect(again.statusCode).toBe(409);
      expect(paths(again)).toEqual(['id']);
      const builtIn = await api.call({
        method: 'POST',
        url: '/v1/profiles',
        payload: { id: 'analyst', name: 'x', permissions: [] },
      });
      expect(builtIn.statusCode).toBe(409);
      const badPermission = await api.call({
        method: 'POST',
        url: '/v1/profiles',
        payload: { id: 'other', name: 'x', permissions: ['journeys:read', 'tenant:own'] },
      });
      expect(badPermission.statusCode).toBe(400);
      expect(paths(badPermission)).toEqual(['permissions.1']);
      const badId = await api.call({
        method: 'POST',
        url: '/v1/profiles',
        payload: { id: 'Has Spaces', name: 'x', permissions: [] },
      });
      expect(badId.statusCode).toBe(400);
      expect(paths(badId)).toEqual(['id']);

      const changed = await api.call({
        method: 'PATCH',
        url: `/v1/profiles/${id}`,
        payload: { permissions: ['journeys:read'] },
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({ id, name: 'Night shift', permissions: ['journeys:read'] });
      expect(
        (await api.call({ method: 'PATCH', url: '/v1/profiles/nope-nope', payload: { name: 'x' } })).statusCode,
      ).toBe(404);
      // Another tenant does not see it.
      const other = (await api.call({ method: 'GET', url: '/v1/profiles', key: TENANT_B_KEY })).json() as {
        profiles: Json[];
      };
      expect(other.profiles.map((p) => p.id)).not.toContain(id);
      expect((await api.call({ method: 'DELETE', url: `/v1/profiles/${id}`, key: TENANT_B_KEY })).statusCode).toBe(404);

      // In use (even by a disabled collaborator): 409; once nobody uses it, deleted.
      const { collaboratorId } = await createCollaboratorKey(api, id);
      await api.call({ method: 'PATCH', url: `/v1/collaborators/${collaboratorId}`, payload: { disabled: true } });
      const inUse = await api.call({ method: 'DELETE', url: `/v1/profiles/${id}` });
      expect(inUse.statusCode).toBe(409);
      expect(problemOf(inUse).reason).toBe('profile_in_use');
      await api.call({
        method: 'PATCH',
        url: `/v1/collaborators/${collaboratorId}`,
        payload: { profileId: 'analyst' },
      });
      const deleted = await api.call({ method: 'DELETE', url: `/v1/profiles/${id}` });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json()).toMatchObject({ id, deleted: true, recordedBy: { keyId: ownerKeyId() } });
      expect((await api.call({ method: 'DELETE', url: `/v1/profiles/${id}` })).statusCode).toBe(404);
    });

    it('a change to a custom profile applies to its collaborators’ keys at once', async () => {
      const id = 'readers-then-pausers';
      await api.call({
        method: 'POST',
        url: '/v1/profiles',
        payload: { id, name: 'R', permissions: ['journeys:read'] },
      });
      const { secret } = await createCollaboratorKey(api, id);
      const pause = () => api.call({ method: 'POST', url: '/v1/journeys/none-such/pause', key: secret, payload: {} });
      expect((await pause()).statusCode).toBe(403);
      await api.call({
        method: 'PATCH',
        url: `/v1/profiles/${id}`,
        payload: { permissions: ['journeys:read', 'journeys:pause'] },
      });
      expect((await pause()).statusCode).toBe(404);
    });
  });

  describe('collaborators', () => {
    it('adds a collaborator with a built-in profile, lists, renames and disables it', async () => {
      const created = await api.call({
        method: 'POST',
        url: '/v1/collaborators',
        payload: { name: 'Billing', profileId: 'payment_system' },
      });
      expect(created.statusCode).toBe(201);
      const collaborator = created.json() as Json;
      expect(collaborator).toMatchObject({
        name: 'Billing',
        profileId: 'payment_system',
        disabled: false,
        recordedBy: { keyId: ownerKeyId() },
      });

      const list = (await api.call({ method: 'GET', url: '/v1/collaborators' })).json() as { collaborators: Json[] };
      expect(list.collaborators.map((c) => c.id)).toContain(collaborator.id);
      const otherList = (await api.call({ method: 'GET', url: '/v1/collaborators', key: TENANT_B_KEY })).json() as {
        collaborators: Json[];
      };
      expect(otherList.collaborators.map((c) => c.id)).not.toContain(collaborator.id);

      const patched = await api.call({
        method: 'PATCH',
        url: `/v1/collaborators/${String(collaborator.id)}`,
        payload: { name: 'Billing v2', disabled: true },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ name: 'Billing v2', disabled: true, disabledAt: expect.any(String) });
      expect(
        (
          await api.call({
            method: 'PATCH',
            url: `/v1/collaborators/${String(collaborator.id)}`,
            key: TENANT_B_KEY,
            payload: { disabled: false },
          })
        ).statusCode,
      ).toBe(404);
    });

    it('refuses an unknown profile and names the field', async () => {
      const unknown = await api.call({
        method: 'POST',
        url: '/v1/collaborators',
        payload: { name: 'X', profileId: 'no-such-profile' },
      });
      expect(unknown.statusCode).toBe(422);
      expect(paths(unknown)).toEqual(['profileId']);
      const missing = await api.call({ method: 'POST', url: '/v1/collaborators', payload: { profileId: 'analyst' } });
      expect(missing.statusCode).toBe(400);
      expect(paths(missing)).toEqual(['name']);
      const { collaboratorId } = await createCollaboratorKey(api, 'analyst');
      const change = await api.call({
        method: 'PATCH',
        url: `/v1/collaborators/${collaboratorId}`,
        payload: { profileId: 'no-such-profile' },
      });
      expect(change.statusCode).toBe(422);
      expect(paths(change)).toEqual(['profileId']);
      const notBoolean = await api.call({
        method: 'PATCH',
        url: `/v1/collaborators/${collaboratorId}`,
        payload: { disabled: 'yes' },
      });
      expect(notBoolean.statusCode).toBe(400);
      expect(paths(notBoolean)).toEqual(['disabled']);
    });
  });

  describe('keys', () => {
    it('shows a new key’s secret once and stores only its digest', async () => {
      const created = await api.call({ method: 'POST', url: '/v1/keys', payload: { name: 'ci' } });
      expect(created.statusCode).toBe(201);
      const key = created.json() as {
        id: string;
        secret: string;
        prefix: string;
        collaboratorId: string | null;
        recordedBy: Json;
      };
      expect(key.secret).toMatch(/^dk_live_[A-Za-z0-9_-]{43}$/);
      expect(key.secret.startsWith(key.prefix)).toBe(true);
      expect(key.collaboratorId).toBeNull();
      expect(key.recordedBy).toEqual({ keyId: ownerKeyId() });

      const [row] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, key.id));
      expect(row!.secretHash).toBe(sha256Hex(key.secret));
      expect(JSON.stringify(row)).not.toContain(key.secret);

      const list = await api.call({ method: 'GET', url: '/v1/keys' });
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(key.secret);
      expect(list.body).not.toContain(row!.secretHash);
      expect((list.json() as { keys: Json[] }).keys).toContainEqual(
        expect.objectContaining({
          id: key.id,
          name: 'ci',
          prefix: key.prefix,
          collaboratorId: null,
          lastUsedAt: null,
          revokedAt: null,
        }),
      );
      expect((await api.call({ method: 'GET', url: '/v1/keys', key: TENANT_B_KEY })).body).not.toContain(key.id);

      // An owner key from the database manages the tenant like the environment's.
      const used = await api.call({ method: 'GET', url: '/v1/keys', key: key.secret });
      expect(used.statusCode).toBe(200);
      const [touched] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, key.id));
      expect(touched!.lastUsedAt).toBeInstanceOf(Date);
      const listed = ((await api.call({ method: 'GET', url: '/v1/keys' })).json() as { keys: Json[] }).keys.find(
        (k) => k.id === key.id,
      );
      expect(listed?.lastUsedAt).toEqual(expect.any(String));
      // Its own writes are recorded under its id.
      const write = await api.call({ method: 'PATCH', url: '/v1/tenant', key: key.secret, payload: {} });
      expect(write.json()).toMatchObject({ recordedBy: { keyId: key.id } });
    });

    it('gives a collaborator’s key its profile: permitted routes pass, management is refused', async () => {
      const { secret, keyId, collaboratorId } = await createCollaboratorKey(api, 'support_agent');
      expect((await api.call({ method: 'GET', url: '/v1/journeys/none-such', key: secret })).statusCode).toBe(404);
      const start = await api.call({ method: 'POST', url: '/v1/journeys', key: secret, payload: {} });
      expect(start.statusCode).toBe(403);
      expect(problemOf(start).reason).toBe('journeys:start');
      for (const [method, url] of [
        ['GET', '/v1/tenant'],
        ['GET', '/v1/keys'],
        ['POST', '/v1/keys'],
        ['PATCH', `/v1/collaborators/${collaboratorId}`],
        ['POST', `/v1/keys/${keyId}/revoke`],
      ] as const) {
        expect(
          (
            await api.call({
              method,
              url,
              key: secret,
              payload: method === 'GET' ? undefined : { name: 'x', profileId: 'collections_manager' },
            })
          ).statusCode,
          `${method} ${url}`,
        ).toBe(403);
      }
      const [row] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, keyId));
      expect(row!.revokedAt).toBeNull();
      expect(row!.collaboratorId).toBe(collaboratorId);
    });

    it('refuses a key for an unknown or disabled collaborator, naming the field', async () => {
      const unknown = await api.call({
        method: 'POST',
        url: '/v1/keys',
        payload: { name: 'x', collaboratorId: 'col_nobody' },
      });
      expect(unknown.statusCode).toBe(422);
      expect(paths(unknown)).toEqual(['collaboratorId']);
      const { collaboratorId } = await createCollaboratorKey(api, 'analyst');
      const ofB = await api.call({
        method: 'POST',
        url: '/v1/keys',
        key: TENANT_B_KEY,
        payload: { name: 'x', collaboratorId },
      });
      expect(ofB.statusCode).toBe(422);
      await api.call({ method: 'PATCH', url: `/v1/collaborators/${collaboratorId}`, payload: { disabled: true } });
      const disabled = await api.call({ method: 'POST', url: '/v1/keys', payload: { name: 'x', collaboratorId } });
      expect(disabled.statusCode).toBe(409);
      expect(paths(disabled)).toEqual(['collaboratorId']);
      const noName = await api.call({ method: 'POST', url: '/v1/keys', payload: {} });
      expect(noName.statusCode).toBe(400);
      expect(paths(noName)).toEqual(['name']);
    });

    it('a revoked key opens nothing; revoking again keeps the first time; another tenant cannot revoke it', async () => {
      const { secret, keyId } = await createCollaboratorKey(api, 'analyst');
      expect((await api.call({ method: 'GET', url: '/v1/journeys/none-such', key: secret })).statusCode).toBe(404);
      expect((await api.call({ method: 'POST', url: `/v1/keys/${keyId}/revoke`, key: TENANT_B_KEY })).statusCode).toBe(
        404,
      );
      expect((await api.call({ method: 'GET', url: '/v1/journeys/none-such', key: secret })).statusCode).toBe(404);

      const first = await api.call({ method: 'POST', url: `/v1/keys/${keyId}/revoke` });
      expect(first.statusCode).toBe(200);
      const revokedAt = (first.json() as Json).revokedAt;
      expect(revokedAt).toEqual(expect.any(String));
      expect(first.json()).toMatchObject({ recordedBy: { keyId: ownerKeyId() } });
      const second = await api.call({ method: 'POST', url: `/v1/keys/${keyId}/revoke` });
      expect(second.statusCode).toBe(200);
      expect((second.json() as Json).revokedAt).toBe(revokedAt);
      expect((await api.call({ method: 'GET', url: '/v1/journeys/none-such', key: secret })).statusCode).toBe(401);
      expect((await api.call({ method: 'POST', url: '/v1/keys/key_unknown/revoke' })).statusCode).toBe(404);
    });

    it('a disabled collaborator’s keys open nothing until it is enabled again', async () => {
      const { secret, collaboratorId } = await createCollaboratorKey(api, 'collections_manager');
      expect((await api.call({ method: 'GET', url: '/v1/journeys/none-such', key: secret })).statusCode).toBe(404);
      await api.call({ method: 'PATCH', url: `/v1/collaborators/${collaboratorId}`, payload: { disabled: true } });
      expect((await api.call({ method: 'GET', url: '/v1/journeys/none-such', key: secret })).statusCode).toBe(401);
      await api.call({ method: 'PATCH', url: `/v1/collaborators/${collaboratorId}`, payload: { disabled: false } });
      expect((await api.call({ method: 'GET', url: '/v1/journeys/none-such', key: secret })).statusCode).toBe(404);
    });
  });

  describe('tenant:create command', () => {
    it('creates the tenant once and issues a working owner key each run', async () => {
      const id = uniqueId('acme');
      const first = await createTenant(getDb(), { id, name: 'Acme' });
      expect(first).toMatchObject({ tenantId: id, created: true });
      expect(first.secret).toMatch(/^dk_live_/);
      const store = databaseKeyStore(getDb());
      expect(await store.authenticate(first.secret)).toMatchObject({ tenantId: id, role: 'owner', keyId: first.keyId });
      const tenant = await api.call({ method: 'GET', url: '/v1/tenant', key: first.secret });
      expect(tenant.json()).toMatchObject({ id, name: 'Acme' });

      const second = await createTenant(getDb(), { id, name: 'Renamed' });
      expect(second.created).toBe(false);
      expect(second.secret).not.toBe(first.secret);
      expect((await api.call({ method: 'GET', url: '/v1/tenant', key: second.secret })).json()).toMatchObject({
        name: 'Acme',
      });
      await expect(createTenant(getDb(), { id: 'bad id' })).rejects.toThrow();
    });

    it('makes the owner’s user with --owner-email, once however often it runs', async () => {
      const id = uniqueId('acme');
      const first = await createTenant(getDb(), { id, ownerEmail: 'Owner.Of.Acme@Example.com' });
      const again = await createTenant(getDb(), { id, ownerEmail: 'owner.of.acme@example.com' });
      expect(first.ownerUserId).toMatch(/^usr_/);
      expect(again.ownerUserId).toBe(first.ownerUserId);
      const accounts = await listAccounts(getDb(), first.ownerUserId!);
      expect(accounts).toEqual([{ tenantId: id, tenantName: id, role: 'owner' }]);
      await expect(createTenant(getDb(), { id: uniqueId('acme'), ownerEmail: 'not-an-email' })).rejects.toThrow(
        /--owner-email/,
      );
    });

    it('holds names to the API’s rules, refusing before it writes anything', async () => {
      const cases: [string, { name?: string; keyName?: string }, RegExp][] = [
        ['a control character', { name: 'Acme\u0007' }, /--name .*control characters/],
        ['a C1 control', { name: 'Acme\u0085' }, /--name .*control characters/],
        ['a bidirectional override', { name: '\u202eemcA' }, /--name .*bidirectional/],
        ['a lone surrogate', { name: 'Acme \ud800' }, /--name .*lone surrogate/],
        ['5,000 characters', { name: 'A'.repeat(5_000) }, /--name/],
        ['a bad key name', { name: 'Acme', keyName: 'key\u0000' }, /--key-name/],
      ];
      for (const [what, input, message] of cases) {
        const id = uniqueId('acme');
        await expect(createTenant(getDb(), { id, ...input }), what).rejects.toThrow(message);
        const keys = await getDb().select().from(apiKeys).where(eq(apiKeys.tenantId, id));
        expect(keys, what).toEqual([]);
        expect(await getDb().select().from(tenants).where(eq(tenants.id, id)), what).toEqual([]);
      }
    });
  });
});
