/**
 * The provider call every outbound message makes — a reminder, a confirmation, a conversation
 * reply — and what its attempt row says afterwards. One rule for what an answer means: sent;
 * refused for good (stored, so a retry reports the same); not taken (`retryable`, thrown for
 * Temporal to retry); or unknown (at most once: counted as sent unless the provider dedupes).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { settleAttempt } from '../db/attempt-repository';
import type { Database } from '../db/client';
import { recordOptOut, recordSuppression } from '../db/contact-repository';
import type { Channel } from '../domain/channels';
import type { DeliveryOutcome } from '../domain/delivery';
import {
  type ChannelSenders,
  type OutgoingMessage,
  type PermanentRefusal,
  ProviderOutcomeUnknownError,
  ProviderUnavailableError,
  type SendOutcome,
} from './channels/sender';

export interface ProviderSendDeps {
  db: Database;
  senders: ChannelSenders;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
}

/** The attempt a message belongs to, as the provider call and its logs need it. */
export interface SendTarget {
  attemptId: string;
  /** The journey (or conversation) the attempt is recorded under. */
  journeyId: string;
  channel: Channel;
  template: string;
  /** The buyer's address on the channel. */
  to: string;
  /** What the message is, for the log: `reminder` (also confirmations) or `reply`. */
  what: 'reminder' | 'reply';
}

/** A refusal as stored on its attempt row, so a retried activity reports the same outcome. */
export interface StoredRefusal {
  refusal: PermanentRefusal;
  code: string;
  detail: string;
}

export function createProviderSend({ db, senders, logger, now }: ProviderSendDeps) {
  function settle(id: string, set: Parameters<typeof settleAttempt>[2]): Promise<void> {
    return settleAttempt(db, id, set, now());
  }

  /**
   * The provider is called, and the row then says what happened. `resend`: an earlier try's
   * outcome is unknown, so the row stays `sending` whatever happens short of an answer.
   */
  async function send(d: SendTarget, message: OutgoingMessage, resend = false): Promise<DeliveryOutcome> {
    const sender = senders[d.channel] as ChannelSenders[keyof ChannelSenders] & {
      send(m: OutgoingMessage): Promise<SendOutcome>;
    };
    let outcome: SendOutcome;
    try {
      outcome = await sender.send(message);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof ProviderUnavailableError) {
        // `retryable` means nothing went out, which a resend cannot say for the first try.
        if (!resend) await settle(d.attemptId, { status: 'retryable', error: reason });
        throw ApplicationFailure.create({
          type: 'ProviderUnavailable',
          message: reason,
          ...(err.retryAfterSeconds !== undefined && { nextRetryDelay: `${err.retryAfterSeconds} seconds` }),
        });
      }
      if (!(err instanceof ProviderOutcomeUnknownError)) {
        // Not a provider answer (bad parameters, a fault of ours): nothing went out; retry.
        if (!resend) await settle(d.attemptId, { status: 'retryable', error: reason });
        throw err;
      }
      // Resend dedupes by the attempt's key: the retry sends the same message again, safely.
      if (sender.idempotent) throw err;
      // The request may have reached the provider: report it sent rather than risk a second message.
      await settle(d.attemptId, { status: 'unconfirmed', error: reason });
      logger.warn(
        { attemptId: d.attemptId, channel: d.channel, error: reason },
        `${d.what} outcome unknown: counted as sent, not sent again`,
      );
      return { status: 'sent', providerMessageId: `unconfirmed:${d.attemptId}` };
    }
    if (outcome.kind === 'sent') {
      await settle(d.attemptId, {
        status: 'sent',
        providerMessageId: outcome.providerMessageId,
        ...(outcome.whatsappMode && { whatsappMode: outcome.whatsappMode }),
      });
      logger.info(
        {
          journeyId: d.journeyId,
          attemptId: d.attemptId,
          channel: d.channel,
          provider: sender.provider,
          template: d.template,
        },
        `${d.what} sent`,
      );
      return {
        status: 'sent',
        providerMessageId: outcome.providerMessageId,
        ...(outcome.whatsappMode && { whatsappMode: outcome.whatsappMode }),
      };
    }
    const stored: StoredRefusal = { refusal: outcome.refusal, code: outcome.code, detail: outcome.detail };
    await settle(d.attemptId, { status: 'rejected', error: JSON.stringify(stored) });
    logger.warn(
      {
        attemptId: d.attemptId,
        channel: d.channel,
        provider: sender.provider,
        refusal: outcome.refusal,
        code: outcome.code,
      },
      `${d.what} refused by the provider`,
    );
    return refusalOutcome(d, stored, sender.provider);
  }

  /** A provider's refusal as the journey's decision: an opt-out or a bounce is the address's, for every journey. */
  async function refusalOutcome(
    d: Pick<SendTarget, 'channel' | 'to'>,
    stored: StoredRefusal,
    provider: string,
  ): Promise<DeliveryOutcome> {
    const source = `${provider}:${stored.code}`;
    switch (stored.refusal) {
      case 'opted_out':
        // The provider's unsubscribe list speaks for the buyer: every journey at this address hears it.
        await recordOptOut(db, d.channel, d.to, source);
        return { status: 'opted_out', source };
      case 'undeliverable':
        await recordSuppression(db, d.channel, d.to, source);
        return { status: 'undeliverable', reason: source };
      case 'template_missing':
      case 'template_required':
        return { status: 'undeliverable', reason: 'whatsapp_template_unavailable', scope: 'step' };
      case 'rejected':
        // The provider refused this message, not the address: this step uses another channel.
        return { status: 'undeliverable', reason: source, scope: 'step' };
    }
  }

  return { send, settle, refusalOutcome };
}

/** The refusal an attempt row stored (see {@link StoredRefusal}). */
export function parseRefusal(error: string | null): StoredRefusal {
  try {
    const parsed = JSON.parse(error ?? '') as StoredRefusal;
    if (parsed && typeof parsed.refusal === 'string') return parsed;
  } catch {
    // fall through: a row written by hand or by an older version
  }
  return { refusal: 'undeliverable', code: 'unknown', detail: error ?? '' };
}
