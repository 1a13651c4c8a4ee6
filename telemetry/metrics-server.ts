/**
 * The worker's `/metrics` (METRICS_PORT): a bare HTTP server, since the worker has no web
 * framework of its own. It answers GET /metrics and nothing else. It listens on loopback unless
 * given a host (`METRICS_HOST`): nothing is public by default.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Exposition, metricsText, scrapeAllowed } from './exposition';

export interface MetricsServer {
  /** The port it listens on (the one asked for, or the one the system gave for 0). */
  port: number;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

export async function startMetricsServer(
  exposition: Exposition,
  listen: { port: number; host?: string | undefined },
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    if (!scrapeAllowed(exposition.token, request.headers.authorization, request.socket.remoteAddress)) {
      response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return;
    }
    metricsText(exposition).then(
      (text) => response.writeHead(200, { 'content-type': exposition.registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host ?? LOOPBACK, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
