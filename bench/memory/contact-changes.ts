/**
 * A child process of `npm run bench -- memory`: the real API (PostgreSQL at DATABASE_URL, the
 * Temporal gateway stubbed) answering contact changes that name a time zone — every IANA zone in
 * turn, one in ten spelt in another letter case, one in fifty not a zone at all — through
 * `app.inject`, so nothing but the API lives in this process. After 20k requests and again after
 * 200k it collects garbage and prints its RSS as JSON lines.
 */
import { buildApp } from '../../api/app';
import { envKeyStore } from '../../application/key-stores';
import { builtInPolicies } from '../../application/policy-catalog';
import { openDatabase } from '../../db/client';
import { stubGateway } from '../sections/start-route';

const CHECKPOINTS = [20_000, 200_000];
const CONCURRENCY = 16;
const KEY = 'bench-key';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const database = openDatabase({ url: process.env.DATABASE_URL! });
const app = await buildApp({
  db: database.db,
  gateway: { ...stubGateway, updateContact: async () => 'delivered' },
  policies: builtInPolicies,
  keys: envKeyStore(`bench:${KEY}`),
  rateLimitPerMinute: 100_000_000,
});
const zones = Intl.supportedValuesOf('timeZone');

function zoneOf(n: number): string {
  const zone = zones[n % zones.length]!;
  if (n % 50 === 0) return `Mars/Crater_${n}`;
  if (n % 10 === 0) return n % 20 === 0 ? zone.toLowerCase() : zone.toUpperCase();
  return zone;
}

let sent = 0;
let refused = 0;
async function send(n: number): Promise<void> {
  const response = await app.inject({
    method: 'PATCH',
    url: `/v1/journeys/inst-${n % 1000}/contact`,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ timezone: zoneOf(n) }),
  });
  const expected = n % 50 === 0 ? 400 : 202;
  if (response.statusCode !== expected)
    throw new Error(`request ${n}: ${response.statusCode} ${response.body.slice(0, 200)}`);
  if (response.statusCode === 400) refused++;
}

for (const checkpoint of CHECKPOINTS) {
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < checkpoint) await send(sent++);
    }),
  );
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  console.log(JSON.stringify({ requests: checkpoint, refused, rss: process.memoryUsage().rss }));
}
await app.close();
await database.close();
