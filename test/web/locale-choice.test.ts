import { describe, expect, it } from 'vitest';
import { chooseLocale, supportedLocale } from '../../web/locale-choice';

describe('chooseLocale', () => {
  it('takes ?lang= first, then the buyer locale, then Accept-Language, then English', () => {
    const all = { lang: 'es', buyerLocale: 'fr', acceptLanguage: 'pt-BR' };
    expect(chooseLocale(all)).toBe('es');
    expect(chooseLocale({ ...all, lang: undefined })).toBe('fr');
    expect(chooseLocale({ ...all, lang: undefined, buyerLocale: undefined })).toBe('pt-BR');
    expect(chooseLocale({})).toBe('en');
  });

  it('skips what it does not support instead of failing', () => {
    expect(chooseLocale({ lang: 'de', buyerLocale: 'ja', acceptLanguage: 'fr' })).toBe('fr');
    // A repeated ?lang= arrives as an array: not a choice the page made.
    expect(chooseLocale({ lang: ['es', 'fr'], buyerLocale: 'pt-BR' })).toBe('pt-BR');
    expect(chooseLocale({ lang: { toString: () => 'es' }, acceptLanguage: 'garbage;;q=x' })).toBe('en');
  });

  it('reads Accept-Language by q-value, ties in header order, ignoring * and q=0', () => {
    expect(chooseLocale({ acceptLanguage: 'de-DE, fr;q=0.5, es;q=0.8' })).toBe('es');
    expect(chooseLocale({ acceptLanguage: 'fr;q=0.9, es;q=0.9' })).toBe('fr');
    expect(chooseLocale({ acceptLanguage: '*, es;q=0' })).toBe('en');
    expect(chooseLocale({ acceptLanguage: 'pt-PT,pt;q=0.9,en;q=0.8' })).toBe('pt-BR');
  });
});

describe('supportedLocale', () => {
  it.each([
    ['pt-br', 'pt-BR'],
    ['PT_BR', 'pt-BR'],
    ['es-MX', 'es'],
    ['fr-CA', 'fr'],
    ['en-GB', 'en'],
    ['de', null],
    ['', null],
  ])('%s → %s', (tag, locale) => {
    expect(supportedLocale(tag)).toBe(locale);
  });
});
