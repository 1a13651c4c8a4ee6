import type { Channel } from '../channels';
import { dateOfDayNumber, isoInstant } from '../local-time';
import type { Policy } from '../policy';
import type { SimulationAssumptions } from './assumptions';
import type { ProviderQueueLoad, SimulationReport } from './report-schema';
import { type SimulationTally, distributionOf } from './tally';

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
    .sort((a, b) => a[0] - b[0])
    .map(([day, channels]) => ({
      day: dateOfDayNumber(day),
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
    messages: {
      total: tally.sent,
      byChannel,
      perDay,
      skippedNoChannel: tally.skippedNoChannel,
      grouped: tally.grouped,
    },
    deferredSends: tally.deferred,
    contactsPerBuyer: distributionOf([...tally.contactsPerBuyer.values()]),
    providerQueues: input.queues,
  };
}

export type { SimulationReport } from './report-schema';
