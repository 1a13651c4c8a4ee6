/**
 * One POST to a tenant's endpoint, and nothing more: no redirect followed (a 3xx is an answer
 * like any other non-2xx), the response body never read (the connection is closed once the
 * status is in), and the address the connection goes to checked when the name is resolved — at
 * connect time, so a name that resolved to a public address when the endpoint was registered
 * cannot be pointed at the private network later (DNS rebinding).
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { type WebhookTargetRules, forbiddenAddress, hostOf } from '../../domain/webhook-targets';

/** The endpoint's address is one webhooks may not go to (SSRF): retrying cannot change that. */
export class ForbiddenTargetError extends Error {
  override readonly name = 'ForbiddenTargetError';
  constructor(readonly range: string) {
    super(`webhooks may not be sent to a ${range} address`);
  }
}

/** No answer within the delivery's time limit. */
export class WebhookTimeoutError extends Error {
  override readonly name = 'WebhookTimeoutError';
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** dns.lookup that refuses every name resolving to a forbidden address (any of them: the socket may try each). */
function checkedLookup(rules: WebhookTargetRules) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options }, (err: NodeJS.ErrnoException | null, address: unknown, family?: number) => {
      if (err) return callback(err, '');
      const addresses = Array.isArray(address)
        ? (address as dns.LookupAddress[])
        : [{ address: address as string, family: family ?? 4 }];
      for (const candidate of addresses) {
        const range = forbiddenAddress(candidate.address, rules);
        if (range) return callback(new ForbiddenTargetError(range), '');
      }
      callback(null, address as string | dns.LookupAddress[], family);
    });
  };
}

export interface PostOptions {
  rules: WebhookTargetRules;
  timeoutMs: number;
}

/** Sends the body; resolves with the answer's status code, rejects when there was none. */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  { rules, timeoutMs }: PostOptions,
): Promise<number> {
  const target = new URL(url);
  // A literal address never goes through the lookup: check it here.
  const literal = hostOf(target);
  if (isIP(literal)) {
    const range = forbiddenAddress(literal, rules);
    if (range) return Promise.reject(new ForbiddenTargetError(range));
  }
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const request = transport.request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: checkedLookup(rules) as unknown as http.RequestOptions['lookup'],
      // A fresh connection per try: a pooled socket would skip the address check.
      agent: false,
    });
    const deadline = setTimeout(() => request.destroy(new WebhookTimeoutError(timeoutMs)), timeoutMs);
    request.on('response', (response) => {
      clearTimeout(deadline);
      // The status is the answer; the body is not ours to read. Draining it would let a receiver
      // hold the connection (and this worker's socket) forever with an endless body: close it.
      response.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (err) => {
      clearTimeout(deadline);
      reject(err);
    });
    request.end(body);
  });
}
