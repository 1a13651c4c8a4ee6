/**
 * Tier 3, application: the owner's access use cases (application/access.ts) on both databases,
 * without HTTP: who the audit log records, a collaborator's status from invite to acceptance to
 * removal, and what happens when the invite cannot be sent.
 */
import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import {
  type AccessDeps,
  type Caller,
  InviteNotSent,
  addCollaborator,
  changeProfile,
  collaboratorStatus,
  createProfile,
  resendInvite,
} from '../../application/access';
import type { InvitationRequest } from '../../application/invitations';
import { ALL_PERMISSIONS } from '../../application/key-stores';
import { findCollaborator } from '../../db/access-repository';
import { listAudit } from '../../db/audit-repository';
import { collaborators } from '../../db/schema';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { RecordingInvitations } from '../support/invitations';

const NOW = new Date('2026-12-03T10:00:00Z');

function ownerSession(tenantId: string): Caller {
  return {
    principal: { tenantId, keyId: 'usr_owner', userId: 'usr_owner', role: 'owner', permissions: ALL_PERMISSIONS },
  };
}

describeEachDatabase('access use cases', (getDb) => {
  const deps = (invitations = new RecordingInvitations()): AccessDeps & { invitations: RecordingInvitations } => ({
    db: getDb(),
    invitations,
    now: () => NOW,
  });

  it('records the signed-in person as the author of each write, ids only', async () => {
    const tenantId = uniqueId('tenant');
    const created = await createProfile(deps(), ownerSession(tenantId), {
      id: 'dup-perms',
      name: 'Dup',
      permissions: ['journeys:read', 'journeys:read'],
    });
    expect(created).toMatchObject({ kind: 'done', value: { permissions: ['journeys:read'] } });
    expect(created.kind === 'done' && created.recordedBy).toEqual({ keyId: 'usr_owner', userId: 'usr_owner' });
    expect(await changeProfile(deps(), ownerSession(tenantId), 'analyst', { name: 'x' })).toEqual({
      kind: 'built_in_profile',
    });
    const [line] = await listAudit(getDb(), tenantId);
    expect(line).toMatchObject({
      action: 'profile.created',
      actor: { keyId: 'usr_owner', userId: 'usr_owner' },
      target: { profileId: 'dup-perms', permissions: ['journeys:read'] },
    });
  });

  it('follows a person from invite to acceptance (no more invites) and removal', async () => {
    const tenantId = uniqueId('tenant');
    const d = deps();
    const added = await addCollaborator(d, ownerSession(tenantId), {
      name: 'Ana',
      email: 'Ana@Example.com',
      profileId: 'analyst',
    });
    if (added.kind !== 'done') throw new Error(added.kind);
    expect(collaboratorStatus(added.value)).toBe('pending');
    expect(added.value).toMatchObject({ email: 'ana@example.com', invitedAt: NOW, acceptedAt: null });
    expect(d.invitations.sent).toEqual([
      { tenantId, collaboratorId: added.value.id, email: 'ana@example.com', name: 'Ana', invitedBy: 'usr_owner' },
    ]);

    // What accepting the invite does (the sign-in work): the person's user and the time.
    await getDb()
      .update(collaborators)
      .set({ userId: 'usr_ana', acceptedAt: NOW })
      .where(and(eq(collaborators.tenantId, tenantId), eq(collaborators.id, added.value.id)));
    const accepted = (await findCollaborator(getDb(), tenantId, added.value.id))!;
    expect(collaboratorStatus(accepted)).toBe('active');
    expect(await resendInvite(d, ownerSession(tenantId), accepted.id)).toEqual({
      kind: 'not_invitable',
      reason: 'accepted',
    });
    expect(d.invitations.sent).toHaveLength(1);
    expect(collaboratorStatus({ ...accepted, disabledAt: NOW })).toBe('disabled');
  });

  it('keeps the pending seat when the invite cannot be sent, so the owner can send it again', async () => {
    const tenantId = uniqueId('tenant');
    const failing = {
      sent: [] as InvitationRequest[],
      async send(request: InvitationRequest) {
        this.sent.push(request);
        if (this.sent.length === 1) throw new Error('mail server down');
      },
    };
    const d: AccessDeps = { db: getDb(), invitations: failing, now: () => NOW };
    const failure = await addCollaborator(d, ownerSession(tenantId), {
      name: 'Bo',
      email: 'bo@example.com',
      profileId: 'analyst',
    }).catch((error: unknown) => error);
    // The failure names the seat it left pending, so a page can say "send again" for it.
    expect(failure).toBeInstanceOf(InviteNotSent);
    expect((failure as InviteNotSent).collaboratorId).toBe(failing.sent[0]!.collaboratorId);
    const collaboratorId = failing.sent[0]!.collaboratorId;
    expect(collaboratorStatus((await findCollaborator(getDb(), tenantId, collaboratorId))!)).toBe('pending');
    expect(await resendInvite(d, ownerSession(tenantId), collaboratorId)).toMatchObject({ kind: 'done' });
    expect(failing.sent.map((s) => s.collaboratorId)).toEqual([collaboratorId, collaboratorId]);
  });
});
