/**
 * Journeys whose payloads are encrypted (TEMPORAL_PAYLOAD_KEYS) replay through the real SDK
 * runtime when the worker has the codec, and only then: the codec is wired where the SDK
 * expects it, and histories keep no personal data in the clear.
 */
import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { EncryptionCodec } from '../../codec/encryption-codec';
import { WORKFLOWS_PATH } from '../../workflow-bundle';
import { makeInstallment } from '../support/fixtures';
import { JourneyHistory } from '../support/journey-history';
import { bundleWorkflows, installQuietRuntime, replay } from '../support/replay';

installQuietRuntime();
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows(WORKFLOWS_PATH);
});

const codec = new EncryptionCodec([{ id: 'test-key', key: randomBytes(32) }]);

function isPayload(value: unknown): value is Payload {
  return (
    typeof value === 'object' &&
    value !== null &&
    'metadata' in value &&
    'data' in value &&
    (value as Payload).data instanceof Uint8Array
  );
}

/**
 * Encrypts every payload of a history as a client and worker with the codec would have written it — except search
 * attributes and markers: codecs never touch the former, and sdk-core writes `patched()` markers itself, in the clear.
 */
async function encryptHistory(history: temporal.api.history.v1.IHistory): Promise<temporal.api.history.v1.IHistory> {
  const visit = async (value: unknown, key?: string): Promise<unknown> => {
    if (key === 'searchAttributes' || key === 'markerRecordedEventAttributes') return value;
    if (isPayload(value)) return (await codec.encode([value]))[0];
    if (Array.isArray(value)) return Promise.all(value.map((v) => visit(v)));
    if (value instanceof Uint8Array || typeof value !== 'object' || value === null) return value;
    if (typeof (value as { toNumber?: unknown }).toNumber === 'function') return value; // Long ids and timestamps
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await visit(v, k)] as const));
    return Object.fromEntries(entries);
  };
  return (await visit(history)) as temporal.api.history.v1.IHistory;
}

describe('encrypted journey histories', () => {
  const installment = makeInstallment({ buyer: { name: 'Maria Pérez', email: 'maria.perez@example.com' } });
  const journey = () =>
    new JourneyHistory({ installment, startAt: '2026-11-20T15:00:00Z' }).reminder('email').payment(4_990).finish();

  it('hold no personal data in the clear', async () => {
    const encrypted = JSON.stringify(await encryptHistory(journey().build()), (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
    );
    expect(encrypted).not.toContain('maria.perez@example.com');
    expect(encrypted).not.toContain('Maria');
    const clear = JSON.stringify(journey().build(), (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
    );
    expect(clear).toContain('maria.perez@example.com'); // the check above can fail
  });

  it('replay on a worker with the codec', async () => {
    const h = journey();
    await expect(
      replay(bundle, await encryptHistory(h.build()), {
        workflowId: h.workflowId,
        dataConverter: { payloadCodecs: [codec] },
      }),
    ).resolves.toBeUndefined();
  });

  it('do not replay on a worker without it', async () => {
    const h = journey();
    await expect(replay(bundle, await encryptHistory(h.build()), { workflowId: h.workflowId })).rejects.toThrow(
      /encoding|binary\/encrypted/i,
    );
  });
});
