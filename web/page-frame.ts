/**
 * What every page of web/ shares around its content: the document language, the title, the skip
 * link and the language switch. Pure; the templates only print it (web/templates/layout.eta).
 */
import { httpUrl } from '../domain/html';
import { type Locale, SUPPORTED_LOCALES } from '../domain/locales';
import { WEB_COPY } from './copy';

export interface PageFrame {
  lang: Locale;
  title: string;
  skipToContent: string;
  languagesLabel: string;
  languages: { code: Locale; name: string; href: string; current: boolean }[];
}

/** `self` is the page's URL (path and query, token included): each language link keeps all of it. */
export function pageFrame(locale: Locale, title: string, self: string): PageFrame {
  const copy = WEB_COPY[locale];
  return {
    lang: locale,
    title,
    skipToContent: copy.layout.skipToContent,
    languagesLabel: copy.layout.languages,
    languages: SUPPORTED_LOCALES.map((code) => ({
      code,
      name: WEB_COPY[code].languageName,
      href: withLang(self, code),
      current: code === locale,
    })),
  };
}

/**
 * The same URL with `lang` set, as a path-absolute reference ("/pay/abc?lang=es"): whatever the
 * input (a path, or an absolute URL from an absolute-form request line), the link stays on this site.
 */
export function withLang(self: string, locale: Locale): string {
  const url = new URL(self, 'http://page.invalid');
  url.searchParams.set('lang', locale);
  // "//evil.example" as a path would read as a host: keep a single leading slash.
  return `/${url.pathname.replace(/^\/+/, '')}${url.search}`;
}

/**
 * `url` when it is fit for an href on these pages (an absolute http(s) URL or a path on this
 * site), else null: a `javascript:` link is dropped, not escaped.
 */
export function safeHref(url: string | undefined): string | null {
  if (!url) return null;
  // A path on this site: one leading slash ("//host" would be another site), nothing blank or control.
  // eslint-disable-next-line no-control-regex
  const sitePath = /^\/(?![/\\])[^\s\u0000-\u001f\u007f]*$/.test(url);
  return sitePath ? url : httpUrl(url);
}
