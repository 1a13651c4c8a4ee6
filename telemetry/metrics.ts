/**
 * Our Prometheus metrics, defined once (the README's "Metrics" lists them). Each process makes one
 * set (`createMetrics`) and hands it to what records into it: the worker's activity interceptor,
 * the API's plugin; `npm run dev` shares one set between both. Labels are small closed sets
 * (channels, results, rules, codes, route patterns): never an ID, an address or a name.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Journeys per stage and outcome, as the `journeys` table has them now. */
export interface JourneyCount {
  stage: string;
  /** `none` while the journey is open. */
  outcome: string;
  count: number;
}

export interface Metrics {
  readonly registry: Registry;
  readonly sends: Counter<'channel' | 'kind' | 'result'>;
  readonly guardDecisions: Counter<'rule' | 'decision'>;
  readonly providerErrors: Counter<'channel' | 'code'>;
  readonly webhookDeliveries: Counter<'result'>;
  readonly webhookDeliveryLag: Histogram<never>;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  /**
   * Serves `dunning_journeys` from `count` (a GROUP BY over the journeys table), at most once per
   * `maxAgeMs` whatever the scrape rate: a scrape of a big table stays one query a minute.
   */
  countJourneysWith(count: () => Promise<JourneyCount[]>, maxAgeMs?: number): void;
}

/** Seconds from an event to its receiver's answer: retries run for days, so the buckets do too. */
const WEBHOOK_LAG_BUCKETS = [0.5, 1, 5, 15, 60, 300, 900, 3_600, 4 * 3_600, 12 * 3_600, 86_400, 3 * 86_400, 7 * 86_400];
const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const JOURNEY_COUNTS_MAX_AGE_MS = 60_000;

/** A label value from a closed set as it arrives; anything unlike a code (free text, an address) becomes `other`. */
export function labelValue(value: string | undefined | null): string {
  return value && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : 'other';
}

export function createMetrics(registry = new Registry()): Metrics {
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let journeyCounts: ((maxAgeMs: number) => Promise<JourneyCount[]>) | null = null;
  let maxAge = JOURNEY_COUNTS_MAX_AGE_MS;
  new Gauge({
    name: 'dunning_journeys',
    help: 'Journeys by stage and outcome (outcome "none" while open), from the journeys table (refreshed at most once a minute)',
    labelNames: ['stage', 'outcome'] as const,
    registers,
    // Read at scrape time, so the gauge is the table's truth however many processes record.
    async collect() {
      if (!journeyCounts) return;
      const counts = await journeyCounts(maxAge);
      this.reset();
      for (const { stage, outcome, count } of counts) this.set({ stage, outcome }, count);
    },
  });
  return {
    registry,
    sends: new Counter({
      name: 'dunning_sends_total',
      help: 'Sends to buyers by channel, kind (reminder, confirmation, reply) and result (sent, undeliverable, opted_out, deferred, refused, failed: the try threw)',
      labelNames: ['channel', 'kind', 'result'] as const,
      registers,
    }),
    guardDecisions: new Counter({
      name: 'dunning_guard_decisions_total',
      help: 'Compliance guard decisions that held a send, by rule (quiet_hours, frequency_cap, opted_out, …) and decision (deferred, refused)',
      labelNames: ['rule', 'decision'] as const,
      registers,
    }),
    providerErrors: new Counter({
      name: 'dunning_provider_errors_total',
      help: 'Provider refusals and failures by channel and code (provider:code for a refusal; unavailable, outcome_unknown for a failed try)',
      labelNames: ['channel', 'code'] as const,
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'dunning_webhook_deliveries_total',
      help: 'Webhook delivery tries by result (delivered, already_settled, failed: the receiver did not take it)',
      labelNames: ['result'] as const,
      registers,
    }),
    webhookDeliveryLag: new Histogram({
      name: 'dunning_webhook_delivery_lag_seconds',
      help: 'From an event to its receiver taking it, for delivered webhooks',
      buckets: WEBHOOK_LAG_BUCKETS,
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'dunning_http_request_duration_seconds',
      help: 'API request latency by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: HTTP_DURATION_BUCKETS,
      registers,
    }),
    countJourneysWith(count, maxAgeMs = JOURNEY_COUNTS_MAX_AGE_MS) {
      journeyCounts = cachedOnce(count);
      maxAge = maxAgeMs;
    },
  };
}

/** The last answer while younger than `maxAgeMs`; concurrent scrapes share one call. */
function cachedOnce<T>(load: () => Promise<T>): (maxAgeMs: number) => Promise<T> {
  let last: { at: number; value: T } | null = null;
  let pending: Promise<T> | null = null;
  return async (maxAgeMs) => {
    if (last && Date.now() - last.at < maxAgeMs) return last.value;
    pending ??= load()
      .then((value) => {
        last = { at: Date.now(), value };
        return value;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };
}
