import { z } from 'zod';
import type { Channel } from '../channels';
import { channelSchema } from '../value-schemas';

const probability = z.number().min(0).max(1);

/**
 * What the simulator assumes about buyers: the chance that a buyer pays right after a reminder
 * reaches them — for a given step of the ladder (`byStep`, keyed by step index from 0), else for
 * the channel it went out on (`byChannel`), else `afterEachStep` — and the seed of the draws.
 */
export const simulationAssumptionsSchema = z.strictObject({
  payment: z
    .strictObject({
      afterEachStep: probability.default(0),
      byStep: z.record(z.string().regex(/^\d{1,2}$/, 'must be a step index (0, 1, …)'), probability).optional(),
      byChannel: z.partialRecord(channelSchema, probability).optional(),
    })
    .default({ afterEachStep: 0 }),
  /** The same seed, portfolio and policy give the same report. */
  seed: z.number().int().min(0).max(0xffff_ffff).default(1),
  /**
   * Whether every WhatsApp message has an approved template (the outbox's answer); false: WhatsApp
   * reaches only buyers inside their reply window, which a simulated buyer never opens, so those
   * steps fall through as the guard makes them.
   */
  whatsappTemplatesApproved: z.boolean().default(true),
});
export type SimulationAssumptions = z.infer<typeof simulationAssumptionsSchema>;

export const DEFAULT_ASSUMPTIONS: SimulationAssumptions = simulationAssumptionsSchema.parse({});

/** The chance the buyer pays right after step `stepIndex` reached them on `channel`. */
export function paymentProbability(assumptions: SimulationAssumptions, stepIndex: number, channel: Channel): number {
  const { payment } = assumptions;
  return payment.byStep?.[String(stepIndex)] ?? payment.byChannel?.[channel] ?? payment.afterEachStep;
}
