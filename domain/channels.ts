import { z } from 'zod';

/** Channels a reminder step can name. Assistant and human agent join in later versions. */
export const channelSchema = z.enum(['email', 'sms', 'whatsapp']);
export type Channel = z.infer<typeof channelSchema>;

/** The order used when a step's channel cannot reach the buyer: try the next one, wrapping around. */
export const CHANNEL_FALLTHROUGH_ORDER: readonly Channel[] = ['email', 'sms', 'whatsapp'];

export interface ContactPoints {
  email?: string | undefined;
  phone?: string | undefined;
  whatsapp?: string | undefined;
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
  const address = channel === 'email' ? a.contact.email : channel === 'sms' ? a.contact.phone : a.contact.whatsapp;
  return address ? null : 'no_address';
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
 * there, otherwise the next available one in {@link CHANNEL_FALLTHROUGH_ORDER}. When no channel
 * can reach the buyer the step is skipped, with every channel's reason kept for the audit trail.
 */
export function resolveChannel(requested: Channel, availability: ChannelAvailability): ChannelResolution {
  const start = CHANNEL_FALLTHROUGH_ORDER.indexOf(requested);
  const skipped: { channel: Channel; reason: ChannelUnavailableReason }[] = [];
  for (let i = 0; i < CHANNEL_FALLTHROUGH_ORDER.length; i++) {
    const channel = CHANNEL_FALLTHROUGH_ORDER[(start + i) % CHANNEL_FALLTHROUGH_ORDER.length]!;
    const reason = unavailableReason(channel, availability);
    if (reason === null) return { kind: 'deliver', channel, requested, skipped };
    skipped.push({ channel, reason });
  }
  return { kind: 'none', requested, skipped };
}
