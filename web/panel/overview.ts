/**
 * The overview page: the period's KPIs and its three charts, worded and formatted for the locale.
 * The route fetches the numbers (application/reports.ts); this decides what the page says.
 */
import type { AttributionReport, CurvePoint, DailyRecovered, Overview } from '../../application/reports';
import { isLocalDate } from '../../domain/local-time';
import type { Locale } from '../../domain/locales';
import type { SellerPage } from '../seller/render';
import { minorUnitDigits } from '../buyer-area/amount-input';
import { type Chart, SERIES_COLOURS, drawChart } from './charts';
import type { PanelCopy } from './copy/types';
import type { FilterForm } from './filter-form';
import { filterQuery } from './filters';
import type { PanelFormat } from './format';

export interface OverviewNumbers {
  overview: Overview;
  attribution: AttributionReport;
  curve: CurvePoint[];
  daily: DailyRecovered[];
}

export interface Kpi {
  id: string;
  label: string;
  value: string;
  detail: string | null;
}

export interface OverviewPage extends SellerPage {
  heading: string;
  form: FilterForm;
  period: string | null;
  /** Null before the numbers are known (a query to fix) or when the period holds nothing. */
  report: {
    currency: string | null;
    otherCurrencies: { label: string; href: string }[];
    kpisHeading: string;
    kpis: Kpi[];
    charts: Chart[];
    dataTable: string;
    noData: string;
  } | null;
  empty: string | null;
}

export interface PanelWords {
  copy: PanelCopy;
  format: PanelFormat;
  locale: Locale;
}

export async function presentOverview(
  numbers: OverviewNumbers | null,
  { form, words, from, to }: { form: FilterForm; words: PanelWords; from: string; to: string },
): Promise<OverviewPage> {
  const { copy, format } = words;
  const o = copy.overview;
  const page = {
    title: o.title,
    heading: o.title,
    form,
    // A period typed wrong is said next to its field, not here.
    period: isLocalDate(from) && isLocalDate(to) ? o.period({ from: format.date(from), to: format.date(to) }) : null,
  };
  if (!numbers) return { ...page, report: null, empty: null };
  const { overview } = numbers;
  if (overview.currency === null || overview.installments.expected === 0)
    return { ...page, report: null, empty: o.empty };
  const currency = overview.currency;
  return {
    ...page,
    report: {
      currency: o.inCurrency({ currency }),
      otherCurrencies: overview.currencies
        .filter((c) => c !== currency)
        .map((c) => ({ label: c, href: `${form.action}${currencyQuery(form, c)}` })),
      kpisHeading: o.kpis,
      kpis: presentKpis(overview, currency, words),
      charts: await Promise.all([
        curveChart(numbers.curve, words),
        funnelChart(numbers.attribution, words),
        dailyChart(numbers.daily, currency, words),
      ]),
      dataTable: copy.charts.dataTable,
      noData: copy.charts.noData,
    },
    empty: null,
  };
}

function currencyQuery(form: FilterForm, currency: string): string {
  const values = Object.fromEntries(form.fields.map((f) => [f.name, f.value]));
  return filterQuery(values, { currency, lang: form.lang ?? undefined });
}

function presentKpis(overview: Overview, currency: string, { copy, format }: PanelWords): Kpi[] {
  const o = copy.overview;
  const money = (minor: number) => format.money(minor, currency);
  const { installments } = overview;
  return [
    {
      id: 'efficiency',
      label: o.efficiency,
      value: overview.collectionEfficiency === null ? o.notApplicable : format.percent(overview.collectionEfficiency),
      detail: o.efficiencyDetail({ paid: money(overview.paidMinor), expected: money(overview.expectedMinor) }),
    },
    {
      id: 'paid-on-time',
      label: o.paidOnTime,
      value: format.count(installments.paidOnTime),
      detail: o.installmentsOf({
        count: format.count(installments.paidOnTime),
        expected: format.count(installments.expected),
      }),
    },
    {
      id: 'recovered',
      label: o.recovered,
      value: format.count(installments.recovered),
      detail: o.installmentsOf({
        count: format.count(installments.recovered),
        expected: format.count(installments.expected),
      }),
    },
    { id: 'recovered-amount', label: o.recoveredAmount, value: money(overview.recoveredMinor), detail: null },
    {
      id: 'in-recovery',
      label: o.inRecoveryNow,
      value: money(overview.inRecoveryNow.outstandingMinor),
      detail: o.inRecoveryDetail({
        journeys: format.count(overview.inRecoveryNow.journeys),
        outstanding: money(overview.inRecoveryNow.outstandingMinor),
      }),
    },
    {
      id: 'expected-upcoming',
      label: o.expectedUpcoming({ days: overview.expectedUpcoming.days }),
      value: money(overview.expectedUpcoming.amountMinor),
      detail: o.expectedUpcomingDetail({
        installments: format.count(overview.expectedUpcoming.installments),
        amount: money(overview.expectedUpcoming.amountMinor),
      }),
    },
  ];
}

async function curveChart(points: CurvePoint[], { copy, format, locale }: PanelWords): Promise<Chart> {
  const c = copy.charts.curve;
  const drawn = points.length > 0;
  return {
    title: c.title,
    description: c.description,
    table: {
      headers: [c.day, c.share],
      rows: points.map((p) => [format.count(p.day), format.percent(p.share * 100)]),
    },
    svg: drawn
      ? await drawChart(
          {
            data: { values: points },
            mark: { type: 'line', point: true, color: SERIES_COLOURS[0] },
            encoding: {
              x: { field: 'day', type: 'quantitative', title: c.day, axis: { format: 'd', tickMinStep: 1 } },
              y: {
                field: 'share',
                type: 'quantitative',
                title: c.share,
                scale: { domain: [0, 1] },
                axis: { format: '.0%' },
              },
            },
          },
          { title: c.title, description: c.description, locale },
        )
      : null,
  };
}

async function funnelChart(attribution: AttributionReport, { copy, format, locale }: PanelWords): Promise<Chart> {
  const f = copy.charts.funnel;
  const days = attribution.paidWithinDays;
  const title = f.title({ days });
  const stages = [f.sent, f.delivered, f.paid({ days })];
  const steps = attribution.funnel.map((row) => ({
    label: f.stepLabel({ n: row.stepIndex + 1, channel: channelName(copy, row.channel) }),
    counts: [row.sent, row.delivered, row.paidWithin],
  }));
  return {
    title,
    description: f.description,
    table: {
      headers: [f.step, ...stages],
      rows: steps.map((s) => [s.label, ...s.counts.map(format.count)]),
    },
    svg:
      steps.length > 0
        ? await drawChart(
            {
              data: {
                values: steps.flatMap((s) =>
                  s.counts.map((count, i) => ({ step: s.label, stage: stages[i], order: i, count })),
                ),
              },
              mark: 'bar',
              encoding: {
                y: { field: 'step', type: 'nominal', title: f.step, sort: null },
                yOffset: { field: 'stage', type: 'nominal', sort: stages },
                x: { field: 'count', type: 'quantitative', title: null, axis: { format: ',d', tickMinStep: 1 } },
                color: {
                  field: 'stage',
                  type: 'nominal',
                  title: null,
                  sort: stages,
                  scale: { domain: stages, range: [...SERIES_COLOURS] },
                },
              },
            },
            { title, description: f.description, locale },
          )
        : null,
  };
}

async function dailyChart(
  daily: DailyRecovered[],
  currency: string,
  { copy, format, locale }: PanelWords,
): Promise<Chart> {
  const d = copy.charts.daily;
  const amountTitle = d.amount({ currency });
  const scale = 10 ** minorUnitDigits(currency);
  return {
    title: d.title,
    description: d.description,
    table: {
      headers: [d.date, amountTitle],
      rows: daily.map((day) => [format.date(day.date), format.money(day.recoveredMinor, currency)]),
    },
    svg: daily.some((day) => day.recoveredMinor > 0)
      ? await drawChart(
          {
            data: {
              values: daily.map((day) => ({ label: format.date(day.date), amount: day.recoveredMinor / scale })),
            },
            mark: { type: 'bar', color: SERIES_COLOURS[1] },
            encoding: {
              x: {
                field: 'label',
                type: 'ordinal',
                title: d.date,
                sort: null,
                axis: { labelOverlap: true, labelAngle: -40 },
              },
              y: { field: 'amount', type: 'quantitative', title: amountTitle, axis: { format: ',~f' } },
            },
          },
          { title: d.title, description: d.description, locale },
        )
      : null,
  };
}

/** A channel the build knows by its word; one it does not (a newer report) by its code. */
export function channelName(copy: PanelCopy, channel: string): string {
  return (copy.channels as Record<string, string>)[channel] ?? channel;
}
