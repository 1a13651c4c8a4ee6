/**
 * The shared Temporal connection and client setup for the API, the worker and scripts:
 * one place reads the environment, so every process talks to the same namespace the same way.
 */
import { readFile } from 'node:fs/promises';
import { Client, type ClientInterceptors, Connection, type WorkflowExecutionStatusName } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { DataConverter } from '@temporalio/common';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import { payloadCodecFromEnv } from './codec/encryption-codec';
import type { EndedOutsideReason } from './domain/journey';
import { DEFAULT_TASK_QUEUE } from './workflows/messages';
import { ALL_SEARCH_ATTRIBUTES } from './workflows/search-attributes';

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
    tls:
      certPath && keyPath
        ? { clientCertPath: certPath, clientKeyPath: keyPath, serverRootCaPath: env.TEMPORAL_TLS_CA }
        : env.TEMPORAL_TLS === 'true' || env.TEMPORAL_API_KEY
          ? true
          : undefined,
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
      clientCertPair: {
        crt: await readFile(settings.tls.clientCertPath),
        key: await readFile(settings.tls.clientKeyPath),
      },
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

export async function connectClient(
  settings: TemporalSettings,
  options: { interceptors?: ClientInterceptors | undefined } = {},
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect(await connectionOptions(settings));
  const dataConverter = dataConverterFromEnv();
  return {
    client: new Client({
      connection,
      namespace: settings.namespace,
      ...(dataConverter && { dataConverter }),
      ...(options.interceptors && { interceptors: options.interceptors }),
    }),
    connection,
  };
}

/** One sentence for a process that cannot reach its Temporal server, instead of a stack trace. */
export function temporalUnreachable(settings: TemporalSettings, err: unknown): string {
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return `Could not reach Temporal at ${settings.address} (${reason}): start that server or fix TEMPORAL_ADDRESS (and TLS settings).`;
}

const { IndexedValueType } = proto.temporal.api.enums.v1;
const GRPC_ALREADY_EXISTS = 6;
const GRPC_UNIMPLEMENTED = 12;

/**
 * Registers the journeys' custom search attributes in a namespace, adding only the missing ones
 * (a request naming one that exists is refused whole). The dev server ignores
 * `--search-attribute` once its database file exists, and a fresh server needs them before the
 * first journey starts, so every entry point that owns a server calls this (docker-compose does
 * the same with the CLI).
 */
export async function registerSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
): Promise<void> {
  let existing = new Set<string>();
  try {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    existing = new Set(Object.keys(listed.customAttributes ?? {}));
  } catch (err) {
    // The Java test server lists nothing: add them all and let it refuse the known ones.
    if ((err as { code?: number }).code !== GRPC_UNIMPLEMENTED) throw err;
  }
  const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !existing.has(key.name));
  if (missing.length === 0) return;
  const searchAttributes = Object.fromEntries(
    missing.map((key) => [
      key.name,
      key.type === 'DATETIME'
        ? IndexedValueType.INDEXED_VALUE_TYPE_DATETIME
        : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    ]),
  );
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    const e = err as { code?: number; message?: string };
    if (e.code === GRPC_ALREADY_EXISTS || /already exist/i.test(e.message ?? '')) return;
    throw err;
  }
}

/** Where a journey's workflow stands in Temporal. */
export type JourneyExecution =
  | { state: 'running' }
  /** It ended by itself: the journey recorded its outcome. */
  | { state: 'completed' }
  /**
   * Temporal ended it from outside (an operator's cancel, a termination, a timeout): the journey may not have recorded
   * it.
   */
  | { state: 'ended_outside'; reason: EndedOutsideReason; closedAt: number };

/** A workflow execution status in journey terms. */
export function executionOf(status: WorkflowExecutionStatusName, closedAt: number): JourneyExecution {
  switch (status) {
    case 'RUNNING':
      return { state: 'running' };
    case 'CANCELLED':
      return { state: 'ended_outside', reason: 'operator', closedAt };
    case 'TERMINATED':
    case 'TIMED_OUT':
    case 'FAILED':
      return { state: 'ended_outside', reason: 'terminated', closedAt };
    default:
      return { state: 'completed' };
  }
}
