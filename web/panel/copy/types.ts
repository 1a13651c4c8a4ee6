import type { Channel } from '../../../domain/channels';
import type { Actor, AuditEvent, Outcome, Stage } from '../../../domain/journey';
import type { EntryStanding } from '../../../domain/ledger';
import type { FilterProblem } from '../filters';

/**
 * The words of the collections panel in one locale. As in web/copy/types.ts, sentences with values
 * are functions of exactly the values they need, already formatted: a locale that forgets a key
 * fails to compile.
 */
export interface PanelCopy {
  nav: { label: string; overview: string; payments: string; tasks: string };
  filters: {
    legend: string;
    from: string;
    to: string;
    presets: string;
    lastDays: (v: { days: number }) => string;
    product: string;
    country: string;
    countryHint: string;
    policy: string;
    channel: string;
    currency: string;
    standing: string;
    buyer: string;
    any: string;
    apply: string;
    clear: string;
  };
  /** Said next to the field a query got wrong; the page answers 400. */
  problems: Record<FilterProblem, string>;
  /** Above the form when a field is wrong. */
  fixTheFields: string;
  channels: Record<Channel, string>;
  standings: Record<EntryStanding, string>;
  stages: Record<Stage, string>;
  outcomes: Record<Outcome, string>;
  actors: Record<Actor['kind'], string>;
  /** A journey's events on the timeline (a type this build does not know shows its code). */
  events: Record<AuditEvent['type'], string>;
  overview: {
    title: string;
    period: (v: { from: string; to: string }) => string;
    inCurrency: (v: { currency: string }) => string;
    empty: string;
    kpis: string;
    efficiency: string;
    efficiencyDetail: (v: { paid: string; expected: string }) => string;
    notApplicable: string;
    paidOnTime: string;
    recovered: string;
    recoveredAmount: string;
    inRecoveryNow: string;
    inRecoveryDetail: (v: { journeys: string; outstanding: string }) => string;
    expectedUpcoming: (v: { days: number }) => string;
    expectedUpcomingDetail: (v: { installments: string; amount: string }) => string;
    installmentsOf: (v: { count: string; expected: string }) => string;
  };
  charts: {
    dataTable: string;
    noData: string;
    curve: { title: string; day: string; share: string; description: string };
    funnel: {
      title: (v: { days: number }) => string;
      step: string;
      sent: string;
      delivered: string;
      paid: (v: { days: number }) => string;
      stepLabel: (v: { n: number; channel: string }) => string;
      description: string;
    };
    daily: { title: string; date: string; amount: (v: { currency: string }) => string; description: string };
  };
  tracking: {
    title: string;
    caption: string;
    installment: string;
    installmentOf: (v: { n: number }) => string;
    product: string;
    buyer: string;
    dueDate: string;
    amount: string;
    paid: string;
    outstanding: string;
    standing: string;
    journey: string;
    noJourney: string;
    empty: string;
    details: string;
    nextPage: string;
    firstPage: string;
    downloads: string;
    trackingCsv: string;
    attributionCsv: string;
  };
  details: {
    title: (v: { product: string; n: number }) => string;
    purchase: string;
    product: string;
    purchaseId: string;
    buyer: string;
    buyerName: string;
    buyerEmail: string;
    buyerId: string;
    country: string;
    unknown: string;
    amounts: string;
    paidOnTime: string;
    paidLate: string;
    overdue: string;
    pending: string;
    installments: string;
    thisOne: string;
    timeline: string;
    noTimeline: string;
    when: string;
    what: string;
    who: string;
    attempt: (v: { channel: string }) => string;
    template: string;
    status: string;
    provider: string;
    temporal: string;
    back: string;
  };
  tasks: {
    title: string;
    caption: string;
    empty: string;
    kind: string;
    kinds: { handoff: string; call: string };
    reason: string;
    buyer: string;
    opened: string;
    holdUntil: string;
    journey: string;
    openPayment: string;
    noPayment: string;
    nextPage: string;
  };
  notFound: { title: string; body: string; back: string };
}
