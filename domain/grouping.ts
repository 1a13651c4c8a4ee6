import { resolveChannel } from './channels';
import { type ReminderDelivery, type SendOutcome, reminderDelivery } from './delivery';
import { FNV_OFFSET_BASIS, fnv1a32 } from './fnv';
import type { CoveredInstallment } from './messages';
import { type JourneyState, channelAvailability, isStepDue } from './journey';
import type { PlannedStep } from './plan';
import type { Policy } from './policy';

/**
 * One message for a buyer's installments. A journey whose policy groups hands each reminder that
 * comes due to its buyer's coordinator (workflows/buyer-reminders.ts) instead of sending it. The
 * coordinator waits — at most the policy's window from the oldest — while the buyer has other
 * reminders due in that time, then sends one message on the channel: the oldest reminder, listing
 * the buyer's other installments waiting with it, with one payment-area link. The contact ledger
 * gets one row, so the frequency cap counts it once; every journey it covers records it.
 *
 * These are the coordinator's decisions, pure: what waits, what goes together, when it goes.
 */

/** A reminder a journey handed to its buyer's coordinator. */
export interface GroupedReminder {
  /**
   * The journey's own name for it (domain/delivery.ts `reminderKey`): unique in the journey, and
   * free of the workflow ID, so a journey replayed under another ID still knows its answer.
   */
  key: string;
  journeyId: string;
  /** When it came due, on the journey's clock. */
  at: number;
  /** How long it may wait for the buyer's other reminders (its policy's window). */
  windowMs: number;
  /** What the journey would have sent on its own. */
  delivery: ReminderDelivery;
}

/** What became of a grouped reminder, as the coordinator answers its journey. */
export interface GroupedAnswer {
  journeyId: string;
  key: string;
  /** The message that carried it (its attempt row): the lead reminder's attempt id. */
  attemptId: string;
  /**
   * `failed`: the delivery activity gave up (its retries ran out); `withdrawn`: the journey took
   * it back before it went out (nothing was sent for it).
   */
  outcome: SendOutcome | { status: 'withdrawn' };
  /** How many installments the message covered. */
  covered: number;
}

/**
 * Whether a reminder handed over is still the one the journey would send now: its step still
 * due, on the same channel, to the same address, for the same amount and due date. Anything else
 * that happened (a click in the payment area, say) leaves it with the coordinator.
 */
export function reminderStillCurrent(
  state: JourneyState,
  step: PlannedStep,
  handedOver: ReminderDelivery,
  now: number,
): boolean {
  if (!isStepDue(state, { revision: handedOver.planRevision, stepIndex: handedOver.stepIndex }, now)) return false;
  const route = resolveChannel(step.channel, channelAvailability(state));
  if (route.kind === 'none' || route.channel !== handedOver.channel) return false;
  const current = reminderDelivery(state, step, route.channel, handedOver.journeyId);
  return (
    current.to === handedOver.to &&
    current.amountDueMinor === handedOver.amountDueMinor &&
    current.dueDate === handedOver.dueDate
  );
}

/** What a coordinator asks before it sends: which of the buyer's other journeys have a reminder due by `until`. */
export interface BuyerRemindersDueQuery {
  tenantId: string;
  buyerId: string;
  /** Journeys whose reminders are already with the coordinator. */
  excludeJourneyIds: string[];
  /** ISO 8601 */
  until: string;
}

/** A message at most lists this many installments: a text message must stay readable. */
export const MAX_INSTALLMENTS_PER_MESSAGE = 6;

/** Keys of reminders already answered that a coordinator remembers, against a hand-over that arrives twice. */
export const ANSWERED_KEYS_KEPT = 1000;

const HOUR_MS = 3_600_000;

/** How long a reminder under this policy waits for the buyer's others; null: the policy does not group. */
export function groupingWindowMs(policy: Pick<Policy, 'grouping'>): number | null {
  return policy.grouping ? policy.grouping.windowHours * HOUR_MS : null;
}

/**
 * The buyer's coordinator key: a digest of the tenant and the buyer's id (64 bits of two FNV-1a
 * seeds), so no buyer id appears in a workflow ID. Two buyers sharing a digest share a coordinator,
 * whose messages still only ever group one buyer's reminders (see `nextMessage`).
 */
export function buyerKey(tenantId: string, buyerId: string): string {
  const text = `${tenantId}/${buyerId}`;
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return hex(fnv1a32(text)) + hex(fnv1a32(text, FNV_OFFSET_BASIS ^ 0x5bd1e995));
}

/**
 * The waiting list after a journey hands over `reminder`. A journey waits for one reminder at a
 * time, so one it handed over before is stale (it moved on) and leaves; the same reminder twice
 * (a hand-over retried) is kept once.
 */
export function withReminder(waiting: readonly GroupedReminder[], reminder: GroupedReminder): GroupedReminder[] {
  return [...waiting.filter((r) => r.journeyId !== reminder.journeyId), reminder];
}

/** A reminder's identity among all the buyer's journeys' reminders. */
export function reminderId(reminder: Pick<GroupedReminder, 'journeyId' | 'key'>): string {
  return `${reminder.journeyId} ${reminder.key}`;
}

/** The waiting list without the reminders of `ids` (reminderId: sent, or their journeys closed). */
export function withoutReminders(waiting: readonly GroupedReminder[], ids: ReadonlySet<string>): GroupedReminder[] {
  return waiting.filter((r) => !ids.has(reminderId(r)));
}

/** The next message: the reminder that may wait least and the others it can carry. */
export interface PendingMessage {
  /** The first is the lead: its template, installment and link are the message's. */
  reminders: GroupedReminder[];
  /** When it goes even if the buyer has more due: the end of the lead's window, the first to end. */
  deadline: number;
}

/** When a reminder must go, whatever else the buyer has due. */
const deadlineOf = (r: GroupedReminder) => r.at + r.windowMs;

/**
 * The waiting reminder whose window ends first leads (policies differ in windows); with it go the
 * other waiting reminders of the same buyer, to the same address on the same channel, one per
 * installment, up to MAX_INSTALLMENTS_PER_MESSAGE.
 */
export function nextMessage(waiting: readonly GroupedReminder[]): PendingMessage | null {
  const lead = waiting.reduce<GroupedReminder | undefined>(
    (first, r) => (first === undefined || deadlineOf(r) < deadlineOf(first) ? r : first),
    undefined,
  );
  if (!lead) return null;
  const sameDestination = (d: ReminderDelivery) =>
    d.tenantId === lead.delivery.tenantId &&
    d.buyerId === lead.delivery.buyerId &&
    d.channel === lead.delivery.channel &&
    d.to === lead.delivery.to;
  const installments = new Set<string>([lead.delivery.installmentId]);
  const reminders: GroupedReminder[] = [lead];
  for (const reminder of waiting) {
    const { delivery } = reminder;
    if (reminders.length === MAX_INSTALLMENTS_PER_MESSAGE) break;
    if (!sameDestination(delivery) || installments.has(delivery.installmentId)) continue;
    installments.add(delivery.installmentId);
    reminders.push(reminder);
  }
  return { reminders, deadline: deadlineOf(lead) };
}

/**
 * How long past its deadline a message still waits for the buyer's reminders due by then: a
 * journey whose reminder comes due at the deadline itself is handing it over that very moment.
 */
export const STRAGGLER_GRACE_MS = 5 * 60_000;

/** The latest a message goes. */
export function sendBy(message: PendingMessage): number {
  return message.deadline + STRAGGLER_GRACE_MS;
}

/**
 * Whether the message goes now: it is full, its time is up, or none of the buyer's other journeys
 * has a reminder due by its deadline (`othersDue`: how many do, as recorded).
 */
export function messageReady(message: PendingMessage, now: number, othersDue: number): boolean {
  return message.reminders.length >= MAX_INSTALLMENTS_PER_MESSAGE || now >= sendBy(message) || othersDue === 0;
}

/** The delivery of the message: the lead's, listing the other installments it covers. */
export function messageDelivery(message: PendingMessage): ReminderDelivery {
  const [lead, ...others] = message.reminders;
  if (!lead) throw new Error('a message has at least one reminder');
  if (others.length === 0) return lead.delivery;
  return { ...lead.delivery, alsoDue: others.map((r) => coveredInstallment(r.delivery)) };
}

function coveredInstallment(d: ReminderDelivery): CoveredInstallment {
  return {
    productName: d.productName,
    installmentNumber: d.installmentNumber,
    installmentCount: d.installmentCount,
    amountDueMinor: d.amountDueMinor,
    currency: d.currency,
    dueDate: d.dueDate,
  };
}

/** The answer to a reminder its journey took back before it went out. */
export function withdrawnAnswer(reminder: Pick<GroupedReminder, 'journeyId' | 'key'>): GroupedAnswer {
  return {
    journeyId: reminder.journeyId,
    key: reminder.key,
    attemptId: '',
    outcome: { status: 'withdrawn' },
    covered: 0,
  };
}

/** Each reminder's answer once the message's delivery came back. */
export function answersFor(
  message: PendingMessage,
  attemptId: string,
  outcome: GroupedAnswer['outcome'],
): GroupedAnswer[] {
  const covered = message.reminders.length;
  return message.reminders.map((r) => ({ journeyId: r.journeyId, key: r.key, attemptId, outcome, covered }));
}
