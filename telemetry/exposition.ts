/**
 * What a `/metrics` endpoint answers, on the API (api/plugins/metrics.ts) and on the worker
 * (telemetry/metrics-server.ts): our registry, then the Temporal SDK's own series, so each process
 * is one scrape target; and who may read it (`METRICS_TOKEN`, or loopback clients without one).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import { addressRange } from '../domain/webhook-targets';

/** Extra Prometheus text appended to ours (the Temporal SDK's series); '' when there is none. */
export type MetricsSource = () => Promise<string>;

export interface Exposition {
  registry: Registry;
  /** The Temporal SDK's own metrics (see temporalCoreMetrics), in a process that runs workers. */
  extra?: MetricsSource | undefined;
  /** `METRICS_TOKEN`: when set, a scrape must send `Authorization: Bearer <token>`; unset, loopback clients only. */
  token?: string | undefined;
}

export async function metricsText({ registry, extra }: Exposition): Promise<string> {
  const ours = await registry.metrics();
  const theirs = extra ? await extra() : '';
  return theirs ? `${ours.trimEnd()}\n${theirs}` : ours;
}

/**
 * Whether a scrape may read: with a token set, one whose Authorization header carries it
 * (compared in constant time); without one, only a client on this machine — the series tell
 * every tenant's journey counts and the API's routes, so nothing is public by default.
 */
export function scrapeAllowed(
  token: string | undefined,
  authorization: string | undefined,
  clientAddress: string | undefined,
): boolean {
  if (!token) return addressRange(clientAddress ?? '') === 'loopback';
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/**
 * The Temporal SDK's Prometheus text, read from the endpoint its runtime serves at `bindAddress`
 * (Runtime.install's telemetryOptions.metrics.prometheus). A scrape that cannot reach it still
 * answers with ours: the SDK's endpoint is up as long as the runtime is, so this is only a race at start.
 */
export function temporalCoreMetrics(bindAddress: string): MetricsSource {
  return async () => {
    try {
      const response = await fetch(`http://${bindAddress}/metrics`, { signal: AbortSignal.timeout(5_000) });
      return response.ok ? await response.text() : '';
    } catch {
      return '';
    }
  };
}
