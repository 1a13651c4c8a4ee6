/**
 * The seller app as a person uses it, through `app.inject`: a browser-like cookie jar, the CSRF
 * token read from the last page, and the sign-in links a recording mailer caught. People and
 * seats are written straight to the database, as the Collaboration Center would.
 */
import type { FastifyPluginAsync, InjectOptions, LightMyRequestResponse } from 'fastify';
import { auditWrite } from '../../api/audit';
import { actorOf } from '../../api/plugins/auth';
import type { SellerRouteDeps } from '../../web/seller/context';
import { expect } from 'vitest';
import { newId } from '../../application/ids';
import { type SignInEmail, type SignInMailer, createSignInLink } from '../../application/sign-in';
import { ensureTenant } from '../../db/access-repository';
import type { Database } from '../../db/client';
import { collaborators } from '../../db/schema';
import { addTenantOwner, ensureUser } from '../../db/user-repository';
import { type ApiHarness, type StartApiOptions, startApi } from '../api/support';
import { uniqueId } from '../support/fixtures';

export const SESSION_SECRET = 'a-test-session-secret-of-32-chars-or-more';

export class RecordingMailer implements SignInMailer {
  readonly sent: SignInEmail[] = [];
  async send(email: SignInEmail): Promise<void> {
    this.sent.push(email);
  }
  /** The token of the newest email to `to`, or null. */
  lastToken(to: string): string | null {
    const email = this.sent.filter((e) => e.to === to).at(-1);
    return email ? new URL(email.link).searchParams.get('token') : null;
  }
}

export interface SellerHarness {
  api: ApiHarness;
  mailer: RecordingMailer;
  browser(): Browser;
}

export async function startSellerApp(
  db: Database,
  now: () => number,
  options: Omit<StartApiOptions, 'sellerApp'> & { sellerApp?: Partial<NonNullable<StartApiOptions['sellerApp']>> } = {},
): Promise<SellerHarness> {
  const mailer = new RecordingMailer();
  const api = await startApi(db, now, {
    ...options,
    sellerApp: {
      sessionSecret: SESSION_SECRET,
      publicBaseUrl: 'http://localhost:3000',
      mailer,
      extraRoutes: [probeRoutes],
      // Every test browser comes from one address: the per-address limit has its own test.
      linkRequestsPerAddress: 10_000,
      ...options.sellerApp,
    },
  });
  // A link made straight in the database: tests that sign in often stay under the per-address limit.
  const linkFor = async (email: string) => {
    const { link } = await createSignInLink({ db, now, baseUrl: 'http://localhost:3000' }, email);
    return new URL(link).searchParams.get('token')!;
  };
  return { api, mailer, browser: () => new Browser(api, mailer, linkFor) };
}

/** One person's browser: keeps cookies (Path=/app), posts forms with the last page's `_csrf`. */
export class Browser {
  readonly cookies = new Map<string, string>();
  csrf: string | null = null;
  headers: Record<string, string> = {};
  constructor(
    private readonly api: ApiHarness,
    private readonly mailer: RecordingMailer,
    private readonly linkFor: (email: string) => Promise<string>,
  ) {}

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await this.api.app.inject({
      ...options,
      headers: { ...this.headers, ...(cookie && { cookie }), ...options.headers },
    });
    for (const c of response.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      const gone = c.value === '' || c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() < Date.now());
      if (gone) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
    return response;
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request({ method: 'GET', url, headers });
  }

  /** A form post; `_csrf` is the last page's unless the fields give one (null: none at all). */
  post(url: string, fields: Record<string, string | null> = {}, headers: Record<string, string> = {}) {
    const form = new URLSearchParams();
    const withToken = { _csrf: this.csrf, ...fields };
    for (const [name, value] of Object.entries(withToken)) if (value !== null) form.set(name, value);
    return this.request({
      method: 'POST',
      url,
      payload: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /** Asks for a sign-in link through the form: the token emailed. */
  async askForLink(email: string, next?: string): Promise<string> {
    await this.get(next ? `/app/sign-in?next=${encodeURIComponent(next)}` : '/app/sign-in');
    const asked = await this.post('/app/sign-in', { email, ...(next && { next }) });
    expect(asked.statusCode).toBe(200);
    const token = this.mailer.lastToken(email);
    if (!token) throw new Error('no sign-in link was sent');
    return token;
  }

  /** Asks for a link and follows it: the answer of the sign-in (a 303 to where it lands). */
  async signIn(email: string, next?: string): Promise<LightMyRequestResponse> {
    return this.useLink(await this.askForLink(email, next), next);
  }

  /** Signs in with a link made without the form (no email, no per-address limit). */
  async signInDirectly(email: string): Promise<LightMyRequestResponse> {
    return this.useLink(await this.linkFor(email));
  }

  async useLink(token: string, next?: string): Promise<LightMyRequestResponse> {
    const confirm = await this.get(`/app/sign-in/confirm?token=${encodeURIComponent(token)}`);
    expect(confirm.statusCode).toBe(200);
    return this.post('/app/sign-in/confirm', { token, ...(next && { next }) });
  }

  sessionCookie(): string | undefined {
    return [...this.cookies].find(([name]) => name.endsWith('seller_session'))?.[1];
  }
}

/** A tenant and its owner (a user); returns the owner's user id and email. */
export async function seedOwner(db: Database, tenantId = uniqueId('tenant'), name = `Shop ${tenantId}`) {
  await ensureTenant(db, tenantId, name);
  const email = `${uniqueId('owner')}@example.com`;
  const user = await ensureUser(db, { newId: newId('usr'), email });
  await addTenantOwner(db, tenantId, user.id);
  return { tenantId, userId: user.id, email };
}

/** A collaborator seat of `tenantId`, accepted by a (new or given) person. */
export async function seedCollaborator(
  db: Database,
  tenantId: string,
  profileId: string,
  email = `${uniqueId('collab')}@example.com`,
) {
  await ensureTenant(db, tenantId);
  const user = await ensureUser(db, { newId: newId('usr'), email });
  const collaboratorId = newId('col');
  const now = new Date();
  await db.insert(collaborators).values({
    tenantId,
    id: collaboratorId,
    name: `Collaborator ${profileId}`,
    profileId,
    email,
    userId: user.id,
    invitedAt: now,
    acceptedAt: now,
  });
  return { tenantId, collaboratorId, userId: user.id, email };
}

/**
 * Routes standing in for the panel's and the team's in these tests: one per kind of rule, and a
 * write that reports who it is recorded as.
 */
export const probeRoutes: FastifyPluginAsync<SellerRouteDeps> = async (app, deps) => {
  app.get('/app/probe/reports', { config: { permission: 'reports:read' } }, async (request) => ({
    tenantId: request.seller.principal.tenantId,
  }));
  app.get('/app/probe/owner', { config: { ownerOnly: true } }, async () => ({ ok: true }));
  app.post('/app/probe/write', { config: { permission: 'journeys:pause' } }, async (request) => ({
    actor: actorOf(request),
    recordedBy: await auditWrite(deps.db, request, 'probe.written', { probe: true }),
  }));
};
