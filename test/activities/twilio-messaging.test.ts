/**
 * The Twilio SMS and WhatsApp adapters against a fake Twilio API: the real `twilio` SDK runs (its
 * HTTP client only has the host rewritten), and the assertions are about what went over the wire.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type OutgoingSms,
  type OutgoingWhatsApp,
  ProviderOutcomeUnknownError,
  ProviderUnavailableError,
} from '../../activities/channels/sender';
import {
  createTwilioSmsSender,
  createTwilioWhatsAppSender,
  type TwilioSmsConfig,
  type TwilioWhatsAppConfig,
} from '../../activities/channels/twilio-messaging';
import { closedPort } from '../support/fake-http-server';
import {
  type FakeTwilioServer,
  localTwilioHttpClient,
  startFakeTwilioServer,
  twilioError,
} from '../support/fake-twilio-server';

let fake: FakeTwilioServer;
beforeAll(async () => {
  fake = await startFakeTwilioServer();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-test-token';
const MESSAGING_SERVICE = `MG${'a'.repeat(32)}`;
const TEMPLATE_EN = `HX${'1'.repeat(32)}`;
const TEMPLATE_ES = `HX${'2'.repeat(32)}`;
const TEMPLATE_ANY = `HX${'3'.repeat(32)}`;
const TIMEOUT_MS = 250;
const ATTEMPT = 'dunning/acme/inst-1/r0/s2/sms/7';

function smsConfig(overrides: Partial<TwilioSmsConfig> = {}): TwilioSmsConfig {
  return {
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    senders: { '*': { from: '+14155550100' }, es: { from: '+34910000000' } },
    statusCallbackBaseUrl: 'https://dunning.example.com',
    timeoutMs: TIMEOUT_MS,
    httpClient: localTwilioHttpClient(fake.url),
    ...overrides,
  };
}

function whatsappConfig(overrides: Partial<TwilioWhatsAppConfig> = {}): TwilioWhatsAppConfig {
  return {
    ...smsConfig(),
    senders: { '*': { from: '+14155550199' }, es: { from: '+34910000099' } },
    templates: { overdue_early: { en: TEMPLATE_EN, es: TEMPLATE_ES }, final_notice: { '*': TEMPLATE_ANY } },
    ...overrides,
  };
}

function sms(overrides: Partial<OutgoingSms> = {}): OutgoingSms {
  return {
    channel: 'sms',
    attemptId: ATTEMPT,
    to: '+5511987654321',
    locale: 'en',
    template: 'overdue_early',
    tags: { tenant: 'acme', journey: 'dunning/acme/inst-1', step: 's2' },
    body: 'Acme: installment 2 of 6 is overdue. Pay: https://pay.acme.test/i/1 Reply STOP to opt out',
    ...overrides,
  };
}

function whatsapp(overrides: Partial<OutgoingWhatsApp> = {}): OutgoingWhatsApp {
  return {
    channel: 'whatsapp',
    attemptId: 'dunning/acme/inst-1/r0/s2/whatsapp/9',
    to: '+5511987654321',
    locale: 'en',
    template: 'overdue_early',
    tags: { tenant: 'acme', journey: 'dunning/acme/inst-1', step: 's2' },
    mode: 'free_form',
    body: 'Hi Maria, installment 2 of 6 is overdue.',
    variables: { '1': 'Maria', '2': 'R$ 150,00' },
    ...overrides,
  };
}

function fields(i: number): Record<string, string> {
  return fake.requests[i]!.body as Record<string, string>;
}

describe('Twilio SMS sender', () => {
  it('posts To, From, Body and a StatusCallback carrying the attempt id, with Basic auth for the account', async () => {
    const sender = createTwilioSmsSender(smsConfig());
    expect(sender).toMatchObject({ provider: 'twilio', idempotent: false });

    const outcome = await sender.send(sms());

    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const credentials = Buffer.from(String(request.headers.authorization).replace(/^Basic /, ''), 'base64').toString(
      'utf8',
    );
    expect(credentials).toBe(`${ACCOUNT_SID}:${AUTH_TOKEN}`);
    expect(fields(0)).toEqual({
      To: '+5511987654321',
      From: '+14155550100',
      Body: sms().body,
      StatusCallback: `https://dunning.example.com/webhooks/twilio/status?attempt=${encodeURIComponent(ATTEMPT)}`,
    });
    expect(new URL(fields(0).StatusCallback!).searchParams.get('attempt')).toBe(ATTEMPT);
    expect(outcome).toEqual({ kind: 'sent', providerMessageId: fake.created[0]!.sid });
  });

  it('picks the sender by locale: Spanish gets the Spanish number, English and French the default', async () => {
    const sender = createTwilioSmsSender(smsConfig());
    await sender.send(sms({ locale: 'es' }));
    await sender.send(sms({ locale: 'en' }));
    await sender.send(sms({ locale: 'fr' }));

    expect(fake.requests.map((_, i) => fields(i).From)).toEqual(['+34910000000', '+14155550100', '+14155550100']);
  });

  it('a Messaging Service sender sends MessagingServiceSid and no From', async () => {
    await createTwilioSmsSender(smsConfig({ senders: { '*': { messagingServiceSid: MESSAGING_SERVICE } } })).send(
      sms(),
    );

    expect(fields(0).MessagingServiceSid).toBe(MESSAGING_SERVICE);
    expect(fields(0)).not.toHaveProperty('From');
  });

  it('sends no StatusCallback when no public base URL is configured', async () => {
    await createTwilioSmsSender(smsConfig({ statusCallbackBaseUrl: null })).send(sms());

    expect(fields(0)).not.toHaveProperty('StatusCallback');
  });

  it('21610 (recipient unsubscribed) is refused opted_out', async () => {
    fake.script({ status: 400, body: twilioError(400, 21610, 'Attempt to send to unsubscribed recipient') });

    expect(await createTwilioSmsSender(smsConfig()).send(sms())).toMatchObject({
      kind: 'refused',
      refusal: 'opted_out',
      code: '21610',
    });
  });

  it.each([
    [21211, "Invalid 'To' Phone Number"],
    [21614, "'To' number is not a valid mobile number"],
    [21612, "The 'To' phone number is not currently reachable via SMS"],
    [21407, 'This Phone Number type does not support SMS or MMS'],
    [63024, 'Invalid message recipient'],
  ])('%i is refused undeliverable', async (code, message) => {
    fake.script({ status: 400, body: twilioError(400, code, message) });

    expect(await createTwilioSmsSender(smsConfig()).send(sms())).toMatchObject({
      kind: 'refused',
      refusal: 'undeliverable',
      code: String(code),
    });
  });

  it.each([
    [21620, 'Invalid media URL(s)'],
    [30007, 'Message filtered as spam by the carrier'],
    [21703, 'The Messaging Service does not have a phone number available to send a message'],
  ])('an unrecognised 400 (%i) is refused rejected: about this message, not the address', async (code, message) => {
    fake.script({ status: 400, body: twilioError(400, code, message) });

    expect(await createTwilioSmsSender(smsConfig()).send(sms())).toMatchObject({
      kind: 'refused',
      refusal: 'rejected',
      code: String(code),
    });
  });

  it('a 400 without an error code is refused rejected, not undeliverable', async () => {
    fake.script({ status: 400, body: { status: 400, message: 'Bad request' } });

    expect(await createTwilioSmsSender(smsConfig()).send(sms())).toMatchObject({
      kind: 'refused',
      refusal: 'rejected',
      code: '400',
    });
  });

  it("refusal details carry no phone number (Twilio's messages often quote the 'To')", async () => {
    fake.script(
      { status: 400, body: twilioError(400, 21211, "The 'To' number +5511987654321 is not a valid phone number.") },
      { status: 400, body: twilioError(400, 21620, 'Media for +5511987654321 (whatsapp:+5511987654321) is invalid') },
    );
    const sender = createTwilioSmsSender(smsConfig());

    for (const refusal of ['undeliverable', 'rejected']) {
      const outcome = await sender.send(sms());
      expect(outcome).toMatchObject({ kind: 'refused', refusal });
      const detail = outcome.kind === 'refused' ? outcome.detail : '';
      expect(detail).toContain('<address>');
      expect(detail).not.toMatch(/987654321/);
    }
  });

  it('21608 (trial account, unverified number) is a configuration error whose message carries no phone number', async () => {
    fake.script({
      status: 400,
      body: twilioError(
        400,
        21608,
        'The number +5511987654321 is unverified. Trial accounts cannot send messages to unverified numbers; verify +5511987654321 at twilio.com/user/account/phone-numbers/verified',
      ),
    });

    const error: unknown = await createTwilioSmsSender(smsConfig())
      .send(sms())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toContain('The number <address> is unverified');
    expect((error as Error).message).not.toMatch(/987654321/);
  });

  it('a retryable error (429, 5xx) carries no phone number either', async () => {
    fake.script({ status: 503, body: twilioError(503, 20503, 'Service unavailable while sending to +5511987654321') });

    const error: unknown = await createTwilioSmsSender(smsConfig())
      .send(sms())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).not.toMatch(/987654321/);
  });

  it('429 is ProviderUnavailableError with the Retry-After Twilio sent', async () => {
    fake.script({ status: 429, body: twilioError(429, 20429, 'Too Many Requests'), headers: { 'retry-after': '5' } });

    const error: unknown = await createTwilioSmsSender(smsConfig())
      .send(sms())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).retryAfterSeconds).toBe(5);
  });

  it('503 is ProviderUnavailableError', async () => {
    fake.script({ status: 503, body: twilioError(503, 20503, 'Service Unavailable') });

    await expect(createTwilioSmsSender(smsConfig()).send(sms())).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('another 5xx (500, 502, 504) is an unknown outcome: Twilio may have created the message, so it is never sent again', async () => {
    for (const status of [500, 502, 504]) {
      fake.script({ status, body: twilioError(status, 20500, 'Internal Server Error') });
      await expect(createTwilioSmsSender(smsConfig()).send(sms())).rejects.toBeInstanceOf(ProviderOutcomeUnknownError);
    }
  });

  it('401 (wrong credentials) is ProviderUnavailableError naming the configuration, not a refusal', async () => {
    const sender = createTwilioSmsSender(smsConfig({ accountSid: `AC${'f'.repeat(32)}` }));
    fake.script({ status: 401, body: twilioError(401, 20003, 'Authenticate') });

    const error: unknown = await sender.send(sms()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toMatch(/TWILIO_AUTH_TOKEN/);
  });

  it("21606 (our 'From' cannot send SMS) is ProviderUnavailableError, not a refusal", async () => {
    fake.script({
      status: 400,
      body: twilioError(
        400,
        21606,
        "The 'From' phone number provided is not a valid message-capable Twilio phone number",
      ),
    });

    await expect(createTwilioSmsSender(smsConfig()).send(sms())).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('a timeout is ProviderOutcomeUnknownError, and exactly one request reached Twilio', async () => {
    fake.script({ delayMs: TIMEOUT_MS * 4 });

    const started = Date.now();
    const error: unknown = await createTwilioSmsSender(smsConfig())
      .send(sms())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderOutcomeUnknownError);
    expect((error as Error).message).toMatch(/did not answer within 250 ms/);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(fake.requests).toHaveLength(1);
    expect(fake.created).toHaveLength(1);
  });

  it('connection refused is ProviderUnavailableError', async () => {
    const port = await closedPort();
    const sender = createTwilioSmsSender(smsConfig({ httpClient: localTwilioHttpClient(`http://127.0.0.1:${port}`) }));

    await expect(sender.send(sms())).rejects.toBeInstanceOf(ProviderUnavailableError);
  });
});

describe('Twilio WhatsApp sender', () => {
  it('free-form: whatsapp: prefixes on To and From, Body, status callback', async () => {
    const outcome = await createTwilioWhatsAppSender(whatsappConfig()).send(whatsapp());

    expect(fields(0)).toEqual({
      To: 'whatsapp:+5511987654321',
      From: 'whatsapp:+14155550199',
      Body: 'Hi Maria, installment 2 of 6 is overdue.',
      StatusCallback: `https://dunning.example.com/webhooks/twilio/status?attempt=${encodeURIComponent('dunning/acme/inst-1/r0/s2/whatsapp/9')}`,
    });
    expect(outcome).toEqual({ kind: 'sent', providerMessageId: fake.created[0]!.sid, whatsappMode: 'free_form' });
  });

  it('picks the Spanish sender for Spanish and the default for English', async () => {
    const sender = createTwilioWhatsAppSender(whatsappConfig());
    await sender.send(whatsapp({ locale: 'es' }));
    await sender.send(whatsapp({ locale: 'en' }));

    expect([fields(0).From, fields(1).From]).toEqual(['whatsapp:+34910000099', 'whatsapp:+14155550199']);
  });

  it('a Messaging Service sender needs no prefix; the recipient still has one', async () => {
    await createTwilioWhatsAppSender(
      whatsappConfig({ senders: { '*': { messagingServiceSid: MESSAGING_SERVICE } } }),
    ).send(whatsapp());

    expect(fields(0)).toMatchObject({ To: 'whatsapp:+5511987654321', MessagingServiceSid: MESSAGING_SERVICE });
    expect(fields(0)).not.toHaveProperty('From');
  });

  it("template mode sends the locale's ContentSid and the variables as JSON, and no Body", async () => {
    const sender = createTwilioWhatsAppSender(whatsappConfig());
    const outcome = await sender.send(whatsapp({ mode: 'template', locale: 'es' }));
    await sender.send(whatsapp({ mode: 'template', locale: 'en' }));

    expect(fields(0)).toMatchObject({
      To: 'whatsapp:+5511987654321',
      From: 'whatsapp:+34910000099',
      ContentSid: TEMPLATE_ES,
    });
    expect(JSON.parse(fields(0).ContentVariables!)).toEqual({ '1': 'Maria', '2': 'R$ 150,00' });
    expect(fields(0)).not.toHaveProperty('Body');
    expect(fields(1).ContentSid).toBe(TEMPLATE_EN);
    expect(outcome).toEqual({ kind: 'sent', providerMessageId: fake.created[0]!.sid, whatsappMode: 'template' });
  });

  it("falls back to the template's '*' entry for a locale without its own", async () => {
    await createTwilioWhatsAppSender(whatsappConfig()).send(
      whatsapp({ mode: 'template', template: 'final_notice', locale: 'fr' }),
    );

    expect(fields(0).ContentSid).toBe(TEMPLATE_ANY);
  });

  it('template mode without a configured template is refused template_missing, and Twilio is not called', async () => {
    const outcome = await createTwilioWhatsAppSender(whatsappConfig()).send(
      whatsapp({ mode: 'template', locale: 'fr' }),
    );

    expect(outcome).toMatchObject({ kind: 'refused', refusal: 'template_missing' });
    expect(fake.requests).toHaveLength(0);
  });

  it('63016 on a free-form message re-sends it at once as the template', async () => {
    fake.script({
      status: 400,
      body: twilioError(400, 63016, 'Failed to send freeform message because you are outside the allowed window.'),
    });

    const outcome = await createTwilioWhatsAppSender(whatsappConfig()).send(whatsapp());

    expect(fake.requests).toHaveLength(2);
    expect(fields(0)).toHaveProperty('Body');
    expect(fields(1)).toMatchObject({
      To: 'whatsapp:+5511987654321',
      From: 'whatsapp:+14155550199',
      ContentSid: TEMPLATE_EN,
    });
    expect(fields(1)).not.toHaveProperty('Body');
    expect(fields(1).StatusCallback).toBe(fields(0).StatusCallback);
    expect(fake.created).toHaveLength(1);
    expect(outcome).toEqual({ kind: 'sent', providerMessageId: fake.created[0]!.sid, whatsappMode: 'template' });
  });

  it('63016 without a configured template is refused template_required', async () => {
    fake.script({
      status: 400,
      body: twilioError(400, 63016, 'Failed to send freeform message because you are outside the allowed window.'),
    });

    const outcome = await createTwilioWhatsAppSender(whatsappConfig()).send(whatsapp({ locale: 'fr' }));

    expect(outcome).toMatchObject({ kind: 'refused', refusal: 'template_required', code: '63016' });
    expect(fake.requests).toHaveLength(1);
  });

  it('the 63016 detail carries no WhatsApp address', async () => {
    fake.script({
      status: 400,
      body: twilioError(
        400,
        63016,
        'Failed to send freeform message to whatsapp:+5511987654321: outside the allowed window.',
      ),
    });

    const outcome = await createTwilioWhatsAppSender(whatsappConfig()).send(whatsapp({ locale: 'fr' }));

    expect(outcome).toMatchObject({ kind: 'refused', refusal: 'template_required' });
    const detail = outcome.kind === 'refused' ? outcome.detail : '';
    expect(detail).toContain('<address>');
    expect(detail).not.toMatch(/987654321/);
  });

  it('an unrecognised 400 on WhatsApp is refused rejected; 63024 (invalid recipient) undeliverable', async () => {
    fake.script(
      {
        status: 400,
        body: twilioError(400, 63013, 'This message send failed because it violates Channel provider policy'),
      },
      { status: 400, body: twilioError(400, 63024, 'Invalid message recipient') },
    );
    const sender = createTwilioWhatsAppSender(whatsappConfig());

    expect(await sender.send(whatsapp())).toMatchObject({ kind: 'refused', refusal: 'rejected', code: '63013' });
    expect(await sender.send(whatsapp())).toMatchObject({ kind: 'refused', refusal: 'undeliverable', code: '63024' });
  });

  it('63003 (not a WhatsApp user) is refused undeliverable; 21610 opted_out', async () => {
    fake.script(
      { status: 400, body: twilioError(400, 63003, 'Channel could not find To address') },
      { status: 400, body: twilioError(400, 21610, 'Attempt to send to unsubscribed recipient') },
    );
    const sender = createTwilioWhatsAppSender(whatsappConfig());

    expect(await sender.send(whatsapp())).toMatchObject({ kind: 'refused', refusal: 'undeliverable', code: '63003' });
    expect(await sender.send(whatsapp())).toMatchObject({ kind: 'refused', refusal: 'opted_out', code: '21610' });
  });

  it('a timeout is ProviderOutcomeUnknownError with one request, and no template retry', async () => {
    fake.script({ delayMs: TIMEOUT_MS * 4 });

    await expect(createTwilioWhatsAppSender(whatsappConfig()).send(whatsapp())).rejects.toBeInstanceOf(
      ProviderOutcomeUnknownError,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests).toHaveLength(1);
  });
});
