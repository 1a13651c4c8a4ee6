/**
 * Resend's email events, signed by svix: the resend SDK's `webhooks.verify` checks the
 * signature over the raw body and refuses timestamps more than five minutes away. Missing
 * headers → 401; a wrong or stale signature → 403; nothing is read or written before that.
 */
import { inputShapeProblem } from '../../../domain/text';
import { inputProblemResponse } from '../../plugins/input-guard';
import type { FastifyPluginAsync } from 'fastify';
import { Resend } from 'resend';
import { z } from 'zod';
import { advanceAttemptStatus, recordOptOut, recordSuppression } from '../../../db/contact-repository';
import { publishAttemptStatus } from '../../../application/attempt-webhooks';
import type { Actor } from '../../../domain/journey';
import { problem, sendProblem } from '../../problem';
import {
  type WebhookDeps,
  malformed,
  notConfigured,
  notifyJourneysAt,
  webhookErrorResponses,
  webhookTaken,
} from './shared';

const RESEND: Actor = { kind: 'provider', id: 'resend' };
const tags = ['webhooks'];

/** `a@b.com` or `Name <a@b.com>` → `a@b.com`; null when it is not an address. */
function addressOf(recipient: string): string | null {
  const angle = /<([^<>]+)>\s*$/.exec(recipient);
  const address = (angle ? angle[1]! : recipient).trim();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(address) ? address : null;
}

const emailId = z.string().min(1).max(200);
const recipients = z
  .array(
    z
      .string()
      .max(512)
      .refine((r) => addressOf(r) !== null, 'must be an email address'),
  )
  .min(1)
  .max(50);

const envelope = z.object({ type: z.string().min(1).max(100) });
const delivered = z.object({ data: z.object({ email_id: emailId }) });
const complained = z.object({ data: z.object({ email_id: emailId, to: recipients }) });
const bounced = z.object({
  data: z.object({
    email_id: emailId,
    to: recipients,
    bounce: z.object({ type: z.string().min(1).max(64), subType: z.string().max(128).optional() }),
  }),
});

/** A bounce Resend (like SES, under it) classes as permanent: the address does not exist or never accepts mail. */
const isPermanent = (type: string) => type.trim().toLowerCase() === 'permanent';

const resendRoutes: FastifyPluginAsync<WebhookDeps> = async (app, { db, gateway, settings, publisher }) => {
  // The signature covers the raw bytes: keep the body as a string in this scope, parse after verifying.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) =>
    done(null, body),
  );
  // The API key is never used: the client only serves to reach the SDK's verifier.
  const verifier = new Resend('re_webhook_verification_only').webhooks;

  app.post(
    '/webhooks/resend',
    {
      schema: {
        operationId: 'receiveResendEvents',
        tags,
        summary: 'Resend email events (svix-signed): delivered, bounced, complained',
        security: [],
        response: { ...webhookTaken, ...webhookErrorResponses },
      },
    },
    async (request, reply) => {
      const secret = settings.resendWebhookSecret;
      if (!secret) return sendProblem(reply, notConfigured('The Resend webhook', ['RESEND_WEBHOOK_SECRET']));
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' && value !== '' ? value : null;
      };
      const id = header('svix-id');
      const timestamp = header('svix-timestamp');
      const signature = header('svix-signature');
      if (!id || !timestamp || !signature) {
        return sendProblem(
          reply,
          problem(401, 'signature-missing', 'Signature required', {
            detail: 'The svix-id, svix-timestamp and svix-signature headers are required.',
          }),
        );
      }
      const payload = typeof request.body === 'string' ? request.body : '';

      let event: unknown;
      try {
        event = verifier.verify({ payload, headers: { id, timestamp, signature }, webhookSecret: secret });
      } catch (err) {
        if (err instanceof SyntaxError) {
          // Correctly signed, but not JSON.
          return sendProblem(
            reply,
            problem(400, 'invalid-request', 'Invalid request', {
              detail: 'The body is not JSON.',
              errors: [{ in: 'body', path: '(root)', message: 'is not valid JSON' }],
            }),
          );
        }
        if ((err as Error | null)?.name === 'WebhookVerificationError') {
          const stale = /timestamp too (old|new)/i.test((err as Error).message);
          return sendProblem(
            reply,
            problem(403, 'signature-invalid', 'Invalid signature', {
              detail: stale
                ? 'svix-timestamp is more than five minutes away from our clock.'
                : 'svix-signature does not match this request.',
            }),
          );
        }
        // The secret itself cannot be used (checked at startup, so this is unexpected).
        request.log.error({ err }, 'Resend webhook verification failed');
        return sendProblem(reply, notConfigured('The Resend webhook', ['a valid RESEND_WEBHOOK_SECRET']));
      }

      // The verifier parsed the body: the same shape rules as every other input apply.
      const shape = inputShapeProblem(event);
      if (shape) return sendProblem(reply, inputProblemResponse('body', shape));
      const head = envelope.safeParse(event);
      if (!head.success) return sendProblem(reply, malformed('body', head.error));
      switch (head.data.type) {
        case 'email.delivered': {
          const parsed = delivered.safeParse(event);
          if (!parsed.success) return sendProblem(reply, malformed('body', parsed.error));
          const attempt = await advanceAttemptStatus(db, { providerMessageId: parsed.data.data.email_id }, 'delivered');
          await publishAttemptStatus(db, publisher, attempt);
          break;
        }
        case 'email.bounced': {
          const parsed = bounced.safeParse(event);
          if (!parsed.success) return sendProblem(reply, malformed('body', parsed.error));
          const { email_id, to, bounce } = parsed.data.data;
          const kind = [bounce.type, bounce.subType].filter(Boolean).join('/');
          const attempt = await advanceAttemptStatus(db, { providerMessageId: email_id }, 'bounced', {
            error: `resend:bounce:${kind}`,
          });
          if (isPermanent(bounce.type)) {
            for (const recipient of to) await recordSuppression(db, 'email', addressOf(recipient)!, 'resend:bounce');
          }
          // Told last, as in Twilio's status route: a failed publish answers 5xx so Resend
          // retries, and the suppression is already on record.
          await publishAttemptStatus(db, publisher, attempt);
          break;
        }
        case 'email.complained': {
          const parsed = complained.safeParse(event);
          if (!parsed.success) return sendProblem(reply, malformed('body', parsed.error));
          const { email_id, to } = parsed.data.data;
          await advanceAttemptStatus(db, { providerMessageId: email_id }, 'complained', { error: 'resend:complaint' });
          const addresses = to.map((r) => addressOf(r)!);
          for (const address of addresses) await recordOptOut(db, 'email', address, 'resend:complaint');
          for (const address of addresses)
            await notifyJourneysAt(request.log, { db, gateway }, 'optOut', 'email', address, RESEND);
          break;
        }
        default:
          // Opens, clicks, sends… are not ours to act on.
          break;
      }
      return reply.code(204).send();
    },
  );
};

export default resendRoutes;
