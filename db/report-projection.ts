/**
 * The `report_ledger` projection (migration 0013): the ledger facts the overview reads (currency,
 * amount_minor, canceled, journey_id, paid_minor, paid_before_due_minor, standing — the columns
 * `ledgerFacts` gives), from one narrow row per installment instead of six joins and a per-row
 * sum of payments. Only the standing, relative to `now`, is computed here. Its rows are exact once
 * the tenant's writes since the last read are caught up: call `catchUpReportLedger` first.
 */
import type { Database } from './client';
import type { EntryStanding } from '../domain/ledger';
import { statesOf } from './journey-state';
import { type LedgerFilter, type LedgerKey, type PeriodFilter, afterKey, standingAt } from './report-ledger';
import { Statement } from './statement';

/**
 * Recomputes the tenant's purchases written since the last catch-up (the triggers mark them);
 * answers how many. Writers stay cheap, and a report pays for what changed since the one before.
 */
export async function catchUpReportLedger(db: Database, tenantId: string): Promise<number> {
  const s = new Statement();
  const [row] = await s.run<{ refreshed: number }>(
    db,
    `select report_ledger_catch_up(${s.value(tenantId, 'text')}) as refreshed`,
  );
  return row?.refreshed ?? 0;
}

/**
 * Catches up every tenant that has writes waiting (the reconcile schedule runs it, so that a
 * report seldom finds more than a few minutes of writes to catch up); answers how many purchases.
 */
export async function catchUpAllReportLedgers(db: Database): Promise<number> {
  const tenants = await new Statement().run<{ tenantId: string }>(
    db,
    'select distinct tenant_id as "tenantId" from report_ledger_stale',
  );
  let refreshed = 0;
  for (const { tenantId } of tenants) refreshed += await catchUpReportLedger(db, tenantId);
  return refreshed;
}

/** The scopes the overview reads: a range of due dates, or the open journeys. */
export type ProjectedScope = { kind: 'due'; from: string; to: string } | { kind: 'open_journeys' };

export function projectedFacts(s: Statement, filter: LedgerFilter, scope: ProjectedScope, now: number): string {
  const nowAt = s.value(new Date(now).toISOString(), 'timestamptz');
  const conditions = [`r.tenant_id = ${s.value(filter.tenantId, 'text')}`, ...scopeConditions(s, scope)];
  if (filter.productId) conditions.push(`r.product_id = ${s.value(filter.productId, 'text')}`);
  if (filter.country) conditions.push(`r.country = ${s.value(filter.country, 'text')}`);
  if (filter.policyId) conditions.push(`r.policy_id = ${s.value(filter.policyId, 'text')}`);
  if (filter.currency) conditions.push(`r.currency = ${s.value(filter.currency, 'text')}`);
  if (filter.channel) conditions.push(`r.channels @> array[${s.value(filter.channel, 'text')}]`);
  return `
    select r.due_date::text as due_date, r.purchase_key, r.number, r.currency, r.amount_minor, r.canceled, r.journey_id,
      r.paid_minor::float8 as paid_minor, r.paid_before_due_minor::float8 as paid_before_due_minor,
      ${standingAt(nowAt, 'r.settled_at', 'r')} as standing
    from report_ledger r
    where ${conditions.join(' and ')}`;
}

function scopeConditions(s: Statement, scope: ProjectedScope): string[] {
  if (scope.kind === 'due')
    return [`r.due_date between ${s.value(scope.from, 'date')} and ${s.value(scope.to, 'date')}`];
  return ['r.journey_id is not null', `r.journey_state = any(${s.value(statesOf({ openOnly: true }), 'text[]')})`];
}

/**
 * The keys of a tracking page of installments in this standing, in page order, from the
 * projection: a standing is known only once payments are summed, which the ledger's SQL does per
 * row over the whole period, and the projection has already done.
 */
export function projectedPageKeys(
  db: Database,
  query: PeriodFilter & { standing: EntryStanding; limit: number; after?: LedgerKey | undefined },
  now: number,
): Promise<LedgerKey[]> {
  const s = new Statement();
  const facts = projectedFacts(s, query, { kind: 'due', from: query.from, to: query.to }, now);
  const after = query.after
    ? ` and ${afterKey(s, query.after, ['f.due_date::date', 'f.purchase_key', 'f.number'])}`
    : '';
  return s.run<LedgerKey>(
    db,
    `select f.due_date as "dueDate", f.purchase_key as "purchaseKey", f.number
     from (${facts}) f
     where f.standing = ${s.value(query.standing, 'text')}${after}
     order by f.due_date, f.purchase_key, f.number
     limit ${s.value(query.limit, 'int')}`,
  );
}
