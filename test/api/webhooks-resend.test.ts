import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_WEBHOOK_SETTINGS } from '../../api/routes/webhooks/index';
import type { Database } from '../../db/client';
import { attempts, contactPoints } from '../../db/schema';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import {
  RESEND_WEBHOOK_SECRET,
  type WebhookHarness,
  consentCalls,
  expectRefusedWithoutChange,
  fingerprint,
  insertAttempt,
  seedJourney,
  startWebhookApi,
  withReminderWebhooks,
} from './webhooks-support';

/** The svix scheme: `v1,` + base64(HMAC-SHA256(base64-decoded secret, `${id}.${timestamp}.${body}`)). */
function svixSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

interface SignOptions {
  secret?: string;
  /** Seconds since the epoch; now by default. */
  timestamp?: number;
  /** Sign this body but send `body`. */
  signedBody?: string;
  omit?: ('svix-id' | 'svix-timestamp' | 'svix-signature')[];
  contentType?: string;
}

function resendRequest(event: unknown, options: SignOptions = {}) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const id = `msg_${uniqueId('svix')}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'svix-id': id,
    'svix-timestamp': String(timestamp),
    'svix-signature': svixSignature(options.secret ?? RESEND_WEBHOOK_SECRET, id, timestamp, options.signedBody ?? body),
  };
  for (const name of options.omit ?? []) delete headers[name];
  return { method: 'POST' as const, url: '/webhooks/resend', headers, payload: body };
}

/** Objects `depth` deep: { a: { a: … } }. */
function nestedObject(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const emailEvent = (type: string, emailId: string, to: string, extra: Record<string, unknown> = {}) => ({
  type,
  created_at: new Date().toISOString(),
  data: {
    created_at: new Date().toISOString(),
    email_id: emailId,
    from: 'Acme <billing@acme.example>',
    to: [to],
    subject: 'Your payment',
    ...extra,
  },
});

let emailCounter = 0;
const uniqueEmail = () => `buyer${++emailCounter}.${Math.random().toString(36).slice(2, 8)}@example.com`;

async function contactPoint(db: Database, address: string) {
  const [row] = await db
    .select()
    .from(contactPoints)
    .where(and(eq(contactPoints.channel, 'email'), eq(contactPoints.address, address)));
  return row ?? null;
}

async function attemptRow(db: Database, id: string) {
  const [row] = await db.select().from(attempts).where(eq(attempts.id, id));
  return row!;
}

describeEachDatabase('Resend webhook', (getDb) => {
  let api: WebhookHarness;
  beforeAll(async () => {
    api = await startWebhookApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  /** An email attempt as the deliver activity records it; of a recorded journey when given. */
  async function sentEmail(address = uniqueEmail(), journey: { tenantId?: string; journeyId?: string } = {}) {
    const emailId = uniqueId('re');
    const id = await insertAttempt(getDb(), {
      channel: 'email',
      recipient: address,
      providerMessageId: emailId,
      ...(journey.tenantId && { tenantId: journey.tenantId }),
      ...(journey.journeyId && { journeyId: journey.journeyId }),
    });
    return { address, emailId, id };
  }

  it('email.delivered marks the attempt delivered', async () => {
    const { address, emailId, id } = await sentEmail();
    const response = await api.inject(resendRequest(emailEvent('email.delivered', emailId, address)));
    expect(response.statusCode, response.body).toBe(204);
    expect((await attemptRow(getDb(), id)).status).toBe('delivered');
    expect(await contactPoint(getDb(), address)).toBeNull();
  });

  it("tells the tenant's webhooks that the reminder was delivered, then bounced, once each however often Resend says it", async () => {
    const hooks = await withReminderWebhooks(getDb());
    const { address, emailId, id } = await sentEmail(uniqueEmail(), hooks);
    const bounce = { bounce: { message: 'No such user', subType: 'General', type: 'Permanent' } };
    for (let i = 0; i < 2; i++) {
      await hooks.harness.inject(resendRequest(emailEvent('email.delivered', emailId, address)));
      await hooks.harness.inject(resendRequest(emailEvent('email.bounced', emailId, address, bounce)));
    }
    await hooks.harness.app.close();
    expect(await hooks.told()).toEqual([
      ['reminder.delivered', `attempt/${id}/delivered`],
      ['reminder.failed', `attempt/${id}/bounced`],
    ]);
  });

  it('a permanent bounce marks the attempt bounced and makes email unavailable for the address', async () => {
    const { address, emailId, id } = await sentEmail();
    await api.inject(resendRequest(emailEvent('email.delivered', emailId, address)));
    const response = await api.inject(
      resendRequest(
        emailEvent('email.bounced', emailId, address, {
          bounce: { message: 'The recipient does not exist', subType: 'General', type: 'Permanent' },
        }),
      ),
    );
    expect(response.statusCode, response.body).toBe(204);
    expect(await attemptRow(getDb(), id)).toMatchObject({
      status: 'bounced',
      error: 'resend:bounce:Permanent/General',
    });
    const point = await contactPoint(getDb(), address);
    expect(point).toMatchObject({ suppressionReason: 'resend:bounce', optedOutAt: null });
    expect(point?.suppressedAt).toBeInstanceOf(Date);
  });

  it('a permanent bounce with the webhooks failing: the suppression is on record, and the 5xx makes Resend retry', async () => {
    const hooks = await withReminderWebhooks(getDb(), { publishFails: true });
    const { address, emailId } = await sentEmail(uniqueEmail(), hooks);
    const bounce = { bounce: { message: 'No such user', subType: 'General', type: 'Permanent' } };
    const response = await hooks.harness.inject(resendRequest(emailEvent('email.bounced', emailId, address, bounce)));
    await hooks.harness.app.close();
    expect(response.statusCode).toBe(500);
    expect(await contactPoint(getDb(), address)).toMatchObject({ suppressionReason: 'resend:bounce' });
  });

  it('a transient bounce marks the attempt but suppresses nothing', async () => {
    const { address, emailId, id } = await sentEmail();
    const response = await api.inject(
      resendRequest(
        emailEvent('email.bounced', emailId, address, {
          bounce: { message: 'Mailbox full', subType: 'MailboxFull', type: 'Transient' },
        }),
      ),
    );
    expect(response.statusCode).toBe(204);
    expect((await attemptRow(getDb(), id)).status).toBe('bounced');
    expect(await contactPoint(getDb(), address)).toBeNull();
  });

  it('a complaint marks the attempt and opts the address out across its journeys, in every tenant', async () => {
    const address = uniqueEmail();
    const mine = [
      await seedJourney(api, { email: address }, 'tenant-a'),
      await seedJourney(api, { email: address.toUpperCase() }, 'tenant-b'),
    ];
    const stranger = await seedJourney(api, { email: uniqueEmail() }, 'tenant-a');
    const { emailId, id } = await sentEmail(address);
    const response = await api.inject(resendRequest(emailEvent('email.complained', emailId, `Ana <${address}>`)));
    expect(response.statusCode, response.body).toBe(204);
    expect((await attemptRow(getDb(), id)).status).toBe('complained');
    expect(await contactPoint(getDb(), address)).toMatchObject({ optOutSource: 'resend:complaint' });
    expect(consentCalls(api.gateway, mine)).toEqual(
      mine.map((j) => `optOut ${j.tenantId}/${j.installmentId} email provider:resend`).sort(),
    );
    expect(consentCalls(api.gateway, [stranger])).toEqual([]);
  });

  it('other event types are acknowledged and ignored', async () => {
    const { address, emailId } = await sentEmail();
    const before = await fingerprint(getDb(), api.gateway);
    for (const type of ['email.opened', 'email.clicked', 'email.sent', 'contact.created']) {
      const response = await api.inject(resendRequest(emailEvent(type, emailId, address)));
      expect(response.statusCode, type).toBe(204);
    }
    expect(await fingerprint(getDb(), api.gateway)).toBe(before);
  });

  describe('refusals change nothing', () => {
    it('missing headers → 401; tampered, wrongly keyed or stale → 403', async () => {
      const { address, emailId } = await sentEmail();
      const complaint = emailEvent('email.complained', emailId, address);
      const body = JSON.stringify(complaint);
      const cases: [label: string, request: ReturnType<typeof resendRequest>, status: number][] = [
        ['no svix-signature', resendRequest(complaint, { omit: ['svix-signature'] }), 401],
        ['no svix-id', resendRequest(complaint, { omit: ['svix-id'] }), 401],
        ['no svix-timestamp', resendRequest(complaint, { omit: ['svix-timestamp'] }), 401],
        ['no headers at all', resendRequest(complaint, { omit: ['svix-id', 'svix-timestamp', 'svix-signature'] }), 401],
        [
          'body changed after signing',
          resendRequest(body.replace('email.complained', 'email.delivered'), { signedBody: body }),
          403,
        ],
        [
          'another recipient after signing',
          resendRequest(body.replace(address, 'victim@example.com'), { signedBody: body }),
          403,
        ],
        [
          'another secret',
          resendRequest(complaint, {
            secret: `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`,
          }),
          403,
        ],
        [
          'timestamp ten minutes old',
          resendRequest(complaint, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
          403,
        ],
        [
          'timestamp ten minutes ahead',
          resendRequest(complaint, { timestamp: Math.floor(Date.now() / 1000) + 600 }),
          403,
        ],
      ];
      await expectRefusedWithoutChange(getDb(), api, cases);
      const stale = await api.inject(resendRequest(complaint, { timestamp: Math.floor(Date.now() / 1000) - 600 }));
      expect(stale.json().detail).toMatch(/five minutes/);
      expect(await contactPoint(getDb(), address)).toBeNull();
    });

    it('a correctly signed but malformed payload is a 400 naming the field, nothing written', async () => {
      const { address, emailId } = await sentEmail();
      const cases: [unknown, string][] = [
        [emailEvent('email.bounced', emailId, address), 'data.bounce'],
        [
          { ...emailEvent('email.complained', emailId, address), data: { email_id: emailId, to: ['not an address'] } },
          'data.to.0',
        ],
        [{ ...emailEvent('email.complained', emailId, address), data: { email_id: emailId } }, 'data.to'],
        [{ type: 'email.delivered', data: {} }, 'data.email_id'],
        [{ data: {} }, 'type'],
        [[1, 2], '(root)'],
        ['{"type": "email.delivered", ', '(root)'],
        // Hostile shapes: a lone surrogate (JSON.stringify writes it as a \ud800 escape), absurd nesting.
        [emailEvent('email.complained', emailId, address, { subject: 'Pay \ud800 now' }), 'data.subject'],
        [
          emailEvent('email.complained', emailId, address, { tags: nestedObject(40) }),
          ['data', 'tags', ...Array<string>(30).fill('a')].join('.'),
        ],
      ];
      for (const [event, path] of cases) {
        const before = await fingerprint(getDb(), api.gateway);
        const response = await api.inject(resendRequest(event));
        expect(response.statusCode, path).toBe(400);
        expect(
          response.json().errors.map((e: { path: string }) => e.path),
          JSON.stringify(event),
        ).toContain(path);
        expect(await fingerprint(getDb(), api.gateway), path).toBe(before);
      }
    });

    it('a body that is not JSON is refused (415)', async () => {
      const response = await api.inject(
        resendRequest('type=email.complained', { contentType: 'application/x-www-form-urlencoded' }),
      );
      expect(response.statusCode).toBe(415);
    });

    it('without RESEND_WEBHOOK_SECRET: 503 naming it, nothing changed', async () => {
      const bare = await startWebhookApi(getDb(), NO_WEBHOOK_SETTINGS);
      try {
        const { address, emailId } = await sentEmail();
        const before = await fingerprint(getDb(), api.gateway);
        const response = await bare.inject(resendRequest(emailEvent('email.complained', emailId, address)));
        expect(response.statusCode).toBe(503);
        expect(response.json().detail).toContain('RESEND_WEBHOOK_SECRET');
        expect(await fingerprint(getDb(), api.gateway)).toBe(before);
      } finally {
        await bare.app.close();
      }
    });

    it('refuses to start with a secret that is not a whsec_ secret', async () => {
      await expect(
        startWebhookApi(getDb(), { ...NO_WEBHOOK_SETTINGS, resendWebhookSecret: 'not a secret!' }),
      ).rejects.toThrow(/RESEND_WEBHOOK_SECRET/);
    });
  });
});
