/**
 * Channels a reminder step can name: three that send a message, two that escalate — the
 * assistant (a WhatsApp conversation it opens with the step's approved template, then answers) and
 * a human agent (a task for the seller's team: call this buyer) — and the seller's own app
 * (`in_app`: an `in_app_notification` webhook event their app or members area shows the buyer).
 */
export const CHANNEL_NAMES = ['email', 'sms', 'whatsapp', 'assistant', 'agent', 'in_app'] as const;
export type Channel = (typeof CHANNEL_NAMES)[number];

/** Where a buyer can be reached: one field per kind of address. */
export interface ContactPoints {
  email?: string | undefined;
  phone?: string | undefined;
  whatsapp?: string | undefined;
}

/** How a channel reaches a buyer and what rules come with it: one row of {@link CHANNEL_TABLE}. */
export interface ChannelSpec {
  /**
   * The channel whose address, consent (opt-outs, suppressions, its contact_points row) and reply
   * window this one uses: the assistant's messages go out on WhatsApp, so a WhatsApp STOP closes it
   * too. A channel that carries itself names itself. The rows of a carried channel repeat their
   * carrier's address and window fields (checked by test/domain/channels.test.ts); code reads
   * them through {@link carrierOf}.
   */
  carrier: Channel;
  /**
   * `message`: a message the buyer reads. `escalation`: a conversation or a person.
   * `notification`: shown by the seller's own app, which only the step that names it may use. A
   * message step falls through message channels only, so a reminder (or a confirmation) never
   * becomes a conversation or a call by accident; an escalation step falls through to the next
   * escalation, then wraps around to the messages; a notification step falls through the messages.
   * No step falls through to a notification: the seller chose where their app is listening.
   */
  tier: 'message' | 'escalation' | 'notification';
  /**
   * The buyer's contact field that holds this channel's address; null when the channel needs none
   * (the seller's app knows the buyer by their ID, which stands in for the address).
   */
  addressField: keyof ContactPoints | null;
  /** How its addresses are written and compared: emails lower-case, E.164 numbers; null: the buyer's ID as given. */
  addressKind: 'email' | 'phone' | null;
  /** Its place when a step falls through to the next channel (1 first, wrapping around). */
  fallthroughRank: number;
  /**
   * How a buyer revokes consent on it: a signed unsubscribe link (email), a reply such as STOP
   * (texts, where consent is needed first and any reasonable wording revokes it), or by asking
   * the seller's support, who record it through the opt-out API (a call).
   */
  optOut: 'unsubscribe_link' | 'reply_keyword' | 'support_request';
  /**
   * Free-form messages only within this many hours of the buyer's last message, an approved
   * template outside it (WhatsApp); null when any message may go out at any time.
   */
  replyWindowHours: number | null;
  /**
   * The suffix of its deliveries' task queue: one queue per provider, whose rate limit the server
   * enforces. Channels of one provider share it (the assistant's messages are WhatsApp messages).
   */
  deliveryQueue: string;
}

/**
 * Every channel, in one place. A channel missing here does not compile; everything else that
 * differs by channel reads this table, or maps or switches over {@link Channel} exhaustively.
 */
export const CHANNEL_TABLE: Readonly<Record<Channel, ChannelSpec>> = {
  email: {
    carrier: 'email',
    tier: 'message',
    addressField: 'email',
    addressKind: 'email',
    fallthroughRank: 1,
    optOut: 'unsubscribe_link',
    replyWindowHours: null,
    deliveryQueue: 'email',
  },
  sms: {
    carrier: 'sms',
    tier: 'message',
    addressField: 'phone',
    addressKind: 'phone',
    fallthroughRank: 2,
    optOut: 'reply_keyword',
    replyWindowHours: null,
    deliveryQueue: 'sms',
  },
  whatsapp: {
    carrier: 'whatsapp',
    tier: 'message',
    addressField: 'whatsapp',
    addressKind: 'phone',
    fallthroughRank: 3,
    optOut: 'reply_keyword',
    replyWindowHours: 24,
    deliveryQueue: 'whatsapp',
  },
  assistant: {
    carrier: 'whatsapp',
    tier: 'escalation',
    addressField: 'whatsapp',
    addressKind: 'phone',
    fallthroughRank: 4,
    optOut: 'reply_keyword',
    replyWindowHours: 24,
    deliveryQueue: 'whatsapp',
  },
  agent: {
    carrier: 'agent',
    tier: 'escalation',
    // The agent calls the buyer's phone number.
    addressField: 'phone',
    addressKind: 'phone',
    fallthroughRank: 5,
    optOut: 'support_request',
    replyWindowHours: null,
    deliveryQueue: 'agent',
  },
  in_app: {
    carrier: 'in_app',
    tier: 'notification',
    addressField: null,
    addressKind: null,
    fallthroughRank: 6,
    // No opt-in: the seller's app shows it to a buyer already signed in there. A buyer who wants
    // none asks the seller's support, who record it through the opt-out API, as for the agent.
    optOut: 'support_request',
    replyWindowHours: null,
    // The webhook pipeline has its own queues and retries: publishing is a database write.
    deliveryQueue: 'in_app',
  },
};

/** Deliveries per second each channel's provider allows; null or absent: no limit (the outbox). */
export type RateLimits = Partial<Record<Channel, number | null>>;

/**
 * The rate limit of a delivery queue: the lowest one given for any channel on it (channels of one
 * provider share its queue and its limit); null when none is given.
 */
export function queueRateLimit(queue: string, rateLimits: RateLimits): number | null {
  let limit: number | null = null;
  for (const channel of CHANNEL_NAMES) {
    const given = rateLimits[channel] ?? null;
    if (CHANNEL_TABLE[channel].deliveryQueue === queue && given !== null && (limit === null || given < limit))
      limit = given;
  }
  return limit;
}

/** Every channel, in the order a step falls through them (wrapping around). */
export const CHANNELS: readonly Channel[] = [...CHANNEL_NAMES].sort(
  (a, b) => CHANNEL_TABLE[a].fallthroughRank - CHANNEL_TABLE[b].fallthroughRank,
);

/** The channel whose address, consent and reply window `channel` uses (itself, or e.g. WhatsApp for the assistant). */
export function carrierOf(channel: Channel): Channel {
  return CHANNEL_TABLE[channel].carrier;
}

/** The channels whose consent `channel` needs: its own and its carrier's (a WhatsApp STOP closes the assistant). */
export function consentChannels(channel: Channel): Channel[] {
  const carrier = carrierOf(channel);
  return carrier === channel ? [channel] : [channel, carrier];
}

/** Whether a channel reaches the buyer at an address of theirs (not the in-app channel: by their ID). */
export function needsAddress(channel: Channel): boolean {
  return CHANNEL_TABLE[carrierOf(channel)].addressField !== null;
}

/** The buyer's address on a channel, if they have one (never on a channel that needs none). */
export function addressOn(channel: Channel, contact: ContactPoints): string | undefined {
  const field = CHANNEL_TABLE[carrierOf(channel)].addressField;
  return field === null ? undefined : contact[field];
}

/**
 * Where a delivery on `channel` goes, as its attempt row records it: the buyer's address, or on a
 * channel that needs none their ID (never personal data).
 */
export function recipientOn(channel: Channel, buyer: ContactPoints & { id: string }): string | undefined {
  return needsAddress(channel) ? addressOn(channel, buyer) : buyer.id;
}

/** Addresses are compared in one form: lower-case email; E.164 without a `whatsapp:` prefix; an ID as given. */
export function normalizeAddress(channel: Channel, address: string): string {
  const trimmed = address.trim();
  switch (CHANNEL_TABLE[carrierOf(channel)].addressKind) {
    case 'email':
      return trimmed.toLowerCase();
    case 'phone':
      return trimmed.replace(/^whatsapp:/i, '');
    case null:
      return trimmed;
  }
}

/** How long after the buyer's last message free-form text may go out on a channel; null when at any time. */
export function replyWindowMs(channel: Channel): number | null {
  const hours = CHANNEL_TABLE[carrierOf(channel)].replyWindowHours;
  return hours === null ? null : hours * 3_600_000;
}

export type ChannelUnavailableReason = 'no_address' | 'opted_out' | 'undeliverable';

export interface ChannelAvailability {
  contact: ContactPoints;
  optedOut: readonly Channel[];
  /** Channels a provider reported as permanently undeliverable for this buyer (hard bounce, invalid number). */
  undeliverable: readonly Channel[];
}

/**
 * Why `channel` cannot reach the buyer, or null when it can. Consent and reachability are its
 * carrier's too: after a WhatsApp STOP (or with no WhatsApp number) the assistant is closed.
 */
export function unavailableReason(channel: Channel, a: ChannelAvailability): ChannelUnavailableReason | null {
  const channels = consentChannels(channel);
  if (channels.some((c) => a.optedOut.includes(c))) return 'opted_out';
  if (channels.some((c) => a.undeliverable.includes(c))) return 'undeliverable';
  return !needsAddress(channel) || addressOn(channel, a.contact) ? null : 'no_address';
}

/**
 * The channels a step requesting `requested` tries, in order: from it, wrapping around
 * {@link CHANNELS} through the tiers its own tier falls through (see {@link ChannelSpec.tier}),
 * so journeys that began before a channel existed resolve exactly as they did.
 */
export function fallthroughOrder(requested: Channel): readonly Channel[] {
  return FALLTHROUGH_ORDERS[requested];
}

/** The tiers a step of each tier falls through after its own channel. */
const FALLS_THROUGH: Readonly<Record<ChannelSpec['tier'], readonly ChannelSpec['tier'][]>> = {
  message: ['message'],
  escalation: ['escalation', 'message'],
  notification: ['message'],
};

const FALLTHROUGH_ORDERS = Object.fromEntries(
  CHANNELS.map((requested, start) => {
    const tiers = FALLS_THROUGH[CHANNEL_TABLE[requested].tier];
    const order: Channel[] = [requested];
    for (let i = 1; i < CHANNELS.length; i++) {
      const channel = CHANNELS[(start + i) % CHANNELS.length]!;
      if (tiers.includes(CHANNEL_TABLE[channel].tier)) order.push(channel);
    }
    return [requested, order] as const;
  }),
) as Record<string, readonly Channel[]> as Readonly<Record<Channel, readonly Channel[]>>;

export type ChannelResolution =
  | {
      kind: 'deliver';
      channel: Channel;
      requested: Channel;
      skipped: { channel: Channel; reason: ChannelUnavailableReason }[];
    }
  | { kind: 'none'; requested: Channel; skipped: { channel: Channel; reason: ChannelUnavailableReason }[] };

/**
 * Picks the channel a step will actually use: the requested one if the buyer can be reached
 * there, otherwise the next available one in its {@link fallthroughOrder}. When no channel can reach
 * the buyer the step is skipped, with every channel's reason kept for the audit trail.
 */
export function resolveChannel(requested: Channel, availability: ChannelAvailability): ChannelResolution {
  const skipped: { channel: Channel; reason: ChannelUnavailableReason }[] = [];
  for (const channel of fallthroughOrder(requested)) {
    const reason = unavailableReason(channel, availability);
    if (reason === null) return { kind: 'deliver', channel, requested, skipped };
    skipped.push({ channel, reason });
  }
  return { kind: 'none', requested, skipped };
}
