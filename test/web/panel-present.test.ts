/**
 * The panel's pages in words, per locale, without a server: the KPIs and amounts formatted for
 * the locale, the charts as named images without inline styles (the CSP forbids them) beside
 * their numbers, an empty period said plainly, and the details and tasks as a person reads them.
 */
import { describe, expect, it } from 'vitest';
import { type Locale, SUPPORTED_LOCALES } from '../../domain/locales';
import { formatAmount } from '../../domain/messages';
import { PANEL_COPY } from '../../web/panel/copy';
import { presentDetails } from '../../web/panel/details';
import { presentFilterForm } from '../../web/panel/filter-form';
import { readFilters } from '../../web/panel/filters';
import { panelFormat } from '../../web/panel/format';
import { type PanelWords, presentOverview } from '../../web/panel/overview';
import { presentTasks } from '../../web/panel/tasks';
import { ATTRIBUTION, CURVE, DAILY, DETAILS, EMPTY_OVERVIEW, OVERVIEW } from './panel-fixtures';

const words = (locale: Locale): PanelWords => ({ copy: PANEL_COPY[locale], format: panelFormat(locale), locale });

function overviewOf(
  locale: Locale,
  numbers = { overview: OVERVIEW, attribution: ATTRIBUTION, curve: CURVE, daily: DAILY },
) {
  const read = readFilters({ from: '2026-03-01', to: '2026-03-31' }, '2026-03-15');
  const form = presentFilterForm('overview', read, {
    path: '/app/overview',
    today: '2026-03-15',
    lang: null,
    copy: PANEL_COPY[locale],
  });
  return presentOverview(numbers, { form, words: words(locale), from: '2026-03-01', to: '2026-03-31' });
}

describe.each(SUPPORTED_LOCALES)('the panel in %s', (locale) => {
  const copy = PANEL_COPY[locale];

  it('shows every KPI with amounts and shares written for the locale', async () => {
    const page = await overviewOf(locale);
    const kpis = Object.fromEntries(page.report!.kpis.map((k) => [k.id, k]));
    expect(kpis.efficiency!.value).toBe(
      new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(0.875),
    );
    expect(kpis['recovered-amount']!.value).toBe(formatAmount(171_234, 'BRL', locale));
    expect(kpis['in-recovery']!.value).toBe(formatAmount(98_765, 'BRL', locale));
    expect(kpis['expected-upcoming']!.label).toBe(copy.overview.expectedUpcoming({ days: 30 }));
    expect(kpis['paid-on-time']!.value).toBe('28');
    expect(kpis.recovered!.value).toBe('7');
    expect(page.report!.otherCurrencies.map((c) => c.label)).toEqual(['USD']);
  });

  it('draws three named charts without inline styles, each with its numbers as a table', async () => {
    const page = await overviewOf(locale);
    const charts = page.report!.charts;
    expect(charts.map((c) => c.title)).toEqual([
      copy.charts.curve.title,
      copy.charts.funnel.title({ days: 3 }),
      copy.charts.daily.title,
    ]);
    for (const chart of charts) {
      expect(chart.svg).toMatch(/^<svg [^>]*role="img"/);
      expect(chart.svg).toContain(`<title>${chart.title.replace(/&/g, '&amp;')}</title>`);
      expect(chart.svg).not.toMatch(/\sstyle=|<style|<script|<foreignObject/i);
    }
    expect(charts[1]!.table.rows).toEqual([
      [copy.charts.funnel.stepLabel({ n: 1, channel: copy.channels.email }), '20', '18', '4'],
      [copy.charts.funnel.stepLabel({ n: 2, channel: copy.channels.whatsapp }), '12', '11', '3'],
    ]);
    expect(charts[2]!.table.rows[2]).toEqual([
      panelFormat(locale).date('2026-03-04'),
      formatAmount(121_234, 'BRL', locale),
    ]);
    // The funnel's legend names the stages in the page's language.
    expect(charts[1]!.svg).toContain(copy.charts.funnel.delivered);
  });

  it('says so when the period holds nothing, and draws no empty chart', async () => {
    const page = await overviewOf(locale, {
      overview: EMPTY_OVERVIEW,
      attribution: { ...ATTRIBUTION, funnel: [] },
      curve: [],
      daily: [],
    });
    expect(page.report).toBeNull();
    expect(page.empty).toBe(copy.overview.empty);
  });

  it('leaves a chart undrawn when its period recovered nothing, and keeps the others', async () => {
    const daily = DAILY.map((d) => ({ ...d, recoveredMinor: 0 }));
    const page = await overviewOf(locale, { overview: OVERVIEW, attribution: ATTRIBUTION, curve: [], daily });
    expect(page.report!.charts.map((c) => c.svg !== null)).toEqual([false, true, false]);
  });

  it('shows the payment details: buyer with email, amounts, timeline with actors, the Temporal link', () => {
    const page = presentDetails(DETAILS, words(locale));
    expect(page.buyer.facts).toContainEqual({ label: copy.details.buyerEmail, value: 'ana@example.com' });
    expect(page.amounts.facts).toContainEqual({
      label: copy.details.paidLate,
      value: formatAmount(25_000, 'BRL', locale),
    });
    expect(page.timeline.lines.map((l) => l.what)).toEqual([
      copy.events.started,
      copy.details.attempt({ channel: copy.channels.email }),
      copy.events.due_date_changed,
    ]);
    expect(page.timeline.lines[1]!.facts).toEqual([
      { label: copy.details.template, value: 'friendly_reminder' },
      { label: copy.details.status, value: 'delivered' },
      { label: copy.details.provider, value: 'resend' },
    ]);
    expect(page.timeline.lines[2]!.who).toBe(`${copy.actors.user} · usr_1`);
    expect(page.temporal?.href).toBe(DETAILS.installment.temporalUiUrl);
    expect(page.installments.rows.map((r) => r.current)).toEqual([false, true, false]);
  });

  it('lists open tasks with a link to the payment of their journey', () => {
    const task = {
      id: 'task_1',
      tenantId: 't',
      buyerId: 'buyer_2',
      kind: 'handoff',
      conversationId: 'c',
      journeyId: 'jrn_2',
      reason: 'asked_for_human',
      status: 'open',
      holdUntil: null,
      openedAt: new Date('2026-03-10T08:00:00Z'),
      closedAt: null,
      closedBy: null,
      resolution: null,
      createdAt: new Date('2026-03-10T08:00:00Z'),
    };
    const page = presentTasks(
      { items: [task, { ...task, id: 'task_2', kind: 'call', journeyId: null }], nextCursor: 'next' },
      new Map([['jrn_2', 'inst 2']]),
      words(locale),
      { lang: locale, badCursor: false },
    );
    expect(page.lines.map((l) => [l.kind, l.payment?.href ?? null])).toEqual([
      [copy.tasks.kinds.handoff, '/app/payments/inst%202'],
      [copy.tasks.kinds.call, null],
    ]);
    expect(page.nextPage?.href).toBe(`/app/tasks?cursor=next&lang=${encodeURIComponent(locale)}`);
  });
});

describe('panel details', () => {
  it('drops a Temporal UI link that is not http(s)', () => {
    const details = { ...DETAILS, installment: { ...DETAILS.installment, temporalUiUrl: 'javascript:alert(1)' } };
    expect(presentDetails(details, words('en')).temporal).toBeNull();
  });
});
