import { ApplicationFailure } from '@temporalio/common';
import { buyerConsentAt, buyerContactRecord, lockBuyer } from '../db/contact-repository';
import { type AttemptRow, findAttempt, reserveAttempt } from '../db/attempt-repository';
import { normalizeAddress } from '../domain/channels';
import { contactRulesOf, guardSend, observedHolidays } from '../domain/compliance';
import { type DeliveryOutcome, outcomeOfGuard } from '../domain/delivery';
import type { Locale } from '../domain/locales';
import {
  type MessageTemplate,
  agentTaskSummary,
  renderAssistantText,
  renderEmail,
  renderInApp,
  renderSms,
  renderWhatsAppText,
  whatsAppTemplateVariables,
} from '../domain/messages';
import type { OutgoingMessage } from './channels/sender';
import type { ReminderDelivery } from './contracts';
import { buyerAreaLinkTtlDays } from '../domain/policy';
import type { BuyerPurchase } from '../domain/purchase';
import type { PublicHolidayLookup } from '../domain/compliance';
import { type ProviderSendDeps, createProviderSend, parseRefusal } from './provider-send';

export interface DeliveryDeps extends ProviderSendDeps {
  publicHolidays: PublicHolidayLookup;
  /** Whether an approved WhatsApp template exists for this template and locale. */
  whatsappTemplateAvailable: (template: MessageTemplate, locale: Locale) => boolean;
  /**
   * A one-click unsubscribe link for an email address as of `at`, when the deployment can serve
   * one. Must be the same for the same address and instant: a retried email is sent again
   * byte for byte (built as of its intent row's `sentAt`).
   */
  unsubscribeUrl?: ((address: string, at: number) => string) | undefined;
  /**
   * A signed link to the buyer's payment area for this purchase as of `at`, working `ttlDays`,
   * when the deployment can serve one; the same for the same inputs (built like `unsubscribeUrl`).
   */
  buyerAreaUrl?: ((binding: BuyerPurchase, at: number, ttlDays: number) => string) | undefined;
}

/**
 * Delivers one reminder, at most once per attempt id, and only if the rules of contact allow it
 * at this moment:
 *
 *  1. Under a per-buyer database lock, the compliance guard reads the buyer's contact ledger
 *     (every journey), consent and WhatsApp window, and either stops the send (deferred, opted
 *     out, undeliverable — returned for the workflow to record) or reserves it with an intent row.
 *  2. The provider is called. The row then says what happened.
 *
 * On retry the row decides: a message that may have gone out is never sent again by a provider
 * without idempotency (Twilio) — it is reported as sent, status `unconfirmed` — while Resend
 * gets the same Idempotency-Key again. A send the provider certainly refused to take
 * (`retryable`) goes through the guard again, since the clock has moved.
 */
export function createDeliverReminder(deps: DeliveryDeps): (delivery: ReminderDelivery) => Promise<DeliveryOutcome> {
  const { db, senders, logger } = deps;
  const provider = createProviderSend(deps);
  const settle = provider.settle;
  const send = (d: ReminderDelivery, message: OutgoingMessage, resend = false) =>
    provider.send({ ...d, what: 'reminder' }, message, resend);
  return deliverReminder;

  async function deliverReminder(d: ReminderDelivery): Promise<DeliveryOutcome> {
    const earlier = await continueEarlier(d);
    if (earlier) return earlier;
    // Scheduled by a worker from before the guard (on the journeys' own task queue, without the
    // policy and buyer the guard needs) and not sent: send nothing, and let the journey plan it
    // again in a minute, when it schedules a delivery the guard can judge.
    if (!d.policy || !d.buyerId || !d.timeZone) {
      logger.warn({ attemptId: d.attemptId, channel: d.channel }, 'reminder from an older worker: planned again');
      return { status: 'deferred', reason: 'replanned', until: new Date(deps.now() + 60_000).toISOString() };
    }
    const verdict = await guardAndReserve(d);
    switch (verdict.kind) {
      case 'overtaken': {
        // Another try of this activity reserved the attempt while this one waited: follow its row.
        const outcome = await continueEarlier(d);
        if (outcome) return outcome;
        throw ApplicationFailure.create({
          type: 'AttemptInProgress',
          message: `attempt ${d.attemptId} is being sent by another try`,
        });
      }
      case 'blocked':
        logger.info(
          { attemptId: d.attemptId, channel: d.channel, decision: verdict.decision },
          'reminder held by the compliance guard',
        );
        return verdict.blocked;
      case 'reserved':
        return send(d, verdict.message);
    }
  }

  /**
   * Step 1, under the buyer's lock: the guard's verdict from the buyer's contact ledger, consent
   * and window, and — when it allows the send — the intent row.
   */
  async function guardAndReserve(d: ReminderDelivery) {
    return db.transaction(async (tx) => {
      await lockBuyer(tx, d.tenantId, d.buyerId);
      // Another try of this activity may have reserved the attempt while this one waited for the
      // lock: its row must neither count against this send nor be sent twice.
      const current = await findAttempt(tx, d.attemptId);
      if (current && current.status !== 'retryable') return { kind: 'overtaken' as const };
      const now = deps.now();
      const buyer = await buyerContactRecord(tx, {
        tenantId: d.tenantId,
        buyerId: d.buyerId,
        channel: d.channel,
        address: d.to,
        now,
      });
      const decision = guardSend({
        rules: contactRulesOf(d.policy, holidaysAround(d, now)),
        transactional: d.kind === 'confirmation',
        timeZone: d.timeZone,
        channel: d.channel,
        now,
        buyer,
        whatsappTemplateAvailable: deps.whatsappTemplateAvailable(d.template, d.locale),
      });
      const blocked = outcomeOfGuard(decision);
      if (blocked) return { kind: 'blocked' as const, blocked, decision };
      const whatsappMode = decision.verdict === 'allow' ? decision.whatsappMode : undefined;
      const message = compose(d, whatsappMode, now);
      // The intent row, written before the provider is called; a `retryable` row is taken over.
      const reserved = await reserveAttempt(tx, d.attemptId, {
        journeyId: d.journeyId,
        tenantId: d.tenantId,
        buyerId: d.buyerId,
        planRevision: d.planRevision,
        stepIndex: d.stepIndex,
        channel: d.channel,
        requestedChannel: d.requestedChannel,
        template: d.template,
        provider: senders[d.channel].provider,
        recipient: normalizeAddress(d.channel, d.to),
        subject: subjectOf(message),
        body: bodyOf(message),
        whatsappMode: whatsappMode ?? null,
        status: 'sending',
        error: null,
        sentAt: new Date(now),
        updatedAt: new Date(now),
      });
      // Another try of this same activity got further meanwhile (overlapping retries): defer to it.
      if (!reserved) return { kind: 'overtaken' as const };
      return { kind: 'reserved' as const, message };
    });
  }

  /** A retry: the outcome of the attempt already on record, sent again where that is safe; null when there is none. */
  async function continueEarlier(d: ReminderDelivery): Promise<DeliveryOutcome | null> {
    const earlier = await findAttempt(db, d.attemptId);
    if (!earlier) return null;
    const outcome = await outcomeOfEarlier(earlier, d);
    if (outcome !== 'resend') return outcome;
    // The same message again, as composed when the intent row was written.
    const whatsappMode = (earlier.whatsappMode ?? undefined) as 'free_form' | 'template' | undefined;
    return send(d, compose(d, whatsappMode, earlier.sentAt?.getTime() ?? deps.now()), true);
  }

  /** What a stored attempt means to a retry: its outcome, `resend`, or null to go through the guard again. */
  async function outcomeOfEarlier(row: AttemptRow, d: ReminderDelivery): Promise<DeliveryOutcome | 'resend' | null> {
    switch (row.status) {
      case 'retryable':
        return null;
      case 'rejected':
        return provider.refusalOutcome(d, parseRefusal(row.error), senders[d.channel].provider);
      case 'sending': {
        if (senders[d.channel].idempotent) {
          // Resent with the same key, not judged again by the guard (a first send may be behind
          // it) — but never to an address that opted out or bounced since.
          const { optedOut, suppressed } = await buyerConsentAt(db, { ...d, address: d.to });
          if (!optedOut && !suppressed) return 'resend';
          await settle(row.id, {
            status: 'unconfirmed',
            error: 'not sent again: the address opted out or bounced meanwhile',
          });
          return optedOut
            ? { status: 'opted_out', source: 'consent' }
            : { status: 'undeliverable', reason: 'suppressed' };
        }
        // The earlier try may have reached the provider: at most once, never twice.
        await settle(row.id, { status: 'unconfirmed', error: 'retried after an unknown outcome; not sent again' });
        logger.warn(
          { attemptId: row.id, channel: d.channel },
          'reminder outcome unknown: counted as sent, not sent again',
        );
        return { status: 'sent', providerMessageId: row.providerMessageId ?? `unconfirmed:${row.id}` };
      }
      default:
        return {
          status: 'sent',
          providerMessageId: row.providerMessageId ?? row.id,
          ...(row.whatsappMode && { whatsappMode: row.whatsappMode as 'free_form' | 'template' }),
        };
    }
  }

  /**
   * The link a reminder's action points to: the buyer's payment area (signed, expiring, as of
   * `at`) when the deployment has one, else the payment system's own URL. A delivery scheduled
   * before deliveries named their purchase keeps the payment URL: its retries stay byte-identical.
   */
  function actionUrl(d: ReminderDelivery, at: number): string {
    if (!deps.buyerAreaUrl || d.purchaseId === undefined) return d.paymentUrl;
    const binding = { tenantId: d.tenantId, buyerId: d.buyerId, purchaseId: d.purchaseId };
    return deps.buyerAreaUrl(binding, at, buyerAreaLinkTtlDays(d.policy));
  }

  /** The message a channel sends, rendered from the delivery's facts as of `at`. */
  function compose(
    delivery: ReminderDelivery,
    whatsappMode: 'free_form' | 'template' | undefined,
    at: number,
  ): OutgoingMessage {
    // The payment area replaces the raw payment URL wherever a message links to it (email button
    // and text, SMS, WhatsApp): one link, so an SMS grows by none.
    const d = { ...delivery, paymentUrl: actionUrl(delivery, at) };
    const base = {
      attemptId: d.attemptId,
      to: d.to,
      locale: d.locale,
      template: d.template,
      tags: { tenant: d.tenantId, journey: d.journeyId, step: `r${d.planRevision}-s${d.stepIndex}` },
    };
    switch (d.channel) {
      case 'email': {
        const unsubscribeUrl = deps.unsubscribeUrl?.(d.to, at);
        return { ...base, channel: 'email', ...renderEmail({ ...d, unsubscribeUrl }), unsubscribeUrl };
      }
      case 'sms':
        return { ...base, channel: 'sms', body: renderSms(d).body };
      case 'whatsapp':
        return {
          ...base,
          channel: 'whatsapp',
          mode: whatsappMode ?? 'template',
          body: renderWhatsAppText(d).body,
          variables: whatsAppTemplateVariables(d),
        };
      case 'assistant':
        // The step's WhatsApp reminder (same approved template and variables), inviting a reply.
        return {
          ...base,
          channel: 'assistant',
          mode: whatsappMode ?? 'template',
          body: renderAssistantText(d).body,
          variables: whatsAppTemplateVariables(d),
        };
      case 'agent':
        return {
          ...base,
          channel: 'agent',
          tenantId: d.tenantId,
          buyerId: d.buyerId,
          journeyId: d.journeyId,
          summary: agentTaskSummary(d),
        };
      case 'in_app':
        return {
          ...base,
          channel: 'in_app',
          tenantId: d.tenantId,
          journeyId: d.journeyId,
          installmentId: d.installmentId,
          buyerId: d.buyerId,
          step: { revision: d.planRevision, index: d.stepIndex },
          at,
          ...renderInApp(d),
          link: d.paymentUrl,
        };
    }
  }

  function holidaysAround(d: ReminderDelivery, now: number): string[] {
    return observedHolidays(d.policy, { country: d.country, timeZone: d.timeZone }, now, deps.publicHolidays);
  }
}

/** What the attempt row keeps as the message's subject: the email's, or the notification's title. */
function subjectOf(message: OutgoingMessage): string | null {
  if (message.channel === 'email') return message.subject;
  return message.channel === 'in_app' ? message.title : null;
}

/** What the attempt row keeps as the message: the email's text, a text's or notification's body, the agent summary. */
function bodyOf(message: OutgoingMessage): string {
  switch (message.channel) {
    case 'email':
      return message.text;
    case 'agent':
      return message.summary;
    default:
      return message.body;
  }
}
