/**
 * The assistant's tools: what each takes (zod, so the OpenAI helpers and the menu validate the
 * same arguments) and what each answers. Every action goes through the journey or its policy: no
 * tool can mark anything paid or waive an amount — there is no such tool, and none takes one.
 */
import { z } from 'zod';
import type { DueDateRefusal } from '../journey';
import type { LocalDate } from '../local-time';
import type { PartialPaymentRefusal } from '../partial-payments';

export const TOOL_NAMES = [
  'open_installments',
  'payment_link',
  'request_new_due_date',
  'partial_payment',
  'handoff_to_human',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const HANDOFF_REASONS = ['buyer_asked', 'dispute', 'hardship', 'cannot_help', 'other'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

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
    installmentId: z.string().max(128).describe('An installment from open_installments'),
    dueDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .describe('The new due date the buyer asked for, YYYY-MM-DD'),
  }),
  partial_payment: z.object({
    installmentId: z.string().max(128).describe('An installment from open_installments'),
    amount: z.number().positive().describe('The amount the buyer wants to pay now, in major units (e.g. 50.25)'),
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

export type HandoffResult = { outcome: 'opened'; taskId: string };

export interface ToolResults {
  open_installments: { installments: OpenInstallment[] };
  payment_link: PaymentLinkResult;
  request_new_due_date: DueDateResult;
  partial_payment: PartialPaymentResult;
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
  handoffToHuman(args: ToolArguments['handoff_to_human']): Promise<HandoffResult>;
}

/** One tool call of a turn, as recorded with the reply (and checked by the guardrails). */
export type ToolCallRecord = {
  [T in ToolName]: { tool: T; arguments: ToolArguments[T]; result: ToolResults[T] };
}[ToolName];
