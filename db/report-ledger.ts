/**
 * The ledger the reports read, in SQL: one row per ledger installment with the facts the
 * definitions in domain/reports.ts need (its schedule, its journey, its payments counted once by
 * payment id) and its standing computed as domain/ledger.ts `entryState` does.
 *
 * A ledger installment is a purchase's scheduled installment (`purchase_installments`, with the
 * installment that became a journey for it, if any) or an installment started as a journey that
 * no schedule names. Each part is read from the table whose index the scope constrains (tenant
 * first), so a period reads a range of due dates, never a whole table:
 *  - `due`: installments whose schedule due date is in `from`..`to`;
 *  - `open_journeys`: installments whose journey is still open, whatever their due date;
 *  - `purchases`: the installments of these purchases (a purchase of one is keyed by its installment's id).
 *
 * Migration 0013's `report_ledger_refresh` restates this SQL for the report ledger projection (a
 * change here needs a migration redefining it); test/db/report-projection.test.ts holds the two equal.
 */
import { CONTACT_STATUSES } from './contact-repository';
import { FIRST_LADDER_STEP_INDEX } from '../domain/delivery';
import { statesOf } from './journey-state';
import type { Statement } from './statement';

/** What narrows the ledger (application/reports.ts ReportFilter without its period). */
export interface LedgerFilter {
  tenantId: string;
  productId?: string | undefined;
  country?: string | undefined;
  policyId?: string | undefined;
  /** Installments whose journey sent at least one attempt on this channel. */
  channel?: string | undefined;
  currency?: string | undefined;
}

/** A filter with its period of schedule due dates (inclusive). */
export interface PeriodFilter extends LedgerFilter {
  from: string;
  to: string;
}

export type LedgerScope =
  | { kind: 'due'; from: string; to: string; page?: LedgerPage | undefined }
  | { kind: 'open_journeys' }
  | { kind: 'purchases'; purchaseKeys: readonly string[] };

/** A ledger installment's place in page order: its schedule due date, purchase key and number. */
export interface LedgerKey {
  dueDate: string;
  purchaseKey: string;
  number: number;
}

/**
 * The first `limit` installments after `after` in page order: each part reads only that many,
 * in the order of its index, instead of the whole period (a first page at 1M installments reads
 * 51 schedule rows, not 37,000).
 */
export interface LedgerPage {
  limit: number;
  after?: LedgerKey | undefined;
}

/** `(key) > (after)`: the rows after `after` in page order, whose key columns are `key`. */
export function afterKey(s: Statement, after: LedgerKey, key: readonly [string, string, string]): string {
  return `(${key.join(', ')}) > (${s.value(after.dueDate, 'date')}, ${s.value(after.purchaseKey, 'text')}, ${s.value(after.number, 'int')})`;
}

/** ` and (key) > (after) order by key limit n` for one part of the ledger, whose key columns are `key`. */
function pageOf(s: Statement, page: LedgerPage | undefined, key: [string, string, string]) {
  if (!page) return { where: '', order: '' };
  const { after } = page;
  return {
    where: after ? ` and ${afterKey(s, after, key)}` : '',
    order: ` order by ${key.join(', ')} limit ${s.value(page.limit, 'int')}`,
  };
}

/** Statuses of an attempt the buyer got (the funnel's "delivered"). */
export const DELIVERED_STATUSES: readonly string[] = ['delivered', 'complained'];

/** `a.status in (…)` for the attempts that went out (the contact ledger's statuses) and have a send time. */
export function sentAttempt(s: Statement, alias: string): string {
  return `${alias}.sent_at is not null and ${alias}.status = any(${s.value([...CONTACT_STATUSES], 'text[]')})`;
}

/** A sent step of the ladder (a reminder; domain/delivery.ts `isLadderStep`): what attribution and the funnel count. */
export function sentReminder(s: Statement, alias: string): string {
  return `${sentAttempt(s, alias)} and ${alias}.step_index >= ${s.value(FIRST_LADDER_STEP_INDEX, 'int')}`;
}

/** The columns of a ledger installment, from the aliases pi (schedule), p (purchase), i (installment), j (journey). */
const ENTRY_COLUMNS = `
  coalesce(pi.purchase_id, i.purchase_id, i.installment_id) as purchase_key,
  coalesce(pi.purchase_id, i.purchase_id) as purchase_id,
  coalesce(pi.number, i.installment_number) as number,
  coalesce(pi.installment_id, i.installment_id) as installment_id,
  coalesce(p.product_id, i.product_id) as product_id,
  coalesce(p.product_name, i.product_name) as product_name,
  coalesce(p.buyer_id, i.buyer_id) as buyer_id,
  coalesce(p.buyer, i.buyer) as buyer,
  coalesce(pi.amount_minor, i.amount_minor) as amount_minor,
  coalesce(p.currency, i.currency) as currency,
  coalesce(pi.due_date, j.original_due_date, i.due_date) as due_date,
  coalesce(j.due_date, i.due_date, pi.due_date) as current_due_date,
  coalesce(pi.canceled, false) as canceled,
  j.id as journey_id, j.stage as journey_stage, j.outcome as journey_outcome, j.policy_id`;

/** The journey of an installment `i`. */
const JOURNEY_OF_INSTALLMENT = `
  left join journeys j on j.tenant_id = i.tenant_id and j.installment_id = i.installment_id`;

/** The ledger installments of the scope (entry columns only), for the tenant and the filter. */
function entries(s: Statement, filter: LedgerFilter, scope: LedgerScope): string {
  const tenant = s.value(filter.tenantId, 'text');
  const where = filterConditions(s, filter);
  const scheduled = (range: string) => `
    select ${ENTRY_COLUMNS}
    from purchase_installments pi
    join purchases p on p.tenant_id = pi.tenant_id and p.purchase_id = pi.purchase_id
    left join lateral (
      select * from installments x
      where x.tenant_id = pi.tenant_id and x.purchase_id = pi.purchase_id and x.installment_number = pi.number
      union all
      select * from installments x
      where x.tenant_id = pi.tenant_id and x.installment_id = pi.purchase_id and x.purchase_id is null
        and x.installment_number = pi.number
      limit 1
    ) i on true
    ${JOURNEY_OF_INSTALLMENT}
    where pi.tenant_id = ${tenant} and ${range} ${where}`;
  // From an installment, with its schedule row and purchase when it has them.
  const fromInstallment = (driving: string) => `
    select ${ENTRY_COLUMNS}
    from ${driving}
    left join purchase_installments pi on pi.tenant_id = i.tenant_id
      and pi.purchase_id = coalesce(i.purchase_id, i.installment_id) and pi.number = i.installment_number
    left join purchases p on p.tenant_id = i.tenant_id and p.purchase_id = coalesce(i.purchase_id, i.installment_id)`;
  if (scope.kind === 'due') {
    const from = s.value(scope.from, 'date');
    const to = s.value(scope.to, 'date');
    const installmentKey = (due: string): [string, string, string] => [
      due,
      'coalesce(i.purchase_id, i.installment_id)',
      'i.installment_number',
    ];
    const { page } = scope;
    const first = pageOf(s, page, ['pi.due_date', 'pi.purchase_id', 'pi.number']);
    const second = pageOf(s, page, installmentKey('j.original_due_date'));
    const third = pageOf(s, page, installmentKey('i.due_date'));
    // On a page, nothing due after the schedule's last row on it can come before that row (when
    // the schedule fills the page): the other parts read a day or two, not the period.
    const dueBy = page
      ? `(select case when count(*) < ${s.value(page.limit, 'int')} then ${to} else max(due_date) end from scheduled)`
      : to;
    // The second and third parts are the installments no schedule names (`pi.number is null`).
    return `
      with scheduled as (${scheduled(`pi.due_date between ${from} and ${to}${first.where}`)}${first.order})
      select * from scheduled
      union all
      (${fromInstallment('journeys j join installments i on i.tenant_id = j.tenant_id and i.installment_id = j.installment_id')}
      where j.tenant_id = ${tenant} and j.original_due_date between ${from} and ${dueBy} and pi.number is null ${where}${second.where}${second.order})
      union all
      (${fromInstallment(`installments i ${JOURNEY_OF_INSTALLMENT}`)}
      where i.tenant_id = ${tenant} and j.id is null and i.due_date between ${from} and ${dueBy}
        and pi.number is null ${where}${third.where}${third.order})`;
  }
  if (scope.kind === 'purchases') {
    const keys = s.value(scope.purchaseKeys, 'text[]');
    return `
      ${scheduled(`pi.purchase_id = any(${keys})`)}
      union all
      ${fromInstallment(`installments i ${JOURNEY_OF_INSTALLMENT}`)}
      where i.tenant_id = ${tenant} and pi.number is null
        and (i.purchase_id = any(${keys}) or (i.purchase_id is null and i.installment_id = any(${keys}))) ${where}`;
  }
  const open = s.value(statesOf({ openOnly: true }), 'text[]');
  return `
    ${fromInstallment('journeys j join installments i on i.tenant_id = j.tenant_id and i.installment_id = j.installment_id')}
    where j.tenant_id = ${tenant} and coalesce(j.outcome, j.stage) = any(${open}) ${where}`;
}

/** ` and …` for the filter's product, country, policy, channel and currency. */
function filterConditions(s: Statement, filter: LedgerFilter): string {
  const conditions: string[] = [];
  if (filter.productId) conditions.push(`coalesce(p.product_id, i.product_id) = ${s.value(filter.productId, 'text')}`);
  if (filter.country) conditions.push(`coalesce(p.buyer, i.buyer)->>'country' = ${s.value(filter.country, 'text')}`);
  if (filter.policyId) conditions.push(`j.policy_id = ${s.value(filter.policyId, 'text')}`);
  if (filter.channel)
    conditions.push(
      `exists (select 1 from attempts a where a.journey_id = j.id and a.channel = ${s.value(filter.channel, 'text')}
        and ${sentAttempt(s, 'a')})`,
    );
  if (filter.currency) conditions.push(`coalesce(p.currency, i.currency) = ${s.value(filter.currency, 'text')}`);
  return conditions.map((c) => ` and ${c}`).join('');
}

/**
 * A ledger installment's standing at `nowAt` (domain/ledger.ts `entryState`), from its settlement
 * time and the row `e`'s due_end, canceled, time_zone and current_due_date.
 */
export function standingAt(nowAt: string, settledAt: string, e: string): string {
  return `case
        when ${settledAt} is not null then
          case when ${settledAt} < ${e}.due_end then 'paid_on_time' else 'paid_late' end
        when ${e}.canceled then 'canceled'
        when (${nowAt} at time zone ${e}.time_zone)::date > ${e}.current_due_date then 'overdue'
        when (${nowAt} at time zone ${e}.time_zone)::date = ${e}.current_due_date then 'due_today'
        else 'upcoming'
      end`;
}

/**
 * The ledger installments of the scope with their payments and standing at `now`:
 * paid_minor, paid_before_due_minor (paid before the end of the due date in the buyer's zone),
 * settled_at_ms, standing, and due_end_ms. Columns named as in `entries`.
 */
export function ledgerFacts(s: Statement, filter: LedgerFilter, scope: LedgerScope, now: number): string {
  const nowAt = s.value(new Date(now).toISOString(), 'timestamptz');
  return `
    select e.*, pay.paid_minor, pay.paid_before_due_minor, pay.settled_at,
      (extract(epoch from pay.settled_at) * 1000)::float8 as settled_at_ms,
      ${standingAt(nowAt, 'pay.settled_at', 'e')} as standing
    from (
      select l.*, l.buyer->>'timezone' as time_zone,
        ((l.due_date + 1)::timestamp at time zone (l.buyer->>'timezone')) as due_end
      from (${entries(s, filter, scope)}) l
    ) e
    left join lateral (
      select coalesce(sum(x.amount_minor), 0)::float8 as paid_minor,
        coalesce(sum(x.amount_minor) filter (where x.paid_at < e.due_end), 0)::float8 as paid_before_due_minor,
        min(x.paid_at) filter (where x.running >= e.amount_minor) as settled_at
      from (
        select y.amount_minor, y.paid_at, sum(y.amount_minor) over (order by y.paid_at, y.payment_id) as running
        from (
          select pp.payment_id, pp.amount_minor, pp.paid_at from purchase_payments pp
          where pp.tenant_id = ${s.value(filter.tenantId, 'text')} and pp.purchase_id = e.purchase_key
            and pp.installment_number = e.number
          union all
          select py.payment_id, py.amount_minor, py.paid_at from payments py
          where py.journey_id = e.journey_id and not exists (
            select 1 from purchase_payments pp2
            where pp2.tenant_id = ${s.value(filter.tenantId, 'text')} and pp2.purchase_id = e.purchase_key
              and pp2.payment_id = py.payment_id)
        ) y
      ) x
    ) pay on true`;
}
