/**
 * The buyer area in words, without a server: every status, notice and refusal reads in every
 * locale with the values it names, links that could run script are dropped, and language links
 * keep the signed token.
 */
import { describe, expect, it } from 'vitest';
import { DUE_DATE_REFUSAL_MESSAGES, type DueDateRefusal } from '../../domain/journey';
import { SUPPORTED_LOCALES } from '../../domain/locales';
import { formatAmount, formatDate } from '../../domain/messages';
import { presentBuyerArea } from '../../web/buyer-area/present';
import { type BuyerAreaNotice, INSTALLMENT_STATUSES } from '../../web/buyer-area/view';
import { safeHref, withLang } from '../../web/page-frame';
import { CURRENCY_OF, fixtureView } from './fixtures';

const REFUSALS = Object.keys(DUE_DATE_REFUSAL_MESSAGES) as DueDateRefusal[];

describe.each(SUPPORTED_LOCALES)('presentBuyerArea in %s', (locale) => {
  const currency = CURRENCY_OF[locale];
  const money = (minor: number) => formatAmount(minor, currency, locale);
  const page = presentBuyerArea(fixtureView(locale), locale);
  const card = (n: number) => page.installments[n - 1]!;

  it('words each installment with its amount, date and status in the locale', () => {
    expect(page.installments.map((c) => c.status.key)).toEqual(INSTALLMENT_STATUSES.filter((s) => s !== 'due_today'));
    expect(card(1).amount).toBe(money(12_345));
    expect(card(1).dueDate).toBe(formatDate('2026-01-10', locale));
    expect(card(1).status.detail).toContain(formatDate('2026-01-09', locale));
    expect(card(3).status.detail).toContain(money(5_000));
    expect(card(3).status.detail).toContain(money(12_345));
    expect(card(4).originallyDue).toContain(formatDate('2026-04-10', locale));
    expect(card(5).originallyDue).toBeNull();
    // What is left to pay, not the whole installment.
    expect(card(3).payNow?.label).toContain(money(7_345));
    expect(card(3).partial?.hint).toContain(money(1_000));
    expect(card(4).dueDateChange).toMatchObject({ min: '2026-04-21', max: '2026-05-10' });
    expect(card(4).dueDateChange?.hint).toContain(formatDate('2026-05-10', locale));
  });

  it('gives every status its own word and shape', () => {
    const statuses = INSTALLMENT_STATUSES.map((status) => {
      const view = fixtureView(locale);
      view.installments = [{ ...view.installments[4]!, status }];
      return presentBuyerArea(view, locale).installments[0]!.status;
    });
    expect(new Set(statuses.map((s) => s.label)).size).toBe(INSTALLMENT_STATUSES.length);
    for (const s of statuses) expect(s.symbol).not.toBe('');
  });

  it('words every notice, with the values it names, as a success or a problem', () => {
    const notices: [BuyerAreaNotice, 'success' | 'error', string?][] = [
      [
        { key: 'due_date_changed', installmentNumber: 4, newDueDate: '2026-04-30' },
        'success',
        formatDate('2026-04-30', locale),
      ],
      [{ key: 'partial_below_minimum', minimumMinor: 1_000 }, 'error', money(1_000)],
      [{ key: 'partial_above_maximum', maximumMinor: 7_345 }, 'error', money(7_345)],
      [{ key: 'amount_unreadable' }, 'error'],
      [{ key: 'partial_not_allowed' }, 'error'],
      [{ key: 'too_many_requests' }, 'error'],
      [{ key: 'form_expired' }, 'error'],
      [{ key: 'something_went_wrong' }, 'error'],
      ...REFUSALS.map((reason): [BuyerAreaNotice, 'error'] => [{ key: 'due_date_refused', reason }, 'error']),
    ];
    const texts = notices.map(([notice, tone, value]) => {
      const shown = presentBuyerArea(fixtureView(locale, { notice }), locale).notice!;
      expect(shown.tone).toBe(tone);
      if (value) expect(shown.text).toContain(value);
      return shown.text;
    });
    // Each outcome has its own sentence: no refusal borrows another's words.
    expect(new Set(texts).size).toBe(notices.length);
  });
});

describe('safeHref', () => {
  it.each([
    ['https://checkout.example/pay?x=1', true],
    ['http://localhost:3000/pay', true],
    ['/pay/tok/payment-method', true],
    ['javascript:alert(1)', false],
    ['JaVaScRiPt:alert(1)', false],
    ['data:text/html,hi', false],
    ['//evil.example/pay', false],
    ['/\\evil.example', false],
    ['https://checkout.example/pay now', false],
    ['', false],
    [undefined, false],
  ])('%s → kept: %s', (url, kept) => {
    expect(safeHref(url)).toBe(kept ? url : null);
  });
});

describe('withLang', () => {
  it('keeps the token in the path or the query and replaces an earlier lang', () => {
    expect(withLang('/pay/abc.def', 'es')).toBe('/pay/abc.def?lang=es');
    expect(withLang('/pay?token=abc.def&lang=fr', 'pt-BR')).toBe('/pay?token=abc.def&lang=pt-BR');
  });

  it('stays on this site whatever the request line said', () => {
    expect(withLang('//evil.example/x', 'en')).toBe('/x?lang=en');
    expect(withLang('http://evil.example/pay/abc', 'en')).toBe('/pay/abc?lang=en');
    expect(withLang('/pay/%22%3E%3Cscript%3E', 'en')).toBe('/pay/%22%3E%3Cscript%3E?lang=en');
  });
});
