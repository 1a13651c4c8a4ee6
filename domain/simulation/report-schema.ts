/**
 * The simulation report's shape, written once: the simulator builds it (report.ts), the API
 * documents and serializes it (api/schemas/simulations.ts), the command prints it.
 */
import { z } from 'zod';
import { channelSchema } from '../value-schemas';
import { finalActionSchema } from '../policy';
import { simulationAssumptionsSchema } from './assumptions';

const count = z.number().int().nonnegative();
const perChannel = z.partialRecord(channelSchema, count);

export const distributionSchema = z.object({ count, mean: z.number(), p50: count, p95: count, max: count });
export type Distribution = z.infer<typeof distributionSchema>;

export const providerQueueLoadSchema = z.object({
  /** The delivery queue (one per provider: the assistant's messages go out on WhatsApp's). */
  queue: z.string(),
  channels: z.array(channelSchema),
  sends: count,
  /** Deliveries per second the provider is configured to take; null: no limit (the outbox). */
  limitPerSecond: z.number().nullable(),
  /** The most sends planned for one second, and the first second it happens. */
  peakPerSecond: count,
  peakAt: z.string().nullable(),
  /** Seconds in which more sends are planned than the limit lets out. */
  secondsOverLimit: count,
  /**
   * How long the last message of the worst burst waits in the queue, the limit letting the rest
   * out first (0 without a limit): the delay the rate limit adds to the plan.
   */
  longestQueueSeconds: count.describe('how long the last message of the worst burst waits under the limit'),
});
export type ProviderQueueLoad = z.infer<typeof providerQueueLoadSchema>;

/** What a simulation answers: the same JSON from the command (`--json`) and the API. */
export const simulationReportSchema = z.object({
  policy: z.object({ id: z.string(), version: z.number().int(), finalAction: finalActionSchema }),
  assumptions: simulationAssumptionsSchema,
  /** From the journeys' start to the simulation's end (or its last event when it ran every journey out). */
  period: z.object({ start: z.string(), end: z.string() }),
  journeys: z.object({
    total: count,
    /** Journeys whose ladder ran out and took the policy's final action. */
    reachedFinalAction: count,
    finalActionShare: z.number().describe('reachedFinalAction / total, 0 to 1 (4 decimals)'),
    paid: count,
    /** Journeys paid right after each step (by step index), under the assumptions. */
    paidAfterStep: z.array(z.object({ stepIndex: count, journeys: count })),
    open: count.describe('still running at the end'),
  }),
  messages: z.object({
    total: count,
    byChannel: perChannel,
    perDay: z
      .array(z.object({ day: z.string(), total: count, byChannel: perChannel }))
      .describe('per UTC day, days without a send left out'),
    /** Steps skipped because no channel could reach the buyer. */
    skippedNoChannel: count,
    grouped: z
      .object({ messages: count, installments: count })
      .describe('messages that covered several of a buyer’s installments (a policy with `grouping`), and how many'),
  }),
  deferredSends: z
    .object({ quiet_hours: count, weekday: count, holiday: count, frequency_cap: count })
    .describe('sends whose instant a rule of contact moved, by rule (a send moved by two counts under both)'),
  contactsPerBuyer: distributionSchema,
  providerQueues: z.array(providerQueueLoadSchema),
});
export type SimulationReport = z.infer<typeof simulationReportSchema>;
