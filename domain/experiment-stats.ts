/**
 * The statistics of experiment results: 95 % intervals for a recovery rate and for the
 * difference between two arms' rates, and the sentence a seller reads.
 *
 *  - A rate: the Wilson score interval (E. B. Wilson, "Probable inference, the law of succession,
 *    and statistical inference", JASA 22, 1927), which stays inside [0, 1] and behaves at 0 and n
 *    successes, unlike the normal ("Wald") interval.
 *  - A difference of two independent rates: Newcombe's hybrid score interval, method 10 in
 *    R. G. Newcombe, "Interval estimation for the difference between independent proportions:
 *    comparison of eleven methods", Statistics in Medicine 17, 1998, built from the two Wilson
 *    intervals.
 */

/** The standard normal quantile for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson's score interval for `successes` out of `trials`; null without trials. */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval | null {
  if (trials <= 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // Rounding can leave the bounds a hair outside [0, 1] at 0 or n successes.
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface Proportion {
  successes: number;
  trials: number;
}

/** Newcombe's interval for p1 − p2 (method 10); null when either side has no trials. */
export function differenceInterval(first: Proportion, second: Proportion, z = Z_95): Interval | null {
  const a = wilsonInterval(first.successes, first.trials, z);
  const b = wilsonInterval(second.successes, second.trials, z);
  if (!a || !b) return null;
  const p1 = first.successes / first.trials;
  const p2 = second.successes / second.trials;
  const difference = p1 - p2;
  return {
    low: difference - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
    high: difference + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
  };
}

/** A rate as percentage points with one decimal, e.g. 0.041 → "4.1". */
const points = (rate: number) => (Math.round(rate * 1000) / 10).toFixed(1);

/**
 * How an arm compares with the control: more or less recovered only when the difference's 95 %
 * interval leaves out zero, `unclear` while it spans zero, `too_few` while either side has no
 * trials. Every wording of a verdict (the API's English sentence, the pages' in each locale)
 * starts from this one decision.
 */
export type Comparison =
  { kind: 'too_few' } | { kind: 'more' | 'less' | 'unclear'; difference: number; interval: Interval };

export function compareWithControl(arm: Proportion, control: Proportion): Comparison {
  const interval = differenceInterval(arm, control);
  if (!interval) return { kind: 'too_few' };
  const difference = arm.successes / arm.trials - control.successes / control.trials;
  const kind = interval.low > 0 ? 'more' : interval.high < 0 ? 'less' : 'unclear';
  return { kind, difference, interval };
}

/** The sentence a seller reads for one arm against the control (in English, for the API). */
export function verdict(arm: { name: string } & Proportion, control: { name: string } & Proportion): string {
  const comparison = compareWithControl(arm, control);
  if (comparison.kind === 'too_few') return `not enough journeys yet to compare ${arm.name} with ${control.name}`;
  const { difference, interval } = comparison;
  const range = `95 % interval ${points(interval.low)} to ${points(interval.high)} points`;
  if (comparison.kind === 'more')
    return `${arm.name} recovers ${points(difference)} points more than ${control.name} (${range})`;
  if (comparison.kind === 'less')
    return `${arm.name} recovers ${points(-difference)} points less than ${control.name} (${range})`;
  return `no clear difference between ${arm.name} and ${control.name} yet (${range})`;
}
