/**
 * The page copy as data: each locale has what English has (the type checks the shape; this checks
 * that no sentence drops a value it is given or is left empty or untranslated by accident).
 */
import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../../domain/locales';
import { WEB_COPY } from '../../web/copy';

/** Every leaf of the copy: strings as they are, sentences called with a recognisable marker per value. */
function leaves(value: unknown, path: string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') out.set(path.join('.'), value);
  else if (typeof value === 'function') {
    // Every sentence takes one object of values: numbers for n and m, a marker naming the key otherwise.
    const probe = new Proxy({}, { get: (_t, key) => (key === 'n' || key === 'm' ? 9_871 : `⟦${String(key)}⟧`) });
    out.set(path.join('.'), (value as (v: unknown) => string)(probe));
  } else if (value && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) for (const [p, l] of leaves(child, [...path, key])) out.set(p, l);
  return out;
}
const markers = (text: string) => [...text.matchAll(/⟦\w+⟧|9871/g)].length;

const english = leaves(WEB_COPY.en);

describe('web copy catalog', () => {
  it.each(SUPPORTED_LOCALES)('%s has every key of en, none empty, each sentence using the values en uses', (locale) => {
    const copy = leaves(WEB_COPY[locale]);
    expect([...copy.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [path, text] of copy) {
      expect({ path, empty: text.trim() === '' }).toEqual({ path, empty: false });
      expect({ path, values: markers(text) }).toEqual({ path, values: markers(english.get(path)!) });
    }
  });

  it.each(SUPPORTED_LOCALES.filter((l) => l !== 'en'))('%s is translated', (locale) => {
    const copy = leaves(WEB_COPY[locale]);
    const same = [...copy].filter(([path, text]) => text === english.get(path)).map(([path]) => path);
    expect(same).toEqual([]);
  });
});
