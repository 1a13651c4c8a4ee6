/**
 * Fake Twilio Messages API on 127.0.0.1. The twilio SDK has no base-URL option, so the real SDK is
 * pointed here by a RequestClient whose `request` rewrites `opts.uri` (see {@link localTwilioHttpClient}).
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type TwilioHttpResponse from 'twilio/lib/http/response';
import { type FakeHttpServer, startFakeHttpServer } from './fake-http-server';

export interface CreatedMessage {
  sid: string;
  accountSid: string;
  fields: Record<string, string>;
}

export interface FakeTwilioServer extends FakeHttpServer {
  /** Messages Twilio created. */
  created: CreatedMessage[];
}

/** Twilio's legacy error body, as RestException reads it. */
export function twilioError(
  status: number,
  code: number,
  message: string,
): { status: number; code: number; message: string; more_info: string } {
  return { status, code, message, more_info: `https://www.twilio.com/docs/errors/${code}` };
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/;

export async function startFakeTwilioServer(): Promise<FakeTwilioServer> {
  const created: CreatedMessage[] = [];
  const server = await startFakeHttpServer(
    (request) => {
      const match = MESSAGES_PATH.exec(request.path);
      if (request.method !== 'POST' || !match) {
        return { status: 404, body: twilioError(404, 20404, 'The requested resource was not found') };
      }
      const accountSid = match[1]!;
      const auth = request.headers.authorization ?? '';
      const [user] = Buffer.from(auth.replace(/^Basic /, ''), 'base64')
        .toString('utf8')
        .split(':');
      if (!auth.startsWith('Basic ') || user !== accountSid) {
        return { status: 401, body: twilioError(401, 20003, 'Authenticate') };
      }
      const fields = request.body as Record<string, string>;
      const sid = `SM${randomBytes(16).toString('hex')}`;
      created.push({ sid, accountSid, fields });
      return {
        status: 201,
        body: {
          sid,
          account_sid: accountSid,
          to: fields.To,
          from: fields.From ?? null,
          messaging_service_sid: fields.MessagingServiceSid ?? null,
          body: fields.Body ?? '',
          status: 'queued',
          num_segments: '1',
          direction: 'outbound-api',
          date_created: new Date().toUTCString(),
          uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
        },
      };
    },
    () => {
      created.length = 0;
    },
  );
  return Object.assign(server, { created });
}

/** The real SDK's HTTP client, sending to `baseUrl` instead of https://api.twilio.com. */
export function localTwilioHttpClient(baseUrl: string): RequestClient {
  class LocalRequestClient extends twilio.RequestClient {
    override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioHttpResponse<TData>> {
      const original = new URL(opts.uri);
      return super.request({ ...opts, uri: `${baseUrl}${original.pathname}${original.search}` });
    }
  }
  return new LocalRequestClient();
}
