import { CHANNEL_TABLE, type Channel, type RateLimits, queueRateLimit } from '../channels';
import type { DelayReason } from '../compliance';
import { isoInstant } from '../local-time';
import type { ReminderTemplate } from '../messages';
import type { Distribution, ProviderQueueLoad } from './report-schema';

/** One reminder the simulated journeys sent: what a real journey's attempt row would say. */
export interface SimulatedSend {
  installmentId: string;
  buyerId: string;
  stepIndex: number;
  channel: Channel;
  template: ReminderTemplate;
  at: number;
}

export const DELAY_REASONS: readonly DelayReason[] = ['quiet_hours', 'weekday', 'holiday', 'frequency_cap'];

/** Nearest-rank percentiles of whole counts. */
export function distributionOf(values: readonly number[]): Distribution {
  if (values.length === 0) return { count: 0, mean: 0, p50: 0, p95: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    mean: Math.round((sum / sorted.length) * 100) / 100,
    p50: rank(50),
    p95: rank(95),
    max: sorted[sorted.length - 1]!,
  };
}

/** Sends per delivery queue per whole second, for the peak against the provider's limit. */
export class QueueLoad {
  private readonly perSecond = new Map<string, Map<number, number>>();

  add(channel: Channel, at: number): void {
    const queue = CHANNEL_TABLE[channel].deliveryQueue;
    let seconds = this.perSecond.get(queue);
    if (!seconds) this.perSecond.set(queue, (seconds = new Map()));
    const second = Math.floor(at / 1000);
    seconds.set(second, (seconds.get(second) ?? 0) + 1);
  }

  report(rateLimits: RateLimits): ProviderQueueLoad[] {
    return [...this.perSecond.entries()]
      .map(([queue, seconds]) => loadOf(queue, seconds, queueRateLimit(queue, rateLimits)))
      .sort((a, b) => a.queue.localeCompare(b.queue));
  }
}

function loadOf(queue: string, seconds: Map<number, number>, limit: number | null): ProviderQueueLoad {
  const ordered = [...seconds.entries()].sort((a, b) => a[0] - b[0]);
  let sends = 0;
  let peak = { count: 0, second: 0 };
  let secondsOverLimit = 0;
  let backlog = 0;
  let previous = Number.NEGATIVE_INFINITY;
  let longestQueueSeconds = 0;
  for (const [second, count] of ordered) {
    sends += count;
    if (count > peak.count) peak = { count, second };
    if (limit === null) continue;
    if (count > limit) secondsOverLimit++;
    // A fluid queue: the limit drains the backlog between the seconds that add to it.
    backlog = Math.max(0, backlog - limit * (second - previous)) + count;
    // The limit lets `limit` out each second: the last of the backlog goes out this many seconds later.
    longestQueueSeconds = Math.max(longestQueueSeconds, Math.ceil(backlog / limit) - 1);
    previous = second;
  }
  const channels = (Object.keys(CHANNEL_TABLE) as Channel[]).filter((c) => CHANNEL_TABLE[c].deliveryQueue === queue);
  return {
    queue,
    channels,
    sends,
    limitPerSecond: limit,
    peakPerSecond: peak.count,
    peakAt: peak.count > 0 ? isoInstant(peak.second * 1000) : null,
    secondsOverLimit,
    longestQueueSeconds,
  };
}

/** What the simulator counts as it goes; report.ts turns it into the report. */
export interface SimulationTally {
  sent: number;
  /** UTC day (days since 1970-01-01) → channel → sends. */
  perDay: Map<number, Map<Channel, number>>;
  skippedNoChannel: number;
  /** `tenant/buyer` → reminders sent to them (every buyer of the portfolio, 0 included). */
  contactsPerBuyer: Map<string, number>;
  finalAction: number;
  deferred: Record<DelayReason, number>;
  /** Journeys that ended (paid or final action) before the simulation's end. */
  closed: number;
  /** Step index → journeys paid right after it. */
  paidAfterStep: Map<number, number>;
  /** Messages that covered several of a buyer's installments (a grouping policy), and how many they covered. */
  grouped: { messages: number; installments: number };
  lastEventAt: number;
}
