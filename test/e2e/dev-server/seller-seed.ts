/**
 * A seller's ledger put through the public API as a payment system would: purchases with their
 * schedules (the purchase ledger), payments on time, journeys started for installments that fell
 * overdue, some of them paid since (recovered), some still open. Due dates are relative to today
 * (UTC) and kept days away from the default period's edges and from midnight in the buyer's zone,
 * so the panel's default period (the last 30 days) reads them whatever the hour of the run.
 */
import type { DunningClient } from '../../../packages/api-client/src/index';
import { addDays } from '../../../domain/local-time';
import { type Policy, defaultPolicy } from '../../../domain/policy';
import { eventually } from '../eventually';
import { zoneWhereItIs } from './real-time';

/** What becomes of an installment; the seed makes it so through the API. */
export type Fate =
  /** The schedule says it was paid, the day before its due date. */
  | 'declared_on_time'
  /** A payment reported for it the day before its due date. */
  | 'reported_on_time'
  /** Overdue, a journey started for it, then paid (now). */
  | 'recovered'
  /** Overdue, a journey started for it, still unpaid. */
  | 'in_recovery'
  /** Overdue without a journey, then paid (now): paid late, but not the agent's recovery. */
  | 'paid_late_without_journey'
  /** Overdue without a journey, unpaid. */
  | 'overdue'
  | 'upcoming'
  | 'canceled';

export interface PlannedInstallment {
  number: number;
  /** The due date, in days from today (negative: in the past). */
  dueInDays: number;
  amountMinor: number;
  fate: Fate;
}

export interface PlannedPurchase {
  purchaseId: string;
  buyerId: string;
  installments: PlannedInstallment[];
}

/** A purchase of `buyer` whose installments are numbered in the order given: [due in days, amount, fate]. */
export function purchaseOf(buyer: string, ...installments: [number, number, Fate][]): PlannedPurchase {
  return {
    purchaseId: `pur-${buyer}`,
    buyerId: `buyer-${buyer}`,
    installments: installments.map(([dueInDays, amountMinor, fate], i) => ({
      number: i + 1,
      dueInDays,
      amountMinor,
      fate,
    })),
  };
}

export interface SellerLedger {
  currency: string;
  product: { id: string; name: string };
  purchases: PlannedPurchase[];
}

const BUYER_ZONE = zoneWhereItIs(15);

/** What the test reads of a journey in the database. */
export interface JourneyState {
  stage: string;
  outcome: string | null;
  /** Attempts that went out to the buyer. */
  sent: number;
}

/**
 * The default ladder on every day of the week: a journey started late sends its missed step at
 * once, so each recovery has a reminder before its payment (the attribution and funnel have data).
 */
const { version: _version, ...EVERY_DAY } = {
  ...defaultPolicy,
  id: 'every-day',
  allowedWeekdays: [1, 2, 3, 4, 5, 6, 7],
  holidays: { observePublicHolidays: false },
} satisfies Policy;
const JOURNEY_FATES: readonly Fate[] = ['recovered', 'in_recovery'];
const LATE_PAYMENT_FATES: readonly Fate[] = ['recovered', 'paid_late_without_journey'];

const today = () => new Date().toISOString().slice(0, 10);
const installmentIdOf = (purchase: PlannedPurchase, entry: PlannedInstallment) =>
  `${purchase.purchaseId}-${entry.number}`;
/** Noon UTC the day before `dueDate`: on time in any zone of the Americas or Europe. */
const dayBefore = (dueDate: string) => `${addDays(dueDate, -1)}T12:00:00Z`;

function dueDateOf(entry: PlannedInstallment): string {
  return addDays(today(), entry.dueInDays);
}

async function ok<T>(what: string, call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data, response } = await call;
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.clone().text()}`);
  return data as T;
}

/** Puts the ledger through the API, and waits until every journey it started has its outcome. */
export async function seedLedger(
  api: DunningClient,
  ledger: SellerLedger,
  journeys: { stateOf(installmentId: string): Promise<JourneyState | undefined> },
): Promise<void> {
  await ok('POST policy', api.POST('/v1/policies', { body: EVERY_DAY }));
  for (const purchase of ledger.purchases) await putSchedule(api, ledger, purchase);
  const each = (fates: readonly Fate[]) =>
    ledger.purchases.flatMap((purchase) =>
      purchase.installments.filter((e) => fates.includes(e.fate)).map((entry) => ({ purchase, entry })),
    );

  for (const { purchase, entry } of each(['reported_on_time']))
    await pay(api, ledger, purchase, entry, dayBefore(dueDateOf(entry)));
  for (const { purchase, entry } of each(JOURNEY_FATES)) {
    await startJourney(api, ledger, purchase, entry);
    // A payment reaches the journey only once the ledger knows of it (its first record); it
    // follows the journey's first reminder, as a recovery does.
    const id = installmentIdOf(purchase, entry);
    await eventually(`the journey of ${id} recorded with a reminder sent`, async () =>
      ((await journeys.stateOf(id))?.sent ?? 0) > 0 ? true : undefined,
    );
  }
  for (const { purchase, entry } of each(LATE_PAYMENT_FATES)) await pay(api, ledger, purchase, entry);
  for (const { purchase, entry } of each(JOURNEY_FATES)) {
    const id = installmentIdOf(purchase, entry);
    const wanted = entry.fate === 'recovered' ? 'recovered' : 'overdue';
    await eventually(`the journey of ${id} ${wanted}`, async () => {
      const state = await journeys.stateOf(id);
      return (state?.outcome ?? state?.stage) === wanted ? true : undefined;
    });
  }
}

function buyerOf(purchase: PlannedPurchase) {
  return {
    id: purchase.buyerId,
    name: `Buyer ${purchase.buyerId}`,
    email: `${purchase.buyerId}@example.com`,
    locale: 'pt-BR' as const,
    // Mid-afternoon for the buyer now: the missed step goes out at once, inside the contact window.
    timezone: BUYER_ZONE,
    country: 'BR',
  };
}

function putSchedule(api: DunningClient, ledger: SellerLedger, purchase: PlannedPurchase) {
  return ok(
    `PUT purchase ${purchase.purchaseId}`,
    api.PUT('/v1/purchases/{purchaseId}', {
      params: { path: { purchaseId: purchase.purchaseId } },
      body: {
        buyer: buyerOf(purchase),
        product: ledger.product,
        currency: ledger.currency,
        installments: purchase.installments.map((entry) => ({
          number: entry.number,
          amountMinor: entry.amountMinor,
          dueDate: dueDateOf(entry),
          ...(JOURNEY_FATES.includes(entry.fate) && { installmentId: installmentIdOf(purchase, entry) }),
          ...(entry.fate === 'declared_on_time'
            ? { status: 'paid' as const, paidAt: dayBefore(dueDateOf(entry)) }
            : { status: entry.fate === 'canceled' ? ('canceled' as const) : ('pending' as const) }),
        })),
      },
    }),
  );
}

function pay(
  api: DunningClient,
  ledger: SellerLedger,
  purchase: PlannedPurchase,
  entry: PlannedInstallment,
  paidAt?: string,
) {
  return ok(
    `POST payment of ${purchase.purchaseId} #${entry.number}`,
    api.POST('/v1/purchases/{purchaseId}/payments', {
      params: { path: { purchaseId: purchase.purchaseId } },
      body: {
        paymentId: `pay-${installmentIdOf(purchase, entry)}`,
        installmentNumber: entry.number,
        amountMinor: entry.amountMinor,
        currency: ledger.currency,
        ...(paidAt && { paidAt }),
      },
    }),
  );
}

function startJourney(api: DunningClient, ledger: SellerLedger, purchase: PlannedPurchase, entry: PlannedInstallment) {
  const installmentId = installmentIdOf(purchase, entry);
  return ok(
    `POST journey ${installmentId}`,
    api.POST('/v1/journeys', {
      body: {
        installmentId,
        purchaseId: purchase.purchaseId,
        product: ledger.product,
        buyer: buyerOf(purchase),
        amount: { amountMinor: entry.amountMinor, currency: ledger.currency },
        installmentNumber: entry.number,
        installmentCount: purchase.installments.length,
        dueDate: dueDateOf(entry),
        paymentUrl: `https://pay.example.com/i/${installmentId}`,
        policyId: EVERY_DAY.id,
      },
    }),
  );
}
