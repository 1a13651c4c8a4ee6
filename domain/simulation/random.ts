/**
 * A seeded pseudo-random stream for the simulator: the same seed and key give the same draws on
 * every machine, so a what-if run can be repeated and compared. Not for anything secret.
 */

/** FNV-1a over the UTF-16 code units of `text`, mixed with `seed`: a 32-bit key for a stream. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Draws in [0, 1) from mulberry32, one stream per `key`: a journey's draws do not depend on which
 * other journeys are in the portfolio or in which order they run.
 */
export function randomStream(seed: number, key: string): () => number {
  let state = hash32(key, seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
