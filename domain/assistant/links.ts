/**
 * Links stand in for themselves when tool results go to the model: a buyer-area link is a bearer
 * token, and the model needs only to know where a link goes in its reply. Each URL becomes a
 * placeholder such as `[link-a]` (letters: a digit could read as an amount), which the reply gets
 * back as the real URL.
 */
const URL_PATTERN = /^https?:\/\//i;

export interface LinkStandIns {
  /** The value with every URL string replaced by its placeholder (the same URL, the same placeholder). */
  hide(value: unknown): unknown;
  /** The text with every placeholder replaced by its URL. */
  restore(text: string): string;
}

export function linkStandIns(): LinkStandIns {
  const byUrl = new Map<string, string>();
  const placeholderOf = (url: string): string => {
    let placeholder = byUrl.get(url);
    if (!placeholder) {
      placeholder = `[link-${letters(byUrl.size)}]`;
      byUrl.set(url, placeholder);
    }
    return placeholder;
  };
  const hide = (value: unknown): unknown => {
    if (typeof value === 'string') return URL_PATTERN.test(value) ? placeholderOf(value) : value;
    if (Array.isArray(value)) return value.map(hide);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, hide(v)]));
    return value;
  };
  const restore = (text: string): string => {
    let restored = text;
    for (const [url, placeholder] of byUrl) restored = restored.split(placeholder).join(url);
    return restored;
  };
  return { hide, restore };
}

/** a, b, …, z, ba, bb, …: a placeholder's letters. */
function letters(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  let out = '';
  let rest = n;
  do {
    out = alphabet[rest % 26]! + out;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return out;
}
