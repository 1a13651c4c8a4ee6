import type { ChannelSender, ChannelSenders, OutgoingMessage } from './sender';

/**
 * The channel with no provider account: the attempt row (written by the deliver activity before
 * any send) is the message, and the activity's log line says it went out. Every rule — guard, ledger, intent
 * rows — applies exactly as with a real provider, so a deployment can switch providers on
 * without changing what the journeys do.
 */
function outboxSender<M extends OutgoingMessage>(): ChannelSender<M> {
  return {
    provider: 'outbox',
    idempotent: true,
    async send(message) {
      return {
        kind: 'sent',
        providerMessageId: `outbox:${message.attemptId}`,
        ...(message.channel === 'whatsapp' && { whatsappMode: message.mode }),
      };
    },
  };
}

/** Outbox senders for every channel a provider does not cover. */
export function withOutboxFallback(configured: Partial<ChannelSenders>): ChannelSenders {
  return {
    email: configured.email ?? outboxSender(),
    sms: configured.sms ?? outboxSender(),
    whatsapp: configured.whatsapp ?? outboxSender(),
  };
}
