import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { problem } from './problem';

/** What Node's HTTP parser reports about a request it could not read. */
interface ConnectionError extends Error {
  code?: string;
}

/** The parser's reasons that have their own status; every other unreadable request is a 400. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * A request Node's HTTP parser refused (a NUL byte in a header, both Content-Length and
 * Transfer-Encoding, an unknown method, an oversized header) never reaches Fastify's routing or
 * error handler: answered here, on the raw socket, as problem+json like every other error, and
 * the connection closed — what follows a request that could not be framed cannot be trusted.
 */
export function answerUnreadableRequest(error: ConnectionError, socket: Socket): void {
  // Nothing to answer on a connection the client already dropped.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = STATUS_BY_CODE[error.code ?? ''] ?? 400;
  const body = JSON.stringify(
    problem(status, 'unreadable-request', 'The request could not be read as HTTP', {
      detail: `${STATUS_CODES[status]}: ${error.code ?? 'malformed request'}`,
    }),
  );
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      'Content-Type: application/problem+json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
