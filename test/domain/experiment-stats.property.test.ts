import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differenceInterval, verdict, wilsonInterval } from '../../domain/experiment-stats';

// Hand-worked values from R. G. Newcombe, "Two-sided confidence intervals for the single
// proportion: comparison of seven methods", Statistics in Medicine 17 (1998) 857–872, Table II
// (method 3, the score interval without continuity correction), and "Interval estimation for
// the difference between independent proportions: comparison of eleven methods", Statistics in
// Medicine 17 (1998) 873–890, Table II (method 10), both to 4 decimals.
describe('Wilson score interval', () => {
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i → %f to %f (Newcombe 1998a)', (x, n, low, high) => {
    const interval = wilsonInterval(x, n)!;
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
  });

  it('has no interval without trials', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('always lies in [0, 1] and holds the observed rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, share) => {
        const x = Math.round(share * n);
        const { low, high } = wilsonInterval(x, n)!;
        expect(low).toBeGreaterThanOrEqual(0);
        expect(high).toBeLessThanOrEqual(1);
        expect(low).toBeLessThanOrEqual(x / n + 1e-12);
        expect(high).toBeGreaterThanOrEqual(x / n - 1e-12);
      }),
    );
  });

  it('narrows as the sample grows at the same rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 2, max: 50 }),
        (x, extra, k) => {
          const n = x + extra;
          const small = wilsonInterval(x, n)!;
          const large = wilsonInterval(x * k, n * k)!;
          expect(large.high - large.low).toBeLessThan(small.high - small.low);
        },
      ),
    );
  });
});

describe('Newcombe’s interval for a difference (method 10)', () => {
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
  ])('%i/%i − %i/%i → %f to %f (Newcombe 1998b)', (a, m, b, n, low, high) => {
    const interval = differenceInterval({ successes: a, trials: m }, { successes: b, trials: n })!;
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
  });

  it('holds the observed difference, stays within [−1, 1], and mirrors when the arms swap', () => {
    const side = fc
      .integer({ min: 1, max: 5000 })
      .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
    fc.assert(
      fc.property(side, side, ([a, m], [b, n]) => {
        const d = a / m - b / n;
        const forward = differenceInterval({ successes: a, trials: m }, { successes: b, trials: n })!;
        const backward = differenceInterval({ successes: b, trials: n }, { successes: a, trials: m })!;
        expect(forward.low).toBeLessThanOrEqual(d + 1e-12);
        expect(forward.high).toBeGreaterThanOrEqual(d - 1e-12);
        expect(forward.low).toBeGreaterThanOrEqual(-1 - 1e-12);
        expect(forward.high).toBeLessThanOrEqual(1 + 1e-12);
        expect(backward.low).toBeCloseTo(-forward.high, 12);
        expect(backward.high).toBeCloseTo(-forward.low, 12);
      }),
    );
  });
});

describe('the verdict', () => {
  it('names a difference whose interval leaves out zero, in points with the interval', () => {
    expect(verdict({ name: 'b', successes: 56, trials: 70 }, { name: 'a', successes: 48, trials: 80 })).toBe(
      'b recovers 20.0 points more than a (95 % interval 5.2 to 33.4 points)',
    );
    expect(verdict({ name: 'a', successes: 48, trials: 80 }, { name: 'b', successes: 56, trials: 70 })).toBe(
      'a recovers 20.0 points less than b (95 % interval -33.4 to -5.2 points)',
    );
  });

  it('says there is no clear difference yet when the interval holds zero, and waits for journeys on both sides', () => {
    expect(verdict({ name: 'b', successes: 5, trials: 56 }, { name: 'holdout', successes: 0, trials: 29 })).toBe(
      'no clear difference between b and holdout yet (95 % interval -3.8 to 19.3 points)',
    );
    expect(verdict({ name: 'b', successes: 3, trials: 10 }, { name: 'a', successes: 0, trials: 0 })).toBe(
      'not enough journeys yet to compare b with a',
    );
  });
});
