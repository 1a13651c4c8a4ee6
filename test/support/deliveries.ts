import type { ReminderDelivery } from '../../activities/contracts';
import { type Channel, recipientOn } from '../../domain/channels';
import type { InstallmentInput } from '../../domain/installment';
import { defaultPolicy } from '../../domain/policy';
import { purchaseIdOf } from '../../domain/purchase';
import { makeInstallment, uniqueId } from './fixtures';

/**
 * What the workflow hands the deliver activity for step 1 of this installment's journey, on
 * `channel` (the buyer's address on it). A new attempt id each call unless overridden.
 */
export function reminderDeliveryFor(
  inst: InstallmentInput,
  channel: Channel = 'email',
  overrides: Partial<ReminderDelivery> = {},
): ReminderDelivery {
  const journeyId = `dunning/${inst.tenantId}/${inst.installmentId}`;
  return {
    journeyId,
    attemptId: `${journeyId}/r0/s1/${channel}/${uniqueId('seq')}`,
    tenantId: inst.tenantId,
    installmentId: inst.installmentId,
    purchaseId: purchaseIdOf(inst),
    buyerId: inst.buyer.id,
    planRevision: 0,
    stepIndex: 1,
    channel,
    requestedChannel: channel,
    template: 'overdue_early',
    locale: inst.buyer.locale,
    to: recipientOn(channel, inst.buyer)!,
    buyerName: inst.buyer.name,
    productName: inst.product.name,
    amountDueMinor: inst.amount.amountMinor,
    currency: inst.amount.currency,
    dueDate: inst.dueDate,
    installmentNumber: inst.installmentNumber,
    installmentCount: inst.installmentCount,
    paymentUrl: inst.paymentUrl,
    timeZone: inst.buyer.timezone,
    country: inst.buyer.country,
    policy: defaultPolicy,
    ...overrides,
  };
}

/** What the workflow hands the deliver activity to confirm a payment of `paidMinor`, on `channel`. */
export function confirmationDeliveryFor(
  inst: InstallmentInput,
  channel: Channel = 'email',
  paidMinor = 1_000,
): ReminderDelivery {
  const reminder = reminderDeliveryFor(inst, channel);
  return {
    ...reminder,
    kind: 'confirmation',
    attemptId: `${reminder.journeyId}/confirm/${uniqueId('seq')}/${channel}`,
    stepIndex: -1,
    template: 'payment_confirmation',
    amountPaidMinor: paidMinor,
    amountDueMinor: inst.amount.amountMinor - paidMinor,
  };
}

/** A buyer of their own, with unique addresses, so tests sharing a database never share a ledger. */
export function freshInstallment(overrides: Parameters<typeof makeInstallment>[0] = {}): InstallmentInput {
  const n = Math.floor(Math.random() * 9_000_000) + 1_000_000;
  return makeInstallment({
    ...overrides,
    buyer: {
      id: uniqueId('buyer'),
      email: `${uniqueId('b')}@example.com`,
      phone: `+1415${n}`,
      whatsapp: `+1628${n}`,
      ...overrides.buyer,
    },
  });
}
