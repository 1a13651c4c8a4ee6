/** Channels a reminder step can name. Assistant and human agent join in later versions. */
export const CHANNEL_NAMES = ['email', 'sms', 'whatsapp'] as const;
export type Channel = (typeof CHANNEL_NAMES)[number];

/** Where a buyer can be reached: one field per kind of address. */
export interface ContactPoints {
  email?: string | undefined;
  phone?: string | undefined;
  whatsapp?: string | undefined;
}

/** How a channel reaches a buyer and what rules come with it: one row of {@link CHANNEL_TABLE}. */
export interface ChannelSpec {
  /** The buyer's contact field that holds this channel's address. */
  addressField: keyof ContactPoints;
  /** How its addresses are written and compared: emails lower-case, phone numbers in E.164. */
  addressKind: 'email' | 'phone';
  /** Its place when a step falls through to the next channel (1 first, wrapping around). */
  fallthroughRank: number;
  /**
   * How a buyer revokes consent on it: a signed unsubscribe link (email), or a reply such as STOP
   * (texts, where consent is needed first and any reasonable wording revokes it).
   */
  optOut: 'unsubscribe_link' | 'reply_keyword';
  /**
   * Free-form messages only within this many hours of the buyer's last message, an approved
   * template outside it (WhatsApp); null when any message may go out at any time.
   */
  replyWindowHours: number | null;
  /** The suffix of its deliveries' task queue: one queue per provider, whose rate limit the server enforces. */
  deliveryQueue: string;
}

/**
 * Every channel, in one place. A channel missing here does not compile; everything else that
 * differs by channel reads this table, or maps or switches over {@link Channel} exhaustively.
 */
export const CHANNEL_TABLE: Readonly<Record<Channel, ChannelSpec>> = {
  email: {
    addressField: 'email',
    addressKind: 'email',
    fallthroughRank: 1,
    optOut: 'unsubscribe_link',
    replyWindowHours: null,
    deliveryQueue: 'email',
  },
  sms: {
    addressField: 'phone',
    addressKind: 'phone',
    fallthroughRank: 2,
    optOut: 'reply_keyword',
    replyWindowHours: null,
    deliveryQueue: 'sms',
  },
  whatsapp: {
    addressField: 'whatsapp',
    addressKind: 'phone',
    fallthroughRank: 3,
    optOut: 'reply_keyword',
    replyWindowHours: 24,
    deliveryQueue: 'whatsapp',
  },
};

/** Every channel, in the order a step falls through them (wrapping around). */
export const CHANNELS: readonly Channel[] = [...CHANNEL_NAMES].sort(
  (a, b) => CHANNEL_TABLE[a].fallthroughRank - CHANNEL_TABLE[b].fallthroughRank,
);

/** The buyer's address on a channel, if they have one. */
export function addressOn(channel: Channel, contact: ContactPoints): string | undefined {
  return contact[CHANNEL_TABLE[channel].addressField];
}

/** Addresses are compared in one form: lower-case email; E.164 without a `whatsapp:` prefix. */
export function normalizeAddress(channel: Channel, address: string): string {
  const trimmed = address.trim();
  return CHANNEL_TABLE[channel].addressKind === 'email' ? trimmed.toLowerCase() : trimmed.replace(/^whatsapp:/i, '');
}

/** How long after the buyer's last message free-form text may go out on a channel; null when at any time. */
export function replyWindowMs(channel: Channel): number | null {
  const hours = CHANNEL_TABLE[channel].replyWindowHours;
  return hours === null ? null : hours * 3_600_000;
}

export type ChannelUnavailableReason = 'no_address' | 'opted_out' | 'undeliverable';

export interface ChannelAvailability {
  contact: ContactPoints;
  optedOut: readonly Channel[];
  /** Channels a provider reported as permanently undeliverable for this buyer (hard bounce, invalid number). */
  undeliverable: readonly Channel[];
}

export function unavailableReason(channel: Channel, a: ChannelAvailability): ChannelUnavailableReason | null {
  if (a.optedOut.includes(channel)) return 'opted_out';
  if (a.undeliverable.includes(channel)) return 'undeliverable';
  return addressOn(channel, a.contact) ? null : 'no_address';
}

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
 * there, otherwise the next available one in {@link CHANNELS} order. When no channel can reach
 * the buyer the step is skipped, with every channel's reason kept for the audit trail.
 */
export function resolveChannel(requested: Channel, availability: ChannelAvailability): ChannelResolution {
  const start = CHANNELS.indexOf(requested);
  const skipped: { channel: Channel; reason: ChannelUnavailableReason }[] = [];
  for (let i = 0; i < CHANNELS.length; i++) {
    const channel = CHANNELS[(start + i) % CHANNELS.length]!;
    const reason = unavailableReason(channel, availability);
    if (reason === null) return { kind: 'deliver', channel, requested, skipped };
    skipped.push({ channel, reason });
  }
  return { kind: 'none', requested, skipped };
}
