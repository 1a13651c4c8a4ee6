import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sha256Hex } from '../../application/key-stores';
import { listAudit } from '../../db/audit-repository';
import { defaultPolicy } from '../../domain/policy';
import { describeEachDatabase } from '../support/databases';
import { listEvents } from '../../db/journey-repository';
import { journeyWorkflowId } from '../../workflows/messages';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, TENANT_A_KEY, createCollaboratorKey, startApi, startBody } from './support';

describeEachDatabase('tenant audit log', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  it('records who made each tenant-level write: owner changes and a collaborator’s policy version', async () => {
    const ownerKeyId = `key_${sha256Hex(TENANT_A_KEY).slice(0, 12)}`;
    expect(
      (
        await api.call({
          method: 'POST',
          url: '/v1/profiles',
          payload: { id: 'night-shift', name: 'Night shift', permissions: ['journeys:read'] },
        })
      ).statusCode,
    ).toBe(201);
    const manager = await createCollaboratorKey(api, 'collections_manager');
    const { id: _id, version: _v, ...document } = defaultPolicy;
    const created = await api.call({
      method: 'POST',
      url: '/v1/policies',
      key: manager.secret,
      payload: { ...document, id: 'gentle' },
    });
    expect(created.statusCode).toBe(201);

    const lines = await listAudit(getDb(), 'tenant-a');
    expect(lines.find((l) => l.action === 'profile.created')).toMatchObject({
      actor: { keyId: ownerKeyId },
      target: { profileId: 'night-shift' },
    });
    expect(lines.find((l) => l.action === 'policy.created')).toMatchObject({
      actor: { collaboratorId: manager.collaboratorId, profileId: 'collections_manager' },
      target: { policyId: 'gentle', version: 1 },
    });
    expect(await listAudit(getDb(), 'tenant-b')).toEqual([]);
  });

  it('records who started a journey on its started event', async () => {
    const agent = await createCollaboratorKey(api, 'payment_system');
    const installmentId = uniqueId('inst');
    expect(
      (await api.call({ method: 'POST', url: '/v1/journeys', key: agent.secret, payload: startBody(installmentId) }))
        .statusCode,
    ).toBe(201);
    const [started] = await listEvents(getDb(), journeyWorkflowId('tenant-a', installmentId));
    expect(started).toMatchObject({
      type: 'started',
      payload: {
        actor: { kind: 'api_key', id: agent.keyId, collaboratorId: agent.collaboratorId, profileId: 'payment_system' },
      },
    });
  });

  it('is append-only', async () => {
    await expect(getDb().execute(sql`update audit_log set action = 'tampered'`)).rejects.toThrow();
    await expect(getDb().execute(sql`delete from audit_log`)).rejects.toThrow();
    expect((await listAudit(getDb(), 'tenant-a')).every((l) => l.action !== 'tampered')).toBe(true);
  });
});
