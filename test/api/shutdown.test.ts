import { afterAll, beforeAll, expect, it } from 'vitest';
import { drainOnSignals } from '../../api/shutdown';
import { openTestDatabase, type TestDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { TENANT_A_KEY, startApi, startBody } from './support';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase('pglite');
});
afterAll(async () => {
  await database.dispose();
});

it('on SIGTERM finishes the request in flight, refuses new connections, then cleans up and exits 0', async () => {
  const api = await startApi(database.db);
  // The gateway holds the start until the test lets it go: a request in flight during shutdown.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const realStart = api.gateway.start.bind(api.gateway);
  api.gateway.start = async (...args) => {
    await held;
    return realStart(...args);
  };
  const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
  const order: string[] = [];
  const exits: number[] = [];
  const drained = drainOnSignals(api.app, {
    signals: ['SIGTERM'],
    cleanups: [async () => void order.push('cleanup')],
    exit: (code) => void exits.push(code),
  });

  const inFlight = fetch(`${url}/v1/journeys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TENANT_A_KEY}`, 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify(startBody(uniqueId('inst'))),
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  process.emit('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 50));

  await expect(fetch(`${url}/health`)).rejects.toThrow();
  expect(order).toEqual([]);
  release();
  const response = await inFlight;
  expect(response.status).toBe(201);
  await drained;
  expect(order).toEqual(['cleanup']);
  expect(exits).toEqual([0]);
});
