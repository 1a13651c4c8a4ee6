/**
 * The purchase ledger as its readers see it — the API, the buyer's payment area, later the
 * collections panel: the schedule the payment system sent, merged with the installments that
 * became journeys (where a journey moved a due date, and its payments), each installment with
 * its standing computed by the domain's rule.
 */
import type { Database } from '../db/client';
import { type JourneyEntryRow, findLedger } from '../db/purchase-repository';
import type { Buyer } from '../domain/installment';
import { type EntryStanding, entryState } from '../domain/ledger';
import { isoInstant } from '../domain/local-time';
import { journeyWorkflowId } from '../workflows/messages';

export interface LedgerInstallment {
  number: number;
  /** The payment system's installment id, when known (the one its journey runs under). */
  installmentId: string | null;
  amountMinor: number;
  /** The schedule's due date. */
  dueDate: string;
  /** The due date now: a journey may have moved it at the buyer's or an agent's request. */
  currentDueDate: string;
  standing: EntryStanding;
  paidMinor: number;
  outstandingMinor: number;
  /** When the payment that settled it was made (ISO 8601). */
  paidAt: string | null;
  paymentUrl: string | null;
  journey: { journeyId: string; outcome: string | null; policy: { id: string; version: number } | null } | null;
}

export interface PurchaseLedger {
  purchaseId: string;
  buyer: Buyer;
  product: { id: string; name: string };
  currency: string;
  installmentCount: number;
  installments: LedgerInstallment[];
  payments: { paymentId: string; installmentNumber: number; amountMinor: number; paidAt: string }[];
}

/** The purchase's ledger as of `now`; null when neither a schedule nor a journey names it. */
export async function readPurchaseLedger(
  db: Database,
  tenantId: string,
  purchaseId: string,
  now: number,
): Promise<PurchaseLedger | null> {
  const stored = await findLedger(db, tenantId, purchaseId);
  const first = stored.journeys[0];
  const about = stored.purchase
    ? {
        buyer: stored.purchase.buyer,
        product: { id: stored.purchase.productId, name: stored.purchase.productName },
        currency: stored.purchase.currency,
      }
    : first && {
        buyer: first.buyer,
        product: { id: first.productId, name: first.productName },
        currency: first.currency,
      };
  if (!about) return null;

  const journeyOf = new Map<number, JourneyEntryRow>(stored.journeys.map((j) => [j.installmentNumber, j]));
  const entries = new Map<
    number,
    Omit<LedgerInstallment, 'standing' | 'paidMinor' | 'outstandingMinor' | 'paidAt'> & { canceled: boolean }
  >();
  for (const row of stored.schedule) {
    const journey = journeyOf.get(row.number);
    entries.set(row.number, {
      number: row.number,
      installmentId: row.installmentId ?? journey?.installmentId ?? null,
      amountMinor: row.amountMinor,
      dueDate: row.dueDate,
      currentDueDate: journey?.dueDate ?? row.dueDate,
      canceled: row.canceled,
      paymentUrl: row.paymentUrl ?? journey?.paymentUrl ?? null,
      journey: journey ? journeyView(tenantId, journey) : null,
    });
  }
  for (const journey of stored.journeys) {
    if (entries.has(journey.installmentNumber)) continue;
    entries.set(journey.installmentNumber, {
      number: journey.installmentNumber,
      installmentId: journey.installmentId,
      amountMinor: journey.amountMinor,
      dueDate: journey.originalDueDate,
      currentDueDate: journey.dueDate,
      canceled: false,
      paymentUrl: journey.paymentUrl,
      journey: journeyView(tenantId, journey),
    });
  }

  const installments = [...entries.values()]
    .sort((a, b) => a.number - b.number)
    .map(({ canceled, ...entry }) => {
      const state = entryState({ ...entry, canceled }, stored.payments, now, about.buyer.timezone);
      return {
        ...entry,
        standing: state.standing,
        paidMinor: state.paidMinor,
        outstandingMinor: state.outstandingMinor,
        paidAt: state.settledAt === null ? null : isoInstant(state.settledAt),
      };
    });
  return {
    purchaseId,
    ...about,
    installmentCount: Math.max(installments.length, ...stored.journeys.map((j) => j.installmentCount)),
    installments,
    payments: stored.payments
      .sort((a, b) => a.paidAt - b.paidAt)
      .map((p) => ({
        paymentId: p.paymentId,
        installmentNumber: p.installmentNumber,
        amountMinor: p.amountMinor,
        paidAt: isoInstant(p.paidAt),
      })),
  };
}

function journeyView(tenantId: string, journey: JourneyEntryRow): LedgerInstallment['journey'] {
  return {
    journeyId: journey.journeyId ?? journeyWorkflowId(tenantId, journey.installmentId),
    outcome: journey.outcome,
    policy:
      journey.policyId === null || journey.policyVersion === null
        ? null
        : { id: journey.policyId, version: journey.policyVersion },
  };
}
