/**
 * A seeded pseudo-random stream for the simulator: the same seed and key give the same draws on
 * every machine, so a what-if run can be repeated and compared. Not for anything secret.
 */
import { FNV_OFFSET_BASIS, fnv1a32 } from '../fnv';

/**
 * Draws in [0, 1) from mulberry32, one stream per `key`: a journey's draws do not depend on which
 * other journeys are in the portfolio or in which order they run.
 */
export function randomStream(seed: number, key: string): () => number {
  // The key's FNV-1a with the seed mixed into its basis: a 32-bit state per stream.
  let state = fnv1a32(key, (FNV_OFFSET_BASIS ^ seed) >>> 0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
