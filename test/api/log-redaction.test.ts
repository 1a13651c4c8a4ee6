/**
 * What reaches the log: the real app with the product's logger at debug level, driven through
 * starts, searches, bad keys, unsubscribe links, webhooks and a failed query whose parameters and
 * message quote a buyer. The captured log holds request ids and error codes, and none of the
 * buyer's name, email or phone, no API key and no unsubscribe token.
 */
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../api/app';
import { createLogger, safeError } from '../../application/logging';
import { redactText, redactUrl } from '../../domain/redaction';
import { databaseKeyStore, envKeyStore, firstOf } from '../../application/key-stores';
import { databasePolicies } from '../../application/policy-catalog';
import { createUnsubscribeUrl } from '../../application/unsubscribe-links';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';
import { TENANT_A_KEY, startBody } from './support';
import { ALL_SETTINGS, LINK_KEYS, PUBLIC_BASE_URL } from './webhooks-support';

const BUYER = {
  id: 'buyer_log_1',
  name: 'Marisol Quintanilha-Vasconcelos',
  email: 'marisol.q.vasconcelos@example.org',
  phone: '+5521998877665',
};
const GUESSED_KEY = 'dk_live_guessedKeyThatIsNotValid0123456789';

describe('redactText', () => {
  it('masks emails, phone numbers, keys, bearer credentials and link tokens', () => {
    const text = `to ${BUYER.email} / ${BUYER.phone} / +1 (415) 555-0100 key ${GUESSED_KEY} Bearer abc.def GET /unsubscribe/eyJhbGciOi.sig?x=1 GET /pay/AgAbCd_12-xy?lang=es`;
    const masked = redactText(text);
    for (const secret of [BUYER.email, BUYER.phone, '555-0100', GUESSED_KEY, 'abc.def', 'eyJhbGciOi', 'AgAbCd_12-xy'])
      expect(masked).not.toContain(secret);
    expect(masked).toContain('/unsubscribe/[token]?x=1');
    expect(masked).toContain('/pay/[token]?lang=es');
  });

  it('leaves IDs, times and amounts alone', () => {
    const text = 'journey acme/inst_2026_0042 step 3 at 2026-12-02T10:00:00+00:00 amount 19990 BRL';
    expect(redactText(text)).toBe(text);
  });

  it('masks the seller app’s sign-in and invite link tokens in a logged URL', () => {
    const token = 'Zx3v_9QmL2aB7cD1eF4gH6iJ8kL0mN2oP4qR6sT8uV0';
    expect(redactUrl(`/app/sign-in/confirm?token=${token}&next=%2Fapp%2Fpayments`)).toBe(
      '/app/sign-in/confirm?token=[token]&next=/app/payments',
    );
    expect(redactUrl(`/app/invites/accept?lang=es&token=${token}`)).not.toContain(token);
  });
});

describeEachDatabase('what reaches the log', (getDb) => {
  let app: App;
  const lines: string[] = [];
  const log = () => lines.join('');

  beforeAll(async () => {
    const db = getDb();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    app = await buildApp({
      db,
      gateway: new InMemoryJourneyGateway(db),
      policies: databasePolicies(db),
      keys: firstOf(envKeyStore(`tenant-a:${TENANT_A_KEY}`), databaseKeyStore(db)),
      webhooks: ALL_SETTINGS,
      failedAuthPerMinute: 1_000,
      logger: createLogger('api', { level: 'debug' }, sink),
    });
    // A failure of our own whose query quotes the buyer: PostgreSQL repeats the value in its
    // message, drizzle repeats the parameters in its own.
    app.get('/test/failing-query', { schema: { hide: true } }, async () => {
      await db.execute(sql`select ${BUYER.email}::int, ${BUYER.name}::text, ${BUYER.phone}::text`);
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('keeps personal data and secrets out, through every kind of request', async () => {
    const auth = { authorization: `Bearer ${TENANT_A_KEY}` };
    const installmentId = uniqueId('inst');
    const started = await app.inject({
      method: 'POST',
      url: '/v1/journeys',
      headers: auth,
      payload: startBody(installmentId, { buyer: { ...startBody(installmentId).buyer, ...BUYER } }),
    });
    expect(started.statusCode).toBe(201);
    const searched = await app.inject({
      method: 'GET',
      url: `/v1/journeys?buyerEmail=${encodeURIComponent(BUYER.email)}&limit=1`,
      headers: auth,
    });
    expect(searched.statusCode).toBeLessThan(500);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/journeys', headers: { authorization: `Bearer ${GUESSED_KEY}` } }))
        .statusCode,
    ).toBe(401);
    const unsubscribe = createUnsubscribeUrl(
      { channel: 'email', address: BUYER.email },
      { keys: LINK_KEYS, baseUrl: PUBLIC_BASE_URL, now: Date.now() },
    ).slice(PUBLIC_BASE_URL.length);
    const token = unsubscribe.slice('/unsubscribe/'.length);
    expect((await app.inject({ method: 'GET', url: unsubscribe })).statusCode).toBe(200);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: unsubscribe,
          payload: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).statusCode,
    ).toBeLessThan(300);
    const forged = await app.inject({
      method: 'POST',
      url: '/webhooks/twilio/inbound',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
      payload: new URLSearchParams({ From: BUYER.phone, Body: `STOP ${BUYER.name}` }).toString(),
    });
    expect(forged.statusCode).toBe(403);
    const failed = await app.inject({ method: 'GET', url: '/test/failing-query' });
    expect(failed.statusCode).toBe(500);

    // The log is there, and useful: request ids, routes, the failure's SQLSTATE.
    expect(log()).toContain(started.headers['x-request-id'] as string);
    expect(log()).toContain('/unsubscribe/[token]');
    const failure = lines.map((l) => JSON.parse(l)).find((entry) => entry.msg === 'request failed');
    expect(failure?.err?.message).toMatch(/^database error 22P02/);
    // And nothing personal or secret in it.
    for (const secret of [
      BUYER.name,
      BUYER.email,
      encodeURIComponent(BUYER.email),
      BUYER.phone,
      TENANT_A_KEY,
      GUESSED_KEY,
      token,
    ])
      expect(log(), secret).not.toContain(secret);
  });

  it('serializes a failed query by its code, also as the Temporal SDK’s `error` field and in a cause chain', async () => {
    const failure = await getDb()
      .execute(sql`select ${BUYER.email}::int`)
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(failure).toBeInstanceOf(Error);
    const wrapped = new Error('delivery failed for journey acme/inst_1', { cause: failure });
    const serialized = JSON.stringify([safeError(failure), safeError(wrapped)]);
    expect(serialized).toContain('22P02');
    expect(serialized).not.toContain(BUYER.email);
  });
});
