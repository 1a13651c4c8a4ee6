/** FNV-1a's 32-bit offset basis (Fowler–Noll–Vo). */
export const FNV_OFFSET_BASIS = 0x811c9dc5;

/**
 * 32-bit FNV-1a over the UTF-16 code units (offset basis 2166136261, prime 16777619), from
 * `basis` (a seed mixed into it gives a family of hashes). Pure and the same everywhere, which is
 * all experiment assignment and the simulator's streams need: it is not a secret.
 */
export function fnv1a32(text: string, basis: number = FNV_OFFSET_BASIS): number {
  let hash = basis;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
