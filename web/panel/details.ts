/**
 * The payment details page: the purchase, the buyer (the only page showing their email), the
 * amounts on time / late / overdue / pending, the purchase's installments, and the journey's
 * timeline with a link to its workflow in the Temporal UI.
 */
import type { PaymentDetails, TimelineEntry } from '../../application/reports';
import { safeHref } from '../page-frame';
import type { SellerPage } from '../seller/render';
import { channelName, type PanelWords } from './overview';
import { PANEL_PATHS } from './navigation';
import { detailsHref } from './tracking';

export interface TimelineLine {
  at: string;
  when: string;
  what: string;
  kind: TimelineEntry['kind'];
  /** "Template: …", "Status: …": the facts the entry has. */
  facts: { label: string; value: string }[];
  who: string | null;
}

export interface DetailsPage extends SellerPage {
  heading: string;
  back: { href: string; label: string };
  purchase: { heading: string; facts: { label: string; value: string }[] };
  buyer: { heading: string; facts: { label: string; value: string }[] };
  amounts: { heading: string; facts: { label: string; value: string }[] };
  installments: {
    heading: string;
    headers: { installment: string; dueDate: string; amount: string; paid: string; standing: string };
    thisOne: string;
    rows: {
      current: boolean;
      href: string | null;
      installment: string;
      dueDate: string;
      amount: string;
      paid: string;
      standing: { key: string; label: string };
    }[];
  };
  timeline: {
    heading: string;
    empty: string;
    headers: { when: string; what: string; who: string };
    lines: TimelineLine[];
  };
  temporal: { href: string; label: string } | null;
}

export function presentDetails(details: PaymentDetails, words: PanelWords): DetailsPage {
  const { copy, format } = words;
  const d = copy.details;
  const { purchase, buyer, amounts, installment } = details;
  const money = (minor: number) => format.money(minor, purchase.currency);
  const current = detailsHref(installment);
  const temporal = safeHref(installment.temporalUiUrl ?? undefined);
  return {
    title: d.title({ product: purchase.productName, n: installment.installmentNumber }),
    heading: d.title({ product: purchase.productName, n: installment.installmentNumber }),
    back: { href: PANEL_PATHS.payments, label: d.back },
    purchase: {
      heading: d.purchase,
      facts: [
        { label: d.product, value: purchase.productName },
        ...(purchase.purchaseId ? [{ label: d.purchaseId, value: purchase.purchaseId }] : []),
        { label: copy.tracking.dueDate, value: format.date(installment.dueDate) },
        { label: copy.tracking.standing, value: copy.standings[installment.standing] },
      ],
    },
    buyer: {
      heading: d.buyer,
      facts: [
        { label: d.buyerName, value: buyer.name },
        { label: d.buyerEmail, value: buyer.email ?? d.unknown },
        { label: d.buyerId, value: buyer.buyerId },
        { label: d.country, value: buyer.country ?? d.unknown },
      ],
    },
    amounts: {
      heading: d.amounts,
      facts: [
        { label: d.paidOnTime, value: money(amounts.paidOnTimeMinor) },
        { label: d.paidLate, value: money(amounts.paidLateMinor) },
        { label: d.overdue, value: money(amounts.overdueMinor) },
        { label: d.pending, value: money(amounts.pendingMinor) },
      ],
    },
    installments: {
      heading: d.installments,
      headers: {
        installment: copy.tracking.installment,
        dueDate: copy.tracking.dueDate,
        amount: copy.tracking.amount,
        paid: copy.tracking.paid,
        standing: copy.tracking.standing,
      },
      thisOne: d.thisOne,
      rows: details.installments.map((row) => {
        const href = detailsHref(row);
        return {
          current: href === current && row.installmentNumber === installment.installmentNumber,
          href,
          installment: copy.tracking.installmentOf({ n: row.installmentNumber }),
          dueDate: format.date(row.dueDate),
          amount: money(row.amountMinor),
          paid: money(row.paidMinor),
          standing: { key: row.standing, label: copy.standings[row.standing] },
        };
      }),
    },
    timeline: {
      heading: d.timeline,
      empty: d.noTimeline,
      headers: { when: d.when, what: d.what, who: d.who },
      lines: installment.timeline.map((entry) => presentEntry(entry, words)),
    },
    temporal: temporal ? { href: temporal, label: d.temporal } : null,
  };
}

function presentEntry(entry: TimelineEntry, { copy, format }: PanelWords): TimelineLine {
  const d = copy.details;
  const facts = [
    entry.template ? { label: d.template, value: entry.template } : null,
    entry.status ? { label: d.status, value: entry.status } : null,
    entry.provider ? { label: d.provider, value: entry.provider } : null,
    ...Object.entries(entry.detail ?? {}).map(([key, value]) => ({ label: key, value: detailValue(value) })),
  ].filter((fact) => fact !== null);
  const actorKind = entry.actor
    ? ((copy.actors as Record<string, string>)[entry.actor.kind] ?? entry.actor.kind)
    : null;
  return {
    at: entry.at,
    when: format.instant(entry.at),
    what:
      entry.kind === 'attempt' && entry.channel
        ? d.attempt({ channel: channelName(copy, entry.channel) })
        : ((copy.events as Record<string, string>)[entry.type] ?? entry.type),
    kind: entry.kind,
    facts,
    who: entry.actor ? `${actorKind} · ${entry.actor.id}` : null,
  };
}

/** An event's detail value as text: numbers and strings as they are, anything else as JSON. */
function detailValue(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}
