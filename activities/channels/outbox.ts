import { type OpenCallTask, createAgentTaskSender } from './agent-task';
import { assistantSenderOf } from './assistant';
import { createInAppSender } from './in-app';
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
        ...((message.channel === 'whatsapp' || message.channel === 'assistant') && { whatsappMode: message.mode }),
      };
    },
  };
}

export interface OutboxFallbackOptions {
  /**
   * Opens a call task for the agent channel (application/agent-tasks.ts); without one, an agent
   * step goes to the outbox (its attempt row is the task).
   */
  openCallTask?: OpenCallTask | undefined;
}

/**
 * Outbox senders for every channel a provider does not cover. The assistant sends through the
 * WhatsApp sender when it has none of its own: its messages are WhatsApp messages. The in-app
 * channel never goes to the outbox: a notification no app shows is none, so without a webhook
 * publisher its steps fall through (activities/channels/in-app.ts).
 */
export function withOutboxFallback(
  configured: Partial<ChannelSenders>,
  options: OutboxFallbackOptions = {},
): ChannelSenders {
  const whatsapp = configured.whatsapp ?? outboxSender();
  return {
    email: configured.email ?? outboxSender(),
    sms: configured.sms ?? outboxSender(),
    whatsapp,
    assistant: configured.assistant ?? assistantSenderOf(whatsapp),
    agent: configured.agent ?? (options.openCallTask ? createAgentTaskSender(options.openCallTask) : outboxSender()),
    in_app: configured.in_app ?? createInAppSender(),
  };
}
