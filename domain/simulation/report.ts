import type { Channel } from '../channels';
import type { DelayReason } from '../compliance';
import { isoInstant } from '../local-time';
import type { FinalAction, Policy } from '../policy';
import type { SimulationAssumptions } from './assumptions';
import { type Distribution, type ProviderQueueLoad, type SimulationTally, distributionOf } from './tally';

/** What a simulation answers: the same JSON from the command (`--json`) and the API. */
export interface SimulationReport {
  policy: { id: string; version: number; finalAction: FinalAction };
  assumptions: SimulationAssumptions;
  /** From the journeys' start to the simulation's end (or its last event when it ran every journey out). */
  period: { start: string; end: string };
  journeys: {
    total: number;
    /** Journeys whose ladder ran out and took the policy's final action. */
    reachedFinalAction: number;
    /** reachedFinalAction / total, 0 to 1 (4 decimals). */
    finalActionShare: number;
    paid: number;
    /** Journeys paid right after each step (by step index), under the assumptions. */
    paidAfterStep: { stepIndex: number; journeys: number }[];
    /** Still running at the simulation's end. */
    open: number;
  };
  messages: {
    total: number;
    byChannel: Partial<Record<Channel, number>>;
    /** Per UTC day, per channel (days without a send are left out). */
    perDay: { day: string; total: number; byChannel: Partial<Record<Channel, number>> }[];
    /** Steps skipped because no channel could reach the buyer. */
    skippedNoChannel: number;
  };
  /** Sends whose instant a rule of contact moved, by rule (a send moved by two rules counts under both). */
  deferredSends: Record<DelayReason, number>;
  contactsPerBuyer: Distribution;
  providerQueues: ProviderQueueLoad[];
}

export interface SummaryInput {
  policy: Policy;
  assumptions: SimulationAssumptions;
  start: number;
  end: number | undefined;
  journeys: number;
  open: number;
  tally: SimulationTally;
  queues: ProviderQueueLoad[];
}

export function summarize(input: SummaryInput): SimulationReport {
  const { tally, journeys } = input;
  const perDay = [...tally.perDay.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([day, channels]) => ({
      day,
      total: [...channels.values()].reduce((a, b) => a + b, 0),
      byChannel: Object.fromEntries(channels) as Partial<Record<Channel, number>>,
    }));
  const byChannel: Partial<Record<Channel, number>> = {};
  for (const { byChannel: counts } of perDay)
    for (const [channel, n] of Object.entries(counts) as [Channel, number][])
      byChannel[channel] = (byChannel[channel] ?? 0) + n;
  const paidAfterStep = [...tally.paidAfterStep.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([stepIndex, n]) => ({ stepIndex, journeys: n }));
  return {
    policy: { id: input.policy.id, version: input.policy.version, finalAction: input.policy.finalAction.action },
    assumptions: input.assumptions,
    period: { start: isoInstant(input.start), end: isoInstant(input.end ?? tally.lastEventAt) },
    journeys: {
      total: journeys,
      reachedFinalAction: tally.finalAction,
      finalActionShare: journeys === 0 ? 0 : Math.round((tally.finalAction / journeys) * 10_000) / 10_000,
      paid: paidAfterStep.reduce((a, b) => a + b.journeys, 0),
      paidAfterStep,
      open: input.open,
    },
    messages: { total: tally.sent, byChannel, perDay, skippedNoChannel: tally.skippedNoChannel },
    deferredSends: tally.deferred,
    contactsPerBuyer: distributionOf([...tally.contactsPerBuyer.values()]),
    providerQueues: input.queues,
  };
}
