/**
 * What the Experiments pages show, worded in the page's locale: the list of the account's
 * experiments, and one experiment's results arm by arm with each arm against the control. The
 * verdicts are built here from the numbers (domain/experiment-report.ts `armComparisons`, the
 * same decision as the API's English sentences), so no locale shows English.
 */
import type { MoveRefusal } from '../../application/policy-lab';
import { type ArmResult, type ExperimentReport, armComparisons } from '../../domain/experiment-report';
import type { Comparison } from '../../domain/experiment-stats';
import { type Experiment, HOLDOUT_ARM } from '../../domain/experiments';
import type { Locale } from '../../domain/locales';
import { type PanelFormat, panelFormat } from '../panel/format';
import { PANEL_PATHS } from '../panel/navigation';
import type { SellerPage } from '../seller/render';
import { EXPERIMENTS_COPY, type ExperimentNotice, type ExperimentsCopy } from './copy';

export interface ExperimentWords {
  copy: ExperimentsCopy;
  format: PanelFormat;
  /** Percentage points with one decimal, as the locale writes them. */
  points: (rate: number, signed?: boolean) => string;
}

export function experimentWords(locale: Locale): ExperimentWords {
  const plain = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const signed = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  return {
    copy: EXPERIMENTS_COPY[locale],
    format: panelFormat(locale),
    points: (rate, withSign = false) => (withSign ? signed : plain).format(rate * 100),
  };
}

export const experimentPath = (id: string) => `${PANEL_PATHS.experiments}/${encodeURIComponent(id)}`;

/** A link of these pages, keeping the language the query chose (web/routes/panel.ts `keptLang`). */
export function withLang(path: string, lang: string | null, query: Record<string, string> = {}): string {
  const search = new URLSearchParams({ ...query, ...(lang ? { lang } : {}) }).toString();
  return search ? `${path}?${search}` : path;
}

interface Moment {
  iso: string;
  text: string;
}

export interface ExperimentLine {
  name: string;
  href: string;
  id: string;
  rule: string;
  state: string;
  arms: string[];
  started: Moment | null;
  stopped: Moment | null;
}

export interface ExperimentListPage extends SellerPage {
  heading: string;
  caption: string;
  empty: string;
  notYet: string;
  headers: { experiment: string; rule: string; state: string; arms: string; started: string; stopped: string };
  lines: ExperimentLine[];
}

export function presentExperimentList(
  experiments: readonly Experiment[],
  words: ExperimentWords,
  lang: string | null,
): ExperimentListPage {
  const { copy, format } = words;
  const t = copy.list;
  const moment = (iso: string | null): Moment | null => (iso ? { iso, text: format.instant(iso) } : null);
  return {
    title: t.title,
    heading: t.title,
    caption: t.caption,
    empty: t.empty,
    notYet: t.notYet,
    headers: {
      experiment: t.experiment,
      rule: t.rule,
      state: t.state,
      arms: t.arms,
      started: t.started,
      stopped: t.stopped,
    },
    lines: experiments.map((e) => ({
      name: e.name,
      href: withLang(experimentPath(e.id), lang),
      id: e.id,
      rule: e.ruleId,
      state: copy.states[e.state],
      arms: [
        ...e.arms.map((a) => copy.arm({ arm: a.id, policy: a.policyId, weight: format.count(a.weight) })),
        ...(e.holdout
          ? [copy.holdout({ weight: format.count(e.holdout.weight), policy: e.holdout.policyId ?? null })]
          : []),
      ],
      started: moment(e.startedAt),
      stopped: moment(e.stoppedAt),
    })),
  };
}

export interface ArmRow {
  name: string;
  policy: string;
  journeys: string;
  buyers: string;
  recovered: string;
  recoveredInterval: string | null;
  collected: string[];
  medianDays: string;
  contactsPerJourney: string;
  optOutRate: string;
}

export interface ComparisonRow {
  name: string;
  difference: string;
  interval: string;
}

export interface ExperimentResultsPage extends SellerPage {
  heading: string;
  back: { href: string; label: string };
  summary: string;
  state: string;
  control: string;
  notice: string | null;
  alert: string | null;
  arms: { caption: string; headers: Record<Exclude<keyof ArmRow, 'recoveredInterval'>, string>; rows: ArmRow[] };
  comparisons: { caption: string; headers: Record<keyof ComparisonRow, string>; rows: ComparisonRow[] };
  verdicts: { heading: string; sentences: string[] };
  /** The start or stop button, for people who may change policies (none once stopped). */
  action: { heading: string; href: string; label: string } | null;
}

export interface ResultsContext {
  canChange: boolean;
  lang: string | null;
  notice: ExperimentNotice | null;
  alert: MoveRefusal | null;
}

export function presentExperimentResults(
  experiment: Experiment,
  report: ExperimentReport,
  words: ExperimentWords,
  { canChange, lang, notice, alert }: ResultsContext,
): ExperimentResultsPage {
  const { copy } = words;
  const t = copy.results;
  const nameOf = (arm: string) => (arm === HOLDOUT_ARM ? copy.holdoutName : arm);
  const control = nameOf(report.control);
  const move = experiment.state === 'draft' ? 'start' : experiment.state === 'running' ? 'stop' : null;
  return {
    title: experiment.name,
    heading: experiment.name,
    back: { href: withLang(PANEL_PATHS.experiments, lang), label: t.back },
    summary: t.summary({ id: experiment.id, rule: experiment.ruleId }),
    state: copy.states[experiment.state],
    control: t.control({ arm: control }),
    notice: notice && copy.notices[notice],
    alert: alert && copy.refusals[alert],
    arms: {
      caption: t.armsCaption,
      headers: {
        name: t.arm,
        policy: t.policy,
        journeys: t.journeys,
        buyers: t.buyers,
        recovered: t.recovered,
        collected: t.collected,
        medianDays: t.medianDays,
        contactsPerJourney: t.contactsPerJourney,
        optOutRate: t.optOutRate,
      },
      rows: report.arms.map((arm) => armRow(arm, nameOf(arm.arm), words)),
    },
    comparisons: {
      caption: t.comparisonCaption,
      headers: { name: t.arm, difference: t.difference, interval: t.differenceInterval },
      rows: armComparisons(report).map(({ arm, comparison }) => comparisonRow(nameOf(arm.arm), comparison, words)),
    },
    verdicts: {
      heading: t.verdicts,
      sentences: armComparisons(report).map(({ arm, comparison }) =>
        verdictSentence({ arm: nameOf(arm.arm), control }, comparison, words),
      ),
    },
    action:
      canChange && move
        ? { heading: t.actions, href: withLang(`${experimentPath(experiment.id)}/${move}`, lang), label: t[move] }
        : null,
  };
}

function armRow(arm: ArmResult, name: string, { copy, format }: ExperimentWords): ArmRow {
  const t = copy.results;
  const share = (rate: number | null) => (rate === null ? t.none : format.percent(rate * 100));
  const decimal = (n: number | null) => (n === null ? t.none : format.count(Math.round(n * 100) / 100));
  const interval = arm.recoveryRateInterval;
  return {
    name,
    policy: arm.holdout ? t.noReminders : (arm.policyId ?? t.none),
    journeys: format.count(arm.journeys),
    buyers: format.count(arm.buyers),
    recovered: share(arm.recoveryRate),
    recoveredInterval: interval && t.rateInterval({ low: share(interval.low), high: share(interval.high) }),
    collected: arm.collected.map((c) => format.money(c.amountMinor, c.currency)),
    medianDays: decimal(arm.medianDaysToPay),
    contactsPerJourney: decimal(arm.contactsPerJourney),
    optOutRate: share(arm.optOutRate),
  };
}

function comparisonRow(name: string, comparison: Comparison, { copy, points }: ExperimentWords): ComparisonRow {
  const t = copy.results;
  if (comparison.kind === 'too_few') return { name, difference: t.none, interval: t.none };
  const { difference, interval } = comparison;
  return {
    name,
    difference: t.pointsValue({ points: points(difference, true) }),
    interval: t.pointsRange({ low: points(interval.low, true), high: points(interval.high, true) }),
  };
}

function verdictSentence(
  names: { arm: string; control: string },
  comparison: Comparison,
  { copy, points }: ExperimentWords,
): string {
  if (comparison.kind === 'too_few') return copy.verdict.tooFew(names);
  const { difference, interval } = comparison;
  const measured = {
    ...names,
    points: points(Math.abs(difference)),
    low: points(interval.low),
    high: points(interval.high),
  };
  return copy.verdict[comparison.kind](measured);
}
