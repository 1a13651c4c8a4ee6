/**
 * Where metrics are served, from the environment (README, "Metrics"): `METRICS_PORT` and
 * `METRICS_HOST` (the worker's own `/metrics`; the API serves it on its port), `METRICS_TOKEN`,
 * and `TEMPORAL_METRICS_ADDRESS`, where the Temporal SDK's endpoint listens for the process's
 * `/metrics` to read (a free loopback port when unset: nobody scrapes it directly).
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface MetricsSettings {
  /** The worker's `/metrics` port; null = the worker serves none. */
  port: number | null;
  /** `METRICS_HOST`: the address the worker's `/metrics` listens on; undefined = loopback only. */
  host: string | undefined;
  token: string | undefined;
  /** `host:port` for the Temporal SDK's Prometheus endpoint; null = pick a free loopback port. */
  temporalAddress: string | null;
}

export class MetricsConfigError extends Error {
  override readonly name = 'MetricsConfigError';
}

/** Throws naming the variable. */
export function metricsSettingsFromEnv(env: NodeJS.ProcessEnv): MetricsSettings {
  const port = env.METRICS_PORT ? Number(env.METRICS_PORT) : null;
  if (port !== null && !(Number.isInteger(port) && port > 0 && port < 65_536))
    throw new MetricsConfigError('METRICS_PORT must be a port number (1-65535)');
  const temporalAddress = env.TEMPORAL_METRICS_ADDRESS || null;
  if (temporalAddress !== null && !/^[^\s:]+:\d{1,5}$/.test(temporalAddress))
    throw new MetricsConfigError('TEMPORAL_METRICS_ADDRESS must be host:port, e.g. 127.0.0.1:9465');
  return { port, host: env.METRICS_HOST || undefined, token: env.METRICS_TOKEN || undefined, temporalAddress };
}

/** A loopback address nothing listens on right now, for the Temporal SDK's endpoint. */
export async function freeLoopbackAddress(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `127.0.0.1:${port}`;
}
