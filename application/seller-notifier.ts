/**
 * The seller hears of work for a person by email, at the tenant's notification address, through
 * the email channel's sender (Resend when configured, the outbox otherwise). Idempotent by task:
 * the attempt id is the task's, which Resend takes as its Idempotency-Key. The email carries
 * identifiers, the reason and a link to the API — never the buyer's words, phone or email.
 */
import { findTenant } from '../db/access-repository';
import type { Database } from '../db/client';
import type { SellerNotification, SellerNotifier } from './agent-tasks';

/**
 * The email as the notifier hands it to the email channel's sender: the shape of
 * activities/channels/sender.ts OutgoingEmail, except that its template is the seller's
 * notification, none of the buyer's templates (providers do not read it: they tag by tenant,
 * journey and step). The entry points pass the email ChannelSender (Resend, or the outbox).
 */
export interface NotificationEmail {
  channel: 'email';
  attemptId: string;
  to: string;
  locale: string;
  template: string;
  tags: { tenant: string; journey: string; step: string };
  subject: string;
  text: string;
  html: string;
}

/** What the notifier needs of the email channel's sender (a `ChannelSender<OutgoingEmail>` is one). */
export interface NotificationEmailSender {
  send(message: NotificationEmail): Promise<{ kind: 'sent' } | { kind: 'refused' }>;
}

export interface EmailSellerNotifierOptions {
  db: Database;
  sender: NotificationEmailSender;
  /** PUBLIC_BASE_URL: the links in the email; none = the API paths alone. */
  apiBaseUrl?: string | null | undefined;
}

/** The email a seller gets for a task (exported for tests). */
export function sellerTaskEmail(
  notification: SellerNotification,
  apiBaseUrl: string | null | undefined,
): { subject: string; text: string; html: string } {
  const base = (apiBaseUrl ?? '').replace(/\/+$/, '');
  const what = notification.kind === 'handoff' ? 'A buyer needs a person' : 'A buyer is due a call';
  const lines = [
    `${what} (reason: ${notification.reason}).`,
    '',
    `Task: ${notification.taskId}`,
    `Buyer: ${notification.buyerId}`,
    ...(notification.conversationId ? [`Conversation: ${notification.conversationId}`] : []),
    ...(notification.journeyId ? [`Journey: ${notification.journeyId}`] : []),
    '',
    `Open tasks: ${base}/v1/agent-tasks?status=open`,
    ...(notification.conversationId
      ? [`Conversation history: ${base}/v1/conversations/${encodeURIComponent(notification.conversationId)}`]
      : []),
    `Close the task: POST ${base}/v1/agent-tasks/${encodeURIComponent(notification.taskId)}/close`,
  ];
  const text = lines.join('\n');
  const escape = (s: string) =>
    s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
  return {
    subject: `${what}: task ${notification.taskId}`,
    text,
    html: `<pre>${escape(text)}</pre>`,
  };
}

export function emailSellerNotifier(options: EmailSellerNotifierOptions): SellerNotifier {
  return {
    async taskOpened(notification) {
      const tenant = await findTenant(options.db, notification.tenantId);
      const to = tenant?.notificationEmail;
      if (!to) return 'no_address';
      const email = sellerTaskEmail(notification, options.apiBaseUrl);
      const outcome = await options.sender.send({
        channel: 'email',
        attemptId: `seller-notification/${notification.taskId}`,
        to,
        locale: 'en',
        template: 'seller_agent_task',
        tags: { tenant: notification.tenantId, journey: notification.journeyId ?? 'none', step: 'agent-task' },
        ...email,
      });
      return outcome.kind === 'sent' ? 'sent' : 'refused';
    },
  };
}
