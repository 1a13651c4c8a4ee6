/**
 * The small scriptable HTTP server the provider fakes are built on: a plain node:http server on
 * 127.0.0.1 that records every request and answers from a queue of scripted responses, else
 * from its handler.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** JSON or form fields, depending on the content type. */
  body: unknown;
}

export interface ScriptedResponse {
  /** When absent the default handler answers (after `delayMs`): a way to delay a normal answer. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (the default handler's work is done first). */
  delayMs?: number;
}

export interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeHttpServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Responses for the next requests, in order. */
  script(...responses: ScriptedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
}

function parseBody(headers: IncomingHttpHeaders, raw: string): unknown {
  const type = headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    const fields: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(raw)) fields[k] = v;
    return fields;
  }
  return raw;
}

export async function startFakeHttpServer(
  handle: (request: RecordedRequest) => HandlerResult,
  onReset: () => void = () => {},
): Promise<FakeHttpServer> {
  const requests: RecordedRequest[] = [];
  let queue: ScriptedResponse[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const respond = (res: ServerResponse, result: HandlerResult, delayMs: number): void => {
    const write = () => {
      if (res.destroyed || res.writableEnded) return;
      const payload = typeof result.body === 'string' ? result.body : JSON.stringify(result.body ?? {});
      res.writeHead(result.status, { 'content-type': 'application/json', ...result.headers });
      res.end(payload);
    };
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        write();
      }, delayMs);
      timers.add(timer);
    } else {
      write();
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody,
        body: parseBody(req.headers, rawBody),
      };
      requests.push(recorded);
      const scripted = queue.shift();
      if (scripted?.status !== undefined) {
        respond(
          res,
          { status: scripted.status, body: scripted.body, ...(scripted.headers ? { headers: scripted.headers } : {}) },
          scripted.delayMs ?? 0,
        );
        return;
      }
      respond(res, handle(recorded), scripted?.delayMs ?? 0);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    script: (...responses) => {
      queue.push(...responses);
    },
    reset: () => {
      requests.length = 0;
      queue = [];
      onReset();
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** A port nothing listens on: start a server, note its port, close it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
