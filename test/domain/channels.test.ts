import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Channel, type ChannelAvailability, resolveChannel, unavailableReason } from '../../domain/channels';
import { channelSchema } from '../../domain/value-schemas';
import { channelArb } from '../support/arbitraries';

const all = { email: 'ana@example.com', phone: '+5511987654321', whatsapp: '+5511987654321' };
const reachable = (over: Partial<ChannelAvailability> = {}): ChannelAvailability => ({
  contact: all,
  optedOut: [],
  undeliverable: [],
  ...over,
});

describe('channelSchema', () => {
  it('knows email, sms and whatsapp only (for now)', () => {
    expect(channelSchema.options).toEqual(['email', 'sms', 'whatsapp']);
    expect(channelSchema.safeParse('pigeon').success).toBe(false);
  });
});

describe('unavailableReason', () => {
  it('explains why a channel cannot reach the buyer', () => {
    expect(unavailableReason('sms', reachable())).toBeNull();
    expect(unavailableReason('sms', reachable({ optedOut: ['sms'] }))).toBe('opted_out');
    expect(unavailableReason('email', reachable({ undeliverable: ['email'] }))).toBe('undeliverable');
    expect(unavailableReason('whatsapp', reachable({ contact: { email: all.email, phone: all.phone } }))).toBe(
      'no_address',
    );
    expect(unavailableReason('email', reachable({ contact: { ...all, email: '' } }))).toBe('no_address');
    // Opt-out wins over everything: it is the reason the audit trail must show.
    expect(unavailableReason('sms', { contact: {}, optedOut: ['sms'], undeliverable: ['sms'] })).toBe('opted_out');
  });
});

describe('resolveChannel', () => {
  it('uses the requested channel when it is available', () => {
    expect(resolveChannel('sms', reachable())).toEqual({
      kind: 'deliver',
      channel: 'sms',
      requested: 'sms',
      skipped: [],
    });
  });

  it('after an SMS opt-out an SMS step falls through to WhatsApp', () => {
    expect(resolveChannel('sms', reachable({ optedOut: ['sms'] }))).toEqual({
      kind: 'deliver',
      channel: 'whatsapp',
      requested: 'sms',
      skipped: [{ channel: 'sms', reason: 'opted_out' }],
    });
  });

  it('wraps around to email when neither SMS nor WhatsApp can be used', () => {
    expect(
      resolveChannel('sms', reachable({ optedOut: ['sms'], contact: { email: all.email, phone: all.phone } })),
    ).toEqual({
      kind: 'deliver',
      channel: 'email',
      requested: 'sms',
      skipped: [
        { channel: 'sms', reason: 'opted_out' },
        { channel: 'whatsapp', reason: 'no_address' },
      ],
    });
  });

  it('a WhatsApp step that cannot be delivered falls through to email, then SMS', () => {
    const r = resolveChannel(
      'whatsapp',
      reachable({ undeliverable: ['whatsapp'], contact: { phone: all.phone, whatsapp: all.whatsapp } }),
    );
    expect(r).toEqual({
      kind: 'deliver',
      channel: 'sms',
      requested: 'whatsapp',
      skipped: [
        { channel: 'whatsapp', reason: 'undeliverable' },
        { channel: 'email', reason: 'no_address' },
      ],
    });
  });

  it('skips with every reason when no channel can reach the buyer', () => {
    const r = resolveChannel('email', {
      contact: { phone: all.phone },
      optedOut: ['sms'],
      undeliverable: ['whatsapp'],
    });
    expect(r).toEqual({
      kind: 'none',
      requested: 'email',
      skipped: [
        { channel: 'email', reason: 'no_address' },
        { channel: 'sms', reason: 'opted_out' },
        { channel: 'whatsapp', reason: 'undeliverable' },
      ],
    });
  });

  const availabilityArb: fc.Arbitrary<ChannelAvailability> = fc.record({
    contact: fc.record(
      { email: fc.constantFrom(all.email, ''), phone: fc.constant(all.phone), whatsapp: fc.constant(all.whatsapp) },
      { requiredKeys: [] },
    ),
    optedOut: fc.subarray<Channel>(['email', 'sms', 'whatsapp']),
    undeliverable: fc.subarray<Channel>(['email', 'sms', 'whatsapp']),
  });

  it('property: picks the first usable channel in the fall-through order starting at the requested one', () => {
    const order: Channel[] = ['email', 'sms', 'whatsapp'];
    const usable = (c: Channel, a: ChannelAvailability) => {
      const address = c === 'email' ? a.contact.email : c === 'sms' ? a.contact.phone : a.contact.whatsapp;
      return !a.optedOut.includes(c) && !a.undeliverable.includes(c) && !!address;
    };
    fc.assert(
      fc.property(channelArb, availabilityArb, (requested, a) => {
        const start = order.indexOf(requested);
        const tried = [0, 1, 2].map((i) => order[(start + i) % 3]!);
        const firstUsable = tried.find((c) => usable(c, a));
        const r = resolveChannel(requested, a);
        expect(r.requested).toBe(requested);
        if (firstUsable === undefined) {
          expect(r.kind).toBe('none');
          expect(r.skipped.map((s) => s.channel)).toEqual(tried);
        } else {
          expect(r).toMatchObject({ kind: 'deliver', channel: firstUsable });
          expect(r.skipped.map((s) => s.channel)).toEqual(tried.slice(0, tried.indexOf(firstUsable)));
        }
        // Never an opted-out channel, whatever else holds.
        if (r.kind === 'deliver') expect(a.optedOut).not.toContain(r.channel);
        for (const s of r.skipped) expect(usable(s.channel, a)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
