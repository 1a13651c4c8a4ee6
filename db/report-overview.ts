/**
 * The overview's sums in SQL, per currency (domain/reports.ts `periodTotals`, `inRecoveryNow`,
 * `expectedUpcoming` say what each number is; `overviewOf` assembles them).
 */
import { type CurrencyCount, type PeriodTotals, upcomingRange } from '../domain/reports';
import type { Database } from './client';
import type { PeriodFilter } from './report-ledger';
import { type ProjectedScope, projectedFacts } from './report-projection';
import { Statement } from './statement';

/** The classes of domain/reports.ts `installmentResult`, as SQL conditions on a ledger fact row `f`. */
export const RECOVERED = `f.standing = 'paid_late' and f.journey_id is not null`;
const OPEN = `f.standing in ('overdue', 'due_today', 'upcoming')`;
/** What a recovered installment got after its due date, capped at its amount. */
export const RECOVERED_MINOR = `least(f.paid_minor, f.amount_minor) - least(f.paid_before_due_minor, f.amount_minor)`;

export async function periodTotalsSql(db: Database, filter: PeriodFilter, now: number): Promise<PeriodTotals[]> {
  const s = new Statement();
  const facts = projectedFacts(s, filter, { kind: 'due', from: filter.from, to: filter.to }, now);
  return s.run<PeriodTotals>(
    db,
    `select f.currency,
       count(*)::int as "expected",
       sum(f.amount_minor)::float8 as "expectedMinor",
       sum(least(f.paid_minor, f.amount_minor))::float8 as "paidMinor",
       (count(*) filter (where f.standing = 'paid_on_time'))::int as "paidOnTime",
       (count(*) filter (where ${RECOVERED}))::int as "recovered",
       (count(*) filter (where f.standing = 'paid_late' and f.journey_id is null))::int as "paidLateWithoutJourney",
       (count(*) filter (where ${OPEN}))::int as "open",
       coalesce(sum(${RECOVERED_MINOR}) filter (where ${RECOVERED}), 0)::float8 as "recoveredMinor"
     from (${facts}) f
     where not f.canceled
     group by f.currency`,
  );
}

/** Open journeys with money overdue now, per currency. */
export function inRecoveryNowSql(db: Database, filter: PeriodFilter, now: number): Promise<CurrencyCount[]> {
  return countsSql(db, filter, { kind: 'open_journeys' }, `f.standing = 'overdue'`, now);
}

/** Installments due in the upcoming range still asking for money, per currency. */
export function expectedUpcomingSql(db: Database, filter: PeriodFilter, now: number): Promise<CurrencyCount[]> {
  return countsSql(db, filter, { kind: 'due', ...upcomingRange(now) }, OPEN, now);
}

function countsSql(
  db: Database,
  filter: PeriodFilter,
  scope: ProjectedScope,
  condition: string,
  now: number,
): Promise<CurrencyCount[]> {
  const s = new Statement();
  const facts = projectedFacts(s, filter, scope, now);
  return s.run<CurrencyCount>(
    db,
    `select f.currency, count(*)::int as "count",
       sum(greatest(f.amount_minor - f.paid_minor, 0))::float8 as "amountMinor"
     from (${facts}) f
     where ${condition}
     group by f.currency`,
  );
}
