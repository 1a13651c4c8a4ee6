import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfterSeconds, scrubContactData } from '../../activities/channels/provider-http';

describe('scrubContactData', () => {
  it.each([
    [
      'The number +14155550100 is unverified. Trial accounts cannot send messages to unverified numbers',
      'The number <address> is unverified. Trial accounts cannot send messages to unverified numbers',
    ],
    ["Invalid 'To' Phone Number: +5511987654321", "Invalid 'To' Phone Number: <address>"],
    ['To number: +1 415-555-0100, is not a mobile number', 'To number: <address>, is not a mobile number'],
    ['call +1 (415) 555 0100 now', 'call <address> now'],
    ['+44 20 7946 0958', '<address>'],
    ['Channel could not find To address whatsapp:+5511987654321.', 'Channel could not find To address <address>.'],
    ['From whatsapp:+14155550199 to WhatsApp:+34 910 000 099', 'From <address> to <address>'],
    [
      'Invalid `to` field. maria.silva@example.com is not a valid email address.',
      'Invalid `to` field. <address> is not a valid email address.',
    ],
    ['bounced: <Maria.Silva+tag@sub.example.co.uk>', 'bounced: <<address>>'],
    ['national form 4155550100 too', 'national form <address> too'],
  ])('%j → %j', (input, expected) => {
    expect(scrubContactData(input)).toBe(expected);
  });

  it('leaves error codes, short numbers, ids, durations and dates alone', () => {
    for (const text of [
      'Twilio 400 error 21608',
      'Twilio did not answer within 15000 ms',
      `Account AC${'0123456789abcdef'.repeat(2)} not found`,
      'Message SM0123456789012345678901234567890a',
      'Retry after 2030-01-01T00:00:30Z',
      'HTTP/1.1 503 Service Unavailable +123',
      'installment 2 of 6, R$ 150,00',
      '',
    ]) {
      expect(scrubContactData(text), text).toBe(text);
    }
  });

  it('no E.164 number or email address survives, wherever it sits in the text', () => {
    const phone = fc
      .tuple(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 14 }),
        fc.constantFrom('', ' ', '-'),
      )
      .map(
        ([first, rest, separator]) =>
          `+${first}${rest.map((d, i) => (i % 3 === 2 ? `${separator}${d}` : String(d))).join('')}`,
      );
    const email = fc.emailAddress();
    const address = fc.oneof(
      phone,
      phone.map((p) => `whatsapp:${p}`),
      email,
    );
    const filler = fc.constantFrom('', 'The number ', 'To: ', "Invalid 'To' ", '(', '"', '<');
    const tail = fc.constantFrom('', ' is unverified', '.', ', ', ')', '"', '>');
    fc.assert(
      fc.property(filler, address, tail, (before, addr, after) => {
        const scrubbed = scrubContactData(`${before}${addr}${after}`);
        expect(scrubbed).toContain('<address>');
        expect(scrubbed).not.toContain(addr);
        expect(scrubbed).not.toMatch(/\d{7}/);
        expect(scrubbed).not.toContain('@');
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent', () => {
    const text = 'The number +14155550100 (maria@example.com, whatsapp:+5511987654321) failed';
    expect(scrubContactData(scrubContactData(text))).toBe(scrubContactData(text));
  });
});

describe('parseRetryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates, and ignores anything else', () => {
    expect(parseRetryAfterSeconds('7')).toBe(7);
    expect(parseRetryAfterSeconds('1.2')).toBe(2);
    expect(parseRetryAfterSeconds(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(
      30,
    );
    expect(parseRetryAfterSeconds(undefined)).toBeUndefined();
    expect(parseRetryAfterSeconds('soon')).toBeUndefined();
  });
});
