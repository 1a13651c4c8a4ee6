/** A fake Resend API on the scriptable local server: answers like Resend unless scripted otherwise. */
import { createHash, randomUUID } from 'node:crypto';
import { type FakeHttpServer, type HandlerResult, startFakeHttpServer } from './fake-http-server';

export interface SentEmail {
  id: string;
  idempotencyKey: string | null;
  payload: Record<string, unknown>;
}

export interface FakeResendServer extends FakeHttpServer {
  /** Emails Resend accepted (one per idempotency key): what "really went out". */
  sent: SentEmail[];
}

/** Resend's JSON error body (the SDK reads statusCode and name from it). */
export function resendError(
  statusCode: number,
  name: string,
  message: string,
): { statusCode: number; name: string; message: string } {
  return { statusCode, name, message };
}

/**
 * Like Resend's POST /emails: needs a Bearer key; an Idempotency-Key seen before with the same
 * payload returns the first answer (no new email), with a different payload 409
 * `invalid_idempotent_request`. The email is accepted when the request arrives, before any scripted
 * delay, as a real server keeps working after the client gave up.
 */
export async function startFakeResendServer(): Promise<FakeResendServer> {
  const sent: SentEmail[] = [];
  const byKey = new Map<string, { payloadHash: string; result: HandlerResult }>();

  const server = await startFakeHttpServer(
    (request) => {
      if (request.method !== 'POST' || request.path !== '/emails') {
        return { status: 404, body: resendError(404, 'not_found', 'The requested endpoint does not exist.') };
      }
      const auth = request.headers.authorization;
      if (!auth?.startsWith('Bearer ') || auth.length <= 'Bearer '.length) {
        return {
          status: 401,
          body: resendError(401, 'missing_api_key', 'Missing API key in the authorization header.'),
        };
      }
      const keyHeader = request.headers['idempotency-key'];
      const key = typeof keyHeader === 'string' ? keyHeader : null;
      const payloadHash = createHash('sha256').update(request.rawBody).digest('hex');
      if (key !== null) {
        const seen = byKey.get(key);
        if (seen) {
          if (seen.payloadHash === payloadHash) return seen.result;
          return {
            status: 409,
            body: resendError(
              409,
              'invalid_idempotent_request',
              'Same idempotency key used with a different request payload.',
            ),
          };
        }
      }
      const id = randomUUID();
      sent.push({ id, idempotencyKey: key, payload: request.body as Record<string, unknown> });
      const result: HandlerResult = { status: 200, body: { id } };
      if (key !== null) byKey.set(key, { payloadHash, result });
      return result;
    },
    () => {
      sent.length = 0;
      byKey.clear();
    },
  );
  return Object.assign(server, { sent });
}
