import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS,
  CHANNEL_NAMES,
  CHANNEL_TABLE,
  type Channel,
  type ChannelAvailability,
  addressOn,
  carrierOf,
  fallthroughOrder,
  normalizeAddress,
  recipientOn,
  replyWindowMs,
  resolveChannel,
  unavailableReason,
} from '../../domain/channels';
import { channelSchema } from '../../domain/value-schemas';

const all = { email: 'ana@example.com', phone: '+5511987654321', whatsapp: '+5511987654321' };
const reachable = (over: Partial<ChannelAvailability> = {}): ChannelAvailability => ({
  contact: all,
  optedOut: [],
  undeliverable: [],
  ...over,
});

describe('channelSchema', () => {
  it("knows the three message channels, the assistant, the human agent and the seller's app", () => {
    expect(channelSchema.options).toEqual(['email', 'sms', 'whatsapp', 'assistant', 'agent', 'in_app']);
    expect(channelSchema.safeParse('pigeon').success).toBe(false);
  });
});

describe('the channel table', () => {
  it('ranks the assistant and the agent after WhatsApp, in that order, and the in-app channel last', () => {
    expect(CHANNELS).toEqual(['email', 'sms', 'whatsapp', 'assistant', 'agent', 'in_app']);
    expect(new Set(CHANNEL_NAMES.map((c) => CHANNEL_TABLE[c].fallthroughRank)).size).toBe(CHANNEL_NAMES.length);
  });

  it('the assistant is carried by WhatsApp (address, window, queue); the agent calls the phone and has a queue of its own', () => {
    expect(carrierOf('assistant')).toBe('whatsapp');
    expect(carrierOf('agent')).toBe('agent');
    expect(addressOn('assistant', all)).toBe(all.whatsapp);
    expect(addressOn('agent', { email: all.email, phone: '+5511911112222', whatsapp: all.whatsapp })).toBe(
      '+5511911112222',
    );
    expect(normalizeAddress('assistant', 'whatsapp:+5511987654321 ')).toBe('+5511987654321');
    expect(replyWindowMs('assistant')).toBe(replyWindowMs('whatsapp'));
    expect(replyWindowMs('agent')).toBeNull();
    expect(CHANNEL_TABLE.assistant.deliveryQueue).toBe(CHANNEL_TABLE.whatsapp.deliveryQueue);
    expect(CHANNEL_TABLE.agent.deliveryQueue).toBe('agent');
    expect(CHANNEL_TABLE.agent.optOut).toBe('support_request');
  });

  it.each(CHANNEL_NAMES)('%s: its row agrees with its carrier on address, window and queue', (channel) => {
    const carrier = CHANNEL_TABLE[carrierOf(channel)];
    const row = CHANNEL_TABLE[channel];
    // A carrier carries itself: no chains.
    expect(carrier.carrier).toBe(carrierOf(channel));
    expect(row).toMatchObject({
      addressField: carrier.addressField,
      addressKind: carrier.addressKind,
      replyWindowHours: carrier.replyWindowHours,
      deliveryQueue: carrier.deliveryQueue,
    });
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

describe('the assistant and the agent', () => {
  it('the assistant is closed by a WhatsApp opt-out or bounce, and without a WhatsApp number', () => {
    expect(unavailableReason('assistant', reachable())).toBeNull();
    expect(unavailableReason('assistant', reachable({ optedOut: ['whatsapp'] }))).toBe('opted_out');
    expect(unavailableReason('assistant', reachable({ undeliverable: ['whatsapp'] }))).toBe('undeliverable');
    expect(unavailableReason('assistant', reachable({ contact: { email: all.email, phone: all.phone } }))).toBe(
      'no_address',
    );
    // Its own stop closes it, and leaves WhatsApp reminders open.
    expect(unavailableReason('assistant', reachable({ optedOut: ['assistant'] }))).toBe('opted_out');
    expect(unavailableReason('whatsapp', reachable({ optedOut: ['assistant'] }))).toBeNull();
    // Other channels' consent is not the assistant's.
    expect(unavailableReason('assistant', reachable({ optedOut: ['sms', 'email', 'agent'] }))).toBeNull();
  });

  it('the agent needs a phone number; an SMS STOP does not close it, its own stop does', () => {
    expect(unavailableReason('agent', reachable())).toBeNull();
    expect(unavailableReason('agent', reachable({ contact: { email: all.email, whatsapp: all.whatsapp } }))).toBe(
      'no_address',
    );
    expect(unavailableReason('agent', reachable({ optedOut: ['sms', 'whatsapp'] }))).toBeNull();
    expect(unavailableReason('agent', reachable({ optedOut: ['agent'] }))).toBe('opted_out');
  });

  it('an assistant step without WhatsApp falls through to the agent', () => {
    expect(resolveChannel('assistant', reachable({ optedOut: ['whatsapp'] }))).toEqual({
      kind: 'deliver',
      channel: 'agent',
      requested: 'assistant',
      skipped: [{ channel: 'assistant', reason: 'opted_out' }],
    });
  });

  it('an agent step without a phone wraps around to email, then through SMS, WhatsApp and the assistant', () => {
    expect(fallthroughOrder('agent')).toEqual(['agent', 'email', 'sms', 'whatsapp', 'assistant']);
    expect(fallthroughOrder('assistant')).toEqual(['assistant', 'agent', 'email', 'sms', 'whatsapp']);
    expect(resolveChannel('agent', reachable({ contact: { email: all.email, whatsapp: all.whatsapp } }))).toEqual({
      kind: 'deliver',
      channel: 'email',
      requested: 'agent',
      skipped: [{ channel: 'agent', reason: 'no_address' }],
    });
    expect(resolveChannel('agent', reachable({ contact: { whatsapp: all.whatsapp }, optedOut: ['whatsapp'] }))).toEqual(
      {
        kind: 'none',
        requested: 'agent',
        skipped: [
          { channel: 'agent', reason: 'no_address' },
          { channel: 'email', reason: 'no_address' },
          { channel: 'sms', reason: 'no_address' },
          { channel: 'whatsapp', reason: 'opted_out' },
          { channel: 'assistant', reason: 'opted_out' },
        ],
      },
    );
  });

  it('a message step never falls through to a conversation or a call (journeys from before them resolve as they did)', () => {
    for (const c of ['email', 'sms', 'whatsapp'] as const) {
      expect(fallthroughOrder(c)).not.toContain('assistant');
      expect(fallthroughOrder(c)).not.toContain('agent');
    }
    // A buyer with only a phone who stopped SMS: the agent could call, but an SMS step is skipped.
    expect(resolveChannel('sms', { contact: { phone: all.phone }, optedOut: ['sms'], undeliverable: [] })).toEqual({
      kind: 'none',
      requested: 'sms',
      skipped: [
        { channel: 'sms', reason: 'opted_out' },
        { channel: 'whatsapp', reason: 'no_address' },
        { channel: 'email', reason: 'no_address' },
      ],
    });
  });
});

describe('the in-app channel', () => {
  it("needs no address: the seller's app knows the buyer by their ID, which its attempt row records", () => {
    expect(unavailableReason('in_app', reachable({ contact: {} }))).toBeNull();
    expect(addressOn('in_app', all)).toBeUndefined();
    expect(recipientOn('in_app', { ...all, id: 'buyer-7' })).toBe('buyer-7');
    expect(recipientOn('email', { ...all, id: 'buyer-7' })).toBe(all.email);
    expect(normalizeAddress('in_app', ' buyer-7 ')).toBe('buyer-7');
    expect(replyWindowMs('in_app')).toBeNull();
    expect(CHANNEL_TABLE.in_app).toMatchObject({
      carrier: 'in_app',
      optOut: 'support_request',
      deliveryQueue: 'in_app',
    });
  });

  it("is closed by its own opt-out only (recorded by support), never by another channel's", () => {
    expect(unavailableReason('in_app', reachable({ optedOut: ['in_app'] }))).toBe('opted_out');
    expect(
      unavailableReason('in_app', reachable({ optedOut: ['email', 'sms', 'whatsapp', 'assistant', 'agent'] })),
    ).toBeNull();
    expect(unavailableReason('email', reachable({ optedOut: ['in_app'] }))).toBeNull();
  });

  it('an in-app step falls through the message channels: email, SMS, WhatsApp', () => {
    expect(fallthroughOrder('in_app')).toEqual(['in_app', 'email', 'sms', 'whatsapp']);
    expect(resolveChannel('in_app', reachable({ undeliverable: ['in_app'] }))).toEqual({
      kind: 'deliver',
      channel: 'email',
      requested: 'in_app',
      skipped: [{ channel: 'in_app', reason: 'undeliverable' }],
    });
  });

  it('no other step falls through to it: every existing order is what running journeys replayed', () => {
    expect(fallthroughOrder('email')).toEqual(['email', 'sms', 'whatsapp']);
    expect(fallthroughOrder('sms')).toEqual(['sms', 'whatsapp', 'email']);
    expect(fallthroughOrder('whatsapp')).toEqual(['whatsapp', 'email', 'sms']);
    expect(fallthroughOrder('assistant')).toEqual(['assistant', 'agent', 'email', 'sms', 'whatsapp']);
    expect(fallthroughOrder('agent')).toEqual(['agent', 'email', 'sms', 'whatsapp', 'assistant']);
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
      {
        email: fc.constantFrom(all.email, ''),
        phone: fc.constantFrom(all.phone, ''),
        whatsapp: fc.constantFrom(all.whatsapp, ''),
      },
      { requiredKeys: [] },
    ),
    optedOut: fc.subarray<Channel>([...CHANNEL_NAMES]),
    undeliverable: fc.subarray<Channel>([...CHANNEL_NAMES]),
  });

  it('property: picks the first usable channel in the fall-through order starting at the requested one', () => {
    const messages: Channel[] = ['email', 'sms', 'whatsapp'];
    const escalations: Channel[] = [...messages, 'assistant', 'agent'];
    const addressOf = (c: Channel, a: ChannelAvailability) =>
      c === 'in_app'
        ? 'by the buyer ID'
        : c === 'email'
          ? a.contact.email
          : c === 'sms' || c === 'agent'
            ? a.contact.phone
            : a.contact.whatsapp;
    // The assistant needs WhatsApp's consent as well as its own.
    const consent = (c: Channel): Channel[] => (c === 'assistant' ? ['assistant', 'whatsapp'] : [c]);
    const usable = (c: Channel, a: ChannelAvailability) =>
      consent(c).every((k) => !a.optedOut.includes(k) && !a.undeliverable.includes(k)) && !!addressOf(c, a);
    fc.assert(
      fc.property(fc.constantFrom(...CHANNEL_NAMES), availabilityArb, (requested, a) => {
        // In-app first, then the messages from the first; nobody else falls through to it.
        const order = requested === 'in_app' ? messages : messages.includes(requested) ? messages : escalations;
        const start = order.indexOf(requested);
        const tried = start < 0 ? [requested, ...order] : order.map((_, i) => order[(start + i) % order.length]!);
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
        // Never an opted-out channel (nor one whose carrier opted out), whatever else holds.
        if (r.kind === 'deliver') for (const k of consent(r.channel)) expect(a.optedOut).not.toContain(k);
        for (const s of r.skipped) expect(usable(s.channel, a)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
