/**
 * Encrypts every Temporal payload (workflow inputs, activity arguments and results, signals,
 * query answers) with AES-256-GCM, so buyers' names, emails and phone numbers never reach the
 * Temporal server in the clear. Workflow IDs and search attributes are never encoded by codecs:
 * they hold no personal data by design.
 *
 * Keys come from the environment as `TEMPORAL_PAYLOAD_KEYS=id:base64key[,id:base64key…]`.
 * The first key encrypts; every listed key decrypts, so keys rotate by putting a new one first
 * and keeping the old ones until no open journey's history needs them.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import proto from '@temporalio/proto';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export function parsePayloadKeys(spec: string | undefined): EncryptionKey[] {
  const keys: EncryptionKey[] = [];
  for (const entry of (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at);
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    if (at <= 0 || key.length !== 32) {
      throw new Error(
        'TEMPORAL_PAYLOAD_KEYS must look like id:base64key[,…] with 32-byte keys (openssl rand -base64 32)',
      );
    }
    if (keys.some((k) => k.id === id)) throw new Error(`TEMPORAL_PAYLOAD_KEYS lists key id "${id}" twice`);
    keys.push({ id, key });
  }
  return keys;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new Error('EncryptionCodec needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0]!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id is authenticated too: a payload cannot be relabelled to another key.
      cipher.setAAD(utf8(id));
      const plain = PayloadMessage.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID]: utf8(id) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const id = text(payload.metadata?.[KEY_ID]);
      const key = id === undefined ? undefined : this.byId.get(id);
      if (!key) throw new ValueError(`payload encrypted with unknown key id "${id}": add it to TEMPORAL_PAYLOAD_KEYS`);
      const data = payload.data ?? new Uint8Array();
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('encrypted payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(utf8(id!));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return PayloadMessage.decode(plain);
    });
  }
}

/** The codec the environment asks for, or none (payloads in the clear, fine for local development). */
export function payloadCodecFromEnv(
  env: Record<string, string | undefined> = process.env,
): EncryptionCodec | undefined {
  const keys = parsePayloadKeys(env.TEMPORAL_PAYLOAD_KEYS);
  return keys.length > 0 ? new EncryptionCodec(keys) : undefined;
}
