/**
 * The start-journey route (real app: auth, zod validation, idempotency, problem errors,
 * serializer; PostgreSQL; Temporal gateway stubbed) against a bare Fastify route validating the
 * same zod body, both driven by autocannon over loopback in this run. Every request is a new
 * installment, as on a due date: no request finds an earlier one.
 */
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { buildApp } from '../../api/app';
import { startJourneyBody, startJourneyExample } from '../../api/schemas/journeys';
import type { JourneyGateway } from '../../application/journey-gateway';
import { envKeyStore } from '../../application/key-stores';
import { databasePolicies } from '../../application/policy-catalog';
import { openDatabase } from '../../db/client';
import { journeyWorkflowId } from '../../workflows/messages';
import { type Figure, type Section, fmt, median } from '../figures';

const CONNECTIONS = 16;
const KEY = 'bench-key';

let sequence = 0;
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
export const stubGateway: JourneyGateway = {
  start: async (installment) => ({
    journeyId: journeyWorkflowId(installment.tenantId, installment.installmentId),
    created: true,
  }),
  status: unused,
  execution: unused,
  reportPayment: unused,
  changeDueDate: unused,
  promiseToPay: unused,
  pause: unused,
  resume: unused,
  cancel: unused,
  updateContact: unused,
  optOut: unused,
  optIn: unused,
  recordBuyerAction: unused,
  handoff: unused,
  confirmLatePayment: unused,
};

interface Load {
  rps: number;
  p99: number;
}

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<Load> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    requests,
    connections: CONNECTIONS,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

export const startRoute: Section = {
  name: 'start',
  title: 'POST /v1/journeys on PostgreSQL (gateway stubbed) vs a bare Fastify route with the same zod body',
  async run({ postgresUrl, seconds, runs }) {
    const baseline = Fastify().withTypeProvider<ZodTypeProvider>();
    baseline.setValidatorCompiler(validatorCompiler);
    baseline.setSerializerCompiler(serializerCompiler);
    baseline.post('/v1/journeys', { schema: { body: startJourneyBody } }, async (_req, reply) =>
      reply.code(201).send({ ok: true }),
    );
    const baselineUrl = `${await baseline.listen({ host: '127.0.0.1', port: 0 })}/v1/journeys`;

    const database = openDatabase({ url: postgresUrl });
    await database.migrate();
    const app = await buildApp({
      db: database.db,
      gateway: stubGateway,
      policies: databasePolicies(database.db),
      keys: envKeyStore(`bench:${KEY}`),
      // The benchmark measures the route, not the per-key rate limit.
      rateLimitPerMinute: 100_000_000,
    });
    const appUrl = `${await app.listen({ host: '127.0.0.1', port: 0 })}/v1/journeys`;
    const auth = { authorization: `Bearer ${KEY}` };

    try {
      // Warm the JIT and the connection pool so neither side is measured cold.
      await load(baselineUrl, {}, 1);
      await load(appUrl, auth, 1);
      const base: Load[] = [];
      const real: Load[] = [];
      for (let r = 0; r < runs; r++) {
        base.push(await load(baselineUrl, {}, seconds));
        real.push(await load(appUrl, auth, seconds));
        console.log(
          `  run ${r + 1}: bare ${fmt.rps(base[r]!.rps)} p99 ${base[r]!.p99} ms · start route ${fmt.rps(real[r]!.rps)} p99 ${real[r]!.p99} ms`,
        );
      }
      const baseRps = median(base.map((l) => l.rps));
      const realRps = median(real.map((l) => l.rps));
      const baseP99 = Math.max(1, median(base.map((l) => l.p99)));
      const realP99 = median(real.map((l) => l.p99));
      return [
        {
          goal: 'start route throughput',
          measured: fmt.rps(realRps),
          baseline: `${fmt.rps(baseRps)} bare route`,
          ratio: realRps / baseRps,
          target: '≥ 0.5 ×',
          pass: realRps / baseRps >= 0.5,
        },
        {
          goal: 'start route p99 latency',
          measured: `${realP99} ms`,
          baseline: `${baseP99} ms bare route`,
          ratio: realP99 / baseP99,
          target: '≤ 3 ×',
          pass: realP99 / baseP99 <= 3,
        },
      ] satisfies Figure[];
    } finally {
      await app.close();
      await baseline.close();
      await database.close();
    }
  },
};
