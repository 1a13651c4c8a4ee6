/**
 * The seller app's pages authorization matrix: every route registered under /app (found as it
 * registers, so the panel's and the team's routes are covered the moment they are listed in
 * web/seller/routes.ts) × every kind of visitor: signed out, the owner, a collaborator of each
 * built-in profile, and another tenant's owner. Each route's declared rule is checked against
 * domain/permissions.ts `refusal`, the rule API keys go through.
 *
 * What must hold:
 *  - signed out: a route open to `anyone` answers; any other GET goes to sign-in (303, with
 *    `next`), any other POST gets the 401 page;
 *  - signed in: a route whose rule refuses the visitor gets the 403 refusal page, and nothing
 *    else does; `signed_in` routes are open to all;
 *  - another tenant's owner never sees tenant A's id or name;
 *  - nobody gets a 5xx.
 */
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '../../application/key-stores';
import { BUILT_IN_PROFILES, type BuiltInProfileId, refusal } from '../../domain/permissions';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type Browser, type SellerHarness, seedCollaborator, seedOwner, startSellerApp } from './seller-support';

interface PageRoute {
  method: 'GET' | 'POST';
  url: string;
  config: { permission?: string; ownerOnly?: boolean; sessionAccess?: 'anyone' | 'signed_in' };
}

type Visitor =
  | { kind: 'signed-out' }
  | { kind: 'owner' }
  | { kind: 'other-tenant' }
  | { kind: 'profile'; profileId: BuiltInProfileId };

const PROFILES = Object.keys(BUILT_IN_PROFILES) as BuiltInProfileId[];
const VISITORS: Visitor[] = [
  { kind: 'signed-out' },
  { kind: 'other-tenant' },
  { kind: 'owner' },
  ...PROFILES.map((profileId) => ({ kind: 'profile' as const, profileId })),
];
const visitorName = (v: Visitor) => (v.kind === 'profile' ? `profile ${v.profileId}` : v.kind);

/** The path a request takes: every parameter filled with an id nobody has. */
const pathOf = (url: string) => url.replace(/:[A-Za-z]+/g, 'none-such').replace(/\*$/, 'none-such');

describeEachDatabase('seller app pages: authorization matrix', (getDb) => {
  let seller: SellerHarness;
  const routes: PageRoute[] = [];
  const browsers = new Map<string, Browser>();
  let tenantA: { tenantId: string; name: string };
  const emails = new Map<string, string>();

  beforeAll(async () => {
    const found: PageRoute[] = [];
    seller = await startSellerApp(getDb(), () => Date.now(), {
      onRoute: (route: RouteOptions) => {
        if (!route.url.startsWith('/app')) return;
        for (const method of [route.method].flat()) {
          const config = (route.config ?? {}) as PageRoute['config'];
          if (method === 'GET' || method === 'POST')
            found.push({ method: method as PageRoute['method'], url: route.url, config });
        }
      },
    });
    routes.push(...new Map(found.map((r) => [`${r.method} ${r.url}`, r])).values());
    const owner = await seedOwner(getDb(), uniqueId('tenant-a'), 'Matrix Shop A');
    tenantA = { tenantId: owner.tenantId, name: 'Matrix Shop A' };
    emails.set('owner', owner.email);
    emails.set('other-tenant', (await seedOwner(getDb(), uniqueId('tenant-b'), 'Matrix Shop B')).email);
    for (const profileId of PROFILES)
      emails.set(`profile ${profileId}`, (await seedCollaborator(getDb(), owner.tenantId, profileId)).email);
  });
  afterAll(async () => {
    await seller.api.app.close();
  });

  /** A browser of the visitor's, with a CSRF token from a page; a fresh one after a POST (it may sign out). */
  async function browserOf(visitor: Visitor, fresh: boolean): Promise<Browser> {
    const name = visitorName(visitor);
    const kept = browsers.get(name);
    if (kept && !fresh) return kept;
    const browser = seller.browser();
    if (visitor.kind === 'signed-out') await browser.get('/app/sign-in');
    else {
      expect((await browser.signInDirectly(emails.get(name)!)).statusCode).toBe(303);
      await browser.get('/app/accounts');
    }
    if (!fresh) browsers.set(name, browser);
    return browser;
  }

  it('finds the seller app’s routes, each with a declared rule', () => {
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /app/sign-in', 'POST /app/sign-in/confirm', 'POST /app/accounts/switch']),
    );
    for (const route of routes) {
      const declared = [route.config.permission, route.config.ownerOnly, route.config.sessionAccess].filter(Boolean);
      expect(declared, `${route.method} ${route.url}`).toHaveLength(1);
    }
    console.log(`[seller authorization matrix] ${routes.length} routes × ${VISITORS.length} visitors`);
  });

  it('answers every visitor on every route as its rule says', async () => {
    for (const route of routes) {
      for (const visitor of VISITORS) {
        const what = `${route.method} ${route.url} as ${visitorName(visitor)}`;
        const browser = await browserOf(visitor, route.method === 'POST');
        const path = pathOf(route.url);
        const answer = route.method === 'GET' ? await browser.get(path) : await browser.post(path);
        expect(answer.statusCode, what).toBeLessThan(500);
        const refused = /data-refusal="(owner_only|missing_permission|undeclared)"/.test(answer.body);
        const { sessionAccess } = route.config;

        if (visitor.kind === 'signed-out') {
          if (sessionAccess === 'anyone') {
            expect(answer.statusCode, what).not.toBe(401);
            expect(String(answer.headers.location ?? ''), what).not.toMatch(/^\/app\/sign-in\?next=/);
          } else if (route.method === 'GET') {
            expect(answer.statusCode, what).toBe(303);
            expect(answer.headers.location, what).toBe(`/app/sign-in?next=${encodeURIComponent(path)}`);
          } else {
            expect(answer.statusCode, what).toBe(401);
          }
          continue;
        }

        expect(answer.statusCode, what).not.toBe(401);
        expect(String(answer.headers.location ?? ''), what).not.toMatch(/^\/app\/sign-in\?next=/);
        if (sessionAccess) expect(refused, what).toBe(false);
        else {
          const caller =
            visitor.kind === 'profile'
              ? {
                  role: 'collaborator' as const,
                  permissions: new Set(BUILT_IN_PROFILES[visitor.profileId].permissions),
                }
              : { role: 'owner' as const, permissions: ALL_PERMISSIONS };
          const expected = refusal(caller, route.config as Parameters<typeof refusal>[1]);
          expect(refused, what).toBe(expected !== null);
          if (expected) expect(answer.statusCode, what).toBe(403);
        }
        if (visitor.kind === 'other-tenant') {
          expect(answer.body, what).not.toContain(tenantA.tenantId);
          expect(answer.body, what).not.toContain(tenantA.name);
        }
      }
    }
  });
});
