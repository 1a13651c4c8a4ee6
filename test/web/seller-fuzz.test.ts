/**
 * A fast-check fuzz of every seller-app route (found as it registers): hostile form bodies (odd
 * fields, repeated fields, control characters, huge values, the wrong content type) and hostile
 * query strings, signed out and signed in with a valid CSRF token. Whatever arrives: never a 5xx,
 * and the answer is a page (HTML) or a redirect within /app, never JSON or a stack trace.
 */
import fc from 'fast-check';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases';
import { type Browser, type SellerHarness, seedOwner, startSellerApp } from './seller-support';

const RUNS_PER_ROUTE = 15;

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    '%',
    '%zz',
    '\u0000',
    '\u202e',
    '\ud800',
    'x'.repeat(5_000),
    '//evil.example',
    'https://evil.example/',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    'owner@example.com',
    'a@b.c',
  ),
);
const FIELDS = ['email', 'token', 'next', 'tenantId', 'lang', '_csrf', 'x', 'email[]', '__proto__', 'constructor'];

describeEachDatabase('fuzz of the seller app', (getDb) => {
  let seller: SellerHarness;
  const routes: { method: string; url: string }[] = [];
  let signedIn: Browser;

  beforeAll(async () => {
    seller = await startSellerApp(getDb(), () => Date.now(), {
      onRoute: (route: RouteOptions) => {
        if (!route.url.startsWith('/app')) return;
        for (const method of [route.method].flat())
          if (method === 'GET' || method === 'POST') routes.push({ method, url: route.url });
      },
    });
    const owner = await seedOwner(getDb());
    signedIn = seller.browser();
    await signedIn.signInDirectly(owner.email);
    await signedIn.get('/app/accounts');
  });
  afterAll(async () => {
    await seller.api.app.close();
  });

  it('answers hostile forms and queries on every route with a page, never a 5xx', async () => {
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      const request = fc.record({
        fields: fc.array(fc.tuple(fc.constantFrom(...FIELDS), hostile), { maxLength: 6 }),
        query: fc.array(fc.tuple(fc.constantFrom(...FIELDS), hostile), { maxLength: 3 }),
        contentType: fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded',
          'application/json',
          'text/plain',
          'multipart/form-data',
        ),
        keepCsrf: fc.boolean(),
        signedIn: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const query = new URLSearchParams(r.query).toString();
          const url = `${route.url.replace(/:[A-Za-z]+/g, 'none-such')}${query ? `?${query}` : ''}`;
          const browser = r.signedIn ? signedIn : seller.browser();
          const form = new URLSearchParams(r.fields);
          if (r.keepCsrf && browser.csrf) form.set('_csrf', browser.csrf);
          const answer =
            route.method === 'GET'
              ? await browser.get(url)
              : await browser.request({
                  method: 'POST',
                  url,
                  payload:
                    r.contentType === 'application/json' ? JSON.stringify(Object.fromEntries(form)) : form.toString(),
                  headers: { 'content-type': r.contentType },
                });
          const what = `${route.method} ${url} (${r.contentType})`;
          expect(answer.statusCode, what).toBeLessThan(500);
          if (answer.statusCode >= 300 && answer.statusCode < 400)
            expect(String(answer.headers.location), what).toMatch(/^\/app(\/|$|\?)/);
          else if (route.url.startsWith('/app/exports/') && answer.statusCode === 200)
            expect(String(answer.headers['content-type']), what).toMatch(/^text\/csv/);
          else if (!route.url.startsWith('/app/probe/'))
            expect(String(answer.headers['content-type']), what).toMatch(/^text\/html/);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
  });
});
