/**
 * A simulation report as text for a terminal: `npm run simulate` prints it unless asked for
 * `--json`. Every figure comes from the report; nothing is computed here but percentages.
 */
import type { Channel } from '../domain/channels';
import type { SimulationAnswer } from '../application/simulation';

const count = (n: number) => n.toLocaleString('en-US');
const percent = (part: number, whole: number) => (whole === 0 ? '–' : `${((part / whole) * 100).toFixed(1)} %`);

/** Columns padded to their widest cell: text left-aligned, the rest right-aligned. */
function table(header: string[], rows: (string | number)[][]): string[] {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? count(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

const SOURCES = { installments: 'as given', tenant: 'the tenant’s running journeys' } as const;

export function simulationTable({ report, portfolio }: SimulationAnswer): string {
  const { journeys, messages, assumptions } = report;
  const pay = assumptions.payment;
  const payRules = [
    `after each step ${pay.afterEachStep}`,
    ...Object.entries(pay.byStep ?? {}).map(([step, p]) => `step ${step}: ${p}`),
    ...Object.entries(pay.byChannel ?? {}).map(([channel, p]) => `${channel}: ${p}`),
  ];
  const channels = Object.keys(messages.byChannel) as Channel[];
  const lines = [
    `Policy ${report.policy.id} v${report.policy.version} over ${count(journeys.total)} installments (${SOURCES[portfolio.source]})`,
    `From ${report.period.start} to ${report.period.end}`,
    `Assumed chance the buyer pays right after a reminder: ${payRules.join(', ')} · seed ${assumptions.seed}`,
    '',
    'Journeys',
    ...table(
      ['', 'journeys', 'share'],
      [
        [
          `reached the final action (${report.policy.finalAction})`,
          journeys.reachedFinalAction,
          percent(journeys.reachedFinalAction, journeys.total),
        ],
        ['paid', journeys.paid, percent(journeys.paid, journeys.total)],
        ['still running at the end', journeys.open, percent(journeys.open, journeys.total)],
        ...journeys.paidAfterStep.map((p) => [
          `  paid after step ${p.stepIndex}`,
          p.journeys,
          percent(p.journeys, journeys.total),
        ]),
      ],
    ).map((l) => `  ${l}`),
    '',
    `Messages per day (UTC): ${count(messages.total)} in all; ${count(messages.skippedNoChannel)} steps skipped, no channel reached the buyer`,
    ...(messages.grouped.messages > 0
      ? [
          `  ${count(messages.grouped.messages)} of them covered several of a buyer's installments (${count(messages.grouped.installments)} installments in all)`,
        ]
      : []),
    ...table(
      ['day', ...channels, 'total'],
      [
        ...messages.perDay.map((d) => [d.day, ...channels.map((c) => d.byChannel[c] ?? 0), d.total]),
        ['all days', ...channels.map((c) => messages.byChannel[c] ?? 0), messages.total],
      ],
    ).map((l) => `  ${l}`),
    '',
    'Provider queues (peak sends in one second against the configured limit)',
    ...table(
      ['queue', 'sends', 'peak/s', 'peak at', 'limit/s', 'seconds over', 'longest queue'],
      report.providerQueues.map((q) => [
        q.queue,
        q.sends,
        q.peakPerSecond,
        q.peakAt ?? '–',
        q.limitPerSecond === null ? 'none' : String(q.limitPerSecond),
        q.secondsOverLimit,
        `${count(q.longestQueueSeconds)} s`,
      ]),
    ).map((l) => `  ${l}`),
    '',
    `Contacts per buyer (${count(report.contactsPerBuyer.count)} buyers): mean ${report.contactsPerBuyer.mean} · ` +
      `p50 ${report.contactsPerBuyer.p50} · p95 ${report.contactsPerBuyer.p95} · max ${report.contactsPerBuyer.max}`,
    `Sends moved by a rule of contact: quiet hours ${count(report.deferredSends.quiet_hours)} · weekday ` +
      `${count(report.deferredSends.weekday)} · holiday ${count(report.deferredSends.holiday)} · frequency cap ` +
      `${count(report.deferredSends.frequency_cap)}`,
  ];
  return `${lines.join('\n')}\n`;
}
