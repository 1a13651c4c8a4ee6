import type { MoveRefusal } from '../../../application/policy-lab';
import type { ExperimentState } from '../../../domain/experiments';

/** A start or stop done, said after the redirect (`?notice=`). */
export const EXPERIMENT_NOTICES = ['started', 'stopped'] as const;
export type ExperimentNotice = (typeof EXPERIMENT_NOTICES)[number];

/** An arm and the control, as a verdict names them (the holdout already in its locale's words). */
interface Compared {
  arm: string;
  control: string;
}
/** A verdict's difference and its 95 % interval in points, already formatted. */
interface Measured extends Compared {
  points: string;
  low: string;
  high: string;
}

/**
 * The words of the seller app's Experiments pages in one locale. As in web/copy/types.ts,
 * sentences with values are functions of exactly the values they need, already formatted: a
 * locale that forgets a key fails to compile.
 */
export interface ExperimentsCopy {
  nav: string;
  states: Record<ExperimentState, string>;
  list: {
    title: string;
    caption: string;
    /** One sentence: what an experiment is, and where the README explains it (plain text). */
    empty: string;
    experiment: string;
    rule: string;
    state: string;
    arms: string;
    started: string;
    stopped: string;
    notYet: string;
  };
  /** An arm in the list: its policy and weight. */
  arm: (v: { arm: string; policy: string; weight: string }) => string;
  /** The holdout in the list: without reminders, or on a policy of its own. */
  holdout: (v: { weight: string; policy: string | null }) => string;
  /** How the holdout is named in tables and verdicts. */
  holdoutName: string;
  results: {
    back: string;
    summary: (v: { id: string; rule: string }) => string;
    control: (v: { arm: string }) => string;
    armsCaption: string;
    arm: string;
    policy: string;
    noReminders: string;
    journeys: string;
    buyers: string;
    recovered: string;
    /** A recovered share's 95 % interval, both bounds formatted as shares. */
    rateInterval: (v: { low: string; high: string }) => string;
    collected: string;
    medianDays: string;
    contactsPerJourney: string;
    optOutRate: string;
    none: string;
    comparisonCaption: string;
    difference: string;
    differenceInterval: string;
    /** A difference in percentage points, signed, already formatted. */
    pointsValue: (v: { points: string }) => string;
    pointsRange: (v: { low: string; high: string }) => string;
    verdicts: string;
    actions: string;
    start: string;
    stop: string;
  };
  /** One sentence per arm against the control, from domain/experiment-stats.ts `compareWithControl`. */
  verdict: {
    more: (v: Measured) => string;
    less: (v: Measured) => string;
    unclear: (v: Measured) => string;
    tooFew: (v: Compared) => string;
  };
  notices: Record<ExperimentNotice, string>;
  /** Why a start or stop was refused (the page answers 409). */
  refusals: Record<MoveRefusal, string>;
  notFound: { title: string; body: string; back: string };
}
