/**
 * Tier 5, dev server: payload encryption end to end. Client and worker share the codec
 * (TEMPORAL_PAYLOAD_KEYS); what the server stores — fetched raw, as the Temporal UI or an
 * operator with server access sees it — holds no buyer name, email, phone or product; the codec
 * server decodes it for the UI and the `temporal` CLI.
 */
import { randomBytes } from 'node:crypto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataConverterFromEnv } from '../../../client';
import { payloadCodecFromEnv } from '../../../codec/encryption-codec';
import { buildCodecServer } from '../../../codec/server';
import { freePort } from '../../../scripts/temporal-dev-server';
import { eventually } from '../eventually';
import { devServer, skipWithout } from '../servers';
import { useDevServerHarness } from './harness';

const env = { TEMPORAL_PAYLOAD_KEYS: `e2e-key:${randomBytes(32).toString('base64')}` };
const dataConverter = dataConverterFromEnv(env)!;
const UI_ORIGIN = 'http://localhost:8233';

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

/** Every payload in a proto-JSON history: those of search attributes (never encoded by codecs) apart. */
function payloadsIn(
  json: unknown,
  out: { encodable: JsonPayload[]; searchAttributes: JsonPayload[] } = { encodable: [], searchAttributes: [] },
  inSearchAttributes = false,
) {
  if (Array.isArray(json)) for (const v of json) payloadsIn(v, out, inSearchAttributes);
  else if (json && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    if (typeof record.data === 'string' && record.metadata && typeof record.metadata === 'object') {
      (inSearchAttributes ? out.searchAttributes : out.encodable).push({
        metadata: record.metadata as Record<string, string>,
        data: record.data,
      });
    }
    for (const [key, v] of Object.entries(record)) payloadsIn(v, out, inSearchAttributes || key === 'searchAttributes');
  }
  return out;
}
const text = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

describe.skipIf(skipWithout(devServer, 'payload encryption on the dev server'))(
  'encrypted journeys on the Temporal dev server',
  () => {
    const h = useDevServerHarness({}, { dataConverter });
    let codecUrl: string;
    let closeCodec: () => Promise<unknown>;

    beforeAll(async () => {
      const codecServer = await buildCodecServer({ codec: payloadCodecFromEnv(env)!, corsOrigins: [UI_ORIGIN] });
      const port = await freePort();
      await codecServer.listen({ host: '127.0.0.1', port });
      codecUrl = `http://127.0.0.1:${port}`;
      closeCodec = () => codecServer.close();
    });
    afterAll(async () => closeCodec?.());

    it('the server stores no personal data in the clear; the journey still runs and records in the clear', async () => {
      const { gateway } = h;
      const { installment, journeyId } = await h.startJourney();
      const { buyer, product } = installment;
      const sent = await eventually('the first reminder on record', async () =>
        (await h.attempts(journeyId)).find((a) => a.status === 'sent'),
      );
      // The worker decrypted what it needed: the message names the buyer and the product.
      expect(sent.body).toContain(product.name);
      expect(await gateway.status(h.ref(installment))).toMatchObject({
        attempts: { sent: 1 },
        installmentId: installment.installmentId,
      });

      // What the server holds, fetched without the codec.
      const raw = JSON.parse(historyToJSON(await h.client.workflow.getHandle(journeyId).fetchHistory()));
      const { encodable, searchAttributes } = payloadsIn(raw);
      const personal = [buyer.name, buyer.email!, buyer.phone!, product.name];
      expect(encodable.length).toBeGreaterThan(5);
      for (const payload of encodable) {
        expect(text(payload.metadata.encoding!)).toBe('binary/encrypted');
        for (const value of personal) expect(text(payload.data)).not.toContain(value);
      }
      // Search attributes are never encrypted, and hold no personal data either.
      expect(searchAttributes.length).toBeGreaterThan(3);
      for (const payload of searchAttributes)
        for (const value of personal) expect(text(payload.data)).not.toContain(value);

      // The codec server decodes for the Temporal UI (CORS from its origin) and for the CLI.
      const started = raw.events[0].workflowExecutionStartedEventAttributes.input;
      const preflight = await fetch(`${codecUrl}/decode`, {
        method: 'OPTIONS',
        headers: {
          origin: UI_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
      const decoded = await fetch(`${codecUrl}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: UI_ORIGIN, 'x-namespace': 'default' },
        body: JSON.stringify(started),
      });
      expect(decoded.status).toBe(200);
      const [input] = ((await decoded.json()) as { payloads: { data: string }[] }).payloads;
      expect(JSON.parse(text(input!.data))).toMatchObject({
        installment: { buyer: { email: buyer.email, name: buyer.name }, product: { name: product.name } },
      });

      const shownBy = async (...codec: string[]) =>
        payloadsIn(
          JSON.parse(await h.cli('workflow', 'show', '--workflow-id', journeyId, '--output', 'json', ...codec)),
        )
          .encodable.map((p) => text(p.data))
          .join('\n');
      expect(await shownBy('--codec-endpoint', codecUrl)).toContain(product.name);
      expect(await shownBy()).not.toContain(product.name);
      await gateway.cancel(h.ref(installment), { reason: 'manual' });
    });
  },
);
