/**
 * A codec server for the Temporal UI and CLI: `POST /decode` and `/encode` with payloads in
 * proto3 JSON (`{ payloads: [{ metadata: { k: base64 }, data: base64 }] }`). Point the UI's
 * "Codec Server" setting at it to read journeys' encrypted inputs. Decoding shows personal
 * data, so it answers only to `Authorization: Bearer <CODEC_SERVER_TOKEN>` when that is set.
 */
import { pathToFileURL } from 'node:url';
import cors from '@fastify/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import Fastify from 'fastify';
import { z } from 'zod';
import { payloadCodecFromEnv } from './encryption-codec';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const payloadsBody = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).default({}), data: base64.default('') }))
    .max(1000),
});
type JsonPayload = z.infer<typeof payloadsBody>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Origins allowed to call from a browser, e.g. the Temporal UI's. */
  corsOrigins: string[];
  /** When set, callers must present it as a bearer token. */
  token?: string | undefined;
}

export async function buildCodecServer({ codec, corsOrigins, token }: CodecServerOptions) {
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  await app.register(cors, {
    origin: corsOrigins,
    allowedHeaders: ['authorization', 'content-type', 'x-namespace'],
    credentials: true,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS' || !token) return;
    if (request.headers.authorization !== `Bearer ${token}`) {
      return reply
        .code(401)
        .type('application/problem+json')
        .send({ type: 'about:blank', title: 'A valid codec server token is required', status: 401 });
    }
  });
  for (const direction of ['encode', 'decode'] as const) {
    app.post(`/${direction}`, async (request, reply) => {
      const parsed = payloadsBody.safeParse(request.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return reply
          .code(400)
          .type('application/problem+json')
          .send({
            type: 'about:blank',
            title: 'Invalid payloads',
            status: 400,
            errors: [{ path: issue.path.join('.'), message: issue.message }],
          });
      }
      try {
        const payloads = await codec[direction](parsed.data.payloads.map(fromJson));
        return { payloads: payloads.map(toJson) };
      } catch (err) {
        // Wrong key, tampered or truncated data: the caller's payload, not our failure.
        return reply
          .code(422)
          .type('application/problem+json')
          .send({ type: 'about:blank', title: `Cannot ${direction}`, status: 422, detail: (err as Error).message });
      }
    });
  }
  return app;
}

/** `CODEC_CORS_ORIGINS` (comma-separated), else the given defaults: the Temporal UIs that may call from a browser. */
export function codecCorsOrigins(
  env: NodeJS.ProcessEnv,
  defaults: string[] = ['http://localhost:8233', 'http://localhost:8080'],
): string[] {
  const listed = env.CODEC_CORS_ORIGINS?.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  return listed?.length ? listed : defaults;
}

/** Payloads of a deployment that does not encrypt: the UI may still call its codec server. */
const passThrough: PayloadCodec = { encode: async (payloads) => payloads, decode: async (payloads) => payloads };

async function main(): Promise<void> {
  const keys = payloadCodecFromEnv();
  if (!keys)
    console.warn(
      'TEMPORAL_PAYLOAD_KEYS is not set: payloads are not encrypted, and this codec server passes them through unchanged.',
    );
  const codec = keys ?? passThrough;
  const app = await buildCodecServer({
    codec,
    corsOrigins: codecCorsOrigins(process.env),
    token: process.env.CODEC_SERVER_TOKEN || undefined,
  });
  const port = Number(process.env.CODEC_PORT ?? 8888);
  await app.listen({ host: process.env.HOST ?? '127.0.0.1', port });
  console.log(`codec server on http://localhost:${port} (set it as the Codec Server in the Temporal UI)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
