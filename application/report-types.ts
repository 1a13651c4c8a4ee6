import type { PolicyChoiceRow } from '../db/report-details';
/**
 * The seller's numbers (issue 14): what the reports API, the collections panel and the CSV
 * exports show. CONTRACT: these types are shared by the reports routes, the panel pages and the
 * benchmark, through application/reports.ts (which also holds `createReports`); they live here
 * so that the modules implementing them need not import the module that assembles them.
 *
 * Definitions (the pure arithmetic lives in domain/reports.ts, written once):
 * - The period selects ledger installments by their schedule due date, `from`..`to` inclusive.
 *   The ledger is the purchase ledger's installments plus installments started as journeys
 *   without a purchase.
 * - expected = amounts of the period's installments not canceled; paid = what was paid on them
 *   (each capped at its amount); collection efficiency = paid / expected (0–100 %, null when
 *   nothing was expected).
 * - paid on time = settled by the end of its due date (buyer's zone); recovered = settled after
 *   it while a journey ran for it; recovered amount = what was paid on them after the due date.
 * - in recovery now = open journeys with money overdue (count and outstanding amount), whatever
 *   the period; expected upcoming = outstanding of installments due in the next 30 days.
 * - Attribution: a recovered installment's payment is credited to the last attempt sent before
 *   it, within `windowDays` (default 7) before the payment; none in the window = `unattributed`.
 * - Amounts are never summed across currencies: a report is in one currency (`filter.currency`,
 *   else the one with the most expected in the period).
 */
import type { Channel } from '../domain/channels';
import type { LocalDate } from '../domain/local-time';
import type { EntryStanding } from '../domain/ledger';
import type { FunnelCounts } from '../domain/reports';
import type { Database } from '../db/client';

export interface ReportFilter {
  tenantId: string;
  from: LocalDate;
  /** Inclusive. */
  to: LocalDate;
  productId?: string | undefined;
  /** ISO 3166-1 alpha-2, the buyer's country. */
  country?: string | undefined;
  policyId?: string | undefined;
  /** Installments whose journey sent at least one attempt on this channel. */
  channel?: Channel | undefined;
  currency?: string | undefined;
}

export interface Overview {
  currency: string | null;
  /** Every currency with expected amounts in the period, most expected first. */
  currencies: string[];
  expectedMinor: number;
  paidMinor: number;
  /** 0–100, one decimal; null when nothing was expected. */
  collectionEfficiency: number | null;
  installments: {
    expected: number;
    paidOnTime: number;
    recovered: number;
    paidLateWithoutJourney: number;
    open: number;
  };
  recoveredMinor: number;
  inRecoveryNow: { journeys: number; outstandingMinor: number };
  expectedUpcoming: { days: number; installments: number; amountMinor: number };
}

export interface TrackingRow {
  installmentId: string | null;
  purchaseId: string | null;
  installmentNumber: number;
  productId: string;
  productName: string;
  buyerId: string;
  /** Personal data, shown to people with `reports:read` on the page; never logged. */
  buyerName: string;
  dueDate: LocalDate;
  amountMinor: number;
  paidMinor: number;
  outstandingMinor: number;
  currency: string;
  standing: EntryStanding;
  /** The journey's stage and outcome, when one ran. */
  journey: { id: string; stage: string; outcome: string | null } | null;
}

export interface TrackingQuery extends ReportFilter {
  standing?: EntryStanding | undefined;
  buyerId?: string | undefined;
  /** Opaque, from the previous page's `nextCursor`. */
  cursor?: string | undefined;
  /** 1–200, default 50. */
  limit?: number | undefined;
}

export interface TrackingPage {
  rows: TrackingRow[];
  nextCursor: string | null;
}

export interface TimelineEntry {
  at: string;
  kind: 'attempt' | 'event';
  /** attempt: `reminder`; event: the event type (`started`, `payment_received`, …). */
  type: string;
  channel?: string | undefined;
  template?: string | undefined;
  /** attempt: the provider's status (`sent`, `delivered`, `bounced`…). */
  status?: string | undefined;
  provider?: string | undefined;
  /** Who did it: the Actor's kind and id (never personal data). */
  actor?: { kind: string; id: string } | undefined;
  /** event: amounts, dates, reasons (no personal data). */
  detail?: Record<string, unknown> | undefined;
}

export type InstallmentRef = { installmentId: string } | { purchaseId: string; number: number };

export interface PaymentDetails {
  purchase: { purchaseId: string | null; productId: string; productName: string; currency: string };
  buyer: { buyerId: string; name: string; email: string | null; country: string | null };
  amounts: { paidOnTimeMinor: number; paidLateMinor: number; overdueMinor: number; pendingMinor: number };
  installments: TrackingRow[];
  /** The installment asked for, with its journey's timeline (newest last) and the Temporal UI link. */
  installment: TrackingRow & {
    timeline: TimelineEntry[];
    /** Null when TEMPORAL_UI_URL is unknown or no journey ran. */
    temporalUiUrl: string | null;
    workflowId: string | null;
    /** How its journey's policy was chosen (segment rule, experiment arm); null when no journey ran. */
    policyChoice: PolicyChoiceRow | null;
  };
}

export interface AttributionRow {
  installmentId: string;
  journeyId: string;
  paymentAt: string;
  recoveredMinor: number;
  currency: string;
  /** The last attempt before the payment within the window; null = unattributed. */
  step: { stepIndex: number; channel: string; template: string; sentAt: string } | null;
}

/** Per step, channel and template: sent, delivered, and paid within `paidWithinDays` (domain/reports.ts). */
export type FunnelRow = FunnelCounts;

export interface AttributionReport {
  windowDays: number;
  paidWithinDays: number;
  /** Recovered installments per step and channel (each payment counted once). */
  byStep: { stepIndex: number | null; channel: string | null; recovered: number; recoveredMinor: number }[];
  funnel: FunnelRow[];
}

export interface CurvePoint {
  /** Days after the due date. */
  day: number;
  /** Cumulative share (0–1) of the period's overdue installments paid by then. */
  share: number;
}

export interface DailyRecovered {
  date: LocalDate;
  recoveredMinor: number;
}

export interface Reports {
  overview(filter: ReportFilter): Promise<Overview>;
  tracking(query: TrackingQuery): Promise<TrackingPage>;
  /** Null when the tenant has none; ledger rows without an installment ID are found by purchase and number. */
  paymentDetails(tenantId: string, ref: InstallmentRef): Promise<PaymentDetails | null>;
  attribution(filter: ReportFilter & { windowDays?: number; paidWithinDays?: number }): Promise<AttributionReport>;
  attributionRows(
    filter: ReportFilter & { windowDays?: number; cursor?: string; limit?: number },
  ): Promise<{ rows: AttributionRow[]; nextCursor: string | null }>;
  recoveryCurve(filter: ReportFilter & { days?: number }): Promise<CurvePoint[]>;
  dailyRecovered(filter: ReportFilter): Promise<DailyRecovered[]>;
  /** CSV text in chunks (header first), every row of the filter, for streaming. */
  trackingCsv(query: TrackingQuery): AsyncIterable<string>;
  attributionCsv(filter: ReportFilter & { windowDays?: number }): AsyncIterable<string>;
}

export interface ReportsDeps {
  db: Database;
  now: () => number;
  /** The Temporal UI and namespace the details link to; null when unknown. */
  temporalUi: { url: string; namespace: string } | null;
}
