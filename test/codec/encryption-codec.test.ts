import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload, ValueError } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCRYPTED_ENCODING, EncryptionCodec, parsePayloadKeys } from '../../codec/encryption-codec';
import { buildCodecServer } from '../../codec/server';
import { makeInstallment } from '../support/fixtures';

const key = (id: string) => ({ id, key: randomBytes(32) });
const text = (b: Uint8Array | null | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
const b64 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('base64');

const installment = makeInstallment({
  buyer: { name: 'Maria Pérez', email: 'maria.perez@example.com', phone: '+34600111222' },
});
const plain: Payload[] = [
  defaultPayloadConverter.toPayload({ installment }),
  defaultPayloadConverter.toPayload(null),
  defaultPayloadConverter.toPayload('ok'),
];

describe('EncryptionCodec', () => {
  const current = key('2026-11');
  const codec = new EncryptionCodec([current]);

  it('round-trips payloads and hides the buyer’s personal data from the server', async () => {
    const encoded = await codec.encode(plain);
    for (const p of encoded) {
      expect(text(p.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(p.metadata?.['encryption-key-id'])).toBe('2026-11');
      for (const secret of ['maria.perez@example.com', 'Maria', '+34600111222'])
        expect(Buffer.from(p.data!).includes(secret)).toBe(false);
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([{ installment }, null, 'ok']);
  });

  it('never encrypts the same payload the same way twice (fresh IV)', async () => {
    const [a] = await codec.encode([plain[2]!]);
    const [b] = await codec.encode([plain[2]!]);
    expect(b64(a!.data)).not.toBe(b64(b!.data));
  });

  it('refuses tampered data, a relabelled key id, an unknown key and truncated data', async () => {
    const [sealed] = await codec.encode([plain[0]!]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 0x01;
    await expect(codec.decode([{ ...sealed, data: flipped }])).rejects.toThrow();
    const other = key('other');
    const twoKeys = new EncryptionCodec([current, other]);
    const relabelled = {
      ...sealed,
      metadata: { ...sealed!.metadata, 'encryption-key-id': new TextEncoder().encode('other') },
    };
    await expect(twoKeys.decode([relabelled])).rejects.toThrow();
    const unknown = {
      ...sealed,
      metadata: { ...sealed!.metadata, 'encryption-key-id': new TextEncoder().encode('gone') },
    };
    await expect(codec.decode([unknown])).rejects.toThrow(ValueError);
    await expect(codec.decode([{ ...sealed, data: sealed!.data!.subarray(0, 10) }])).rejects.toThrow(/truncated/);
  });

  it('passes payloads that were never encrypted through unchanged', async () => {
    expect(await codec.decode(plain)).toEqual(plain);
  });

  it('rotates keys: the first encrypts, every listed key still decrypts', async () => {
    const old = key('2025-01');
    const before = await new EncryptionCodec([old]).encode([plain[0]!]);
    const rotated = new EncryptionCodec([key('2026-12'), old]);
    expect((await rotated.decode(before)).map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      { installment },
    ]);
    const [after] = await rotated.encode([plain[0]!]);
    expect(text(after!.metadata?.['encryption-key-id'])).toBe('2026-12');
  });
});

describe('parsePayloadKeys', () => {
  const k = randomBytes(32).toString('base64');
  it('reads id:base64 pairs in order', () => {
    expect(parsePayloadKeys(`a:${k}, b:${k}`).map((x) => x.id)).toEqual(['a', 'b']);
    expect(parsePayloadKeys(undefined)).toEqual([]);
  });
  it.each([
    ['short key', `a:${randomBytes(16).toString('base64')}`],
    ['no id', `:${k}`],
    ['no colon', k],
    ['same id twice', `a:${k},a:${k}`],
  ])('refuses %s', (_why, spec) => {
    expect(() => parsePayloadKeys(spec)).toThrow(/TEMPORAL_PAYLOAD_KEYS/);
  });
});

describe('codec server', () => {
  const codec = new EncryptionCodec([key('k1')]);
  const TOKEN = 'ui-token';
  let app: Awaited<ReturnType<typeof buildCodecServer>>;
  beforeAll(async () => {
    app = await buildCodecServer({ codec, corsOrigins: ['http://localhost:8233'], token: TOKEN });
  });
  afterAll(async () => {
    await app.close();
  });
  const asJson = (payloads: Payload[]) => ({
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
      data: b64(p.data),
    })),
  });
  const post = (url: string, payload: unknown, token: string | null = TOKEN) =>
    app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it('decodes what the codec encoded, in proto3 JSON, for the Temporal UI', async () => {
    const encoded = await codec.encode([plain[0]!]);
    const response = await post('/decode', asJson(encoded));
    expect(response.statusCode).toBe(200);
    const [decoded] = response.json().payloads as { metadata: Record<string, string>; data: string }[];
    expect(JSON.parse(Buffer.from(decoded!.data, 'base64').toString('utf8'))).toEqual(
      JSON.parse(JSON.stringify({ installment })),
    );
    expect(Buffer.from(decoded!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
  });

  it('encodes too, and its output decodes with the same codec', async () => {
    const response = await post('/encode', asJson([plain[2]!]));
    const body = response.json().payloads as { metadata: Record<string, string>; data: string }[];
    const back = await codec.decode(
      body.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
        data: Buffer.from(p.data, 'base64'),
      })),
    );
    expect(defaultPayloadConverter.fromPayload(back[0]!)).toBe('ok');
  });

  it('answers only to the token, and lets the UI origin preflight', async () => {
    expect((await post('/decode', asJson([]), null)).statusCode).toBe(401);
    expect((await post('/decode', asJson([]), 'wrong')).statusCode).toBe(401);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/decode',
      headers: {
        origin: 'http://localhost:8233',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:8233');
  });

  it('answers 400 to a malformed body and 422 to data it cannot decrypt, never 500', async () => {
    const bad = await post('/decode', { payloads: [{ metadata: { encoding: '***' }, data: '' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('payloads.0.metadata.encoding');
    const foreign = await new EncryptionCodec([key('k1')]).encode([plain[2]!]);
    expect((await post('/decode', asJson(foreign))).statusCode).toBe(422);
  });
});
