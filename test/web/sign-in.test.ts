/**
 * Signing in to the seller app (`app.inject`, real routes, sessions in the database): the link
 * request that never tells whether an address is known, the single-use link, the session's
 * cookie, CSRF, sign-out, expiry, fixation, accounts and invites, and who a session's writes are
 * recorded as.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInvitations } from '../../application/sign-in';
import { updateCollaborator } from '../../db/access-repository';
import { listAudit } from '../../db/audit-repository';
import { collaborators, permissionProfiles, signInLinks, users, webSessions } from '../../db/schema';
import { countSessionsOf, deleteExpiredSessions } from '../../db/session-store';
import { SELLER_COPY } from '../../web/seller/copy';
import { wordedSignInEmail } from '../../web/seller/mailer';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type SellerHarness, seedCollaborator, seedOwner, startSellerApp } from './seller-support';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describeEachDatabase('seller app sign-in', (getDb) => {
  let seller: SellerHarness;
  let clock = Date.now();
  beforeAll(async () => {
    seller = await startSellerApp(getDb(), () => clock);
  });
  // Tests move the clock as they like: each starts from now.
  beforeEach(() => {
    clock = Date.now();
  });
  afterAll(async () => {
    await seller.api.app.close();
  });

  it('signs an owner in by an emailed link and lands on the page asked for', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    const landed = await browser.signIn(owner.email, '/app/accounts');
    expect(landed.statusCode).toBe(303);
    expect(landed.headers.location).toBe('/app/accounts');
    const accounts = await browser.get('/app/accounts');
    expect(accounts.statusCode).toBe(200);
    expect(accounts.body).toContain(`Shop ${owner.tenantId}`);
    expect(await countSessionsOf(getDb(), owner.userId)).toBe(1);
  });

  it('answers a known and an unknown address with the same page, and emails only the known one', async () => {
    const owner = await seedOwner(getDb());
    const stranger = `${uniqueId('nobody')}@example.com`;
    const pageFor = async (email: string) => {
      const browser = seller.browser();
      await browser.get('/app/sign-in');
      const answer = await browser.post('/app/sign-in', { email });
      return { status: answer.statusCode, body: answer.body.replace(/name="_csrf" value="[^"]+"/g, '') };
    };
    const known = await pageFor(owner.email);
    const unknown = await pageFor(stranger);
    expect(known.status).toBe(200);
    expect(unknown).toEqual(known);
    expect(known.body).toContain('Check your email');
    expect(seller.mailer.sent.filter((e) => e.to === owner.email)).toHaveLength(1);
    expect(seller.mailer.sent.filter((e) => e.to === stranger)).toHaveLength(0);
  });

  it('stores only the digest of a link, and the link carries no address', async () => {
    const owner = await seedOwner(getDb());
    await seller.browser().signIn(owner.email);
    const token = seller.mailer.lastToken(owner.email)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await getDb().select().from(signInLinks).where(eq(signInLinks.email, owner.email));
    expect(rows.map((r) => r.tokenHash)).not.toContain(token);
    const email = seller.mailer.sent.find((e) => e.to === owner.email)!;
    expect(email.link).not.toContain(owner.email.split('@')[0]);
  });

  it('words the email and the pages in the browser’s language, or the one the page was asked in', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    browser.headers = { 'accept-language': 'pt-PT,pt;q=0.9,en;q=0.5' };
    const form = await browser.get('/app/sign-in');
    expect(form.body).toContain('<html lang="pt-BR">');
    expect(form.body).toContain(SELLER_COPY['pt-BR'].signIn.submit);
    const sent = await browser.post('/app/sign-in', { email: owner.email.toUpperCase() });
    expect(sent.body).toContain(SELLER_COPY['pt-BR'].signIn.sentTitle);
    expect(seller.mailer.sent.at(-1)).toMatchObject({ kind: 'sign_in', to: owner.email, locale: 'pt-BR' });
    expect(wordedSignInEmail(seller.mailer.sent.at(-1)!).subject).toBe(SELLER_COPY['pt-BR'].emails.signInSubject);
    await browser.get('/app/sign-in?lang=fr');
    await browser.post('/app/sign-in', { email: owner.email, lang: 'fr' });
    expect(seller.mailer.sent.at(-1)?.locale).toBe('fr');
  });

  it('sweeps expired session rows, and never reads one', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    await browser.signIn(owner.email);
    clock += 9 * HOUR;
    expect((await browser.get('/app/accounts')).statusCode).toBe(303);
    expect(await countSessionsOf(getDb(), owner.userId)).toBe(1);
    await deleteExpiredSessions(getDb(), new Date(clock));
    expect(await countSessionsOf(getDb(), owner.userId)).toBe(0);
  });

  it('refuses a form with no email address or a malformed one, naming the field', async () => {
    const browser = seller.browser();
    await browser.get('/app/sign-in');
    const answer = await browser.post('/app/sign-in', { email: 'not-an-address' });
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toContain('aria-invalid="true"');
  });

  it('lets a link sign in once: a second use gets the "new link" page', async () => {
    const owner = await seedOwner(getDb());
    await seller.browser().get('/app/sign-in');
    const first = seller.browser();
    await first.signIn(owner.email);
    const token = seller.mailer.lastToken(owner.email)!;
    const again = seller.browser();
    const page = await again.get(`/app/sign-in/confirm?token=${token}`);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('Send me a new link');
    await again.get('/app/sign-in');
    const replay = await again.post('/app/sign-in/confirm', { token });
    expect(replay.statusCode).toBe(410);
    expect(again.sessionCookie()).toBeDefined();
    expect((await again.get('/app/accounts')).statusCode).toBe(303);
  });

  it('opening the link (a GET, as mail scanners do) does not use it', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    const token = await browser.askForLink(owner.email);
    expect((await seller.browser().get(`/app/sign-in/confirm?token=${token}`)).statusCode).toBe(200);
    expect((await browser.useLink(token)).statusCode).toBe(303);
  });

  it('refuses a link after its 15 minutes', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    const token = await browser.askForLink(owner.email);
    clock += 15 * MINUTE + 1;
    expect((await browser.get(`/app/sign-in/confirm?token=${token}`)).statusCode).toBe(410);
    expect((await browser.post('/app/sign-in/confirm', { token })).statusCode).toBe(410);
  });

  it('sends an address at most 5 links per 15 minutes, and says the same thing beyond', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    await browser.get('/app/sign-in');
    for (let i = 0; i < 7; i++)
      expect((await browser.post('/app/sign-in', { email: owner.email })).statusCode).toBe(200);
    expect(seller.mailer.sent.filter((e) => e.to === owner.email)).toHaveLength(5);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/app, and changes its id at sign-in', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    const form = await browser.get('/app/sign-in');
    const before = browser.sessionCookie();
    expect(before).toBeDefined();
    const cookie = String(form.headers['set-cookie']);
    expect(cookie).toMatch(/^seller_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/app(;|$)/);
    expect(cookie).not.toMatch(/Secure/);
    await browser.signIn(owner.email);
    expect(browser.sessionCookie()).toBeDefined();
    expect(browser.sessionCookie()).not.toBe(before);
    // The id known before sign-in opens nothing after it.
    const planted = seller.browser();
    planted.cookies.set('seller_session', before!);
    expect((await planted.get('/app/accounts')).statusCode).toBe(303);
  });

  it('refuses a form without its CSRF token, or with a wrong one, with a 403 page', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    await browser.signIn(owner.email);
    await browser.get('/app/accounts');
    const missing = await browser.post('/app/accounts/switch', { tenantId: owner.tenantId, _csrf: null });
    expect(missing.statusCode).toBe(403);
    expect(missing.headers['content-type']).toMatch(/text\/html/);
    expect(missing.body).toContain('This form expired');
    const wrong = await browser.post('/app/sign-out', { _csrf: 'forged-token' });
    expect(wrong.statusCode).toBe(403);
    expect(await countSessionsOf(getDb(), owner.userId)).toBe(1);
    const signedOut = seller.browser();
    await signedOut.get('/app/sign-in');
    expect((await signedOut.post('/app/sign-in', { email: owner.email, _csrf: null })).statusCode).toBe(403);
  });

  it('signs out: the session row and the cookie are gone', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    await browser.signIn(owner.email);
    const page = await browser.get('/app/accounts');
    expect(page.body).toContain('action="/app/sign-out"');
    const out = await browser.post('/app/sign-out');
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/app/sign-in');
    expect(await countSessionsOf(getDb(), owner.userId)).toBe(0);
    expect((await browser.get('/app/accounts')).statusCode).toBe(303);
  });

  it('sends a signed-out GET to sign-in (and back after) and answers a signed-out POST with 401', async () => {
    const browser = seller.browser();
    const get = await browser.get('/app/accounts?lang=es');
    expect(get.statusCode).toBe(303);
    expect(get.headers.location).toBe(`/app/sign-in?next=${encodeURIComponent('/app/accounts?lang=es')}`);
    const post = await browser.post('/app/accounts/switch', { tenantId: 'x' });
    expect(post.statusCode).toBe(401);
    expect(post.body).toContain('Please sign in');
  });

  it('never lands on another site after sign-in', async () => {
    const owner = await seedOwner(getDb());
    for (const next of ['https://evil.example/', '//evil.example/app', '/app/../x', '/apps', '/\\evil.example']) {
      const browser = seller.browser();
      const landed = await browser.signIn(owner.email, next);
      expect(landed.headers.location, next).toBe('/app/overview');
    }
  });

  it('ends a session after 8 idle hours', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    await browser.signIn(owner.email);
    clock += 7 * HOUR;
    expect((await browser.get('/app/accounts')).statusCode).toBe(200);
    clock += 8 * HOUR + 1;
    expect((await browser.get('/app/accounts')).statusCode).toBe(303);
  });

  it('ends a session 7 days after sign-in however active', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    await browser.signIn(owner.email);
    const start = clock;
    for (let hours = 6; hours < 7 * 24; hours += 6) {
      clock = start + hours * HOUR;
      expect((await browser.get('/app/accounts')).statusCode, `after ${hours} h`).toBe(200);
    }
    clock = start + 7 * 24 * HOUR;
    expect((await browser.get('/app/accounts')).statusCode).toBe(303);
  });

  describe('accounts', () => {
    it('lists every account a person holds and switches only to one of them', async () => {
      const mine = await seedOwner(getDb());
      const assisted = await seedOwner(getDb());
      const foreign = await seedOwner(getDb());
      await seedCollaborator(getDb(), assisted.tenantId, 'analyst', mine.email);
      const browser = seller.browser();
      await browser.signIn(mine.email);
      const list = await browser.get('/app/accounts');
      expect(list.body).toContain(`Shop ${mine.tenantId}`);
      expect(list.body).toContain(`Shop ${assisted.tenantId}`);
      expect(list.body).toContain('Collaborator · Analyst');
      expect(list.body).not.toContain(`Shop ${foreign.tenantId}`);
      expect(list.body).toContain('id="account-switcher"');

      expect((await browser.get('/app/probe/owner')).statusCode).toBe(200);
      const refused = await browser.post('/app/accounts/switch', { tenantId: foreign.tenantId });
      expect(refused.statusCode).toBe(403);
      const switched = await browser.post('/app/accounts/switch', { tenantId: assisted.tenantId });
      expect(switched.statusCode).toBe(303);
      const probe = await browser.get('/app/probe/reports');
      expect(probe.json()).toEqual({ tenantId: assisted.tenantId });
      // As the analyst there: owner-only pages are refused, saying so.
      const ownerOnly = await browser.get('/app/probe/owner');
      expect(ownerOnly.statusCode).toBe(403);
      expect(ownerOnly.body).toContain('Only the account owner');
    });

    it('takes a removed collaborator’s account away at their next request', async () => {
      const owner = await seedOwner(getDb());
      const seat = await seedCollaborator(getDb(), owner.tenantId, 'collections_manager');
      const browser = seller.browser();
      await browser.signIn(seat.email);
      expect((await browser.get('/app/probe/reports')).statusCode).toBe(200);
      await updateCollaborator(getDb(), owner.tenantId, seat.collaboratorId, { disabledAt: new Date() });
      const after = await browser.get('/app/probe/reports');
      expect(after.statusCode).toBe(403);
      expect(after.body).toContain('No account to show');
      expect(after.body).toContain('action="/app/sign-out"');
      expect((await browser.post('/app/sign-out')).statusCode).toBe(303);
    });

    it('applies a profile edit to a signed-in collaborator at once', async () => {
      const owner = await seedOwner(getDb());
      const profileId = uniqueId('prof');
      await getDb()
        .insert(permissionProfiles)
        .values({ tenantId: owner.tenantId, id: profileId, name: 'Readers', permissions: ['journeys:read'] });
      const seat = await seedCollaborator(getDb(), owner.tenantId, profileId);
      const browser = seller.browser();
      await browser.signIn(seat.email);
      const before = await browser.get('/app/probe/reports');
      expect(before.statusCode).toBe(403);
      expect(before.body).toContain('reports:read');
      await getDb()
        .update(permissionProfiles)
        .set({ permissions: ['journeys:read', 'reports:read'] })
        .where(and(eq(permissionProfiles.tenantId, owner.tenantId), eq(permissionProfiles.id, profileId)));
      expect((await browser.get('/app/probe/reports')).statusCode).toBe(200);
    });

    it('records a session’s writes as the person, their seat and profile', async () => {
      const owner = await seedOwner(getDb());
      const seat = await seedCollaborator(getDb(), owner.tenantId, 'support_agent');
      const browser = seller.browser();
      await browser.signIn(seat.email);
      await browser.get('/app/accounts');
      const written = await browser.post('/app/probe/write');
      expect(written.statusCode).toBe(200);
      const who = { collaboratorId: seat.collaboratorId, profileId: 'support_agent' };
      expect(written.json().actor).toEqual({ kind: 'user', id: seat.userId, ...who });
      const [line] = (await listAudit(getDb(), owner.tenantId)).filter((l) => l.action === 'probe.written');
      expect(line?.actor).toEqual({ keyId: seat.userId, userId: seat.userId, ...who });
      expect(JSON.stringify(line)).not.toContain(seat.email);
    });
  });

  describe('invites', () => {
    async function invite(email = `${uniqueId('invitee')}@example.com`) {
      const owner = await seedOwner(getDb());
      const collaboratorId = uniqueId('col');
      await getDb()
        .insert(collaborators)
        .values({
          tenantId: owner.tenantId,
          id: collaboratorId,
          name: 'Invitee',
          profileId: 'analyst',
          email,
          invitedAt: new Date(clock),
        });
      const invitations = createInvitations({
        db: getDb(),
        now: () => clock,
        mailer: seller.mailer,
        baseUrl: 'http://localhost:3000',
      });
      const sendAgain = async () => {
        await invitations.send({
          tenantId: owner.tenantId,
          collaboratorId,
          email,
          name: 'Invitee',
          invitedBy: owner.userId,
        });
        return seller.mailer.lastToken(email)!;
      };
      return { owner, collaboratorId, email, token: await sendAgain(), sendAgain };
    }

    it('signs an invited person in with the inviting account in use', async () => {
      const { owner, collaboratorId, email, token } = await invite();
      const sent = seller.mailer.sent.at(-1)!;
      expect(sent).toMatchObject({ kind: 'invite', tenantName: `Shop ${owner.tenantId}` });
      const browser = seller.browser();
      const page = await browser.get(`/app/invites/accept?token=${token}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`Shop ${owner.tenantId}`);
      const accepted = await browser.post('/app/invites/accept', { token });
      expect(accepted.statusCode).toBe(303);
      expect(accepted.headers.location).toBe('/app/overview');
      expect((await browser.get('/app/probe/reports')).json()).toEqual({ tenantId: owner.tenantId });
      const [seat] = await getDb().select().from(collaborators).where(eq(collaborators.id, collaboratorId));
      expect(seat?.acceptedAt).not.toBeNull();
      expect(seat?.userId).toMatch(/^usr_/);
      // The invite works once; the person now signs in by email like anyone.
      expect((await seller.browser().get(`/app/invites/accept?token=${token}`)).statusCode).toBe(410);
      expect((await seller.browser().signIn(email)).statusCode).toBe(303);
    });

    it('refuses an invite after 7 days, or replaced by a newer one', async () => {
      const { token, sendAgain } = await invite();
      const newer = await sendAgain();
      expect((await seller.browser().get(`/app/invites/accept?token=${token}`)).statusCode).toBe(410);
      clock += 7 * 24 * HOUR + 1;
      const browser = seller.browser();
      expect((await browser.get(`/app/invites/accept?token=${newer}`)).statusCode).toBe(410);
      await browser.get('/app/sign-in');
      expect((await browser.post('/app/invites/accept', { token: newer })).statusCode).toBe(410);
    });

    it('refuses the invite of a collaborator removed since, and makes no user', async () => {
      const { owner, collaboratorId, email, token } = await invite();
      const browser = seller.browser();
      expect((await browser.get(`/app/invites/accept?token=${token}`)).statusCode).toBe(200);
      await updateCollaborator(getDb(), owner.tenantId, collaboratorId, { disabledAt: new Date() });
      const answer = await browser.post('/app/invites/accept', { token });
      expect(answer.statusCode).toBe(410);
      expect(answer.body).toContain('This invitation no longer works');
      expect(await getDb().select().from(users).where(eq(users.email, email))).toEqual([]);
    });
  });

  it('keeps no session row for a page view that showed no form', async () => {
    const before = (await getDb().select().from(webSessions)).length;
    expect((await seller.browser().get('/app')).statusCode).toBe(303);
    expect((await getDb().select().from(webSessions)).length).toBe(before);
  });
});

describeEachDatabase('seller app limits and https', (getDb) => {
  let seller: SellerHarness;
  beforeAll(async () => {
    seller = await startSellerApp(getDb(), () => Date.now(), {
      trustProxy: true,
      sellerApp: { publicBaseUrl: 'https://collect.example.com', linkRequestsPerAddress: 3 },
    });
  });
  afterAll(async () => {
    await seller.api.app.close();
  });

  it('marks the cookie Secure (and __Secure-) when the public URL is https', async () => {
    const owner = await seedOwner(getDb());
    const browser = seller.browser();
    browser.headers = { 'x-forwarded-proto': 'https' };
    const form = await browser.get('/app/sign-in');
    const cookie = String(form.headers['set-cookie']);
    expect(cookie).toMatch(/^__Secure-seller_session=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    await browser.signIn(owner.email);
    expect(seller.mailer.sent.at(-1)?.link).toMatch(/^https:\/\/collect\.example\.com\/app\/sign-in\/confirm\?token=/);
    expect((await browser.get('/app/accounts')).statusCode).toBe(200);
  });

  it('answers too many link requests from one address with a 429 page', async () => {
    const browser = seller.browser();
    browser.headers = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' };
    await browser.get('/app/sign-in');
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await browser.post('/app/sign-in', { email: `${uniqueId('x')}@example.com` }));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 429]);
    expect(answers[3]!.body).toContain('Too many requests');
  });
});
