/**
 * The assistant's opening message goes out on WhatsApp: the WhatsApp sender (Twilio or the
 * outbox) takes it as the WhatsApp message it is. Status callbacks come back by attempt id.
 */
import type { ChannelSender, OutgoingAssistant, OutgoingWhatsApp } from './sender';

export function assistantSenderOf(whatsapp: ChannelSender<OutgoingWhatsApp>): ChannelSender<OutgoingAssistant> {
  return {
    provider: whatsapp.provider,
    idempotent: whatsapp.idempotent,
    send: (message) => whatsapp.send({ ...message, channel: 'whatsapp' }),
  };
}
