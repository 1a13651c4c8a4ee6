/**
 * The Resend adapter against a fake Resend API: the real `resend` SDK runs, and the assertions are
 * about what went over the wire.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createResendEmailSender,
  mapResendError,
  resendIdempotencyKey,
  resendTagValue,
} from '../../activities/channels/resend-email';
import { parseRetryAfterSeconds } from '../../activities/channels/provider-http';
import {
  type OutgoingEmail,
  ProviderOutcomeUnknownError,
  ProviderUnavailableError,
} from '../../activities/channels/sender';
import { closedPort } from '../support/fake-http-server';
import { type FakeResendServer, resendError, startFakeResendServer } from '../support/fake-resend-server';

let fake: FakeResendServer;
beforeAll(async () => {
  fake = await startFakeResendServer();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const TIMEOUT_MS = 250;

function sender(overrides: { baseUrl?: string; apiKey?: string } = {}) {
  return createResendEmailSender({
    apiKey: overrides.apiKey ?? 're_test_key',
    from: 'Acme Billing <billing@acme.test>',
    replyTo: 'help@acme.test',
    baseUrl: overrides.baseUrl ?? fake.url,
    timeoutMs: TIMEOUT_MS,
  });
}

function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    channel: 'email',
    attemptId: 'dunning/acme/inst-1/r0/s2/email/7',
    to: 'maria.silva@example.com',
    locale: 'en',
    template: 'overdue_early',
    tags: { tenant: 'acme', journey: 'dunning/acme/inst-1', step: 's2' },
    subject: 'Your installment 2 of 6 is overdue',
    text: 'Please pay at https://pay.acme.test/i/1',
    html: '<p>Please pay at <a href="https://pay.acme.test/i/1">this link</a></p>',
    unsubscribeUrl: 'https://dunning.acme.test/unsubscribe/tok123',
    ...overrides,
  };
}

function body(i: number): Record<string, unknown> {
  return fake.requests[i]!.body as Record<string, unknown>;
}

describe('Resend email sender: the request', () => {
  it('posts the email with from, to, subject, text, html, reply-to, tags and the API key', async () => {
    const outcome = await sender().send(email());

    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/emails');
    expect(request.headers.authorization).toBe('Bearer re_test_key');
    expect(body(0)).toMatchObject({
      from: 'Acme Billing <billing@acme.test>',
      to: 'maria.silva@example.com',
      subject: 'Your installment 2 of 6 is overdue',
      text: 'Please pay at https://pay.acme.test/i/1',
      html: '<p>Please pay at <a href="https://pay.acme.test/i/1">this link</a></p>',
      reply_to: 'help@acme.test',
    });
    expect(fake.sent).toHaveLength(1);
    expect(outcome).toEqual({ kind: 'sent', providerMessageId: fake.sent[0]!.id });
  });

  it('sends RFC 8058 one-click List-Unsubscribe headers when there is an unsubscribe link, and none otherwise', async () => {
    await sender().send(email());
    await sender().send(email({ attemptId: 'dunning/acme/inst-1/r0/s3/email/8', unsubscribeUrl: undefined }));

    expect(body(0).headers).toEqual({
      'List-Unsubscribe': '<https://dunning.acme.test/unsubscribe/tok123>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(body(1).headers).toBeUndefined();
  });

  it('tags carry tenant, journey and step in characters Resend accepts, and no email address', async () => {
    await sender().send(email());

    const tags = body(0).tags as Array<{ name: string; value: string }>;
    expect(tags.map((t) => t.name)).toEqual(['tenant', 'journey', 'step']);
    expect(tags[0]!.value).toBe('acme');
    expect(tags[1]!.value).toMatch(/^dunning_acme_inst-1-[0-9a-f]{10}$/);
    expect(tags[2]!.value).toBe('s2');
    for (const tag of tags) {
      expect(tag.value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      expect(tag.value).not.toContain('@');
      expect(tag.value).not.toContain('maria');
    }
  });

  it('tag sanitizing is deterministic and keeps ids that differ only in replaced characters apart', () => {
    expect(resendTagValue('dunning/acme/inst-1')).toBe(resendTagValue('dunning/acme/inst-1'));
    expect(resendTagValue('a/b')).not.toBe(resendTagValue('a.b'));
    expect(resendTagValue('a/b')).not.toBe(resendTagValue('a_b'));
    expect(resendTagValue('already_fine-1')).toBe('already_fine-1');
    expect(resendTagValue('x'.repeat(400))).toHaveLength(256);
  });
});

describe('Resend email sender: idempotency', () => {
  it('sends the attempt id as Idempotency-Key: the same attempt twice is one email', async () => {
    const first = await sender().send(email());
    const second = await sender().send(email());

    expect(fake.requests.map((r) => r.headers['idempotency-key'])).toEqual([
      'dunning/acme/inst-1/r0/s2/email/7',
      'dunning/acme/inst-1/r0/s2/email/7',
    ]);
    expect(fake.sent).toHaveLength(1);
    expect(second).toEqual(first);
  });

  it('different attempts get different keys and are different emails', async () => {
    await sender().send(email({ attemptId: 'dunning/acme/inst-1/r0/s2/email/7' }));
    await sender().send(email({ attemptId: 'dunning/acme/inst-1/r0/s2/email/8' }));

    const keys = fake.requests.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(2);
    expect(fake.sent).toHaveLength(2);
  });

  it('hashes attempt ids that are too long or carry other characters, always to the same key', async () => {
    const odd = `dunning/ácme/${'x'.repeat(300)}`;
    expect(resendIdempotencyKey(odd)).toBe(resendIdempotencyKey(odd));
    expect(resendIdempotencyKey(odd)).toMatch(/^attempt-sha256-[0-9a-f]{64}$/);
    expect(resendIdempotencyKey(`${odd}!`)).not.toBe(resendIdempotencyKey(odd));

    await sender().send(email({ attemptId: odd }));
    await sender().send(email({ attemptId: odd }));
    expect(fake.requests[0]!.headers['idempotency-key']).toBe(resendIdempotencyKey(odd));
    expect(fake.requests[1]!.headers['idempotency-key']).toBe(resendIdempotencyKey(odd));
    expect(fake.sent).toHaveLength(1);
  });

  it('a timeout is an unknown outcome; the retry with the same key returns the first email, so only one went out', async () => {
    fake.script({ delayMs: TIMEOUT_MS * 4 });

    const started = Date.now();
    await expect(sender().send(email())).rejects.toBeInstanceOf(ProviderOutcomeUnknownError);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3);

    const retry = await sender().send(email());

    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]!.headers['idempotency-key']).toBe(fake.requests[1]!.headers['idempotency-key']);
    expect(fake.sent).toHaveLength(1);
    expect(retry).toEqual({ kind: 'sent', providerMessageId: fake.sent[0]!.id });
  });

  it('the same key with a different payload (409) is an unknown outcome, never a refusal', async () => {
    await sender().send(email());
    const changed = sender().send(email({ subject: 'Different subject' }));

    await expect(changed).rejects.toBeInstanceOf(ProviderOutcomeUnknownError);
    await expect(changed).rejects.toThrow(/different payload/);
    expect(fake.sent).toHaveLength(1);
  });
});

describe('Resend email sender: errors', () => {
  it('429 is ProviderUnavailableError with Retry-After', async () => {
    fake.script({
      status: 429,
      body: resendError(429, 'rate_limit_exceeded', 'Too many requests.'),
      headers: { 'retry-after': '3' },
    });

    const error: unknown = await sender()
      .send(email())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).retryAfterSeconds).toBe(3);
    expect(fake.sent).toHaveLength(0);
  });

  it('500, and a 502 with an HTML body, are an unknown outcome (Resend may have sent it; the retry reuses the key)', async () => {
    fake.script(
      { status: 500, body: resendError(500, 'internal_server_error', 'An unexpected error occurred.') },
      { status: 502, body: '<html>Bad gateway</html>', headers: { 'content-type': 'text/html' } },
    );

    await expect(sender().send(email())).rejects.toBeInstanceOf(ProviderOutcomeUnknownError);
    await expect(sender().send(email())).rejects.toBeInstanceOf(ProviderOutcomeUnknownError);
    expect(fake.requests).toHaveLength(2);
  });

  it('422 validation error on the recipient is refused undeliverable, without the address in the detail', async () => {
    fake.script({
      status: 422,
      body: resendError(
        422,
        'validation_error',
        'Invalid `to` field. maria.silva@example.com is not a valid email address.',
      ),
    });

    const outcome = await sender().send(email());
    expect(outcome).toMatchObject({ kind: 'refused', refusal: 'undeliverable', code: 'validation_error' });
    expect(outcome.kind === 'refused' && outcome.detail).not.toContain('maria');
  });

  it.each([
    [
      'Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
    ],
    ["The 'to' field contains an invalid address."],
    ['Invalid to field: too long'],
    ['maria.silva@example.com is not a valid email address.'],
    ['MARIA.SILVA@EXAMPLE.COM: domain has no MX record'],
  ])('a validation error naming the recipient (%j) is refused undeliverable', async (message) => {
    fake.script({ status: 422, body: resendError(422, 'validation_error', message) });

    const outcome = await sender().send(email());
    expect(outcome).toMatchObject({ kind: 'refused', refusal: 'undeliverable', code: 'validation_error' });
    expect(outcome.kind === 'refused' && outcome.detail.toLowerCase()).not.toContain('maria');
  });

  it.each([
    [422, 'validation_error', 'The `html` field contains content that is not allowed.'],
    [422, 'validation_error', 'Invalid `subject` field.'],
    [400, 'invalid_parameter', 'Something about this email is not allowed.'],
    [422, 'validation_error', 'Message rejected for someone.else@example.org'],
  ])(
    'any other validation error (%i %s: %j) is refused rejected: this message, not the address',
    async (status, name, message) => {
      fake.script({ status, body: resendError(status, name, message) });

      const outcome = await sender().send(email());
      expect(outcome).toMatchObject({ kind: 'refused', refusal: 'rejected', code: name });
      expect(outcome.kind === 'refused' && outcome.detail).not.toContain('@');
    },
  );

  it('a validation error about `reply_to` is our configuration, not the recipient', async () => {
    fake.script({ status: 422, body: resendError(422, 'validation_error', 'Invalid `reply_to` field.') });

    await expect(sender().send(email())).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('error messages carry no email address or phone number', () => {
    const thrown = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('did not throw');
    };
    const messages = [
      thrown(() =>
        mapResendError(
          { statusCode: 500, name: 'internal_server_error', message: 'Failed for maria@example.com' },
          null,
          false,
          TIMEOUT_MS,
        ),
      ),
      thrown(() =>
        mapResendError(
          { statusCode: 403, name: 'validation_error', message: 'You can only send testing emails to owner@acme.test' },
          null,
          false,
          TIMEOUT_MS,
        ),
      ),
      thrown(() =>
        mapResendError(
          { statusCode: null, name: 'application_error', message: 'fetch failed for +5511987654321' } as never,
          null,
          false,
          TIMEOUT_MS,
        ),
      ),
    ];
    for (const message of messages) {
      expect(message).toContain('<address>');
      expect(message).not.toMatch(/@|987654321/);
    }
  });

  it('401 (bad API key) is ProviderUnavailableError naming the configuration, not a refusal', async () => {
    fake.script({ status: 401, body: resendError(401, 'invalid_api_key', 'API key is invalid') });

    const error: unknown = await sender()
      .send(email())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toMatch(/RESEND_API_KEY/);
  });

  it('403 (sending domain not verified) is ProviderUnavailableError, not a refusal', async () => {
    fake.script({ status: 403, body: resendError(403, 'validation_error', 'The acme.test domain is not verified.') });

    await expect(sender().send(email())).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('a validation error about `from` is our configuration, not the buyer', async () => {
    fake.script({ status: 422, body: resendError(422, 'validation_error', 'Invalid `from` field.') });

    await expect(sender().send(email())).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('no answer at all (the SDK cannot tell a refused connection from a broken one) is an unknown outcome', async () => {
    const port = await closedPort();
    await expect(sender({ baseUrl: `http://127.0.0.1:${port}` }).send(email())).rejects.toBeInstanceOf(
      ProviderOutcomeUnknownError,
    );
  });

  it('409 concurrent request for the same key is an unknown outcome (the other request may send it)', () => {
    expect(() =>
      mapResendError(
        { statusCode: 409, name: 'concurrent_idempotent_requests', message: 'in progress' },
        null,
        false,
        TIMEOUT_MS,
      ),
    ).toThrow(ProviderOutcomeUnknownError);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfterSeconds('7')).toBe(7);
    expect(parseRetryAfterSeconds(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(
      30,
    );
    expect(parseRetryAfterSeconds(undefined)).toBeUndefined();
    expect(parseRetryAfterSeconds('soon')).toBeUndefined();
  });
});
