/**
 * `npm run bench`: the start-journey route (real app: auth, zod validation, problem errors,
 * serializer; Temporal gateway stubbed) against a bare Fastify route validating the same zod
 * body, both measured in this run with autocannon over loopback. The real route also reads the
 * database (embedded PGlite, or PostgreSQL at BENCH_DATABASE_URL): it looks for an existing
 * journey and puts the new one on record before starting it. Every request is a new installment. Figures are ratios to
 * the
 * baseline, so they compare across machines.
 */
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { buildApp } from '../api/app';
import type { JourneyGateway } from '../application/journey-gateway';
import { envKeyStore } from '../application/key-stores';
import { builtInPolicies } from '../application/policy-catalog';
import { startJourneyBody, startJourneyExample } from '../api/schemas/journeys';
import { openDatabase } from '../db/client';
import { journeyWorkflowId } from '../workflows/messages';
import { benchDelivery } from './delivery';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 16;
const KEY = 'bench-key';

let sequence = 0;
/** Every request starts a new installment, as on a due date: no request finds an earlier one. */
const requests: autocannon.Request[] = [
  {
    setupRequest: (request) => {
      sequence += 1;
      const installmentId = `inst-bench-${process.pid}-${sequence}`;
      return {
        ...request,
        body: JSON.stringify({
          ...startJourneyExample,
          installmentId,
          paymentUrl: `https://pay.example.com/i/${installmentId}`,
        }),
      };
    },
  },
];

const unused = async (): Promise<never> => {
  throw new Error('not used by the benchmark');
};
const stubGateway: JourneyGateway = {
  start: async (installment) => ({
    journeyId: journeyWorkflowId(installment.tenantId, installment.installmentId),
    created: true,
  }),
  status: unused,
  execution: unused,
  reportPayment: unused,
  changeDueDate: unused,
  pause: unused,
  resume: unused,
  cancel: unused,
  updateContact: unused,
  optOut: unused,
  optIn: unused,
};

async function measure(name: string, url: string, headers: Record<string, string>, warmup = false) {
  if (warmup) {
    // Warm the JIT so neither side is measured cold.
    await autocannon({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      requests,
      connections: CONNECTIONS,
      duration: 1,
    });
  }
  process.stdout.write(`  ${name}: ${DURATION_S} s with ${CONNECTIONS} connections… `);
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    requests,
    connections: CONNECTIONS,
    duration: DURATION_S,
  });
  const ok = result['2xx'];
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${name}: ${result.non2xx} non-2xx and ${result.errors} errors`);
  console.log(`${Math.round(result.requests.average)} req/s`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ok };
}

async function main() {
  const baseline = Fastify().withTypeProvider<ZodTypeProvider>();
  baseline.setValidatorCompiler(validatorCompiler);
  baseline.setSerializerCompiler(serializerCompiler);
  baseline.post('/v1/journeys', { schema: { body: startJourneyBody } }, async (_req, reply) =>
    reply.code(201).send({ ok: true }),
  );
  const baselineUrl = await baseline.listen({ host: '127.0.0.1', port: 0 });

  // The start route looks the installment up first (idempotency beyond Temporal's retention).
  // BENCH_DATABASE_URL measures against PostgreSQL instead (a database the bench may write to).
  const database = openDatabase({ url: process.env.BENCH_DATABASE_URL || undefined, dataDir: 'memory://' });
  await database.migrate();
  // The benchmark measures the route, not the per-key rate limit.
  const app = await buildApp({
    db: database.db,
    gateway: stubGateway,
    policies: builtInPolicies,
    keys: envKeyStore(`bench:${KEY}`),
    rateLimitPerMinute: 100_000_000,
  });
  const appUrl = await app.listen({ host: '127.0.0.1', port: 0 });

  console.log('start-journey route vs bare Fastify + the same zod body');
  const base = await measure('baseline (bare route)', `${baselineUrl}/v1/journeys`, {}, true);
  const real = await measure('POST /v1/journeys   ', `${appUrl}/v1/journeys`, { authorization: `Bearer ${KEY}` }, true);

  await app.close();
  await baseline.close();

  console.log('\ndeliver activity (outbox channel) vs one attempt insert');
  const delivery = await benchDelivery(database.db, DURATION_S);
  await database.close();

  console.log('\n| route | req/s | p50 ms | p99 ms |');
  console.log('|---|---|---|---|');
  console.log(`| baseline | ${base.rps.toFixed(0)} | ${base.p50} | ${base.p99} |`);
  console.log(`| POST /v1/journeys | ${real.rps.toFixed(0)} | ${real.p50} | ${real.p99} |`);
  console.log(`\nthroughput ratio (start route / baseline): ${(real.rps / base.rps).toFixed(2)}`);
  console.log(`p99 latency ratio (start route / baseline): ${(real.p99 / Math.max(base.p99, 1)).toFixed(2)}`);
  console.log(
    `delivery throughput ratio (deliverReminder / one insert): ${(delivery.deliver / delivery.baseline).toFixed(2)}`,
  );
}

await main();
