/**
 * Tier 4, web: whatever a browser (or anyone holding the owner's session) posts to the
 * Collaboration Center's forms and paths — control characters, NUL, lone surrogates, huge or
 * missing fields, repeated fields — the answer is a page or a redirect, never a 5xx, and a name
 * made of markup is shown as text.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases';
import { type TeamHarness, startTeamPages } from './team-support';

/** A page, a redirect, or a refusal of the client's input: anything but a failure of ours. */
const answered = (status: number) => status === 200 || status === 303 || (status >= 400 && status < 500);
/** A path segment or query value as a browser would send it (a lone surrogate cannot be encoded: it is sent as is). */
const encoded = (value: string) => {
  try {
    return encodeURIComponent(value) || 'x';
  } catch {
    return 'x%ED%A0%80';
  }
};
const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';

const text = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '\u0000', 'a\u0000b', '\ud800', 'x'.repeat(5000), 'analyst', 'night-shift', HOSTILE),
);
const field = fc.oneof(text, fc.array(text, { maxLength: 3 }));
const form = fc.dictionary(
  fc.constantFrom('id', 'name', 'email', 'profileId', 'permissions', 'collaboratorId', '__proto__'),
  field,
);
const path = fc.constantFrom(
  '/app/team/profiles',
  '/app/team/profiles/:id',
  '/app/team/profiles/:id/delete',
  '/app/team/collaborators',
  '/app/team/collaborators/:id/profile',
  '/app/team/collaborators/:id/remove',
  '/app/team/collaborators/:id/resend-invite',
  '/app/team/keys',
  '/app/team/keys/:id/revoke',
);

describeEachDatabase('the Collaboration Center under hostile input', (getDb) => {
  let team: TeamHarness;
  beforeAll(async () => {
    team = await startTeamPages(getDb());
  });
  afterAll(() => team.app.close());

  it('answers every posted form with a page or a redirect, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(path, text, form, async (template, id, fields) => {
        const url = template.replace(':id', encoded(id));
        const response = await team.post(url, fields);
        expect(answered(response.statusCode), `${url} → ${response.statusCode} ${response.body.slice(0, 200)}`).toBe(
          true,
        );
      }),
      { numRuns: 150 },
    );
  });

  it('answers every page address, cursor and language with a page, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/app/team/profiles/',
          '/app/team/audit?cursor=',
          '/app/team/keys?lang=',
          '/app/team/collaborators?notice=',
        ),
        text,
        async (prefix, value) => {
          const response = await team.call({ method: 'GET', url: `${prefix}${encoded(value)}` });
          expect(answered(response.statusCode), `${prefix}… → ${response.statusCode}`).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('shows a name made of markup as text', async () => {
    expect((await team.post('/app/team/collaborators', { name: HOSTILE, profileId: 'analyst' })).statusCode).toBe(303);
    const { body } = await team.call({ method: 'GET', url: '/app/team/collaborators' });
    expect(body).not.toContain('<script>alert(1)');
    expect(body).not.toContain('<img src=x');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
