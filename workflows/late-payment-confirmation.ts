import { proxyActivities, sleep } from '@temporalio/workflow';
import type { LatePaymentConfirmationActivities } from '../activities/contracts';
import {
  type ConfirmationEvent,
  type PendingConfirmation,
  confirmationIsDue,
  reduceConfirmations,
} from '../domain/confirmations';
import type { InstallmentInput } from '../domain/installment';
import type { Policy } from '../domain/policy';
import { activityTries, tryConfirmation } from './deliveries';

export interface LatePaymentConfirmationInput {
  /** The journey's workflow ID: the confirmation's attempts and audit events are the journey's. */
  journeyId: string;
  paymentId: string;
  /** As its row holds it when the payment is recorded: the buyer's latest contact, locale and time zone. */
  installment: InstallmentInput;
  /** The policy version the journey ran: its quiet hours hold the confirmation. */
  policy: Policy;
  planRevision: number;
  /** Owed by the payment's event (`confirms` is its sequence number), with the balance right after it. */
  confirmation: PendingConfirmation;
}

// `record/<n>` like the journey's own: readable in the Temporal UI.
function appendAs(activityId: string): LatePaymentConfirmationActivities['appendJourneyEvents'] {
  return proxyActivities<LatePaymentConfirmationActivities>({
    activityId,
    startToCloseTimeout: '30 seconds',
    // Recording must eventually succeed: the database being down delays it, it does not lose it.
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  }).appendJourneyEvents;
}

/**
 * Confirms a payment reported after the journey's workflow ended, by the journey's own rules
 * (deliveries.ts: email → SMS → WhatsApp fall-through, quiet hours defer, opt-outs refuse), and
 * records each try on the journey's audit trail. The channels the journey had found unusable are
 * not known here: the delivery's guard refuses an opted-out one, and the confirmation falls through.
 */
export async function confirmLatePayment(input: LatePaymentConfirmationInput): Promise<ConfirmationEvent> {
  const subject = { ...input, optedOut: [], undeliverable: [] };
  const nthTry = activityTries();
  let owed: PendingConfirmation | undefined = input.confirmation;
  let last: ConfirmationEvent | undefined;
  for (let tries = 1; owed; tries++) {
    if (!confirmationIsDue(owed, Date.now())) await sleep(owed.notBefore! - Date.now());
    last = await tryConfirmation(subject, owed, input.journeyId, nthTry);
    await appendAs(`record/${tries}`)({ journeyId: input.journeyId, events: [last] });
    owed = reduceConfirmations([owed], last)[0];
  }
  return last!;
}
