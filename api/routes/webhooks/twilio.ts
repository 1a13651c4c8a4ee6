/**
 * Twilio's message status callbacks and inbound messages (SMS and WhatsApp). Each request is
 * checked against X-Twilio-Signature (the SDK's validateRequest, over PUBLIC_BASE_URL plus the
 * path and query exactly as received, and the form parameters) before anything is read or
 * written: missing → 401, wrong → 403.
 */
import { clearBuyerOptOutsAt } from '../../../db/buyer-consent-repository';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { z } from 'zod';
import {
  type AttemptStatus,
  type JourneyAtAddress,
  advanceAttemptStatus,
  openJourneysAt,
  recordInbound,
  recordOptIn,
  recordOptOut,
  recordSuppression,
  recordWindowClosed,
} from '../../../db/contact-repository';
import type { Channel } from '../../../domain/channels';
import { SUPPORTED_LOCALES, type Locale } from '../../../domain/locales';
import type { Actor } from '../../../domain/journey';
import { classifyInbound, replyFor } from '../../../domain/keywords';
import { takeBuyerMessage } from '../../../application/buyer-messages';
import { publishAttemptStatus } from '../../../application/attempt-webhooks';
import type { ConversationChannel } from '../../../domain/conversation';
import { type Problem, problem, sendProblem } from '../../problem';
import {
  type WebhookDeps,
  malformed,
  notConfigured,
  notifyJourneys,
  notifyJourneysAt,
  webhookErrorResponses,
  webhookTaken,
} from './shared';

const TWILIO: Actor = { kind: 'provider', id: 'twilio' };
const tags = ['webhooks'];

/** Twilio error codes on a failed message that say the number can never be reached on this channel. */
const UNREACHABLE_CODES = new Set(['30005', '30006']);
/** The recipient replied STOP at the carrier (or to Twilio's own opt-out handling). */
const OPTED_OUT_CODE = '21610';
/**
 * A free-form WhatsApp message outside the 24-hour window. Twilio mostly reports it here, after
 * accepting the message, rather than in the API response: the window is closed at that address.
 */
const OUTSIDE_WINDOW_CODE = '63016';

/** MessageStatus → our attempt status; absent ones (queued, accepted, sending, scheduled…) are ignored. */
const STATUS_MAP: Readonly<Record<string, AttemptStatus>> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'undelivered',
};

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const address = z.string().min(1).max(64);

const statusBody = z.object({
  MessageSid: z.string().min(1).max(64),
  MessageStatus: z.string().min(1).max(32),
  To: z.preprocess(blankToUndefined, address.optional()),
  ErrorCode: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d{1,6}$/, 'must be a Twilio error code')
      .optional(),
  ),
});
const statusQuery = z.object({ attempt: z.string().min(1).max(128).optional() });

const inboundBody = z.object({
  From: address,
  /** Our number the buyer wrote to (a number per language): the reply goes out from it. */
  To: z.preprocess(blankToUndefined, address.optional()),
  MessageSid: z.preprocess(blankToUndefined, z.string().min(1).max(64).optional()),
  Body: z.preprocess((v) => (v === undefined ? '' : v), z.string().max(4096)),
});

const channelOf = (address: string): ConversationChannel => (/^whatsapp:/i.test(address) ? 'whatsapp' : 'sms');

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!,
  );
}

/** TwiML answering the buyer with `text`, or answering nothing. */
export function twiml(text: string | null): string {
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>';
  return text === null
    ? `${declaration}<Response/>`
    : `${declaration}<Response><Message>${escapeXml(text)}</Message></Response>`;
}

const isLocale = (value: string): value is Locale => (SUPPORTED_LOCALES as readonly string[]).includes(value);

const twilioRoutes: FastifyPluginAsync<WebhookDeps> = async (
  app,
  { db, gateway, settings, conversations, now, publisher },
) => {
  // Twilio posts forms; in this scope nothing else is parsed (other types get 415).
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: 64 * 1024 });

  /** Null when the request is Twilio's; otherwise the refusal, before anything is read or written. */
  function refusal(request: FastifyRequest): Problem | null {
    const { publicBaseUrl, twilioAuthToken } = settings;
    if (!publicBaseUrl || !twilioAuthToken) {
      return notConfigured('The Twilio webhook', [
        ...(twilioAuthToken ? [] : ['TWILIO_AUTH_TOKEN']),
        ...(publicBaseUrl ? [] : ['PUBLIC_BASE_URL']),
      ]);
    }
    const signature = request.headers['x-twilio-signature'];
    if (typeof signature !== 'string' || signature === '') {
      return problem(401, 'signature-missing', 'Signature required', {
        detail: 'The X-Twilio-Signature header is missing.',
      });
    }
    const params = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
    let valid = false;
    try {
      valid = twilio.validateRequest(twilioAuthToken, signature, publicBaseUrl + request.url, params);
    } catch {
      valid = false;
    }
    return valid
      ? null
      : problem(403, 'signature-invalid', 'Invalid signature', {
          detail: 'X-Twilio-Signature does not match this request.',
        });
  }

  app.post(
    '/webhooks/twilio/status',
    {
      schema: {
        operationId: 'receiveTwilioStatus',
        tags,
        summary: 'Twilio message status callback (signed with X-Twilio-Signature)',
        security: [],
        response: { ...webhookTaken, ...webhookErrorResponses },
      },
    },
    async (request, reply) => {
      const refused = refusal(request);
      if (refused) return sendProblem(reply, refused);
      const query = statusQuery.safeParse(request.query);
      if (!query.success) return sendProblem(reply, malformed('querystring', query.error));
      const body = statusBody.safeParse(request.body ?? {});
      if (!body.success) return sendProblem(reply, malformed('body', body.error));
      const { MessageSid: sid, MessageStatus: reported, To: to, ErrorCode: code } = body.data;

      const status = STATUS_MAP[reported.toLowerCase()];
      if (!status) return reply.code(204).send();
      const detail =
        status === 'undelivered'
          ? { error: code ? `twilio:${code}` : `twilio:${reported.toLowerCase()}`, providerMessageId: sid }
          : { providerMessageId: sid };
      let attempt = await advanceAttemptStatus(
        db,
        { attemptId: query.data.attempt, providerMessageId: sid },
        status,
        detail,
      );
      // A callback URL naming an attempt we do not have (yet): fall back to Twilio's message id.
      if (!attempt && query.data.attempt)
        attempt = await advanceAttemptStatus(db, { providerMessageId: sid }, status, detail);
      const recipient = to ?? attempt?.recipient;
      if (status === 'undelivered' && code && recipient) {
        const channel = to ? channelOf(to) : (attempt!.channel as Channel);
        if (code === OPTED_OUT_CODE) {
          await recordOptOut(db, channel, recipient, `twilio:${OPTED_OUT_CODE}`);
          await notifyJourneysAt(request.log, { db, gateway }, 'optOut', channel, recipient, TWILIO);
        } else if (UNREACHABLE_CODES.has(code)) {
          await recordSuppression(db, channel, recipient, `twilio:${code}`);
        } else if (code === OUTSIDE_WINDOW_CODE && channel === 'whatsapp') {
          // The next WhatsApp send then uses the approved template. A message the buyer wrote
          // after this one went out opened a new window, and is kept.
          await recordWindowClosed(db, channel, recipient, attempt?.sentAt ?? null);
        }
      }
      // Told last: the consent writes above must not wait on the tenants' webhooks. A failed
      // publish answers 5xx so Twilio calls again; everything above is idempotent, and the
      // event is keyed by attempt and status, so the retry publishes it once.
      await publishAttemptStatus(db, publisher, attempt);
      return reply.code(204).send();
    },
  );

  app.post(
    '/webhooks/twilio/inbound',
    {
      schema: {
        operationId: 'receiveTwilioMessage',
        tags,
        summary:
          'Twilio inbound SMS or WhatsApp message: STOP / START / HELP answered in TwiML; anything else goes to the buyer’s conversation',
        security: [],
        response: {
          200: {
            description:
              'TwiML: the reply to STOP / START / HELP, or none (the assistant or an agent answers other messages through the conversation)',
            content: { 'text/xml': { schema: z.string() } },
          },
          ...webhookErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const refused = refusal(request);
      if (refused) return sendProblem(reply, refused);
      const body = inboundBody.safeParse(request.body ?? {});
      if (!body.success) return sendProblem(reply, malformed('body', body.error));
      const { From: from, To: to, MessageSid: sid, Body: text } = body.data;
      const channel = channelOf(from);

      // Any message from the buyer opens WhatsApp's 24-hour window.
      await recordInbound(db, channel, from, new Date());
      const { kind, locale } = classifyInbound(text);
      let journeys: JourneyAtAddress[] | null = null;
      if (kind === 'stop') {
        await recordOptOut(db, channel, from, 'twilio:stop');
        journeys = await notifyJourneysAt(request.log, { db, gateway }, 'optOut', channel, from, TWILIO);
      } else if (kind === 'start') {
        await recordOptIn(db, channel, from, 'twilio:start');
        // The buyer's own word also ends the stops support recorded for them on this channel.
        await clearBuyerOptOutsAt(db, channel, from);
        journeys = await openJourneysAt(db, channel, from);
        await notifyJourneys(request.log, journeys, 'optIn', channel, gateway, TWILIO);
      }

      if (kind === 'other' && sid && conversations && text.trim() !== '') {
        journeys ??= await openJourneysAt(db, channel, from);
        const taken = await takeBuyerMessage(
          { db, conversations, now: now ?? Date.now },
          { channel, from, to, text, providerMessageId: sid },
          journeys,
        );
        if (taken.kind === 'unknown_buyer') request.log.info({ channel }, 'a message from an address with no buyer');
      }

      let replyLocale: Locale = 'en';
      if (locale) replyLocale = locale;
      else if (kind !== 'other') {
        // A word several languages share ("stop", "parar"): answer in the buyer's language.
        journeys ??= await openJourneysAt(db, channel, from);
        const buyerLocale = journeys.map((j) => j.locale).find(isLocale);
        if (buyerLocale) replyLocale = buyerLocale;
      }
      return reply
        .code(200)
        .type('text/xml; charset=utf-8')
        .send(twiml(replyFor(kind, replyLocale)));
    },
  );
};

export default twilioRoutes;
