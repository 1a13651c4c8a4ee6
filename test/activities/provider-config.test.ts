/**
 * Provider configuration from the environment: which channels go to a real provider, and clear
 * errors naming the variable for anything half-configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  providerConfigFromEnv,
  providerRateLimits,
  sendersFromConfig,
} from '../../activities/channels/provider-config';
import { type FakeResendServer, startFakeResendServer } from '../support/fake-resend-server';
import { type FakeTwilioServer, localTwilioHttpClient, startFakeTwilioServer } from '../support/fake-twilio-server';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'super-secret-token';
const MG = `MG${'a'.repeat(32)}`;
const HX_EN = `HX${'1'.repeat(32)}`;
const HX_ANY = `HX${'2'.repeat(32)}`;

const twilioBase = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN };

function errorOf(env: NodeJS.ProcessEnv): Error {
  try {
    providerConfigFromEnv(env);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected providerConfigFromEnv to throw');
}

describe('providerConfigFromEnv', () => {
  it('no provider variables: every channel goes to the outbox', () => {
    expect(providerConfigFromEnv({})).toEqual({
      email: null,
      sms: null,
      whatsapp: null,
      publicBaseUrl: null,
      rateLimits: { email: null, sms: null, whatsapp: null },
    });
  });

  it('blank variables count as unset', () => {
    expect(
      providerConfigFromEnv({ RESEND_API_KEY: '', TWILIO_ACCOUNT_SID: '  ', PUBLIC_BASE_URL: '' }).email,
    ).toBeNull();
  });

  it('Resend is enabled by RESEND_API_KEY and RESEND_FROM, at 2 per second unless told otherwise', () => {
    const config = providerConfigFromEnv({ RESEND_API_KEY: 're_123', RESEND_FROM: 'Acme Billing <billing@acme.com>' });
    expect(config.email).toEqual({
      apiKey: 're_123',
      from: 'Acme Billing <billing@acme.com>',
      replyTo: null,
      baseUrl: null,
    });
    expect(config.rateLimits).toEqual({ email: 2, sms: null, whatsapp: null });
    expect(config.sms).toBeNull();

    const tuned = providerConfigFromEnv({
      RESEND_API_KEY: 're_123',
      RESEND_FROM: 'billing@acme.com',
      RESEND_REPLY_TO: 'help@acme.com',
      RESEND_BASE_URL: 'http://127.0.0.1:9999/',
      RESEND_MAX_PER_SECOND: '5',
    });
    expect(tuned.email).toMatchObject({ replyTo: 'help@acme.com', baseUrl: 'http://127.0.0.1:9999' });
    expect(tuned.rateLimits.email).toBe(5);
  });

  it('half-configured Resend names the missing or bad variable', () => {
    expect(errorOf({ RESEND_API_KEY: 're_123' }).message).toMatch(/RESEND_FROM is required/);
    expect(errorOf({ RESEND_FROM: 'billing@acme.com' }).message).toMatch(/RESEND_API_KEY is required/);
    expect(errorOf({ RESEND_API_KEY: 're_123', RESEND_FROM: 'Acme Billing' }).message).toMatch(/RESEND_FROM must be/);
    expect(
      errorOf({ RESEND_API_KEY: 're_123', RESEND_FROM: 'b@acme.com', RESEND_MAX_PER_SECOND: 'fast' }).message,
    ).toMatch(/RESEND_MAX_PER_SECOND/);
  });

  it('Twilio SMS is enabled by SID, token and TWILIO_SMS_FROM, at 1 per second', () => {
    const config = providerConfigFromEnv({ ...twilioBase, TWILIO_SMS_FROM: '+14155550100' });
    expect(config.sms).toEqual({
      accountSid: SID,
      authToken: TOKEN,
      senders: { '*': { from: '+14155550100' } },
      statusCallbackBaseUrl: null,
    });
    expect(config.whatsapp).toBeNull();
    expect(config.rateLimits).toEqual({ email: null, sms: 1, whatsapp: null });
  });

  it('TWILIO_SMS_SENDERS maps locales to numbers or Messaging Services; TWILIO_SMS_FROM adds the default', () => {
    const config = providerConfigFromEnv({
      ...twilioBase,
      TWILIO_SMS_SENDERS: JSON.stringify({ es: '+34910000000', 'pt-BR': MG }),
      TWILIO_SMS_FROM: '+14155550100',
      TWILIO_SMS_MAX_PER_SECOND: '3',
    });
    expect(config.sms?.senders).toEqual({
      '*': { from: '+14155550100' },
      es: { from: '+34910000000' },
      'pt-BR': { messagingServiceSid: MG },
    });
    expect(config.rateLimits.sms).toBe(3);
  });

  it('Twilio WhatsApp is enabled by its own sender, with templates, at 10 per second', () => {
    const config = providerConfigFromEnv({
      ...twilioBase,
      TWILIO_WHATSAPP_FROM: 'whatsapp:+14155550199',
      TWILIO_WHATSAPP_TEMPLATES: JSON.stringify({ overdue_early: { en: HX_EN, '*': HX_ANY } }),
      PUBLIC_BASE_URL: 'https://dunning.acme.com/',
    });
    expect(config.whatsapp).toEqual({
      accountSid: SID,
      authToken: TOKEN,
      senders: { '*': { from: '+14155550199' } },
      templates: { overdue_early: { en: HX_EN, '*': HX_ANY } },
      statusCallbackBaseUrl: 'https://dunning.acme.com',
    });
    expect(config.sms).toBeNull();
    expect(config.publicBaseUrl).toBe('https://dunning.acme.com');
    expect(config.rateLimits).toEqual({ email: null, sms: null, whatsapp: 10 });
  });

  it('half-configured Twilio names the missing variable', () => {
    expect(errorOf({ TWILIO_ACCOUNT_SID: SID, TWILIO_SMS_FROM: '+14155550100' }).message).toMatch(
      /TWILIO_AUTH_TOKEN is required/,
    );
    expect(errorOf({ TWILIO_AUTH_TOKEN: TOKEN }).message).toMatch(/TWILIO_ACCOUNT_SID is required/);
    expect(errorOf({ TWILIO_SMS_FROM: '+14155550100' }).message).toMatch(/TWILIO_ACCOUNT_SID is required/);
    expect(errorOf({ ...twilioBase, TWILIO_WHATSAPP_TEMPLATES: JSON.stringify({}) }).message).toMatch(
      /TWILIO_WHATSAPP_FROM/,
    );
  });

  it('rejects a SID that is not an Account SID, without repeating the token', () => {
    const error = errorOf({
      TWILIO_ACCOUNT_SID: `SK${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_SMS_FROM: '+14155550100',
    });
    expect(error.message).toMatch(/TWILIO_ACCOUNT_SID must be an Account SID/);
    expect(error.message).not.toContain(TOKEN);
  });

  it('bad JSON in TWILIO_SMS_SENDERS names the variable and does not echo the value', () => {
    const error = errorOf({ ...twilioBase, TWILIO_SMS_SENDERS: "{'es': +3491}" });
    expect(error.message).toMatch(/TWILIO_SMS_SENDERS is not valid JSON/);
    expect(error.message).not.toContain('3491');
  });

  it('sender maps need a default, known locale keys and valid senders', () => {
    expect(errorOf({ ...twilioBase, TWILIO_SMS_SENDERS: JSON.stringify({ es: '+34910000000' }) }).message).toMatch(
      /TWILIO_SMS_SENDERS needs a '\*' entry/,
    );
    expect(
      errorOf({ ...twilioBase, TWILIO_SMS_SENDERS: JSON.stringify({ '*': '+14155550100', 'es-ES': '+34910000000' }) })
        .message,
    ).toMatch(/TWILIO_SMS_SENDERS has key "es-ES"/);
    expect(errorOf({ ...twilioBase, TWILIO_WHATSAPP_SENDERS: JSON.stringify({ '*': '0800 123' }) }).message).toMatch(
      /TWILIO_WHATSAPP_SENDERS\["\*"\]/,
    );
    expect(errorOf({ ...twilioBase, TWILIO_SMS_SENDERS: JSON.stringify(['+14155550100']) }).message).toMatch(
      /TWILIO_SMS_SENDERS must be a JSON object/,
    );
  });

  it('templates need Content SIDs', () => {
    const error = errorOf({
      ...twilioBase,
      TWILIO_WHATSAPP_FROM: '+14155550199',
      TWILIO_WHATSAPP_TEMPLATES: JSON.stringify({ overdue_early: { en: 'abc' } }),
    });
    expect(error.message).toMatch(/TWILIO_WHATSAPP_TEMPLATES\["overdue_early"\]\["en"\] must be a Content SID/);
  });

  it('PUBLIC_BASE_URL must be https', () => {
    expect(errorOf({ PUBLIC_BASE_URL: 'http://dunning.acme.com' }).message).toMatch(
      /PUBLIC_BASE_URL must be an https URL/,
    );
    expect(errorOf({ PUBLIC_BASE_URL: 'not a url' }).message).toMatch(/PUBLIC_BASE_URL/);
  });
});

describe('sendersFromConfig', () => {
  let resend: FakeResendServer;
  let twilio: FakeTwilioServer;
  beforeAll(async () => {
    [resend, twilio] = await Promise.all([startFakeResendServer(), startFakeTwilioServer()]);
  });
  afterAll(async () => {
    await Promise.all([resend.close(), twilio.close()]);
  });

  it('builds senders for the configured channels only', () => {
    const senders = sendersFromConfig(providerConfigFromEnv({ ...twilioBase, TWILIO_SMS_FROM: '+14155550100' }));
    expect(Object.keys(senders)).toEqual(['sms']);
    expect(senders.sms).toMatchObject({ provider: 'twilio', idempotent: false });
    expect(sendersFromConfig(providerConfigFromEnv({}))).toEqual({});
  });

  it('the senders built from the environment reach their providers', async () => {
    const config = providerConfigFromEnv({
      RESEND_API_KEY: 're_from_env',
      RESEND_FROM: 'Acme Billing <billing@acme.com>',
      RESEND_BASE_URL: resend.url,
      ...twilioBase,
      TWILIO_SMS_FROM: '+14155550100',
      TWILIO_WHATSAPP_FROM: '+14155550199',
      PUBLIC_BASE_URL: 'https://dunning.acme.com',
    });
    const senders = sendersFromConfig(config, { twilioHttpClient: localTwilioHttpClient(twilio.url), timeoutMs: 250 });
    const base = {
      locale: 'en' as const,
      template: 'overdue_early' as const,
      tags: { tenant: 'acme', journey: 'j1', step: 's1' },
    };

    await expect(
      senders.email!.send({
        ...base,
        channel: 'email',
        attemptId: 'a/email/1',
        to: 'maria@example.com',
        subject: 'S',
        text: 'T',
        html: '<p>T</p>',
      }),
    ).resolves.toMatchObject({ kind: 'sent' });
    await expect(
      senders.sms!.send({ ...base, channel: 'sms', attemptId: 'a/sms/1', to: '+5511987654321', body: 'B' }),
    ).resolves.toMatchObject({
      kind: 'sent',
    });
    await expect(
      senders.whatsapp!.send({
        ...base,
        channel: 'whatsapp',
        attemptId: 'a/wa/1',
        to: '+5511987654321',
        mode: 'free_form',
        body: 'B',
        variables: {},
      }),
    ).resolves.toMatchObject({ kind: 'sent', whatsappMode: 'free_form' });

    expect(resend.requests[0]!.headers.authorization).toBe('Bearer re_from_env');
    expect(twilio.requests.map((r) => (r.body as Record<string, string>).From)).toEqual([
      '+14155550100',
      'whatsapp:+14155550199',
    ]);
    expect((twilio.requests[0]!.body as Record<string, string>).StatusCallback).toBe(
      'https://dunning.acme.com/webhooks/twilio/status?attempt=a%2Fsms%2F1',
    );
  });
});

describe('providerRateLimits (what a simulation plans against)', () => {
  it('gives every provider its limit whether or not it is configured: its variable, else its default', () => {
    expect(providerRateLimits({})).toEqual({ email: 2, sms: 1, whatsapp: 10 });
    expect(providerRateLimits({ TWILIO_SMS_MAX_PER_SECOND: '3', RESEND_MAX_PER_SECOND: '' })).toEqual({
      email: 2,
      sms: 3,
      whatsapp: 10,
    });
    expect(() => providerRateLimits({ TWILIO_WHATSAPP_MAX_PER_SECOND: '0' })).toThrow(/TWILIO_WHATSAPP_MAX_PER_SECOND/);
  });
});
