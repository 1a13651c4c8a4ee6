/**
 * The payment tracking page: one row per installment of the period and filters, each linking to
 * its details; the next page by the report's cursor; the CSV downloads with the same filters.
 */
import type { TrackingPage, TrackingRow } from '../../application/reports';
import type { SellerPage } from '../seller/render';
import type { FilterForm } from './filter-form';
import { filterQuery } from './filters';
import { PANEL_PATHS } from './navigation';
import type { PanelWords } from './overview';

export interface TrackingLine {
  href: string | null;
  installment: string;
  product: string;
  buyer: string;
  buyerId: string;
  dueDate: string;
  amount: string;
  paid: string;
  outstanding: string;
  standing: { key: string; label: string };
  journey: string;
}

export interface TrackingPageView extends SellerPage {
  heading: string;
  form: FilterForm;
  table: {
    caption: string;
    headers: Record<
      'installment' | 'product' | 'buyer' | 'dueDate' | 'amount' | 'paid' | 'outstanding' | 'standing' | 'journey',
      string
    >;
    lines: TrackingLine[];
    empty: string;
    detailsLabel: string;
  } | null;
  nextPage: { href: string; label: string } | null;
  firstPage: { href: string; label: string } | null;
  downloads: { label: string; links: { href: string; label: string }[] };
}

export function presentTracking(
  page: TrackingPage | null,
  { form, words, paged }: { form: FilterForm; words: PanelWords; paged: boolean },
): TrackingPageView {
  const t = words.copy.tracking;
  const values = Object.fromEntries(form.fields.map((f) => [f.name, f.value]));
  const lang = form.lang ?? undefined;
  const exportQuery = filterQuery(values, { lang });
  return {
    title: t.title,
    heading: t.title,
    form,
    table: page
      ? {
          caption: t.caption,
          headers: {
            installment: t.installment,
            product: t.product,
            buyer: t.buyer,
            dueDate: t.dueDate,
            amount: t.amount,
            paid: t.paid,
            outstanding: t.outstanding,
            standing: t.standing,
            journey: t.journey,
          },
          lines: page.rows.map((row) => presentLine(row, words)),
          empty: t.empty,
          detailsLabel: t.details,
        }
      : null,
    nextPage: page?.nextCursor
      ? { href: `${PANEL_PATHS.payments}${filterQuery(values, { cursor: page.nextCursor, lang })}`, label: t.nextPage }
      : null,
    firstPage: paged ? { href: `${PANEL_PATHS.payments}${exportQuery}`, label: t.firstPage } : null,
    downloads: {
      label: t.downloads,
      links: [
        { href: `${PANEL_PATHS.trackingCsv}${exportQuery}`, label: t.trackingCsv },
        { href: `${PANEL_PATHS.attributionCsv}${exportQuery}`, label: t.attributionCsv },
      ],
    },
  };
}

function presentLine(row: TrackingRow, { copy, format }: PanelWords): TrackingLine {
  const money = (minor: number) => format.money(minor, row.currency);
  return {
    href: detailsHref(row),
    installment: copy.tracking.installmentOf({ n: row.installmentNumber }),
    product: row.productName,
    buyer: row.buyerName,
    buyerId: row.buyerId,
    dueDate: format.date(row.dueDate),
    amount: money(row.amountMinor),
    paid: money(row.paidMinor),
    outstanding: money(row.outstandingMinor),
    standing: { key: row.standing, label: copy.standings[row.standing] },
    journey: row.journey
      ? row.journey.outcome
        ? ((copy.outcomes as Record<string, string>)[row.journey.outcome] ?? row.journey.outcome)
        : ((copy.stages as Record<string, string>)[row.journey.stage] ?? row.journey.stage)
      : copy.tracking.noJourney,
  };
}

/** The details page of a row: by installment ID, else by purchase and number (ledger rows without one). */
export function detailsHref(
  row: Pick<TrackingRow, 'installmentId' | 'purchaseId' | 'installmentNumber'>,
): string | null {
  if (row.installmentId) return `${PANEL_PATHS.payments}/${encodeURIComponent(row.installmentId)}`;
  if (row.purchaseId)
    return `/app/purchases/${encodeURIComponent(row.purchaseId)}/installments/${row.installmentNumber}`;
  return null;
}
