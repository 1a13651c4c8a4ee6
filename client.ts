/**
 * The shared Temporal connection and client setup for the API, the worker and scripts:
 * one place reads the environment, so every process talks to the same namespace the same way.
 */
import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import { payloadCodecFromEnv } from './codec/encryption-codec';
import { DEFAULT_TASK_QUEUE } from './workflows/messages';

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  tls?: { clientCertPath: string; clientKeyPath: string; serverRootCaPath?: string | undefined } | true | undefined;
  apiKey?: string | undefined;
}

export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalSettings | null {
  if (!env.TEMPORAL_ADDRESS) return null;
  const certPath = env.TEMPORAL_TLS_CERT;
  const keyPath = env.TEMPORAL_TLS_KEY;
  return {
    address: env.TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    tls: certPath && keyPath ? { clientCertPath: certPath, clientKeyPath: keyPath, serverRootCaPath: env.TEMPORAL_TLS_CA } : env.TEMPORAL_TLS === 'true' || env.TEMPORAL_API_KEY ? true : undefined,
    apiKey: env.TEMPORAL_API_KEY || undefined,
  };
}

/** Options accepted by both the client `Connection` and the worker's `NativeConnection`. */
export interface SharedConnectionOptions {
  address: string;
  apiKey?: string;
  tls?: TLSConfig | true;
}

export async function connectionOptions(settings: TemporalSettings): Promise<SharedConnectionOptions> {
  const options: SharedConnectionOptions = { address: settings.address };
  if (settings.apiKey) options.apiKey = settings.apiKey;
  if (settings.tls === true) options.tls = true;
  else if (settings.tls) {
    options.tls = {
      clientCertPair: { crt: await readFile(settings.tls.clientCertPath), key: await readFile(settings.tls.clientKeyPath) },
      ...(settings.tls.serverRootCaPath && { serverRootCACertificate: await readFile(settings.tls.serverRootCaPath) }),
    };
  }
  return options;
}

/** Payload encryption when TEMPORAL_PAYLOAD_KEYS is set; the client and every worker must agree. */
export function dataConverterFromEnv(env: Record<string, string | undefined> = process.env): DataConverter | undefined {
  const codec = payloadCodecFromEnv(env);
  return codec ? { payloadCodecs: [codec] } : undefined;
}

export async function connectClient(settings: TemporalSettings): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect(await connectionOptions(settings));
  const dataConverter = dataConverterFromEnv();
  return { client: new Client({ connection, namespace: settings.namespace, ...(dataConverter && { dataConverter }) }), connection };
}

/** One sentence for a process that cannot reach its Temporal server, instead of a stack trace. */
export function temporalUnreachable(settings: TemporalSettings, err: unknown): string {
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return `Could not reach Temporal at ${settings.address} (${reason}): start that server or fix TEMPORAL_ADDRESS (and TLS settings).`;
}
