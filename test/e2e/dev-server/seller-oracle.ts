/**
 * The overview's numbers as the database tells them, written here from the definitions in
 * application/reports.ts and nothing of the product's report code: one SQL statement over the
 * purchase ledger's tables and the journeys' projection. The browser test compares the page to it.
 */
import type postgres from 'postgres';

export interface OverviewTruth {
  currency: string;
  expected: { installments: number; amountMinor: number };
  paidMinor: number;
  paidOnTime: number;
  recovered: number;
  recoveredMinor: number;
  inRecoveryNow: { journeys: number; outstandingMinor: number };
  /** Open installments due today or in the next 29 days (UTC). */
  upcoming: { installments: number; amountMinor: number };
}

interface TruthRow {
  currency: string;
  currencies: number;
  expected_installments: number;
  expected_minor: number;
  paid_minor: number;
  paid_on_time: number;
  recovered: number;
  recovered_minor: number;
  recovery_journeys: number;
  recovery_minor: number;
  upcoming_installments: number;
  upcoming_minor: number;
}

/**
 * The tenant's overview for the period `from`..`to` (due dates, inclusive), in its one currency.
 * An installment is settled when its payments reach its amount; the seed pays each in one payment,
 * so the settling payment is its last.
 */
export async function overviewTruth(
  sql: postgres.Sql,
  tenantId: string,
  period: { from: string; to: string },
  upcoming: { from: string; to: string },
): Promise<OverviewTruth> {
  const rows = await sql<TruthRow[]>`
    with ledger as (
      select s.purchase_id, s.number, s.amount_minor, s.due_date, s.canceled, p.currency,
        -- the first instant after the due date in the buyer's zone: a payment before it is on time
        ((s.due_date + 1)::timestamp at time zone (p.buyer->>'timezone')) as due_end,
        ((now() at time zone (p.buyer->>'timezone'))::date > s.due_date) as past_due,
        j.id as journey_id, j.closed_at as journey_closed_at
      from purchase_installments s
      join purchases p on p.tenant_id = s.tenant_id and p.purchase_id = s.purchase_id
      left join journeys j on j.tenant_id = s.tenant_id and j.installment_id = s.installment_id
      where s.tenant_id = ${tenantId}
    ),
    -- a payment told to the purchase and to its journey is one payment (the same id)
    paid_each as (
      select purchase_id, installment_number as number, payment_id, amount_minor, paid_at
      from purchase_payments where tenant_id = ${tenantId}
      union
      select i.purchase_id, i.installment_number, py.payment_id, py.amount_minor, py.paid_at
      from payments py join journeys j on j.id = py.journey_id
      join installments i on i.tenant_id = j.tenant_id and i.installment_id = j.installment_id
      where py.tenant_id = ${tenantId}
    ),
    facts as (
      select l.*,
        coalesce((select sum(x.amount_minor) from paid_each x
          where x.purchase_id = l.purchase_id and x.number = l.number), 0) as paid,
        coalesce((select sum(x.amount_minor) from paid_each x
          where x.purchase_id = l.purchase_id and x.number = l.number and x.paid_at < l.due_end), 0) as paid_before_due,
        (select max(x.paid_at) from paid_each x where x.purchase_id = l.purchase_id and x.number = l.number) as last_paid_at
      from ledger l
    )
    select
      min(currency) as currency,
      count(distinct currency)::int as currencies,
      (count(*) filter (where in_period))::int as expected_installments,
      coalesce(sum(amount_minor) filter (where in_period), 0)::float8 as expected_minor,
      coalesce(sum(least(paid, amount_minor)) filter (where in_period), 0)::float8 as paid_minor,
      (count(*) filter (where in_period and settled and last_paid_at < due_end))::int as paid_on_time,
      (count(*) filter (where in_period and settled and last_paid_at >= due_end and journey_id is not null))::int
        as recovered,
      coalesce(sum(least(paid, amount_minor) - least(paid_before_due, amount_minor))
        filter (where in_period and settled and last_paid_at >= due_end and journey_id is not null), 0)::float8
        as recovered_minor,
      (count(*) filter (where in_recovery))::int as recovery_journeys,
      coalesce(sum(amount_minor - paid) filter (where in_recovery), 0)::float8 as recovery_minor,
      (count(*) filter (where is_upcoming))::int as upcoming_installments,
      coalesce(sum(amount_minor - paid) filter (where is_upcoming), 0)::float8 as upcoming_minor
    from (
      select f.*,
        not f.canceled and f.due_date between ${period.from}::date and ${period.to}::date as in_period,
        f.paid >= f.amount_minor as settled,
        f.journey_id is not null and f.journey_closed_at is null and f.past_due and f.paid < f.amount_minor
          as in_recovery,
        not f.canceled and f.paid < f.amount_minor
          and f.due_date between ${upcoming.from}::date and ${upcoming.to}::date as is_upcoming
      from facts f
    ) t`;
  const row = rows[0]!;
  if (row.currencies !== 1) throw new Error(`the oracle reads one currency; the ledger has ${row.currencies}`);
  return {
    currency: row.currency,
    expected: { installments: row.expected_installments, amountMinor: row.expected_minor },
    paidMinor: row.paid_minor,
    paidOnTime: row.paid_on_time,
    recovered: row.recovered,
    recoveredMinor: row.recovered_minor,
    inRecoveryNow: { journeys: row.recovery_journeys, outstandingMinor: row.recovery_minor },
    upcoming: { installments: row.upcoming_installments, amountMinor: row.upcoming_minor },
  };
}

/** The buyers of the period's installments still unpaid after their due date (the buyer's day), one per installment. */
export async function overdueBuyers(
  sql: postgres.Sql,
  tenantId: string,
  period: { from: string; to: string },
): Promise<string[]> {
  const rows = await sql<{ buyer_id: string }[]>`
    select p.buyer_id
    from purchase_installments s
    join purchases p on p.tenant_id = s.tenant_id and p.purchase_id = s.purchase_id
    where s.tenant_id = ${tenantId} and not s.canceled
      and s.due_date between ${period.from}::date and ${period.to}::date
      and (now() at time zone (p.buyer->>'timezone'))::date > s.due_date
      and coalesce((select sum(x.amount_minor) from purchase_payments x
        where x.tenant_id = s.tenant_id and x.purchase_id = s.purchase_id and x.installment_number = s.number), 0)
        < s.amount_minor
  `;
  return rows.map((r) => r.buyer_id);
}
