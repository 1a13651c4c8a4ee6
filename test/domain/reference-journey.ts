/**
 * The reference scenario the domain tests share: a buyer in São Paulo (UTC-3 all year, so local
 * wall-clock times are written with Date.UTC(h + 3)), an installment due Sunday 15 March 2026,
 * and a journey started on 1 March at noon.
 */
import { type JourneyEvent, type JourneyState, dispatch, startJourney } from '../../domain/journey';
import { type Policy, defaultPolicy } from '../../domain/policy';
import { type InstallmentOptions, installmentFixture } from '../support/arbitraries';

/** An instant in 2026 given as São Paulo wall-clock time. */
export const sp = (m: number, d: number, h: number, min = 0) => Date.UTC(2026, m - 1, d, h + 3, min);

export const START = sp(3, 1, 12);

export function begin(o: InstallmentOptions = {}, policy: Policy = defaultPolicy, at = START): JourneyState {
  return startJourney(installmentFixture(o), policy, at).state;
}

/** The state after each event in turn. */
export function apply(state: JourneyState, ...events: JourneyEvent[]): JourneyState {
  for (const e of events) state = dispatch(state, e).state;
  return state;
}
