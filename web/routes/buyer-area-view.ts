/**
 * From what a link opens (application/buyer-area.ts) to what the page shows (BuyerAreaView):
 * statuses as the buyer reads them, dates in the buyer's calendar, and each offer as a link or a
 * form of this page.
 */
import type { AreaInstallment, BuyerArea } from '../../application/buyer-area';
import { isOpenStanding } from '../../domain/ledger';
import { instantToZoned } from '../../domain/local-time';
import type { BuyerAreaNotice, BuyerAreaView, InstallmentStatus, InstallmentView } from '../buyer-area/view';

export function buyerAreaView(
  area: BuyerArea,
  page: { self: string; csrfToken: string; notice: BuyerAreaNotice | undefined },
): BuyerAreaView {
  const { ledger } = area;
  return {
    buyerLocale: ledger.buyer.locale,
    sellerName: area.sellerName,
    productName: ledger.product.name,
    currency: ledger.currency,
    installments: area.installments.map((installment) =>
      installmentView(installment, ledger.installmentCount, ledger.buyer.timezone, page.self),
    ),
    ...(page.notice && { notice: page.notice }),
    csrfToken: page.csrfToken,
    paths: { self: page.self },
  };
}

function installmentView(
  { entry, offers }: AreaInstallment,
  count: number,
  timeZone: string,
  self: string,
): InstallmentView {
  const at = (query: string) => `${self}?${query}&installment=${entry.number}`;
  return {
    number: entry.number,
    count,
    amountMinor: entry.amountMinor,
    paidMinor: entry.paidMinor,
    dueDate: entry.currentDueDate,
    ...(entry.currentDueDate !== entry.dueDate && { originalDueDate: entry.dueDate }),
    status: statusOf(entry),
    ...(offers.promised && { promised: offers.promised }),
    ...(entry.paidAt && { paidAt: instantToZoned(Date.parse(entry.paidAt), timeZone).date }),
    actions: {
      ...(offers.payNowUrl && { payNowUrl: at('go=pay') }),
      ...(offers.paymentMethodUrl && { paymentMethodUrl: at('go=method') }),
      ...(offers.partial && { partial: { ...offers.partial, action: at('intent=partial') } }),
      ...(offers.dueDate && { dueDate: { ...offers.dueDate, action: at('intent=due-date') } }),
      ...(offers.promise && { promise: { ...offers.promise, action: at('intent=promise') } }),
    },
  };
}

/** The ledger's standing, with "partially paid" for an open installment something was paid of. */
function statusOf(entry: AreaInstallment['entry']): InstallmentStatus {
  return isOpenStanding(entry.standing) && entry.paidMinor > 0 ? 'partially_paid' : entry.standing;
}
