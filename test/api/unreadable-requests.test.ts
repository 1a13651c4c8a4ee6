/**
 * Requests that are not well-formed HTTP, sent on a raw socket to a listening server (`inject`
 * skips Node's parser): every answer is problem+json, whichever layer refuses — Node's parser,
 * Fastify's router or our handlers.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases';
import { type ApiHarness, startApi } from './support';

/** Sends `raw` and reads until the server closes or a whole response (by Content-Length) arrived. */
function send(port: number, raw: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const finish = () => {
      const [head = '', ...rest] = received.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
      socket.destroy();
    };
    socket.setTimeout(5_000, () => reject(new Error(`no answer to ${JSON.stringify(raw.slice(0, 40))}`)));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const length = /content-length:\s*(\d+)/i.exec(received)?.[1];
      const bodyStart = received.indexOf('\r\n\r\n');
      if (length && bodyStart >= 0 && Buffer.byteLength(received.slice(bodyStart + 4)) >= Number(length)) finish();
    });
    socket.on('end', finish);
    socket.on('error', reject);
    socket.write(raw);
  });
}

describeEachDatabase('requests that are not well-formed HTTP', (getDb) => {
  let api: ApiHarness;
  let port = 0;
  beforeAll(async () => {
    api = await startApi(getDb());
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    port = (api.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await api.app.close();
  });

  const cases: [string, string, number][] = [
    ['a NUL byte in a header', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Note: a\0b\r\n\r\n', 400],
    [
      'both Content-Length and Transfer-Encoding',
      'POST /v1/journeys HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
    ],
    ['a method HTTP does not have', 'FROB /v1/journeys HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['a method this path does not take', 'PROPFIND /v1/journeys HTTP/1.1\r\nHost: x\r\n\r\n', 405],
    ['a path no route has', 'GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n', 404],
    [
      'a header larger than the server reads',
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
    ['a malformed request line', 'GET\r\n\r\n', 400],
    ['a malformed chunk', 'POST /v1/journeys HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n', 400],
    ['a malformed URL escape', 'GET /v1/journeys/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n', 400],
  ];
  for (const [what, raw, status] of cases) {
    it(`${what}: ${status} problem+json`, async () => {
      const answer = await send(port, raw);
      expect(answer.status, answer.body).toBe(status);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.body)).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
    });
  }

  it('still answers well-formed requests on new connections afterwards', async () => {
    const answer = await send(port, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(200);
  });
});
