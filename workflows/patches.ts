/**
 * Patch ids: one per change in what the journey workflow does that would alter the commands of
 * histories already written. Workflow code branches on `patched(id)`; replay tests build
 * histories with and without the marker.
 */

/** A payment or cancellation that closes the journey cancels the reminder still waiting to go out. */
export const CANCEL_DELIVERY_ON_CLOSE = 'cancel-delivery-on-close';

/**
 * A change after which the journey would not send the reminder waiting in its queue as it stands
 * — a pause, a promise, a person's handoff, a new due date, a new address, an opt-out, a partial
 * payment — calls it back, as closing does; the journey then plans again from what it is now.
 */
export const CANCEL_DELIVERY_NO_LONGER_DUE = 'cancel-delivery-no-longer-due';

/** An operator's cancel of the workflow itself (Temporal UI or CLI) is recorded: the journey closes as canceled. */
export const RECORD_OPERATOR_CANCEL = 'record-operator-cancel';

/**
 * The journey confirms what the buyer did — a payment, an accepted due-date change — with a
 * transactional message (`confirm/<seq>/<channel>` activities). Histories from before owed none.
 */
export const SEND_CONFIRMATIONS = 'send-confirmations';

/**
 * The journey takes promises to pay (the `promiseToPay` update): while one is open the ladder
 * holds, and its end is recorded (kept or broken, with the policy's broken-promise step). A
 * history from before never has one; the marker tells a replaying worker the run took promises.
 */
export const PROMISES_TO_PAY = 'promises-to-pay';

/**
 * Under a policy that groups (`grouping`), the journey hands each due reminder to its buyer's
 * coordinator (`hand-over/…` activities, then its answer by signal) instead of delivering it: one
 * message for the buyer's installments. A history from before always delivered it itself.
 */
export const GROUP_REMINDERS = 'group-reminders';
