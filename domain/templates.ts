import { z } from 'zod';

/** The messages a journey sends: reminders (a policy's steps name them) and confirmations. */
export const LADDER_TEMPLATES = ['pre_due', 'due_today', 'overdue_early', 'overdue_late', 'final_notice'] as const;
/** Every reminder: the ladder's, and the broken-promise one (the policy's `promises.brokenPromiseStep`). */
export const REMINDER_TEMPLATES = [...LADDER_TEMPLATES, 'promise_broken'] as const;
export const CONFIRMATION_TEMPLATES = ['payment_confirmation', 'due_date_change_confirmation'] as const;
export const MESSAGE_TEMPLATES = [...REMINDER_TEMPLATES, ...CONFIRMATION_TEMPLATES] as const;
export type ReminderTemplate = (typeof REMINDER_TEMPLATES)[number];
export type ConfirmationTemplate = (typeof CONFIRMATION_TEMPLATES)[number];
export type MessageTemplate = (typeof MESSAGE_TEMPLATES)[number];
/** What a policy's ladder step may name. */
export const ladderTemplateSchema = z.enum(LADDER_TEMPLATES);
