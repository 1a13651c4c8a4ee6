/**
 * The recovery curve's histogram and the daily recovered amounts in SQL (domain/reports.ts
 * `recoveryCurve` and `dailyRecovered` define them).
 */
import type { LateDaysCount } from '../domain/reports';
import type { Database } from './client';
import { RECOVERED, RECOVERED_MINOR } from './report-overview';
import { type PeriodFilter, ledgerFacts } from './report-ledger';
import { Statement } from './statement';

/** The period's installments that became overdue, counted by days from due date to settlement (null = unpaid). */
export function lateDaysSql(db: Database, filter: PeriodFilter, now: number): Promise<LateDaysCount[]> {
  const s = new Statement();
  const facts = ledgerFacts(s, filter, { kind: 'due', from: filter.from, to: filter.to }, now);
  return s.run<LateDaysCount>(
    db,
    `select d."lateDays", count(*)::int as count
     from (
       select case when f.settled_at is null then null
         else (f.settled_at at time zone f.time_zone)::date - f.due_date end as "lateDays"
       from (${facts}) f
       where not f.canceled and f.standing in ('paid_late', 'overdue')
     ) d
     group by d."lateDays"`,
  );
}

/** Recovered amounts by the UTC date of the settling payment, oldest first. */
export function dailyRecoveredSql(
  db: Database,
  filter: PeriodFilter & { currency: string },
  now: number,
): Promise<{ date: string; recoveredMinor: number }[]> {
  const s = new Statement();
  const facts = ledgerFacts(s, filter, { kind: 'due', from: filter.from, to: filter.to }, now);
  return s.run(
    db,
    `select (f.settled_at at time zone 'UTC')::date::text as date, sum(${RECOVERED_MINOR})::float8 as "recoveredMinor"
     from (${facts}) f
     where ${RECOVERED} and not f.canceled
     group by 1
     order by 1`,
  );
}
