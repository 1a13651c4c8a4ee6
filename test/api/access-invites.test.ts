/**
 * Tier 4, API: collaborators invited by email (pending until they accept, one seat per person
 * and tenant), invites sent again, and the audit log read newest first, page by page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTimeCursor } from '../../application/conversations';
import { sha256Hex } from '../../application/key-stores';
import { listAudit } from '../../db/audit-repository';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { RecordingInvitations } from '../support/invitations';
import { type ApiHarness, TENANT_A_KEY, TENANT_B_KEY, startApi } from './support';

type Json = Record<string, unknown>;
const ownerKeyId = `key_${sha256Hex(TENANT_A_KEY).slice(0, 12)}`;
const errorPaths = (body: string) =>
  ((JSON.parse(body) as { errors?: { path: string }[] }).errors ?? []).map((e) => e.path);

describeEachDatabase('collaborators invited by email', (getDb) => {
  let api: ApiHarness;
  const invitations = new RecordingInvitations();
  beforeAll(async () => {
    api = await startApi(getDb(), undefined, { invitations });
  });
  afterAll(() => api.app.close());

  const invite = (email: string, name = 'Ana Souza', profileId = 'support_agent') =>
    api.call({ method: 'POST', url: '/v1/collaborators', payload: { name, email, profileId } });

  it('adds a person pending until they accept, sends one invite, and keeps the email lower-case', async () => {
    const email = `${uniqueId('Ana')}@Example.COM`;
    const before = invitations.sent.length;
    const created = await invite(email);
    expect(created.statusCode).toBe(201);
    const body = created.json() as Json;
    expect(body).toMatchObject({ email: email.toLowerCase(), status: 'pending', acceptedAt: null, disabled: false });
    expect(typeof body.invitedAt).toBe('string');
    expect(invitations.sent.slice(before)).toEqual([
      {
        tenantId: 'tenant-a',
        collaboratorId: body.id,
        email: email.toLowerCase(),
        name: 'Ana Souza',
        invitedBy: ownerKeyId,
      },
    ]);
    const line = (await listAudit(getDb(), 'tenant-a')).find((l) => l.target.collaboratorId === body.id);
    expect(line).toMatchObject({ action: 'collaborator.created', target: { invited: true } });
    expect(JSON.stringify(line)).not.toContain('@');
    const listed = (await api.call({ method: 'GET', url: '/v1/collaborators' })).json() as { collaborators: Json[] };
    expect(listed.collaborators.find((c) => c.id === body.id)).toMatchObject({ status: 'pending' });
  });

  it('a system without email is active at once and is sent nothing', async () => {
    const before = invitations.sent.length;
    const created = await api.call({
      method: 'POST',
      url: '/v1/collaborators',
      payload: { name: 'Billing', profileId: 'payment_system' },
    });
    expect(created.json()).toMatchObject({ email: null, status: 'active', invitedAt: null });
    expect(invitations.sent.length).toBe(before);
  });

  it('gives a person one seat per tenant: a second invite is a 409 naming email, until the first is removed', async () => {
    const email = `${uniqueId('bo')}@example.com`;
    const first = (await invite(email)).json() as Json;
    const again = await invite(email.toUpperCase(), 'Bo again');
    expect(again.statusCode).toBe(409);
    expect(errorPaths(again.body)).toEqual(['email']);
    // Another tenant may invite the same person.
    const elsewhere = await api.call({
      method: 'POST',
      url: '/v1/collaborators',
      key: TENANT_B_KEY,
      payload: { name: 'Bo', email, profileId: 'analyst' },
    });
    expect(elsewhere.statusCode).toBe(201);

    const url = `/v1/collaborators/${String(first.id)}`;
    expect((await api.call({ method: 'PATCH', url, payload: { disabled: true } })).json()).toMatchObject({
      status: 'disabled',
    });
    expect((await invite(email, 'Bo, second seat')).statusCode).toBe(201);
    const enable = await api.call({ method: 'PATCH', url, payload: { disabled: false } });
    expect(enable.statusCode).toBe(409);
    expect(errorPaths(enable.body)).toEqual(['disabled']);
  });

  it('gives one seat to the same person invited twice at once', async () => {
    const email = `${uniqueId('race')}@example.com`;
    const answers = await Promise.all([invite(email, 'First'), invite(email, 'Second')]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
    const listed = (await api.call({ method: 'GET', url: '/v1/collaborators' })).json() as { collaborators: Json[] };
    expect(listed.collaborators.filter((c) => c.email === email)).toHaveLength(1);
  });

  it('answers a bad email with a 400 naming it, and writes nothing', async () => {
    const before = ((await api.call({ method: 'GET', url: '/v1/collaborators' })).json() as { collaborators: Json[] })
      .collaborators.length;
    const bad = await invite('not an email');
    expect(bad.statusCode).toBe(400);
    expect(errorPaths(bad.body)).toContain('email');
    const after = ((await api.call({ method: 'GET', url: '/v1/collaborators' })).json() as { collaborators: Json[] })
      .collaborators.length;
    expect(after).toBe(before);
  });

  describe('sending an invite again', () => {
    it('sends the pending person a new invite, recorded in the audit log', async () => {
      const created = (await invite(`${uniqueId('cy')}@example.com`)).json() as Json;
      const before = invitations.sent.length;
      const resent = await api.call({ method: 'POST', url: `/v1/collaborators/${String(created.id)}/resend-invite` });
      expect(resent.statusCode).toBe(200);
      expect(resent.json()).toMatchObject({ id: created.id, status: 'pending', recordedBy: { keyId: ownerKeyId } });
      expect(invitations.sent.slice(before).map((s) => s.collaboratorId)).toEqual([created.id]);
      const lines = await listAudit(getDb(), 'tenant-a');
      expect(
        lines.filter((l) => l.action === 'collaborator.invite_resent' && l.target.collaboratorId === created.id),
      ).toHaveLength(1);
    });

    it('refuses a system, a removed collaborator and an unknown one', async () => {
      const system = (
        await api.call({ method: 'POST', url: '/v1/collaborators', payload: { name: 'Sys', profileId: 'analyst' } })
      ).json() as Json;
      const noEmail = await api.call({ method: 'POST', url: `/v1/collaborators/${String(system.id)}/resend-invite` });
      expect(noEmail.statusCode).toBe(409);
      expect(noEmail.json()).toMatchObject({ reason: 'no_email' });
      const person = (await invite(`${uniqueId('dee')}@example.com`)).json() as Json;
      await api.call({ method: 'PATCH', url: `/v1/collaborators/${String(person.id)}`, payload: { disabled: true } });
      const removed = await api.call({ method: 'POST', url: `/v1/collaborators/${String(person.id)}/resend-invite` });
      expect(removed.json()).toMatchObject({ status: 409, reason: 'disabled' });
      const unknown = await api.call({ method: 'POST', url: '/v1/collaborators/col_nobody/resend-invite' });
      expect(unknown.statusCode).toBe(404);
      const otherTenant = await api.call({
        method: 'POST',
        url: `/v1/collaborators/${String(person.id)}/resend-invite`,
        key: TENANT_B_KEY,
      });
      expect(otherTenant.statusCode).toBe(404);
    });
  });
});

describeEachDatabase('collaborators invited where no invite can be sent', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
  });
  afterAll(() => api.app.close());

  it('answers 503 and adds nobody', async () => {
    const refused = await api.call({
      method: 'POST',
      url: '/v1/collaborators',
      payload: { name: 'Ana', email: 'ana@example.com', profileId: 'analyst' },
    });
    expect(refused.statusCode).toBe(503);
    expect(
      ((await api.call({ method: 'GET', url: '/v1/collaborators' })).json() as { collaborators: Json[] }).collaborators,
    ).toEqual([]);
  });
});

describeEachDatabase('the audit log API', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb());
    for (let i = 0; i < 5; i += 1)
      await api.call({
        method: 'POST',
        url: '/v1/profiles',
        payload: { id: `audited-${i}`, name: `Audited ${i}`, permissions: [] },
      });
  });
  afterAll(() => api.app.close());

  it('reads every line once, newest first, page by page', async () => {
    const seen: Json[] = [];
    let cursor: string | null = null;
    do {
      const response = await api.call({
        method: 'GET',
        url: `/v1/audit-log?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(response.statusCode).toBe(200);
      const page = response.json() as { items: Json[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const truth = (await listAudit(getDb(), 'tenant-a')).reverse();
    expect(seen.map((l) => l.id)).toEqual(truth.map((l) => String(l.id)));
    expect(seen[0]).toMatchObject({
      action: 'profile.created',
      target: { profileId: 'audited-4' },
      actor: { keyId: ownerKeyId },
    });
  });

  it('shows a tenant only its own log, and refuses a cursor that is not ours', async () => {
    const other = (await api.call({ method: 'GET', url: '/v1/audit-log', key: TENANT_B_KEY })).json() as {
      items: Json[];
    };
    expect(other.items).toEqual([]);
    // Not a cursor at all, and one of our time cursors whose row id is not a number.
    const forged = encodeTimeCursor({ at: new Date(), id: 'not-a-row' });
    for (const cursor of ['bm90LW91cnM', forged]) {
      const bad = await api.call({ method: 'GET', url: `/v1/audit-log?cursor=${cursor}` });
      expect(bad.statusCode).toBe(400);
      expect(errorPaths(bad.body)).toEqual(['cursor']);
    }
  });
});
