/**
 * What the reports' generated data looks like, in one place: the tenants, the policies their
 * products run, and the fixed "today" it is generated for. The date is fixed, not the clock's,
 * so a database generated last week is still the same data today and the reports are asked
 * about the same days (createReports takes `now`).
 */
import { type Policy, defaultPolicy } from '../../domain/policy';

/** The day the data is generated as of; reports are asked with `now` on that day. */
export const ANCHOR_DATE = '2026-11-30';
export const ANCHOR_NOW = Date.parse(`${ANCHOR_DATE}T15:00:00Z`);

/** The big tenant holds 97% of the ledger; three small ones share the rest. */
export const BIG_TENANT = 'bench-reports';
export const SMALL_TENANTS = ['bench-reports-2', 'bench-reports-3', 'bench-reports-4'] as const;
export const BIG_TENANT_SHARE = 0.97;

/** Products are numbered by popularity: prod-0 sells most. */
export const PRODUCTS = 200;

/** The ladders the products run (by product number: 70% default, 20% gentle, 10% firm). */
export const POLICIES: Policy[] = [
  defaultPolicy,
  {
    ...defaultPolicy,
    id: 'gentle',
    steps: [
      { offsetDays: -3, channel: 'email', template: 'pre_due', sendAt: '10:00' },
      { offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '09:00' },
      { offsetDays: 3, channel: 'email', template: 'overdue_early', sendAt: '10:00' },
      { offsetDays: 10, channel: 'sms', template: 'overdue_late', sendAt: '11:00' },
      { offsetDays: 20, channel: 'email', template: 'final_notice', sendAt: '10:00' },
    ],
  },
  {
    ...defaultPolicy,
    id: 'firm',
    steps: [
      { offsetDays: 0, channel: 'sms', template: 'due_today', sendAt: '09:00' },
      { offsetDays: 1, channel: 'whatsapp', template: 'overdue_early', sendAt: '11:00' },
      { offsetDays: 2, channel: 'email', template: 'overdue_early', sendAt: '10:00' },
      { offsetDays: 5, channel: 'sms', template: 'overdue_late', sendAt: '11:00' },
      { offsetDays: 10, channel: 'whatsapp', template: 'overdue_late', sendAt: '11:00' },
      { offsetDays: 15, channel: 'email', template: 'final_notice', sendAt: '10:00' },
    ],
    finalAction: { action: 'hand_to_agency', offsetDays: 30 },
  },
];

/*
 * The generator's SQL is text built from these constants only (no outside input reaches it):
 * statements of a hundred lines read better without a placeholder per constant.
 */

/** A string constant as an SQL literal. */
export const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** The policy of product number `n` (an SQL expression). */
export const policyOfProduct = (n: string) =>
  `case when ${n} % 10 < 7 then 'default' when ${n} % 10 < 9 then 'gentle' else 'firm' end`;

/** Every step of every policy as a relation: (policy_id, step_index, offset_days, channel, template). */
export function policyStepsRelation(alias: string): string {
  const rows = POLICIES.flatMap((policy) =>
    policy.steps.map(
      (step, index) =>
        `(${literal(policy.id)}, ${index}, ${step.offsetDays}, ${literal(step.channel)}, ${literal(step.template)})`,
    ),
  );
  return `(values ${rows.join(', ')}) as ${alias}(policy_id, step_index, offset_days, channel, template)`;
}

/**
 * A uniform number in [0, 1) drawn from an integer expression and a salt (to draw several from
 * one): a hash, not random(), so every run generates the same rows.
 */
export const uniform = (n: string, salt: number) =>
  `((hashint8((${n})::bigint * 64 + ${salt}) + 2147483648) / 4294967296.0)`;
