import { type Experiment, armsOf, controlArm } from './experiments';
import {
  type Comparison,
  type Interval,
  compareWithControl,
  differenceInterval,
  verdict,
  wilsonInterval,
} from './experiment-stats';

/** What the database counts for one arm (db/report-experiments.ts). */
export interface ArmCounts {
  arm: string;
  journeys: number;
  /** Paid in full: before the due date or after it. */
  recovered: number;
  /** The arm's buyers: the unit an experiment assigns (all of a buyer's installments share an arm). */
  buyers: number;
  /** Buyers every one of whose journeys in the experiment was paid in full. */
  buyersRecovered: number;
  /** Median days from the journey's start to its full payment; null before the first. */
  medianDaysToPay: number | null;
  /** Reminders sent (attempts that went out) over all the arm's journeys. */
  contacts: number;
  /** Journeys whose buyer opted out of a channel during the journey. */
  optedOut: number;
}

export interface ArmResult {
  arm: string;
  /** null: a holdout without reminders on a rule the latest routing no longer has. */
  policyId: string | null;
  /** Held out without reminders. */
  holdout: boolean;
  journeys: number;
  recovered: number;
  buyers: number;
  buyersRecovered: number;
  /**
   * Buyers recovered over the arm's buyers (a buyer with an open journey is not yet recovered).
   * Counted per buyer, the unit of assignment: a buyer's installments are paid or not together,
   * so counting them as separate trials would make the intervals too narrow.
   */
  recoveryRate: number | null;
  recoveryRateInterval: Interval | null;
  collected: { currency: string; amountMinor: number }[];
  medianDaysToPay: number | null;
  contactsPerJourney: number | null;
  optOutRate: number | null;
  /** This arm's recovery rate minus the control's, with Newcombe's 95 % interval; null for the control. */
  versusControl: { difference: number | null; interval: Interval | null } | null;
}

export interface ExperimentReport {
  experimentId: string;
  state: Experiment['state'];
  control: string;
  arms: ArmResult[];
  /** One sentence per arm compared with the control. */
  verdicts: string[];
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** An arm's buyers as the trials of its recovery rate: the buyer is the unit an experiment assigns. */
const asProportion = (c: Pick<ArmCounts, 'buyers' | 'buyersRecovered'>) => ({
  successes: c.buyersRecovered,
  trials: c.buyers,
});

/**
 * The experiment's results: every arm it declares (one without journeys yet shows zeros), the
 * control first-class, and each other arm against it.
 */
export function experimentReport(
  experiment: Experiment,
  rulePolicyId: string | null,
  counts: readonly ArmCounts[],
  collected: readonly { arm: string; currency: string; amountMinor: number }[],
): ExperimentReport {
  const control = controlArm(experiment);
  const countsOf = (arm: string): ArmCounts =>
    counts.find((c) => c.arm === arm) ?? {
      arm,
      journeys: 0,
      recovered: 0,
      buyers: 0,
      buyersRecovered: 0,
      medianDaysToPay: null,
      contacts: 0,
      optedOut: 0,
    };
  const base = countsOf(control);
  const arms = armsOf(experiment, rulePolicyId ?? '').map(({ arm, policyId, holdout }): ArmResult => {
    const c = countsOf(arm);
    const recoveryRate = rate(c.buyersRecovered, c.buyers);
    const baseRate = rate(base.buyersRecovered, base.buyers);
    return {
      arm,
      policyId: holdout ? rulePolicyId : policyId,
      holdout,
      journeys: c.journeys,
      recovered: c.recovered,
      buyers: c.buyers,
      buyersRecovered: c.buyersRecovered,
      recoveryRate,
      recoveryRateInterval: wilsonInterval(c.buyersRecovered, c.buyers),
      collected: collected.filter((m) => m.arm === arm).map(({ currency, amountMinor }) => ({ currency, amountMinor })),
      medianDaysToPay: c.medianDaysToPay,
      contactsPerJourney: rate(c.contacts, c.journeys),
      optOutRate: rate(c.optedOut, c.journeys),
      versusControl:
        arm === control
          ? null
          : {
              difference: recoveryRate === null || baseRate === null ? null : recoveryRate - baseRate,
              interval: differenceInterval(asProportion(c), asProportion(base)),
            },
    };
  });
  const verdicts = arms
    .filter((a) => a.arm !== control)
    .map((a) => verdict({ name: a.arm, ...asProportion(countsOf(a.arm)) }, { name: control, ...asProportion(base) }));
  return { experimentId: experiment.id, state: experiment.state, control, arms, verdicts };
}

/**
 * Each arm of a report beside the control with how it compares, for pages that word the verdict
 * in their own language from the same decision as `verdicts`.
 */
export function armComparisons(report: ExperimentReport): { arm: ArmResult; comparison: Comparison }[] {
  const control = report.arms.find((a) => a.arm === report.control);
  if (!control) return [];
  return report.arms
    .filter((a) => a !== control)
    .map((arm) => ({ arm, comparison: compareWithControl(asProportion(arm), asProportion(control)) }));
}
