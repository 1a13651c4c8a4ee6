/**
 * The assistant's tools: what each takes (zod, so the OpenAI helpers and the menu validate the
 * same arguments) and what each answers. Every action goes through the journey or its policy: no
 * tool can mark anything paid or waive an amount — there is no such tool, and none takes one.
 */
import { z } from 'zod';
import type { DueDateRefusal } from '../journey';
import type { LocalDate } from '../local-time';
import type { PartialPaymentRefusal } from '../partial-payments';
import type { PromiseRefusal } from '../promises';

export const TOOL_NAMES = [
  'open_installments',
  'payment_link',
  'request_new_due_date',
  'partial_payment',
  'promise_to_pay',
  'handoff_to_human',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const HANDOFF_REASONS = ['buyer_asked', 'dispute', 'hardship', 'cannot_help', 'other'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

const openInstallment = z.string().max(128).describe('An installment from open_installments');
const calendarDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * Arguments of each tool. Strict function calling needs every property required: "optional"
 * is `.nullable()`.
 */
export const TOOL_ARGUMENTS = {
  open_installments: z.object({}),
  payment_link: z.object({
    installmentId: z
      .string()
      .max(128)
      .nullable()
      .describe('An installment from open_installments; null for the first open one'),
  }),
  request_new_due_date: z.object({
    installmentId: openInstallment,
    dueDate: calendarDay.describe('The new due date the buyer asked for, YYYY-MM-DD'),
  }),
  partial_payment: z.object({
    installmentId: openInstallment,
    amount: z.number().positive().describe('The amount the buyer wants to pay now, in major units (e.g. 50.25)'),
  }),
  promise_to_pay: z.object({
    installmentId: openInstallment,
    date: calendarDay.describe('The day the buyer said they will pay by, YYYY-MM-DD; only a day the buyer wrote'),
    amount: z
      .number()
      .positive()
      .nullable()
      .describe('The amount the buyer said they will pay, in major units; null when they named none (all that is due)'),
  }),
  handoff_to_human: z.object({
    reason: z.enum(HANDOFF_REASONS).describe('Why the buyer needs a person'),
  }),
} as const satisfies Record<ToolName, z.ZodType>;

export type ToolArguments = { [T in ToolName]: z.infer<(typeof TOOL_ARGUMENTS)[T]> };

/** An amount as tools answer it: exact minor units, and as the buyer's locale writes it. */
export interface ToolAmount {
  minor: number;
  currency: string;
  formatted: string;
}

/** A date as tools answer it: the calendar date, and as the buyer's locale writes it. */
export interface ToolDate {
  date: LocalDate;
  formatted: string;
}

export interface OpenInstallment {
  installmentId: string;
  productName: string;
  /** Installment `number` of `count`. */
  number: number;
  count: number;
  amountDue: ToolAmount;
  dueDate: ToolDate;
  status: 'upcoming' | 'due_today' | 'overdue';
}

export type PaymentLinkResult = { outcome: 'link'; installmentId: string; url: string } | { outcome: 'nothing_open' };

export type DueDateResult =
  | { outcome: 'changed'; installmentId: string; dueDate: ToolDate }
  | {
      outcome: 'refused';
      installmentId: string;
      reason: DueDateRefusal;
      /** The dates the policy would accept, when any. */
      window: { min: ToolDate; max: ToolDate } | null;
    }
  | { outcome: 'unknown_installment' }
  | { outcome: 'unavailable' };

export type PartialPaymentResult =
  | { outcome: 'checkout'; installmentId: string; amount: ToolAmount; url: string }
  | {
      outcome: 'refused';
      installmentId: string;
      reason: PartialPaymentRefusal | 'above_balance';
      minimum: ToolAmount;
      maximum: ToolAmount;
    }
  | { outcome: 'unknown_installment' }
  | { outcome: 'unavailable' };

export type PromiseResult =
  | {
      outcome: 'promised';
      installmentId: string;
      date: ToolDate;
      amount: ToolAmount;
      /** The day reminders start again if the payment has not arrived (the promised date plus grace). */
      resumesOn: ToolDate;
    }
  | {
      outcome: 'refused';
      installmentId: string;
      reason: PromiseRefusal;
      /** The dates a promise may name, when the policy takes promises. */
      window: { min: ToolDate; max: ToolDate } | null;
      /** The amounts a promise may name. */
      amounts: { minimum: ToolAmount; maximum: ToolAmount };
      /** The promise already open on the installment, when there is one. */
      open: { date: ToolDate; amount: ToolAmount } | null;
    }
  /**
   * The guardrail (guardrails.ts, promiseGuard): the buyer has not written this day (or this
   * amount) themselves; nothing was recorded, ask them.
   */
  | { outcome: 'not_stated'; missing: 'date' | 'amount' }
  | { outcome: 'unknown_installment' }
  | { outcome: 'unavailable' };

export type HandoffResult = { outcome: 'opened'; taskId: string };

export interface ToolResults {
  open_installments: { installments: OpenInstallment[] };
  payment_link: PaymentLinkResult;
  request_new_due_date: DueDateResult;
  partial_payment: PartialPaymentResult;
  promise_to_pay: PromiseResult;
  handoff_to_human: HandoffResult;
}

/**
 * The tools as the assistant's turn calls them, bound to one conversation (tenant, buyer,
 * locale) by the application layer. Arguments arrive validated against {@link TOOL_ARGUMENTS}.
 */
export interface ConversationTools {
  openInstallments(): Promise<ToolResults['open_installments']>;
  paymentLink(args: ToolArguments['payment_link']): Promise<PaymentLinkResult>;
  requestNewDueDate(args: ToolArguments['request_new_due_date']): Promise<DueDateResult>;
  partialPayment(args: ToolArguments['partial_payment']): Promise<PartialPaymentResult>;
  /** Records the buyer's promise to pay through the journey's own rules (its update's validator). */
  promiseToPay(args: ToolArguments['promise_to_pay']): Promise<PromiseResult>;
  handoffToHuman(args: ToolArguments['handoff_to_human']): Promise<HandoffResult>;
}

/** One tool call of a turn, as recorded with the reply (and checked by the guardrails). */
export type ToolCallRecord = {
  [T in ToolName]: { tool: T; arguments: ToolArguments[T]; result: ToolResults[T] };
}[ToolName];
