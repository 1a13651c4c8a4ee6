import { buyerOfInstallment, listBuyerOptOuts, recordBuyerOptOut } from '../../db/buyer-consent-repository';
import { and, eq } from 'drizzle-orm';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusCallbackUrl } from '../../activities/channels/twilio-messaging';
import type { JourneyRef } from '../../application/journey-gateway';
import { twiml } from '../../api/routes/webhooks/twilio';
import { NO_WEBHOOK_SETTINGS } from '../../api/routes/webhooks/index';
import type { Database } from '../../db/client';
import { attempts, contactPoints } from '../../db/schema';
import type { Channel } from '../../domain/channels';
import { replyFor } from '../../domain/keywords';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';
import {
  ALL_SETTINGS,
  PUBLIC_BASE_URL,
  TWILIO_AUTH_TOKEN,
  type WebhookHarness,
  consentCalls,
  expectRefusedWithoutChange,
  fingerprint,
  insertAttempt,
  seedJourney,
  startWebhookApi,
  uniquePhone,
  withReminderWebhooks,
} from './webhooks-support';
import { type TwilioParams, twilioRequest as signedTwilioRequest } from '../support/twilio-request';

type Params = TwilioParams;

/** A request as Twilio makes it, to this file's app. */
function twilioRequest(
  path: string,
  params: Params,
  options: { signedUrl?: string; token?: string; signedParams?: Params; signature?: string | null } = {},
) {
  return signedTwilioRequest(path, params, { baseUrl: PUBLIC_BASE_URL, token: TWILIO_AUTH_TOKEN, ...options });
}

const inboundParams = (from: string, body: string): Params => ({
  MessageSid: `SM${'0'.repeat(24)}${Math.random().toString(16).slice(2, 10).padEnd(8, '0')}`,
  AccountSid: `AC${'1'.repeat(32)}`,
  From: from,
  To: from.startsWith('whatsapp:') ? 'whatsapp:+15550001111' : '+15550001111',
  Body: body,
  NumMedia: '0',
});

const statusParams = (sid: string, status: string, to: string, errorCode?: string): Params => ({
  MessageSid: sid,
  AccountSid: `AC${'1'.repeat(32)}`,
  From: '+15550001111',
  To: to,
  MessageStatus: status,
  ...(errorCode && { ErrorCode: errorCode }),
});

async function contactPoint(db: Database, channel: Channel, address: string) {
  const [row] = await db
    .select()
    .from(contactPoints)
    .where(and(eq(contactPoints.channel, channel), eq(contactPoints.address, address)));
  return row ?? null;
}

async function attemptRow(db: Database, id: string) {
  const [row] = await db.select().from(attempts).where(eq(attempts.id, id));
  return row!;
}

const messageOf = (xml: string) => /<Message>([\s\S]*)<\/Message>/.exec(xml)?.[1] ?? null;
let sidCounter = 0;
const newSid = () => `SM${String(++sidCounter).padStart(32, '0')}`;

describe('twiml', () => {
  it('escapes the reply text and answers nothing as <Response/>', () => {
    expect(twiml(`a < b & "c" 'd' > e`)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>a &lt; b &amp; &quot;c&quot; &apos;d&apos; &gt; e</Message></Response>',
    );
    expect(twiml(null)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });
});

describeEachDatabase('Twilio webhooks', (getDb) => {
  let api: WebhookHarness;
  beforeAll(async () => {
    api = await startWebhookApi(getDb());
  });
  afterAll(async () => {
    await api.app.close();
  });

  /** Two journeys of the same phone in two tenants, and one of another phone. */
  async function journeysAt(channel: 'sms' | 'whatsapp', locale = 'pt-BR') {
    const phone = uniquePhone();
    const field = channel === 'sms' ? 'phone' : 'whatsapp';
    const mine = [
      await seedJourney(api, { [field]: phone, locale }, 'tenant-a'),
      await seedJourney(api, { [field]: phone, locale }, 'tenant-b'),
    ];
    const stranger = await seedJourney(api, { [field]: uniquePhone(), locale }, 'tenant-a');
    return { phone, mine, stranger };
  }

  describe('inbound keywords', () => {
    const STOP_WORDS: [word: string, replyLocale: 'en' | 'es' | 'fr' | 'pt-BR', buyerLocale?: string][] = [
      ['STOP', 'pt-BR'], // shared by en and fr: the buyer's language
      ['parar', 'es', 'es'], // shared by es and pt: the buyer's language
      ['Arrêt', 'fr'],
      ['Cancelar', 'pt-BR'],
      ['SAIR', 'pt-BR'],
      ['baja', 'es'],
      ['unsubscribe', 'en'],
    ];
    for (const [word, replyLocale, buyerLocale] of STOP_WORDS) {
      it(`"${word}" opts the phone out across its journeys in every tenant, and says how to come back (${replyLocale})`, async () => {
        const { phone, mine, stranger } = await journeysAt('sms', buyerLocale);
        const response = await api.inject(twilioRequest('/webhooks/twilio/inbound', inboundParams(phone, word)));
        expect(response.statusCode, response.body).toBe(200);
        expect(response.headers['content-type']).toMatch(/^text\/xml/);
        expect(messageOf(response.body)).toBe(replyFor('stop', replyLocale)!.replace(/'/g, '&apos;'));

        const point = await contactPoint(getDb(), 'sms', phone);
        expect(point?.optedOutAt).toBeInstanceOf(Date);
        expect(point?.optOutSource).toBe('twilio:stop');
        expect(point?.lastInboundAt).toBeInstanceOf(Date);
        expect(consentCalls(api.gateway, mine)).toEqual(
          mine.map((j) => `optOut ${j.tenantId}/${j.installmentId} sms provider:twilio`).sort(),
        );
        expect(consentCalls(api.gateway, [stranger])).toEqual([]);
        expect(await api.gateway.status(mine[0]!)).not.toBeNull();
      });
    }

    it('START from the buyer’s number also ends the stops support recorded for that buyer, in every tenant', async () => {
      const { phone, mine, stranger } = await journeysAt('sms', 'en');
      const buyerOf = async (j: { tenantId: string; installmentId: string }) =>
        (await buyerOfInstallment(getDb(), j.tenantId, j.installmentId))!;
      for (const j of [...mine, stranger])
        await recordBuyerOptOut(getDb(), {
          tenantId: j.tenantId,
          buyerId: await buyerOf(j),
          channel: 'sms',
          source: 'support',
          recordedBy: { keyId: 'key_support' },
        });
      const response = await api.inject(twilioRequest('/webhooks/twilio/inbound', inboundParams(phone, 'START')));
      expect(response.statusCode).toBe(200);
      for (const j of mine) expect(await listBuyerOptOuts(getDb(), j.tenantId, await buyerOf(j))).toEqual([]);
      // Someone else's number said nothing about this buyer.
      expect(await listBuyerOptOuts(getDb(), stranger.tenantId, await buyerOf(stranger))).toHaveLength(1);
    });

    it('START opts back in across the journeys and says how to stop', async () => {
      const { phone, mine, stranger } = await journeysAt('sms', 'en');
      await api.inject(twilioRequest('/webhooks/twilio/inbound', inboundParams(phone, 'STOP')));
      const response = await api.inject(twilioRequest('/webhooks/twilio/inbound', inboundParams(phone, 'Start')));
      expect(response.statusCode).toBe(200);
      expect(messageOf(response.body)).toBe(replyFor('start', 'en'));
      const point = await contactPoint(getDb(), 'sms', phone);
      expect(point?.optedOutAt).toBeNull();
      expect(point?.optOutSource).toBe('twilio:start');
      expect(consentCalls(api.gateway, mine)).toEqual(
        mine
          .flatMap((j) => [
            `optIn ${j.tenantId}/${j.installmentId} sms provider:twilio`,
            `optOut ${j.tenantId}/${j.installmentId} sms provider:twilio`,
          ])
          .sort(),
      );
      expect(consentCalls(api.gateway, [stranger])).toEqual([]);
    });

    it('HELP is answered and changes no consent', async () => {
      const { phone, mine } = await journeysAt('sms');
      for (const [word, locale] of [
        ['HELP', 'en'],
        ['ayuda', 'es'],
        ['Aide', 'fr'],
        ['AJUDA', 'pt-BR'],
      ] as const) {
        const response = await api.inject(twilioRequest('/webhooks/twilio/inbound', inboundParams(phone, word)));
        expect(response.statusCode).toBe(200);
        expect(messageOf(response.body), word).toBe(replyFor('help', locale)!.replace(/'/g, '&apos;'));
      }
      const point = await contactPoint(getDb(), 'sms', phone);
      expect(point?.optedOutAt ?? null).toBeNull();
      expect(point?.lastInboundAt).toBeInstanceOf(Date);
      expect(consentCalls(api.gateway, mine)).toEqual([]);
    });

    it('an ordinary message gets no reply and changes no consent', async () => {
      const { phone, mine } = await journeysAt('sms');
      const response = await api.inject(
        twilioRequest('/webhooks/twilio/inbound', inboundParams(phone, 'I will pay tomorrow, sorry')),
      );
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect((await contactPoint(getDb(), 'sms', phone))?.optedOutAt ?? null).toBeNull();
      expect(consentCalls(api.gateway, mine)).toEqual([]);
    });

    it('a WhatsApp message opens the 24-hour window (last_inbound_at), on WhatsApp only', async () => {
      const { phone } = await journeysAt('whatsapp');
      const before = Date.now();
      const response = await api.inject(
        twilioRequest('/webhooks/twilio/inbound', inboundParams(`whatsapp:${phone}`, 'Olá, já paguei')),
      );
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<Response/>');
      const point = await contactPoint(getDb(), 'whatsapp', phone);
      expect(point?.lastInboundAt?.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(point?.optedOutAt ?? null).toBeNull();
      expect(await contactPoint(getDb(), 'sms', phone)).toBeNull();
    });

    it('a WhatsApp STOP opts out WhatsApp, not SMS', async () => {
      const { phone, mine } = await journeysAt('whatsapp');
      const response = await api.inject(
        twilioRequest('/webhooks/twilio/inbound', inboundParams(`whatsapp:${phone}`, 'stop')),
      );
      expect(response.statusCode).toBe(200);
      expect((await contactPoint(getDb(), 'whatsapp', phone))?.optOutSource).toBe('twilio:stop');
      expect(await contactPoint(getDb(), 'sms', phone)).toBeNull();
      expect(consentCalls(api.gateway, mine)).toEqual(
        mine.map((j) => `optOut ${j.tenantId}/${j.installmentId} whatsapp provider:twilio`).sort(),
      );
    });

    it('a journey the gateway cannot reach does not lose the opt-out: 200, recorded, the others told', async () => {
      const gateway = new (class extends InMemoryJourneyGateway {
        override async optOut(ref: JourneyRef, request: Parameters<InMemoryJourneyGateway['optOut']>[1]) {
          if (ref.tenantId === 'tenant-b') throw new Error('Temporal is down');
          return super.optOut(ref, request);
        }
      })(getDb());
      const flaky = await startWebhookApi(getDb(), undefined, gateway);
      try {
        const phone = uniquePhone();
        const a = await seedJourney(flaky, { phone }, 'tenant-a');
        await seedJourney(flaky, { phone }, 'tenant-b');
        const response = await flaky.inject(twilioRequest('/webhooks/twilio/inbound', inboundParams(phone, 'STOP')));
        expect(response.statusCode).toBe(200);
        expect(messageOf(response.body)).not.toBeNull();
        expect((await contactPoint(getDb(), 'sms', phone))?.optedOutAt).toBeInstanceOf(Date);
        expect(consentCalls(gateway, [a])).toEqual([`optOut tenant-a/${a.installmentId} sms provider:twilio`]);
      } finally {
        await flaky.app.close();
      }
    });
  });

  describe('status callbacks', () => {
    it('move the attempt forward and never backward (delivered, then a late sent, stays delivered)', async () => {
      const phone = uniquePhone();
      const sid = newSid();
      const id = await insertAttempt(getDb(), { channel: 'sms', recipient: phone, status: 'sending' });
      const path = `/webhooks/twilio/status?attempt=${id}`;
      for (const status of ['queued', 'sending']) {
        const response = await api.inject(twilioRequest(path, statusParams(sid, status, phone)));
        expect(response.statusCode).toBe(204);
      }
      expect((await attemptRow(getDb(), id)).status).toBe('sending');
      await api.inject(twilioRequest(path, statusParams(sid, 'sent', phone)));
      expect(await attemptRow(getDb(), id)).toMatchObject({ status: 'sent', providerMessageId: sid });
      await api.inject(twilioRequest(path, statusParams(sid, 'delivered', phone)));
      const late = await api.inject(twilioRequest(path, statusParams(sid, 'sent', phone)));
      expect(late.statusCode).toBe(204);
      expect((await attemptRow(getDb(), id)).status).toBe('delivered');
    });

    it("tell the tenant's webhooks that the reminder was not delivered, with Twilio's code, once", async () => {
      const hooks = await withReminderWebhooks(getDb());
      const phone = uniquePhone();
      const sid = newSid();
      const id = await insertAttempt(getDb(), {
        channel: 'sms',
        recipient: phone,
        tenantId: hooks.tenantId,
        journeyId: hooks.journeyId,
      });
      const path = `/webhooks/twilio/status?attempt=${id}`;
      for (let i = 0; i < 2; i++) {
        await hooks.harness.inject(twilioRequest(path, statusParams(sid, 'undelivered', phone, '30006')));
      }
      await hooks.harness.app.close();
      expect(await hooks.told()).toEqual([['reminder.failed', `attempt/${id}/undelivered`]]);
    });

    it('21610 with the webhooks failing: the opt-out is on record, and the 5xx makes Twilio call again', async () => {
      const hooks = await withReminderWebhooks(getDb(), { publishFails: true });
      const phone = uniquePhone();
      const sid = newSid();
      const id = await insertAttempt(getDb(), {
        channel: 'sms',
        recipient: phone,
        providerMessageId: sid,
        tenantId: hooks.tenantId,
        journeyId: hooks.journeyId,
      });
      const response = await hooks.harness.inject(
        twilioRequest(`/webhooks/twilio/status?attempt=${id}`, statusParams(sid, 'failed', phone, '21610')),
      );
      await hooks.harness.app.close();
      expect(response.statusCode).toBe(500);
      expect(await contactPoint(getDb(), 'sms', phone)).toMatchObject({ optOutSource: 'twilio:21610' });
    });

    it('find the attempt by message SID when the URL names none; read counts as delivered', async () => {
      const phone = uniquePhone();
      const sid = newSid();
      const id = await insertAttempt(getDb(), { channel: 'whatsapp', recipient: phone, providerMessageId: sid });
      const response = await api.inject(
        twilioRequest('/webhooks/twilio/status', statusParams(sid, 'read', `whatsapp:${phone}`)),
      );
      expect(response.statusCode).toBe(204);
      expect((await attemptRow(getDb(), id)).status).toBe('delivered');
    });

    it('21610 (the recipient opted out at the carrier) marks the attempt undelivered and opts the number out everywhere', async () => {
      const phone = uniquePhone();
      const a = await seedJourney(api, { phone }, 'tenant-a');
      const b = await seedJourney(api, { phone }, 'tenant-b');
      const sid = newSid();
      const id = await insertAttempt(getDb(), { channel: 'sms', recipient: phone, providerMessageId: sid });
      const response = await api.inject(
        twilioRequest(`/webhooks/twilio/status?attempt=${id}`, statusParams(sid, 'failed', phone, '21610')),
      );
      expect(response.statusCode).toBe(204);
      expect(await attemptRow(getDb(), id)).toMatchObject({ status: 'undelivered', error: 'twilio:21610' });
      expect(await contactPoint(getDb(), 'sms', phone)).toMatchObject({
        optOutSource: 'twilio:21610',
        suppressedAt: null,
      });
      expect(consentCalls(api.gateway, [a, b])).toEqual(
        [a, b].map((j) => `optOut ${j.tenantId}/${j.installmentId} sms provider:twilio`).sort(),
      );
    });

    it('30006 (landline or unreachable) suppresses the number on that channel without opting it out', async () => {
      const phone = uniquePhone();
      const sid = newSid();
      const id = await insertAttempt(getDb(), { channel: 'sms', recipient: phone, providerMessageId: sid });
      await api.inject(twilioRequest('/webhooks/twilio/status', statusParams(sid, 'undelivered', phone, '30006')));
      expect(await attemptRow(getDb(), id)).toMatchObject({ status: 'undelivered', error: 'twilio:30006' });
      const point = await contactPoint(getDb(), 'sms', phone);
      expect(point).toMatchObject({ suppressionReason: 'twilio:30006', optedOutAt: null });
      expect(point?.suppressedAt).toBeInstanceOf(Date);
    });

    it('a status callback URL as the adapter builds it (attempt id URL-encoded) is accepted, and the attempt found by the decoded id', async () => {
      const phone = uniquePhone();
      const sid = newSid();
      const attemptId = `dunning/acme/${uniqueId('inst')}/r0/s2/sms/7`;
      const inserted = await insertAttempt(getDb(), { channel: 'sms', recipient: phone, status: 'sending' });
      await getDb().update(attempts).set({ id: attemptId }).where(eq(attempts.id, inserted));

      // Exactly the URL Twilio calls (and signs): the StatusCallback the SMS sender sends.
      const url = statusCallbackUrl(PUBLIC_BASE_URL, attemptId)!;
      expect(url).toContain(`?attempt=dunning%2Facme%2F`);
      const path = url.slice(PUBLIC_BASE_URL.length);
      const params = statusParams(sid, 'delivered', phone);
      const response = await api.inject(
        twilioRequest(path, params, { signature: twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, url, params) }),
      );

      expect(response.statusCode, response.body).toBe(204);
      // No message SID was stored yet, so only the attempt id in the URL can have found the row.
      expect(await attemptRow(getDb(), attemptId)).toMatchObject({ status: 'delivered', providerMessageId: sid });
    });

    it('63016 (WhatsApp free-form outside the 24-hour window) closes the window, so the next send uses the template', async () => {
      const phone = uniquePhone();
      await api.inject(twilioRequest('/webhooks/twilio/inbound', inboundParams(`whatsapp:${phone}`, 'Olá')));
      expect((await contactPoint(getDb(), 'whatsapp', phone))?.lastInboundAt).toBeInstanceOf(Date);
      const sid = newSid();
      const id = await insertAttempt(getDb(), { channel: 'whatsapp', recipient: phone, providerMessageId: sid });

      const response = await api.inject(
        twilioRequest(
          `/webhooks/twilio/status?attempt=${id}`,
          statusParams(sid, 'failed', `whatsapp:${phone}`, '63016'),
        ),
      );

      expect(response.statusCode).toBe(204);
      expect(await attemptRow(getDb(), id)).toMatchObject({ status: 'undelivered', error: 'twilio:63016' });
      expect(await contactPoint(getDb(), 'whatsapp', phone)).toMatchObject({
        lastInboundAt: null,
        optedOutAt: null,
        suppressedAt: null,
      });
    });

    it('63016 keeps a window the buyer opened after the refused message went out', async () => {
      const phone = uniquePhone();
      const sid = newSid();
      const id = await insertAttempt(getDb(), { channel: 'whatsapp', recipient: phone, providerMessageId: sid });
      await getDb()
        .update(attempts)
        .set({ sentAt: new Date(Date.now() - 60_000) })
        .where(eq(attempts.id, id));
      await api.inject(twilioRequest('/webhooks/twilio/inbound', inboundParams(`whatsapp:${phone}`, 'Oi, recebi?')));

      await api.inject(
        twilioRequest('/webhooks/twilio/status', statusParams(sid, 'undelivered', `whatsapp:${phone}`, '63016')),
      );

      expect((await attemptRow(getDb(), id)).status).toBe('undelivered');
      expect((await contactPoint(getDb(), 'whatsapp', phone))?.lastInboundAt).toBeInstanceOf(Date);
    });

    it('63016 for an SMS recipient changes no WhatsApp window', async () => {
      const phone = uniquePhone();
      await api.inject(twilioRequest('/webhooks/twilio/inbound', inboundParams(`whatsapp:${phone}`, 'Olá')));
      await api.inject(twilioRequest('/webhooks/twilio/inbound', inboundParams(phone, 'Hello')));
      const sid = newSid();
      await insertAttempt(getDb(), { channel: 'sms', recipient: phone, providerMessageId: sid });

      await api.inject(twilioRequest('/webhooks/twilio/status', statusParams(sid, 'failed', phone, '63016')));

      expect((await contactPoint(getDb(), 'whatsapp', phone))?.lastInboundAt).toBeInstanceOf(Date);
      expect((await contactPoint(getDb(), 'sms', phone))?.lastInboundAt).toBeInstanceOf(Date);
    });

    it('another failure code only marks the attempt', async () => {
      const phone = uniquePhone();
      const sid = newSid();
      const id = await insertAttempt(getDb(), { channel: 'sms', recipient: phone, providerMessageId: sid });
      await api.inject(twilioRequest('/webhooks/twilio/status', statusParams(sid, 'undelivered', phone, '30003')));
      expect(await attemptRow(getDb(), id)).toMatchObject({ status: 'undelivered', error: 'twilio:30003' });
      expect(await contactPoint(getDb(), 'sms', phone)).toBeNull();
    });

    it('a correctly signed but malformed callback is a 400 naming the field, and changes nothing', async () => {
      const before = await fingerprint(getDb(), api.gateway);
      const { MessageSid: _sid, ...params } = statusParams(newSid(), 'delivered', uniquePhone());
      const response = await api.inject(twilioRequest('/webhooks/twilio/status', params));
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().errors.map((e: { path: string }) => e.path)).toEqual(['MessageSid']);
      expect(await fingerprint(getDb(), api.gateway)).toBe(before);
    });
  });

  describe('refusals change nothing', () => {
    it('missing, tampered, re-pointed or wrongly keyed signatures: 401/403', async () => {
      const { phone } = await journeysAt('sms');
      const sid = newSid();
      const id = await insertAttempt(getDb(), { channel: 'sms', recipient: phone, providerMessageId: sid });
      const stop = inboundParams(phone, 'STOP');
      const failed = statusParams(sid, 'failed', phone, '21610');
      const statusPath = `/webhooks/twilio/status?attempt=${id}`;
      const cases: [label: string, request: ReturnType<typeof twilioRequest>, status: number][] = [
        ['inbound, no signature', twilioRequest('/webhooks/twilio/inbound', stop, { signature: null }), 401],
        ['inbound, empty signature', twilioRequest('/webhooks/twilio/inbound', stop, { signature: '' }), 401],
        [
          'inbound, body changed after signing',
          twilioRequest('/webhooks/twilio/inbound', stop, { signedParams: { ...stop, Body: 'hello' } }),
          403,
        ],
        [
          'inbound, one parameter added',
          twilioRequest('/webhooks/twilio/inbound', { ...stop, Extra: '1' }, { signedParams: stop }),
          403,
        ],
        [
          'inbound, signed for another URL',
          twilioRequest('/webhooks/twilio/inbound', stop, {
            signedUrl: 'https://evil.example.com/webhooks/twilio/inbound',
          }),
          403,
        ],
        [
          'inbound, another auth token',
          twilioRequest('/webhooks/twilio/inbound', stop, { token: 'someone-elses-token' }),
          403,
        ],
        [
          'inbound, garbage signature',
          twilioRequest('/webhooks/twilio/inbound', stop, { signature: 'bm90IGEgc2lnbmF0dXJl' }),
          403,
        ],
        ['status, no signature', twilioRequest(statusPath, failed, { signature: null }), 401],
        [
          'status, error code changed',
          twilioRequest(statusPath, failed, { signedParams: { ...failed, ErrorCode: '30001' } }),
          403,
        ],
        [
          'status, attempt in the query changed',
          twilioRequest(`/webhooks/twilio/status?attempt=${id}x`, failed, { signedUrl: PUBLIC_BASE_URL + statusPath }),
          403,
        ],
        [
          'status, signed without the query',
          twilioRequest(statusPath, failed, { signedUrl: `${PUBLIC_BASE_URL}/webhooks/twilio/status` }),
          403,
        ],
      ];
      await expectRefusedWithoutChange(getDb(), api, cases);
      // The same requests, properly signed, do change things.
      expect((await api.inject(twilioRequest('/webhooks/twilio/inbound', stop))).statusCode).toBe(200);
      expect((await contactPoint(getDb(), 'sms', phone))?.optOutSource).toBe('twilio:stop');
    });

    it('a body that is not a form is refused (415) before anything', async () => {
      const before = await fingerprint(getDb(), api.gateway);
      const response = await api.inject({
        method: 'POST',
        url: '/webhooks/twilio/inbound',
        headers: { 'content-type': 'application/json', 'x-twilio-signature': 'x' },
        payload: JSON.stringify({ From: uniquePhone(), Body: 'STOP' }),
      });
      expect(response.statusCode).toBe(415);
      expect(await fingerprint(getDb(), api.gateway)).toBe(before);
    });

    it('without TWILIO_AUTH_TOKEN or PUBLIC_BASE_URL: 503 naming them, nothing changed', async () => {
      const bare = await startWebhookApi(getDb(), { ...NO_WEBHOOK_SETTINGS, publicBaseUrl: PUBLIC_BASE_URL });
      const none = await startWebhookApi(getDb(), NO_WEBHOOK_SETTINGS);
      try {
        const phone = uniquePhone();
        const before = await fingerprint(getDb(), api.gateway);
        const response = await bare.inject(twilioRequest('/webhooks/twilio/inbound', inboundParams(phone, 'STOP')));
        expect(response.statusCode).toBe(503);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json().detail).toContain('TWILIO_AUTH_TOKEN');
        expect(response.json().detail).not.toContain('PUBLIC_BASE_URL');
        const neither = await none.inject(
          twilioRequest('/webhooks/twilio/status', statusParams(newSid(), 'failed', phone, '21610')),
        );
        expect(neither.statusCode).toBe(503);
        expect(neither.json().detail).toMatch(/TWILIO_AUTH_TOKEN.*PUBLIC_BASE_URL/);
        expect(await fingerprint(getDb(), api.gateway)).toBe(before);
        expect(await contactPoint(getDb(), 'sms', phone)).toBeNull();
      } finally {
        await bare.app.close();
        await none.app.close();
      }
    });

    it('a PUBLIC_BASE_URL given with a trailing slash still matches the URL Twilio signed', async () => {
      const slashed = await startWebhookApi(getDb(), { ...ALL_SETTINGS, publicBaseUrl: `${PUBLIC_BASE_URL}/` });
      try {
        const response = await slashed.inject(
          twilioRequest('/webhooks/twilio/inbound', inboundParams(uniquePhone(), 'hello')),
        );
        expect(response.statusCode).toBe(200);
      } finally {
        await slashed.app.close();
      }
    });

    it('needs no API key, and an API key does not replace the signature', async () => {
      const response = await api.inject({
        ...twilioRequest('/webhooks/twilio/inbound', inboundParams(uniquePhone(), 'hi'), { signature: null }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer key-tenant-a-secret' },
      });
      expect(response.statusCode).toBe(401);
    });
  });
});
