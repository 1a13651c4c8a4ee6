/**
 * Tier 4, web: the Collaboration Center through `app.inject`, on both databases, as the owner
 * would use it (forms posted, redirects followed) and as a collaborator would try it (refused).
 * Profile edits are checked through the real key store: a collaborator's key is allowed or
 * refused at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKeyStore } from '../../application/key-stores';
import { appendAudit, listAudit } from '../../db/audit-repository';
import { SUPPORTED_LOCALES } from '../../domain/locales';
import { BUILT_IN_PROFILES, refusal } from '../../domain/permissions';
import { TEAM_COPY } from '../../web/team/copy';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { OWNER_USER, TEAM_TENANT, type TeamHarness, startTeamPages } from './team-support';

const en = TEAM_COPY.en;
/** Text as the template escapes it, to find it in the HTML. */
const escaped = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

describeEachDatabase('the Collaboration Center pages', (getDb) => {
  let team: TeamHarness;
  beforeAll(async () => {
    team = await startTeamPages(getDb());
  });
  afterAll(() => team.app.close());

  const page = async (url: string) => {
    const response = await team.call({ method: 'GET', url });
    return { status: response.statusCode, html: response.body };
  };

  /** Adds a key-holding system through the page; its id is read back from the list. */
  async function addSystem(name: string, profileId: string): Promise<string> {
    const added = await team.post('/app/team/collaborators', { name, profileId, email: '' });
    expect(added.statusCode).toBe(303);
    const { html } = await page('/app/team/collaborators');
    const id = new RegExp(`id="move-(col_[^"]+)"[^]*?`).exec(html.slice(html.indexOf(escaped(name))))?.[1];
    expect(id).toBeDefined();
    return id!;
  }

  /** Adds a person through the form; the page the owner is sent back to (with its notice). */
  async function invitePerson(name: string, email: string, profileId: string) {
    const added = await team.post('/app/team/collaborators', { name, email, profileId });
    expect(added.statusCode).toBe(303);
    return added.headers.location;
  }

  /** Creates a key through the page and reads its secret from the one page that shows it. */
  async function createKeyThroughPage(name: string, collaboratorId = '') {
    const created = await team.post('/app/team/keys', { name, collaboratorId });
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/app/team/keys/created');
    const cookie = String(created.headers['set-cookie']).split(';')[0]!;
    const shown = await team.call({ method: 'GET', url: '/app/team/keys/created', headers: { cookie } });
    const secret = /<code>(dk_live_[A-Za-z0-9_-]+)<\/code>/.exec(shown.body)?.[1];
    return { cookie, shown, secret };
  }

  describe('profiles', () => {
    it('lists the built-in profiles read-only and creates one with the chosen permissions', async () => {
      const list = await page('/app/team/profiles');
      expect(list.status).toBe(200);
      for (const profile of Object.values(BUILT_IN_PROFILES)) expect(list.html).toContain(profile.name);
      const builtIn = await page('/app/team/profiles/analyst');
      expect(builtIn.html).toContain(escaped(en.profiles.readOnly));
      expect(builtIn.html).not.toContain('name="permissions"');

      const created = await team.post('/app/team/profiles', {
        id: 'night-shift',
        name: 'Night shift',
        permissions: ['journeys:read', 'journeys:pause'],
      });
      expect(created.statusCode).toBe(303);
      expect(created.headers.location).toBe('/app/team/profiles?notice=profile_created');
      const after = await page('/app/team/profiles?notice=profile_created');
      expect(after.html).toContain(escaped(en.notices.profile_created));
      expect(after.html).toContain('Night shift');
      const edit = await page('/app/team/profiles/night-shift');
      expect(edit.html).toMatch(/value="journeys:pause" checked/);
      expect(edit.html).not.toMatch(/value="reports:read" checked/);
      expect(edit.html).toContain(escaped(en.permissions['journeys:pause']));
    });

    it('answers bad input with the form, a 4xx and the field named', async () => {
      const bad = await team.post('/app/team/profiles', { id: 'Bad Id!', name: '', permissions: ['not:a-permission'] });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain(escaped(en.fieldErrors.id));
      expect(bad.body).toContain(escaped(en.fieldErrors.name));
      expect(bad.body).toContain(escaped(en.fieldErrors.permissions));
      expect(bad.body).toMatch(/id="profile-id"[^>]*aria-invalid="true"/);
      expect(bad.body).toContain('value="Bad Id!"');

      await team.post('/app/team/profiles', { id: 'dup-profile', name: 'Dup', permissions: [] });
      const taken = await team.post('/app/team/profiles', { id: 'dup-profile', name: 'Dup again', permissions: [] });
      expect(taken.statusCode).toBe(409);
      expect(taken.body).toContain(escaped(en.fieldErrors.id_taken));
      const builtIn = await team.post('/app/team/profiles/analyst', { name: 'Mine now', permissions: [] });
      expect(builtIn.statusCode).toBe(409);
      expect(builtIn.body).toContain(escaped(en.actionErrors.built_in_profile));
      expect((await page('/app/team/profiles/no-such-profile')).status).toBe(404);
    });

    it('a profile edit applies at once to every collaborator with it: their keys are allowed or refused', async () => {
      await team.post('/app/team/profiles', { id: 'readers', name: 'Readers', permissions: ['journeys:read'] });
      const first = await addSystem('Reader one', 'readers');
      const second = await addSystem('Reader two', 'readers');
      const keys = databaseKeyStore(getDb());
      const secrets = [
        (await createKeyThroughPage('reader-one key', first)).secret!,
        (await createKeyThroughPage('reader-two key', second)).secret!,
      ];
      const mayRead = async (secret: string) =>
        refusal((await keys.authenticate(secret))!, { permission: 'reports:read' }) === null;
      expect(await Promise.all(secrets.map(mayRead))).toEqual([false, false]);

      const form = await page('/app/team/profiles/readers');
      expect(form.html).toContain(escaped(en.profiles.appliesTo({ n: 2 })));
      const saved = await team.post('/app/team/profiles/readers', {
        name: 'Readers',
        permissions: ['journeys:read', 'reports:read'],
      });
      expect(saved.statusCode).toBe(303);
      expect(await Promise.all(secrets.map(mayRead))).toEqual([true, true]);

      // Unticking every box leaves the profile without permissions (the form always sends the list).
      expect((await team.post('/app/team/profiles/readers', { name: 'Readers' })).statusCode).toBe(303);
      const principal = (await keys.authenticate(secrets[0]!))!;
      expect(refusal(principal, { permission: 'journeys:read' })).toEqual({
        reason: 'missing_permission',
        permission: 'journeys:read',
      });
    });

    it('deletes a profile nobody uses and refuses one in use', async () => {
      await team.post('/app/team/profiles', { id: 'short-lived', name: 'Short lived', permissions: [] });
      await team.post('/app/team/profiles', { id: 'in-use', name: 'In use', permissions: [] });
      await addSystem('Uses it', 'in-use');
      const refused = await team.post('/app/team/profiles/in-use/delete');
      expect(refused.statusCode).toBe(409);
      expect(refused.body).toContain(escaped(en.actionErrors.profile_in_use));
      const deleted = await team.post('/app/team/profiles/short-lived/delete');
      expect(deleted.statusCode).toBe(303);
      expect((await page('/app/team/profiles')).html).not.toContain('Short lived');
    });
  });

  describe('collaborators', () => {
    it('invites a person by email: pending, the invite sent once per request, the email lower-cased', async () => {
      const before = team.invitations.sent.length;
      expect(await invitePerson('Ana Souza', 'Ana.Souza@Example.com', 'support_agent')).toBe(
        '/app/team/collaborators?notice=collaborator_invited',
      );
      const sent = team.invitations.sent.slice(before);
      expect(sent).toEqual([
        expect.objectContaining({
          tenantId: TEAM_TENANT,
          email: 'ana.souza@example.com',
          name: 'Ana Souza',
          invitedBy: OWNER_USER,
        }),
      ]);
      const { html } = await page('/app/team/collaborators');
      const card = html.slice(html.indexOf('Ana Souza'));
      expect(card).toContain('ana.souza@example.com');
      expect(card).toContain(escaped(en.collaborators.statuses.pending));
      expect(card).toContain('/resend-invite');

      const again = await team.post('/app/team/collaborators', {
        name: 'Ana again',
        email: 'ana.souza@example.com',
        profileId: 'analyst',
      });
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain(escaped(en.fieldErrors.email_taken));
      expect(team.invitations.sent.length).toBe(before + 1);

      const resent = await team.post(`/app/team/collaborators/${sent[0]!.collaboratorId}/resend-invite`);
      expect(resent.statusCode).toBe(303);
      expect(team.invitations.sent.slice(before).map((s) => s.collaboratorId)).toEqual([
        sent[0]!.collaboratorId,
        sent[0]!.collaboratorId,
      ]);
    });

    it('keeps the seat pending and says so when the invite cannot be sent; sending again works', async () => {
      team.invitations.failNext = true;
      expect(await invitePerson('Bruno Unsent', 'bruno.unsent@example.com', 'analyst')).toBe(
        '/app/team/collaborators?notice=collaborator_invite_failed',
      );
      const { status, html } = await page('/app/team/collaborators?notice=collaborator_invite_failed');
      expect(status).toBe(200);
      expect(html).toContain(escaped(en.notices.collaborator_invite_failed));
      const card = html.slice(html.indexOf('Bruno Unsent'));
      expect(card).toContain(escaped(en.collaborators.statuses.pending));
      const id = /\/app\/team\/collaborators\/(col_[^/"]+)\/resend-invite/.exec(card)?.[1];
      expect(id).toBeDefined();
      const resent = await team.post(`/app/team/collaborators/${id}/resend-invite`);
      expect(resent.statusCode).toBe(303);
      expect(team.invitations.sent.at(-1)).toMatchObject({ collaboratorId: id, email: 'bruno.unsent@example.com' });
    });

    it('answers bad input with the form, a 4xx and the field named', async () => {
      const bad = await team.post('/app/team/collaborators', { name: '', email: 'not-an-email', profileId: 'ghost' });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain(escaped(en.fieldErrors.name));
      expect(bad.body).toContain(escaped(en.fieldErrors.email));
      expect(bad.body).toContain('value="not-an-email"');
      const unknown = await team.post('/app/team/collaborators', { name: 'Ghost', profileId: 'ghost' });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.body).toContain(escaped(en.fieldErrors.profile));
    });

    it('moves a collaborator to another profile and removes one; a system has no invite to resend', async () => {
      const id = await addSystem(`System ${uniqueId('s')}`, 'analyst');
      expect(
        (await team.post(`/app/team/collaborators/${id}/profile`, { profileId: 'support_agent' })).statusCode,
      ).toBe(303);
      const notInvitable = await team.post(`/app/team/collaborators/${id}/resend-invite`);
      expect(notInvitable.statusCode).toBe(409);
      expect(notInvitable.body).toContain(escaped(en.actionErrors.not_invitable));
      const removed = await team.post(`/app/team/collaborators/${id}/remove`);
      expect(removed.headers.location).toBe('/app/team/collaborators?notice=collaborator_removed');
      const { html } = await page('/app/team/collaborators');
      expect(html).not.toContain(`id="move-${id}"`);
      const missing = await team.post('/app/team/collaborators/col_nobody/remove');
      expect(missing.statusCode).toBe(404);
    });
  });

  describe('API keys', () => {
    it('shows the secret on the answer page only: never again, not on reload, not in the list', async () => {
      const { cookie, shown, secret } = await createKeyThroughPage('owner key');
      expect(shown.statusCode).toBe(200);
      expect(secret).toMatch(/^dk_live_/);
      expect(shown.body).toContain(escaped(en.keys.secretWarning));
      expect(String(shown.headers['set-cookie'])).toMatch(/Max-Age=0/);
      expect(shown.headers['cache-control']).toBe('no-store');
      // A reload sends no cookie any more (the page cleared it): it shows no secret.
      const reload = await team.call({ method: 'GET', url: '/app/team/keys/created' });
      expect(reload.statusCode).toBe(303);
      expect(reload.body).not.toContain(secret!);
      const list = await page('/app/team/keys');
      expect(list.html).toContain('owner key');
      expect(list.html).not.toContain(secret!);
      expect(list.html).toContain(`${secret!.slice(0, 14)}…`);
      expect(cookie).toContain(secret!);
      expect(await databaseKeyStore(getDb()).authenticate(secret!)).toMatchObject({ role: 'owner' });
    });

    it('revokes a key at once', async () => {
      const { secret } = await createKeyThroughPage('to revoke');
      const keys = databaseKeyStore(getDb());
      expect(await keys.authenticate(secret!)).not.toBeNull();
      const { html } = await page('/app/team/keys');
      const action = /action="(\/app\/team\/keys\/key_[^/"]+\/revoke)"/.exec(html)?.[1];
      expect(action).toBeDefined();
      expect((await team.post(action!)).statusCode).toBe(303);
      expect(await keys.authenticate(secret!)).toBeNull();
    });

    it('answers bad input with the form, a 4xx and the field named', async () => {
      const bad = await team.post('/app/team/keys', { name: '', collaboratorId: 'col_ghost' });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain(escaped(en.fieldErrors.name));
      const unknown = await team.post('/app/team/keys', { name: 'ghost key', collaboratorId: 'col_ghost' });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.body).toContain(escaped(en.fieldErrors.holder));
    });
  });

  describe('audit log', () => {
    it('records page writes with the signed-in person as author, and shows them newest first without emails', async () => {
      const lines = await listAudit(getDb(), TEAM_TENANT);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => l.actor.userId === OWNER_USER && l.actor.keyId === OWNER_USER)).toBe(true);
      expect(JSON.stringify(lines)).not.toMatch(/@example\.com/);
      const { status, html } = await page('/app/team/audit');
      expect(status).toBe(200);
      expect(html).not.toMatch(/@example\.com/i);
      const shown = [...html.matchAll(/<p class="team-card__title">([^<]+)<\/p>/g)].map((m) => m[1]);
      expect(shown[0]).toBe(escaped(en.audit.actions[lines.at(-1)!.action as 'key.created']));
      expect(html).toContain(en.audit.owner);
    });

    it('pages through the log, 50 at a time, newest first', async () => {
      const tenantId = 'team-a';
      for (let i = 0; i < 60; i += 1)
        await appendAudit(getDb(), {
          tenantId,
          action: 'profile.updated',
          actor: { keyId: 'key_x', collaboratorId: 'col_gone', profileId: 'analyst' },
          target: { profileId: `p${i}` },
        });
      const first = await page('/app/team/audit');
      expect(first.html).toContain('profileId: p59');
      expect(first.html).toContain(en.audit.unknownCollaborator);
      const older = /href="(\/app\/team\/audit\?cursor=[^"]+)"/.exec(first.html)?.[1];
      expect(older).toBeDefined();
      const second = await page(older!.replace(/&amp;/g, '&'));
      expect(second.status).toBe(200);
      expect(second.html).not.toContain('profileId: p59');
      expect(second.html).toContain('profileId: p0<');
      expect((await page('/app/team/audit?cursor=not-ours')).status).toBe(400);
    });
  });

  it('is the owner’s alone: a collaborator of any profile is refused every team page and form', async () => {
    const routes = [
      ['GET', '/app/team/profiles'],
      ['GET', '/app/team/profiles/new'],
      ['POST', '/app/team/profiles'],
      ['POST', '/app/team/profiles/readers'],
      ['GET', '/app/team/collaborators'],
      ['POST', '/app/team/collaborators'],
      ['GET', '/app/team/keys'],
      ['POST', '/app/team/keys'],
      ['GET', '/app/team/audit'],
    ] as const;
    for (const profile of Object.keys(BUILT_IN_PROFILES))
      for (const [method, url] of routes)
        expect(
          (await team.call({ method, url, collaborator: profile })).statusCode,
          `${profile} ${method} ${url}`,
        ).toBe(403);
  });

  it.each(SUPPORTED_LOCALES)('shows every team page in %s', async (locale) => {
    const t = TEAM_COPY[locale];
    for (const [url, heading, hasForm] of [
      ['/app/team/profiles', t.nav.profiles, false],
      ['/app/team/profiles/new', t.profiles.newTitle, true],
      ['/app/team/collaborators', t.nav.collaborators, true],
      ['/app/team/keys', t.nav.keys, true],
      ['/app/team/audit', t.nav.audit, false],
    ] as const) {
      const { status, html } = await page(`${url}?lang=${locale}`);
      expect(status, url).toBe(200);
      expect(html).toContain(`<html lang="${locale}">`);
      expect(html).toContain(`<h1>${escaped(heading)}</h1>`);
      // The layout's sign-out form carries the token on every page; the page's own forms carry it too.
      const main = html.slice(html.indexOf('<main'));
      expect(main.includes('name="_csrf" value="csrf-test-token"'), url).toBe(hasForm);
    }
  });
});

describeEachDatabase('the Collaboration Center without an invite sender', (getDb) => {
  let team: TeamHarness;
  beforeAll(async () => {
    team = await startTeamPages(getDb(), { invitations: false });
  });
  afterAll(() => team.app.close());

  it('refuses to invite a person, and still adds a system', async () => {
    const refused = await team.post('/app/team/collaborators', {
      name: 'Person',
      email: 'p@example.com',
      profileId: 'analyst',
    });
    expect(refused.statusCode).toBe(503);
    expect(refused.body).toContain(escaped(en.actionErrors.invitations_unavailable));
    expect((await team.post('/app/team/collaborators', { name: 'System', profileId: 'analyst' })).statusCode).toBe(303);
  });
});
