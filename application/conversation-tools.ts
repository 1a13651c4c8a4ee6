/**
 * The assistant's tools over our ledger and the buyer's journeys, bound to one conversation.
 * Every action goes through a journey or its policy, as the buyer's payment area does (and with
 * the same code: application/buyer-area.ts): a new due date is the journey's `changeDueDate`
 * update, an amount to pay now is checked by the area's partial-payment rule, a promise to pay is
 * the journey's `promiseToPay` update (recorded as the assistant's), a handoff opens an agent
 * task. The tools only answer about the buyer's own installments in this tenant: any other
 * installment id is `unknown_installment`.
 */
import { createHash } from 'node:crypto';
import { findOpenHandoffTask, openJourneysOfBuyer } from '../db/conversation-repository';
import { findInstallment } from '../db/journey-repository';
import type {
  ConversationTools,
  DueDateResult,
  HandoffResult,
  OpenInstallment,
  PartialPaymentResult,
  PaymentLinkResult,
  PromiseResult,
  ToolAmount,
  ToolDate,
} from '../domain/assistant/tools';
import type { InstallmentInput } from '../domain/installment';
import { type Actor, dueDateWindow } from '../domain/journey';
import { type LocalDate, instantToZoned } from '../domain/local-time';
import type { Locale } from '../domain/locales';
import { formatAmount, formatDate } from '../domain/messages';
import { type Policy, buyerAreaLinkTtlDays } from '../domain/policy';
import { minimumPromiseMinor, promiseRules, promiseWindow } from '../domain/promises';
import { purchaseIdOf } from '../domain/purchase';
import type { JourneyStatus } from '../domain/status';
import { ASSISTANT_ACTOR, type AgentTaskDeps, openHandoffTask } from './agent-tasks';
import { type BuyerAreaDeps, choosePartialAmount, openBuyerArea } from './buyer-area';
import { createBuyerAreaUrl } from './buyer-links';
import type { JourneyRef } from './journey-gateway';
import { currentJourneyStatus } from './journey-status';
import type { LinkKeyRing } from './link-keys';
import { recordPromise } from './promises';

export interface ConversationToolDeps extends BuyerAreaDeps, AgentTaskDeps {
  /** Link keys and PUBLIC_BASE_URL: payment_link answers the buyer's area; none = the installment's payment URL. */
  links?: { keys: LinkKeyRing; baseUrl: string } | null | undefined;
}

export interface ConversationBinding {
  tenantId: string;
  buyerId: string;
  locale: Locale;
  /** conversations.id (`conversation/<tenant>/<buyer>/<channel>`). */
  conversationId: string;
  /**
   * The task a handoff opens (a turn's key makes a retried turn open the same one); by default one
   * from the conversation and the clock.
   */
  handoffTaskId?: string;
  /**
   * The turn's key: a retried turn's due-date request or promise is the same update (Temporal
   * dedupes it by this), not a second change.
   */
  turnKey?: string;
}

/** The most installments open_installments lists (the oldest due first). */
const MAX_LISTED = 20;

/** One of the buyer's open journeys, as the tools act on it. */
interface BuyerJourney {
  ref: JourneyRef;
  installment: InstallmentInput;
  status: JourneyStatus;
  policy: Policy | null;
}

export function createConversationTools(deps: ConversationToolDeps, binding: ConversationBinding): ConversationTools {
  const { tenantId, buyerId, locale } = binding;
  const actor: Actor = { kind: 'buyer', id: buyerId };
  const amount = (minor: number, currency: string): ToolAmount => ({
    minor,
    currency,
    formatted: formatAmount(minor, currency, locale),
  });
  const date = (d: LocalDate): ToolDate => ({ date: d, formatted: formatDate(d, locale) });

  async function openJourneys(): Promise<BuyerJourney[]> {
    const rows = await openJourneysOfBuyer(deps.db, tenantId, buyerId);
    const found = await Promise.all(
      rows.slice(0, MAX_LISTED).map(async (row): Promise<BuyerJourney | null> => {
        const ref = { tenantId, installmentId: row.installmentId };
        const [installment, status] = await Promise.all([
          findInstallment(deps.db, tenantId, row.installmentId),
          currentJourneyStatus(deps, ref),
        ]);
        if (!installment || installment.buyer.id !== buyerId || !status || status.outcome !== null) return null;
        const policy = await deps.policies.version(tenantId, status.policy.id, status.policy.version);
        return { ref, installment, status, policy };
      }),
    );
    return found.filter((j): j is BuyerJourney => j !== null);
  }

  async function journeyOf(installmentId: string | null): Promise<BuyerJourney | null | 'unknown'> {
    const journeys = await openJourneys();
    if (installmentId === null) return journeys[0] ?? null;
    return journeys.find((j) => j.ref.installmentId === installmentId) ?? 'unknown';
  }

  const today = (j: BuyerJourney) => instantToZoned(deps.now(), j.installment.buyer.timezone).date;

  return {
    async openInstallments() {
      const journeys = await openJourneys();
      const installments = journeys.map((j): OpenInstallment => {
        const now = today(j);
        const due = j.status.dueDate;
        return {
          installmentId: j.ref.installmentId,
          productName: j.installment.product.name,
          number: j.installment.installmentNumber,
          count: j.installment.installmentCount,
          amountDue: amount(j.status.outstandingMinor, j.status.currency),
          dueDate: date(due),
          status: due < now ? 'overdue' : due === now ? 'due_today' : 'upcoming',
        };
      });
      return { installments };
    },

    async paymentLink({ installmentId }): Promise<PaymentLinkResult> {
      const journey = await journeyOf(installmentId);
      if (journey === 'unknown' || journey === null) return { outcome: 'nothing_open' };
      const url =
        deps.links && journey.policy
          ? createBuyerAreaUrl(
              { tenantId, buyerId, purchaseId: purchaseIdOf(journey.installment) },
              {
                keys: deps.links.keys,
                baseUrl: deps.links.baseUrl,
                now: deps.now(),
                ttlDays: buyerAreaLinkTtlDays(journey.policy),
              },
            )
          : journey.installment.paymentUrl;
      return { outcome: 'link', installmentId: journey.ref.installmentId, url };
    },

    async requestNewDueDate({ installmentId, dueDate }): Promise<DueDateResult> {
      const journey = await journeyOf(installmentId);
      if (journey === 'unknown' || journey === null) return { outcome: 'unknown_installment' };
      const result = await deps.gateway.changeDueDate(
        journey.ref,
        { dueDate, actor },
        binding.turnKey ? { idempotencyKey: `${binding.turnKey}/${installmentId}/${dueDate}` } : {},
      );
      if (result.kind === 'accepted')
        return { outcome: 'changed', installmentId, dueDate: date(result.result.dueDate) };
      if (result.kind === 'not_running') return { outcome: 'unavailable' };
      const window = journey.policy
        ? dueDateWindow({ ...journey.status, closed: false }, journey.policy.reschedule, today(journey))
        : null;
      return {
        outcome: 'refused',
        installmentId,
        reason: result.reason,
        window: window && { min: date(window.min), max: date(window.max) },
      };
    },

    async partialPayment({ installmentId, amount: major }): Promise<PartialPaymentResult> {
      const journey = await journeyOf(installmentId);
      if (journey === 'unknown' || journey === null) return { outcome: 'unknown_installment' };
      const currency = journey.status.currency;
      const amountMinor = toMinorUnits(major, currency);
      const binding = { tenantId, buyerId, purchaseId: purchaseIdOf(journey.installment) };
      const area = await openBuyerArea(deps, binding);
      if (!area || amountMinor === null) return { outcome: 'unavailable' };
      const answer = await choosePartialAmount(deps, area, journey.installment.installmentNumber, amountMinor);
      if (answer.kind === 'checkout')
        return { outcome: 'checkout', installmentId, amount: amount(amountMinor, currency), url: answer.url };
      if (answer.kind === 'refused')
        return {
          outcome: 'refused',
          installmentId,
          reason: answer.reason,
          minimum: amount(answer.minimumMinor, currency),
          maximum: amount(answer.maximumMinor, currency),
        };
      return { outcome: 'unavailable' };
    },

    async promiseToPay({ installmentId, date: promised, amount: major }): Promise<PromiseResult> {
      const journey = await journeyOf(installmentId);
      if (journey === 'unknown' || journey === null) return { outcome: 'unknown_installment' };
      const { currency, outstandingMinor } = journey.status;
      const amountMinor = major === null ? undefined : toMinorUnits(major, currency);
      const result =
        amountMinor === null
          ? ({ kind: 'refused', reason: 'invalid_amount' } as const)
          : await recordPromise(
              deps,
              journey.ref,
              // The buyer's words, recorded by the assistant: the journey's history says who took them.
              { date: promised, amountMinor, actor: ASSISTANT_ACTOR },
              binding.turnKey ? { idempotencyKey: `${binding.turnKey}/${installmentId}/${promised}` } : {},
            );
      if (result.kind === 'accepted') {
        const resumesOn = instantToZoned(Date.parse(result.result.holdsUntil), journey.installment.buyer.timezone).date;
        return {
          outcome: 'promised',
          installmentId,
          date: date(result.result.date),
          amount: amount(result.result.amountMinor, currency),
          resumesOn: date(resumesOn),
        };
      }
      if (result.kind !== 'refused' || !journey.policy) return { outcome: 'unavailable' };
      const rules = promiseRules(journey.policy);
      const window = promiseWindow(rules, journey.installment.buyer.timezone, deps.now());
      const open = journey.status.promise;
      return {
        outcome: 'refused',
        installmentId,
        reason: result.reason,
        window: window && { min: date(window.min), max: date(window.max) },
        amounts: {
          minimum: amount(minimumPromiseMinor(rules, outstandingMinor), currency),
          maximum: amount(outstandingMinor, currency),
        },
        open: open ? { date: date(open.date), amount: amount(open.amountMinor, currency) } : null,
      };
    },

    async handoffToHuman({ reason }): Promise<HandoffResult> {
      // One person at a time: a conversation already handed over keeps its task.
      const open = await findOpenHandoffTask(deps.db, tenantId, binding.conversationId);
      const taskId = open?.id ?? binding.handoffTaskId ?? defaultHandoffTaskId(binding.conversationId, deps.now());
      await openHandoffTask(deps, { tenantId, buyerId, conversationId: binding.conversationId, reason, taskId });
      return { outcome: 'opened', taskId };
    },
  };
}

/** A task id of at most 48 characters, unique per conversation and instant (task ids are unique across tenants). */
function defaultHandoffTaskId(conversationId: string, now: number): string {
  return `handoff/${createHash('sha256').update(conversationId).digest('hex').slice(0, 24)}/${now}`;
}

/** Major units (what the buyer says, e.g. 50.25) in the currency's minor units; null unless a whole number of them. */
export function toMinorUnits(major: number, currency: string): number | null {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const minor = Math.round(major * 10 ** digits);
  if (!Number.isSafeInteger(minor) || minor <= 0 || Math.abs(minor - major * 10 ** digits) > 1e-6 * 10 ** digits)
    return null;
  return minor;
}
