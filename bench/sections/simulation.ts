/**
 * The what-if simulator (domain/simulation/) over a 100,000-installment portfolio — buyers in
 * five zones with one to three installments each, due over a month, the default policy with
 * public holidays from the real calendar — against the least a simulation must do in the same
 * run: start each journey and plan its ladder once. The goal is the issue's: under a minute on
 * our 2-core machines — also for a policy that groups a buyer's reminders into one message, where
 * every send goes through the buyer's coordinator.
 */
import { createPublicHolidayLookup } from '../../activities/holidays';
import { planOf, startJourney } from '../../domain/journey';
import { addDays } from '../../domain/local-time';
import { type Policy, defaultPolicy } from '../../domain/policy';
import { DEFAULT_ASSUMPTIONS } from '../../domain/simulation/assumptions';
import { simulate } from '../../domain/simulation/engine';
import { makeInstallment } from '../../test/support/fixtures';
import { type Figure, type Section, fmt } from '../figures';

const INSTALLMENTS = 100_000;
const GOAL_MS = 60_000;
const START = Date.parse('2027-01-04T12:00:00Z');
const ZONES = [
  ['America/Sao_Paulo', 'BR'],
  ['America/New_York', 'US'],
  ['Europe/Madrid', 'ES'],
  ['Asia/Kolkata', 'IN'],
  ['America/Mexico_City', 'MX'],
] as const;

function portfolio() {
  return Array.from({ length: INSTALLMENTS }, (_, i) => {
    const [timezone, country] = ZONES[i % ZONES.length]!;
    // Two installments in three share a buyer: the cap counts across them.
    return makeInstallment({
      installmentId: `inst-${i}`,
      dueDate: addDays('2027-01-10', i % 30),
      buyer: { id: `buyer-${Math.floor((i * 2) / 3)}`, timezone, country },
    });
  });
}

export const simulation: Section = {
  name: 'simulation',
  title: `what-if simulation of ${INSTALLMENTS.toLocaleString('en-US')} installments vs starting and planning each journey once`,
  async run() {
    const installments = portfolio();
    const started = performance.now();
    for (const installment of installments) planOf(startJourney(installment, defaultPolicy, START).state, START);
    const baselineMs = performance.now() - started;

    const run = (policy: Policy, label: string): Figure => {
      let lastTenth = -1;
      const started = performance.now();
      const { report } = simulate({
        policy,
        installments,
        start: START,
        assumptions: { ...DEFAULT_ASSUMPTIONS, payment: { afterEachStep: 0.1 } },
        publicHolidays: createPublicHolidayLookup(),
        rateLimits: { email: 2, sms: 1, whatsapp: 10 },
        onProgress: (done, total) => {
          const tenth = Math.floor((done / total) * 10);
          if (tenth !== lastTenth) console.log(`  ${done}/${total} journeys ended`);
          lastTenth = tenth;
        },
      });
      const simulationMs = performance.now() - started;
      const { grouped } = report.messages;
      console.log(
        `  ${label}: ${report.messages.total} sends (${grouped.messages} covering ${grouped.installments} installments), ` +
          `${report.journeys.reachedFinalAction} final actions · simulation ${fmt.ms(simulationMs)} · ` +
          `start + plan ${fmt.ms(baselineMs)}`,
      );
      return {
        goal: `simulate ${INSTALLMENTS.toLocaleString('en-US')} installments${label === 'default' ? '' : `, ${label}`}`,
        measured: fmt.ms(simulationMs),
        baseline: `${fmt.ms(baselineMs)} start + plan each journey once`,
        ratio: simulationMs / baselineMs,
        target: '< 60 s',
        pass: simulationMs < GOAL_MS,
      };
    };
    const grouping: Policy = { ...defaultPolicy, id: 'grouped', grouping: { windowHours: 24 } };
    return [run(defaultPolicy, 'default'), run(grouping, 'grouped within 24 h')];
  },
};
