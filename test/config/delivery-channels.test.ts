/** Which channels a worker sends through, from its environment (README, "Reminder channels"). */
import { describe, expect, it } from 'vitest';
import { webhookSettingsFromEnv } from '../../api/routes/webhooks/index';
import { linkKeyRing } from '../../application/link-keys';
import { verifyUnsubscribeToken } from '../../application/unsubscribe-links';
import { deliveryChannelsFromEnv, deliveryQueues } from '../../worker';

const RESEND = { RESEND_API_KEY: 're_live_key', RESEND_FROM: 'Acme Billing <billing@acme.example>' };
const TWILIO = {
  TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
  TWILIO_AUTH_TOKEN: 'token',
  TWILIO_SMS_FROM: '+14155550100',
};
const LINKS = { PUBLIC_BASE_URL: 'https://dunning.example.com', LINK_SIGNING_SECRET: 'a-long-enough-link-secret' };

describe('deliveryChannelsFromEnv', () => {
  it('with no provider configured, every channel is the outbox, with no rate limit', () => {
    const channels = deliveryChannelsFromEnv({});
    expect(channels.summary).toEqual({
      email: 'outbox',
      sms: 'outbox',
      whatsapp: 'outbox',
      assistant: 'outbox',
      agent: 'agent',
      in_app: 'webhook',
    });
    expect(channels.rateLimits).toEqual({ email: null, sms: null, whatsapp: null });
    expect(channels.unsubscribeUrl).toBeUndefined();
    // Never the outbox: without the worker's webhook publisher an in-app step falls through.
    expect(channels.senders?.in_app.provider).toBe('webhook');
  });

  it('each provider is switched on by its variables, with its rate limit for the channel queue', () => {
    const channels = deliveryChannelsFromEnv({ ...RESEND, ...TWILIO, ...LINKS, TWILIO_SMS_MAX_PER_SECOND: '3' });
    expect(channels.summary).toEqual({
      email: 'resend',
      sms: 'twilio',
      whatsapp: 'outbox',
      assistant: 'outbox',
      agent: 'agent',
      in_app: 'webhook',
    });
    expect(channels.rateLimits).toEqual({ email: 2, sms: 3, whatsapp: null });
    expect(channels.senders?.email.provider).toBe('resend');
    expect(channels.senders?.whatsapp.provider).toBe('outbox');
  });

  it('the assistant sends through the WhatsApp provider; the agent opens call tasks when given openCallTask', async () => {
    const whatsapp = { TWILIO_WHATSAPP_FROM: '+14155550100', TWILIO_WHATSAPP_MAX_PER_SECOND: '5' };
    const opened: string[] = [];
    const channels = deliveryChannelsFromEnv(
      { ...TWILIO, ...whatsapp },
      { openCallTask: async (task) => void opened.push(task.taskId) },
    );
    expect(channels.summary).toMatchObject({ whatsapp: 'twilio', assistant: 'twilio', agent: 'agent' });
    expect(channels.senders?.assistant.provider).toBe('twilio');
    expect(channels.senders?.agent).toMatchObject({ provider: 'agent', idempotent: true });
    const outcome = await channels.senders!.agent.send({
      channel: 'agent',
      attemptId: 'dunning/t/i/r0/s4/agent/9',
      to: '+14155550111',
      locale: 'en',
      template: 'final_notice',
      tags: { tenant: 't', journey: 'dunning/t/i', step: 'r0-s4' },
      tenantId: 't',
      buyerId: 'b',
      journeyId: 'dunning/t/i',
      summary: 'Call the buyer about X',
    });
    expect(outcome).toEqual({ kind: 'sent', providerMessageId: 'task:dunning/t/i/r0/s4/agent/9' });
    expect(opened).toEqual(['dunning/t/i/r0/s4/agent/9']);
  });
});

describe('deliveryQueues', () => {
  it('one worker per provider queue: the assistant shares WhatsApp’s queue and its rate limit; the agent and in-app have their own', () => {
    const all = ['email', 'sms', 'whatsapp', 'assistant', 'agent', 'in_app'] as const;
    expect(deliveryQueues(all, { email: 2, sms: 3, whatsapp: 10 })).toEqual([
      { queue: 'email', channel: 'email', limit: 2 },
      { queue: 'sms', channel: 'sms', limit: 3 },
      { queue: 'whatsapp', channel: 'whatsapp', limit: 10 },
      { queue: 'agent', channel: 'agent', limit: null },
      { queue: 'in_app', channel: 'in_app', limit: null },
    ]);
    // A process dedicated to the assistant polls WhatsApp's queue, under WhatsApp's limit.
    expect(deliveryQueues(['assistant'], { whatsapp: 10 })).toEqual([
      { queue: 'whatsapp', channel: 'assistant', limit: 10 },
    ]);
    expect(deliveryQueues(['assistant', 'whatsapp'], { assistant: 4, whatsapp: 10 })).toEqual([
      { queue: 'whatsapp', channel: 'assistant', limit: 4 },
    ]);
  });

  it('real email needs a working one-click unsubscribe link: the variables are required, and named', () => {
    expect(() => deliveryChannelsFromEnv(RESEND)).toThrow(/LINK_SIGNING_SECRET and PUBLIC_BASE_URL/);
    expect(() => deliveryChannelsFromEnv({ ...RESEND, ...LINKS, LINK_SIGNING_SECRET: 'short' })).toThrow(
      /at least 16 characters/,
    );
    const url = deliveryChannelsFromEnv({ ...RESEND, ...LINKS }).unsubscribeUrl!(
      'Ana@Example.com',
      Date.UTC(2026, 11, 1),
    );
    expect(url.startsWith('https://dunning.example.com/unsubscribe/')).toBe(true);
    const check = verifyUnsubscribeToken(
      url.split('/').pop()!,
      linkKeyRing(LINKS.LINK_SIGNING_SECRET),
      Date.UTC(2026, 11, 2),
    );
    expect(check).toMatchObject({ ok: true, channel: 'email', address: 'ana@example.com' });
  });

  it('the API and the workers accept and refuse the same PUBLIC_BASE_URL and LINK_SIGNING_SECRET', () => {
    for (const env of [
      { PUBLIC_BASE_URL: 'http://api.example.com' },
      { ...LINKS, LINK_SIGNING_SECRET: 'short' },
      { PUBLIC_BASE_URL: 'https://api.example.com/?x=1' },
    ]) {
      expect(() => deliveryChannelsFromEnv(env), JSON.stringify(env)).toThrow();
      expect(() => webhookSettingsFromEnv(env), JSON.stringify(env)).toThrow();
    }
    for (const env of [LINKS, { PUBLIC_BASE_URL: 'http://localhost:3000' }]) {
      expect(() => deliveryChannelsFromEnv(env)).not.toThrow();
      expect(webhookSettingsFromEnv(env).publicBaseUrl).toBe(env.PUBLIC_BASE_URL);
    }
  });
});
