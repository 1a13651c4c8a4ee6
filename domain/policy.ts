import { z } from 'zod';
import { countryCodeSchema } from './installment';
import { ladderTemplateSchema } from './messages';
import { isWithinDailyWindow, minutesOfDay } from './local-time';
import { channelSchema, localDateSchema, localTimeSchema, minorUnitsSchema } from './value-schemas';

export const policyStepSchema = z.object({
  /** Days from the due date; negative = before the due date. */
  offsetDays: z.number().int().min(-60).max(365),
  channel: channelSchema,
  template: ladderTemplateSchema,
  /** Wall-clock time in the buyer's time zone. */
  sendAt: localTimeSchema,
});
export type PolicyStep = z.infer<typeof policyStepSchema>;

export const finalActionSchema = z.enum(['write_off', 'hand_to_agency', 'cancel_subscription']);
export type FinalAction = z.infer<typeof finalActionSchema>;

const isoWeekdaySchema = z.number().int().min(1).max(7);

export const policySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, - or _'),
    version: z.number().int().positive(),
    steps: z.array(policyStepSchema).min(1).max(50),
    /** No contact from `start` until `end` (local time); `start` > `end` wraps past midnight. */
    quietHours: z.object({ start: localTimeSchema, end: localTimeSchema }),
    /** ISO weekdays (1 = Monday … 7 = Sunday) on which the buyer may be contacted. */
    allowedWeekdays: z.array(isoWeekdaySchema).min(1).max(7),
    /** Most contacts in any rolling 7 days (US Regulation F presumes more than 7 to be harassing). */
    maxContactsPer7Days: z.number().int().min(1).max(7),
    reschedule: z.object({
      /** How far past the original due date a new due date may go. */
      maxDaysBeyondOriginalDue: z.number().int().min(0).max(365),
      /** How many times the due date may be changed over the journey. */
      maxTimes: z.number().int().min(0).max(12),
    }),
    partialPayments: z.object({
      allowed: z.boolean(),
      /** Smallest partial payment accepted, in the installment's minor units. */
      minimumMinor: minorUnitsSchema,
    }),
    /**
     * Days without contact. Optional: policies saved before it existed observe no holidays.
     * The compliance guard looks up the public holidays of the buyer's country (`buyer.country`,
     * else `defaultCountry`); `closedDates` are the seller's own.
     */
    holidays: z
      .object({
        observePublicHolidays: z.boolean(),
        defaultCountry: countryCodeSchema.optional(),
        closedDates: z.array(localDateSchema).max(366).optional(),
      })
      .optional(),
    /**
     * The buyer's payment area, which every reminder links to. Optional: policies saved before it
     * existed get links that work for DEFAULT_BUYER_AREA_LINK_TTL_DAYS.
     */
    buyerArea: z
      .object({
        /** How long a reminder's link to the payment area works, in days. */
        linkTtlDays: z.number().int().min(1).max(90),
      })
      .optional(),
    /**
     * The collections assistant. Optional: policies saved before it existed hold reminders for
     * DEFAULT_HANDOFF_HOLD_HOURS while a person has the buyer's conversation.
     */
    assistant: z
      .object({
        /** How long an open handoff to a person holds the journey's reminders, at most (hours). */
        handoffHoldHours: z.number().int().min(1).max(168),
      })
      .optional(),
    /**
     * Promises to pay. Optional: policies saved before it existed take DEFAULT_PROMISE_RULES (and
     * send no broken-promise step).
     */
    promises: z
      .object({
        /** How many promises a journey accepts over its life (0: none). */
        maxPerJourney: z.number().int().min(0).max(10),
        /** How far from today (the buyer's) a promised date may be, in days. */
        maxDaysAhead: z.number().int().min(1).max(90),
        /** Days after the promised date the ladder still holds before the promise counts as broken. */
        graceDays: z.number().int().min(0).max(14),
        /** A promise of part of what is owed; absent: a promise covers everything still owed. */
        partial: z.object({ minimumPercent: z.number().int().min(1).max(100) }).optional(),
        /** The reminder sent when a promise is broken, before the ladder resumes. */
        brokenPromiseStep: z.object({ channel: channelSchema, sendAt: localTimeSchema }).optional(),
      })
      .optional(),
    /**
     * One message for the buyer's installments (domain/grouping.ts). Optional: without it each
     * installment's reminders go out on their own, as they did before it existed.
     */
    grouping: z
      .object({
        /**
         * How long a reminder that came due waits, at most, for the buyer's other reminders due
         * meanwhile, to go out with them as one message (hours). A buyer with nothing else due in
         * that time gets it at once.
         */
        windowHours: z.number().int().min(1).max(72),
      })
      .optional(),
    finalAction: z.object({
      action: finalActionSchema,
      /** Days after the due date at which the ladder ends and the final action is taken. */
      offsetDays: z.number().int().min(0).max(365),
    }),
  })
  .superRefine((p, ctx) => {
    const offsets = p.steps.map((s) => s.offsetDays);
    for (let i = 1; i < offsets.length; i++) {
      if (offsets[i]! < offsets[i - 1]!) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'offsetDays'],
          message: 'steps must be in ascending offset order',
        });
      }
    }
    const last = offsets[offsets.length - 1];
    if (last !== undefined && last > p.finalAction.offsetDays) {
      ctx.addIssue({
        code: 'custom',
        path: ['finalAction', 'offsetDays'],
        message: 'must not come before the last reminder step',
      });
    }
    if (p.quietHours.start === p.quietHours.end) {
      ctx.addIssue({ code: 'custom', path: ['quietHours'], message: 'start and end must differ' });
    } else {
      // A send time inside quiet hours can never be honored as written, and with some weekday
      // sets (no two allowed days in a row) it leaves the planner no instant at all.
      p.steps.forEach((step, i) => {
        if (isWithinDailyWindow(minutesOfDay(step.sendAt), p.quietHours)) {
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'sendAt'], message: 'must be outside quiet hours' });
        }
      });
      const broken = p.promises?.brokenPromiseStep;
      if (broken && isWithinDailyWindow(minutesOfDay(broken.sendAt), p.quietHours)) {
        ctx.addIssue({
          code: 'custom',
          path: ['promises', 'brokenPromiseStep', 'sendAt'],
          message: 'must be outside quiet hours',
        });
      }
    }
  });
export type Policy = z.infer<typeof policySchema>;

/** How long a payment-area link works when the policy does not say. */
export const DEFAULT_BUYER_AREA_LINK_TTL_DAYS = 30;

/** Days a reminder's link to the buyer's payment area works under this policy. */
export function buyerAreaLinkTtlDays(policy: Pick<Policy, 'buyerArea'>): number {
  return policy.buyerArea?.linkTtlDays ?? DEFAULT_BUYER_AREA_LINK_TTL_DAYS;
}

export { DEFAULT_HANDOFF_HOLD_HOURS, handoffHoldHours } from './handoff';
export { DEFAULT_PROMISE_RULES, promiseRules } from './promises';

export const DEFAULT_POLICY_ID = 'default';

/**
 * The ladder that ships with the product: a friendly heads-up before the due date, then
 * gradually firmer reminders across channels for a month, then a write-off.
 */
export const defaultPolicy: Policy = {
  id: DEFAULT_POLICY_ID,
  version: 1,
  steps: [
    { offsetDays: -3, channel: 'email', template: 'pre_due', sendAt: '10:00' },
    { offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '09:00' },
    { offsetDays: 1, channel: 'sms', template: 'overdue_early', sendAt: '11:00' },
    { offsetDays: 3, channel: 'whatsapp', template: 'overdue_early', sendAt: '11:00' },
    { offsetDays: 7, channel: 'email', template: 'overdue_late', sendAt: '10:00' },
    { offsetDays: 14, channel: 'sms', template: 'overdue_late', sendAt: '11:00' },
    { offsetDays: 21, channel: 'whatsapp', template: 'final_notice', sendAt: '11:00' },
  ],
  quietHours: { start: '21:00', end: '08:00' },
  allowedWeekdays: [1, 2, 3, 4, 5, 6],
  maxContactsPer7Days: 3,
  reschedule: { maxDaysBeyondOriginalDue: 30, maxTimes: 2 },
  partialPayments: { allowed: true, minimumMinor: 0 },
  holidays: { observePublicHolidays: true },
  finalAction: { action: 'write_off', offsetDays: 30 },
};
