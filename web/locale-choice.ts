/**
 * Which language a page is shown in. The buyer's explicit choice on the page (`?lang=`) wins,
 * then the language the seller's data gives the buyer, then what the browser asks for, then
 * English. Pure: the caller passes what it read from the request.
 */
import { type Locale, SUPPORTED_LOCALES } from '../domain/locales';

export interface LocaleHints {
  /** `lang` from the query or the posted form: anything a client sent (a string, an array, nothing). */
  lang?: unknown;
  /** The buyer's locale from the ledger; old data may hold one we no longer support. */
  buyerLocale?: string | undefined;
  /** The Accept-Language header. */
  acceptLanguage?: string | undefined;
}

export const DEFAULT_LOCALE: Locale = 'en';

export function chooseLocale({ lang, buyerLocale, acceptLanguage }: LocaleHints): Locale {
  return (
    (typeof lang === 'string' ? supportedLocale(lang) : null) ??
    (buyerLocale ? supportedLocale(buyerLocale) : null) ??
    (acceptLanguage ? fromAcceptLanguage(acceptLanguage) : null) ??
    DEFAULT_LOCALE
  );
}

/**
 * The supported locale a language tag means: exactly ("pt-br" → pt-BR), else by its language
 * ("es-MX" → es, "pt-PT" → pt-BR: our only Portuguese is closer than English).
 */
export function supportedLocale(tag: string): Locale | null {
  const wanted = tag.trim().toLowerCase();
  const exact = SUPPORTED_LOCALES.find((l) => l.toLowerCase() === wanted);
  if (exact) return exact;
  const language = wanted.split(/[-_]/)[0];
  return SUPPORTED_LOCALES.find((l) => l.toLowerCase().split('-')[0] === language) ?? null;
}

/** The best supported locale of an Accept-Language header, by its q-values (RFC 9110 §12.5.4). */
function fromAcceptLanguage(header: string): Locale | null {
  const ranges = header
    .slice(0, 1_000)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';').map((s) => s.trim());
      const q = params.find((p) => /^q=/i.test(p));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.tag !== '' && r.tag !== '*' && r.weight > 0)
    // Equal weights keep the header's order.
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranges) {
    const locale = supportedLocale(tag);
    if (locale) return locale;
  }
  return null;
}
