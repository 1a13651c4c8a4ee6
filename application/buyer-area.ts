/**
 * The buyer's payment area as use cases, for the pages in web/: what a signed link opens (the
 * purchase's ledger, and for each installment what the buyer may do), and the buyer's actions.
 * Each action goes through the installment's journey, so its policy decides: a new due date is the
 * journey's `changeDueDate` update; an amount to pay now is checked against the policy's
 * partial-payment rule; every action is recorded on the journey with the buyer as actor.
 */
import type { Database } from '../db/client';
import { findTenant } from '../db/access-repository';
import { type Actor, type BuyerAction, type DueDateRefusal, dueDateWindow } from '../domain/journey';
import { isOpenStanding } from '../domain/ledger';
import { instantToZoned } from '../domain/local-time';
import { type PartialPaymentRefusal, checkPartialPayment, smallestPartialPayment } from '../domain/partial-payments';
import { type Policy, promiseRules } from '../domain/policy';
import { type PromiseRefusal, promiseWindow } from '../domain/promises';
import type { BuyerPurchase } from '../domain/purchase';
import type { JourneyStatus } from '../domain/status';
import { fillUrlTemplate } from '../domain/url-templates';
import type { JourneyGateway, JourneyRef } from './journey-gateway';
import { currentJourneyStatus } from './journey-status';
import type { PolicyCatalog } from './policy-catalog';
import { recordPromise } from './promises';
import { type LedgerInstallment, type PurchaseLedger, readPurchaseLedger } from './purchase-ledger';

export interface BuyerAreaDeps {
  db: Database;
  gateway: JourneyGateway;
  policies: PolicyCatalog;
  now: () => number;
}

/** What the buyer may do with one installment; null = not offered. */
export interface InstallmentOffers {
  payNowUrl: string | null;
  partial: { minimumMinor: number; maximumMinor: number } | null;
  dueDate: { min: string; max: string } | null;
  /** "I'll pay on …": the dates the policy allows, and what is still open (an empty amount promises it all). */
  promise: { min: string; max: string; outstandingMinor: number } | null;
  /** The promise already open on the installment's journey. */
  promised: { date: string; amountMinor: number } | null;
  paymentMethodUrl: string | null;
}

export interface AreaInstallment {
  entry: LedgerInstallment;
  offers: InstallmentOffers;
}

export interface BuyerArea {
  binding: BuyerPurchase;
  sellerName: string;
  /** The tenant's URL templates for the payment system's pages (domain/url-templates.ts). */
  templates: { checkout: string | null; paymentMethod: string | null };
  ledger: PurchaseLedger;
  installments: AreaInstallment[];
}

/** An installment's open journey, as the actions need it. */
interface OpenJourney {
  ref: JourneyRef;
  status: JourneyStatus;
  policy: Policy;
}

export function buyerActor(binding: BuyerPurchase): Actor {
  return { kind: 'buyer', id: binding.buyerId };
}

/**
 * What the link opens, or null when there is nothing to show: no such purchase, or a purchase
 * that is not this buyer's (a link is bound to tenant, buyer and purchase alike).
 */
export async function openBuyerArea(deps: BuyerAreaDeps, binding: BuyerPurchase): Promise<BuyerArea | null> {
  const now = deps.now();
  const ledger = await readPurchaseLedger(deps.db, binding.tenantId, binding.purchaseId, now);
  if (!ledger || ledger.buyer.id !== binding.buyerId) return null;
  const tenant = await findTenant(deps.db, binding.tenantId);
  const templates = {
    checkout: tenant?.checkoutUrlTemplate ?? null,
    paymentMethod: tenant?.paymentMethodUrlTemplate ?? null,
  };
  const today = instantToZoned(now, ledger.buyer.timezone).date;
  const installments = await Promise.all(
    ledger.installments.map(async (entry) => {
      const journey = await openJourney(deps, binding, entry);
      const open = isOpenStanding(entry.standing) && entry.outstandingMinor > 0;
      const partialRule = journey?.policy.partialPayments;
      const offers: InstallmentOffers = {
        payNowUrl: open ? entry.paymentUrl : null,
        partial:
          open && journey && partialRule?.allowed && templates.checkout
            ? {
                minimumMinor: smallestPartialPayment(partialRule, journey.status.outstandingMinor),
                maximumMinor: journey.status.outstandingMinor,
              }
            : null,
        dueDate: journey ? dueDateWindow({ ...journey.status, closed: false }, journey.policy.reschedule, today) : null,
        promise: journey && !journey.status.promise ? promiseOffer(journey, ledger.buyer.timezone, now) : null,
        promised: journey?.status.promise ?? null,
        paymentMethodUrl:
          open && templates.paymentMethod
            ? fillUrlTemplate(templates.paymentMethod, {
                purchaseId: binding.purchaseId,
                installmentNumber: entry.number,
                buyerId: binding.buyerId,
                ...(entry.installmentId && { installmentId: entry.installmentId }),
              })
            : null,
      };
      return { entry, offers };
    }),
  );
  return { binding, sellerName: tenant?.name ?? binding.tenantId, templates, ledger, installments };
}

function promiseOffer(journey: OpenJourney, timeZone: string, now: number): InstallmentOffers['promise'] {
  const window = promiseWindow(promiseRules(journey.policy), timeZone, now);
  return window && { ...window, outstandingMinor: journey.status.outstandingMinor };
}

/** The installment's journey while it runs, with the status and the policy version it runs. */
async function openJourney(
  deps: BuyerAreaDeps,
  binding: BuyerPurchase,
  entry: LedgerInstallment,
): Promise<OpenJourney | null> {
  if (!entry.journey || entry.journey.outcome !== null || !entry.installmentId) return null;
  const ref = { tenantId: binding.tenantId, installmentId: entry.installmentId };
  const status = await currentJourneyStatus(deps, ref);
  if (!status || status.outcome !== null) return null;
  const policy = await deps.policies.version(ref.tenantId, status.policy.id, status.policy.version);
  return policy && { ref, status, policy };
}

export type DueDateAnswer =
  { kind: 'changed'; dueDate: string } | { kind: 'refused'; reason: DueDateRefusal } | { kind: 'unavailable' };

/** The buyer asks for a new due date: the journey's update answers, under its policy. */
export async function askForNewDueDate(
  deps: BuyerAreaDeps,
  area: BuyerArea,
  installmentNumber: number,
  dueDate: string,
): Promise<DueDateAnswer> {
  const entry = area.ledger.installments.find((i) => i.number === installmentNumber);
  const journey = entry && (await openJourney(deps, area.binding, entry));
  if (!journey) return { kind: 'unavailable' };
  const result = await deps.gateway.changeDueDate(journey.ref, { dueDate, actor: buyerActor(area.binding) });
  if (result.kind === 'accepted') return { kind: 'changed', dueDate: result.result.dueDate };
  if (result.kind === 'refused') return { kind: 'refused', reason: result.reason };
  return { kind: 'unavailable' };
}

export type PromiseAnswer =
  | { kind: 'promised'; date: string; amountMinor: number }
  | { kind: 'refused'; reason: PromiseRefusal }
  | { kind: 'unavailable' };

/** The buyer promises to pay by a date (all that is open, or `amountMinor`): the journey's update answers. */
export async function promiseToPay(
  deps: BuyerAreaDeps,
  area: BuyerArea,
  installmentNumber: number,
  promise: { date: string; amountMinor?: number | undefined },
): Promise<PromiseAnswer> {
  const entry = area.ledger.installments.find((i) => i.number === installmentNumber);
  const journey = entry && (await openJourney(deps, area.binding, entry));
  if (!journey) return { kind: 'unavailable' };
  const result = await recordPromise(deps, journey.ref, { ...promise, actor: buyerActor(area.binding) });
  if (result.kind === 'accepted')
    return { kind: 'promised', date: result.result.date, amountMinor: result.result.amountMinor };
  if (result.kind === 'refused') return { kind: 'refused', reason: result.reason };
  return { kind: 'unavailable' };
}

export type PartialAnswer =
  | { kind: 'checkout'; url: string }
  | { kind: 'refused'; reason: PartialPaymentRefusal | 'above_balance'; minimumMinor: number; maximumMinor: number }
  | { kind: 'unavailable' };

/**
 * The buyer chooses an amount to pay now: checked against the journey's policy, then the
 * payment system's checkout for that amount (the tenant's template).
 */
export async function choosePartialAmount(
  deps: BuyerAreaDeps,
  area: BuyerArea,
  installmentNumber: number,
  amountMinor: number,
): Promise<PartialAnswer> {
  const found = area.installments.find((i) => i.entry.number === installmentNumber);
  const entry = found?.entry;
  const journey = entry && (await openJourney(deps, area.binding, entry));
  const checkout = area.templates.checkout;
  if (!entry || !journey || !checkout) return { kind: 'unavailable' };
  const rule = journey.policy.partialPayments;
  const outstanding = journey.status.outstandingMinor;
  const bounds = { minimumMinor: smallestPartialPayment(rule, outstanding), maximumMinor: outstanding };
  if (amountMinor > outstanding) return { kind: 'refused', reason: 'above_balance', ...bounds };
  const refusal = checkPartialPayment(rule, outstanding, amountMinor);
  if (refusal) return { kind: 'refused', reason: refusal, ...bounds };
  await record(deps, area, journey, 'pay_part', amountMinor);
  const url = fillUrlTemplate(checkout, {
    purchaseId: area.binding.purchaseId,
    installmentNumber,
    buyerId: area.binding.buyerId,
    amountMinor,
    currency: area.ledger.currency,
    ...(entry.installmentId && { installmentId: entry.installmentId }),
  });
  return { kind: 'checkout', url };
}

/**
 * Where "Pay now" or "Change payment method" leads for this installment (recorded on its
 * journey); null when not offered.
 */
export async function followLink(
  deps: BuyerAreaDeps,
  area: BuyerArea,
  installmentNumber: number,
  action: Extract<BuyerAction, 'pay_now' | 'payment_method'>,
): Promise<string | null> {
  const found = area.installments.find((i) => i.entry.number === installmentNumber);
  const url = action === 'pay_now' ? found?.offers.payNowUrl : found?.offers.paymentMethodUrl;
  if (!found || !url) return null;
  const journey = await openJourney(deps, area.binding, found.entry);
  if (journey) await record(deps, area, journey, action);
  return url;
}

async function record(
  deps: BuyerAreaDeps,
  area: BuyerArea,
  journey: OpenJourney,
  action: BuyerAction,
  amountMinor?: number,
): Promise<void> {
  await deps.gateway.recordBuyerAction(journey.ref, {
    action,
    ...(amountMinor !== undefined && { amountMinor }),
    actor: buyerActor(area.binding),
  });
}
