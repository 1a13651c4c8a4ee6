/**
 * A seller's webhook receiver, as a test runs one: a node:http server on 127.0.0.1 that checks
 * every request's signature with the `standardwebhooks` package (an implementation independent
 * of ours) against each secret it is given, and takes each event once by its `webhook-id`, as the
 * README tells receivers to. Each try can be scripted: an answer's status, or a hang.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ensureTenant } from '../../db/access-repository';
import type { Database } from '../../db/client';
import { webhookEndpoints, webhookSecrets } from '../../db/schema';
import type { WebhookEventType, WebhookPayload } from '../../domain/webhook-events';

/** A fresh endpoint secret, as the endpoints API makes one. */
export { newWebhookSecret } from '../../application/webhook-endpoints';

export interface ReceivedTry {
  id: string;
  timestamp: number;
  signatures: number;
  /** Whether the signature verified under each secret the receiver knows, in order. */
  verifiedWith: boolean[];
  payload: WebhookPayload;
  userAgent: string | undefined;
  contentType: string | undefined;
  answer: number | 'hang';
}

/** How to answer the n-th try (1-based) of an event; 200 when it says nothing. */
export type Script = (id: string, tryNumber: number) => number | 'hang';

export async function startWebhookReceiver(secrets: readonly string[], script: Script = () => 200) {
  const tries: ReceivedTry[] = [];
  const taken = new Map<string, WebhookPayload>();
  const hanging = new Set<ServerResponse>();
  const verifiers = secrets.map((s) => new Webhook(s));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      };
      const verifiedWith = verifiers.map((v) => {
        try {
          v.verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      const id = headers['webhook-id'];
      const answer = script(id, tries.filter((t) => t.id === id).length + 1);
      const payload = JSON.parse(body) as WebhookPayload;
      tries.push({
        id,
        timestamp: Number(headers['webhook-timestamp']),
        signatures: headers['webhook-signature'].split(' ').length,
        verifiedWith,
        payload,
        userAgent: req.headers['user-agent'],
        contentType: req.headers['content-type'],
        answer,
      });
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      // A receiver that verified the request takes the event once, however often it comes.
      if (answer >= 200 && answer < 300 && verifiedWith.some(Boolean) && !taken.has(id)) taken.set(id, payload);
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hooks`,
    tries,
    /** The events taken, in the order they were taken. */
    taken: () => [...taken.values()],
    async close(): Promise<void> {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/**
 * An endpoint on record, as the endpoints API would write it: the current secret last, earlier
 * ones with the end of their grace period.
 */
export async function registerEndpoint(
  db: Database,
  endpoint: {
    tenantId: string;
    url: string;
    eventTypes: readonly WebhookEventType[];
    secrets: readonly { secret: string; expiresAt?: Date }[];
  },
): Promise<string> {
  const id = `whe_${randomBytes(9).toString('base64url')}`;
  await ensureTenant(db, endpoint.tenantId);
  await db
    .insert(webhookEndpoints)
    .values({ id, tenantId: endpoint.tenantId, url: endpoint.url, eventTypes: [...endpoint.eventTypes] });
  await db.insert(webhookSecrets).values(
    endpoint.secrets.map((s, i) => ({
      id: `${id}_sec${i}`,
      endpointId: id,
      secret: s.secret,
      createdAt: new Date(Date.now() - (endpoint.secrets.length - i) * 1000),
      expiresAt: s.expiresAt ?? null,
    })),
  );
  return id;
}
