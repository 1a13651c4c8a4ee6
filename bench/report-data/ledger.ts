/**
 * The ledger half of the generated data: a staging table that decides every installment's fate
 * (one row per ledger installment), then, purchase range by purchase range, what the payment
 * system reports — purchases, their schedules and the payments reported for them — as
 * db/purchase-repository.ts writes them.
 *
 * Purchases have 1–12 installments a month apart (most have few); 2% are installments reported
 * without a purchase (a journey of their own: the ledger's "purchase of one"). Due dates run from
 * two years back to a year ahead of the anchor. Of the installments: 3% canceled, 47% paid well
 * before the due date (no journey), 10% paid in the last days before it while a journey ran, 2%
 * paid late without a journey, 22% recovered by a journey (most in the first week), 2% partly,
 * 11% never paid (written off or handed over when the ladder ends), 3% refunded — those not yet
 * settled at the anchor are the open journeys and the unpaid installments.
 */
import { ANCHOR_DATE, BIG_TENANT, BIG_TENANT_SHARE, PRODUCTS, SMALL_TENANTS, literal, uniform } from './shape';

const anchor = `${literal(ANCHOR_DATE)}::date`;
const anchorInstant = `(${anchor} + time '15:00') at time zone 'UTC'`;
const at = (date: string, time: string) => `((${date}) + time '${time}') at time zone 'UTC'`;

const COUNTRIES = [
  // country, share (cumulative), time zone, locale
  ['BR', 0.45, 'America/Sao_Paulo', 'pt-BR'],
  ['US', 0.65, 'America/New_York', 'en'],
  ['MX', 0.75, 'America/Mexico_City', 'es'],
  ['ES', 0.83, 'Europe/Madrid', 'es'],
  ['FR', 0.9, 'Europe/Paris', 'fr'],
  ['PT', 0.95, 'Europe/Lisbon', 'pt-BR'],
  ['CO', 1, 'America/Bogota', 'es'],
] as const;

const byCountry = (u: string, column: 0 | 2 | 3) =>
  `case ${COUNTRIES.map((c) => `when ${u} < ${c[1]} then ${literal(c[column])}`).join(' ')} end`;

/** `bench_ledger`: every ledger installment with the facts the other statements draw on. */
export function stageLedger(installments: number): string {
  const bigUpTo = Math.round(installments * BIG_TENANT_SHARE);
  const small = `(array[${SMALL_TENANTS.map(literal).join(', ')}])[1 + p % ${SMALL_TENANTS.length}]`;
  return `
    create unlogged table bench_ledger as
    with draw as (
      select p, ${uniform('p', 1)} < 0.02 as standalone,
        case when ${uniform('p', 1)} < 0.02 then 1 else 1 + floor(12 * ${uniform('p', 2)} ^ 1.6)::int end as count
      from generate_series(0, ${installments - 1}) p
    ),
    planned as (
      select p, standalone, count, sum(count) over (order by p) - count as first_index from draw
    ),
    purchase as (
      select p, standalone, first_index, least(count, ${installments} - first_index)::int as count,
        case when first_index < ${bigUpTo} then ${literal(BIG_TENANT)} else ${small} end as tenant_id,
        floor(${PRODUCTS} * ${uniform('p', 3)} ^ 2)::int as product_n,
        floor(${Math.max(10, Math.round(installments / 8))} * ${uniform('p', 4)})::int as buyer_n,
        ${uniform('p', 5)} as country_u,
        case when ${uniform('p', 6)} < 0.9 then 'USD' when ${uniform('p', 6)} < 0.97 then 'EUR' else 'BRL' end as currency,
        (10 + floor(490 * ${uniform('p', 7)}))::int * 100 as amount,
        ${anchor} - 720 + floor(${uniform('p', 8)} * case when standalone then 723 else 780 end)::int as first_due
      from planned where first_index < ${installments}
    ),
    installment as (
      select purchase.*, k as number, first_index + k - 1 as idx, first_due + 30 * (k - 1) as due_date,
        ${uniform('first_index + k - 1', 9)} as fate_u, ${uniform('first_index + k - 1', 10)} as u
      from purchase cross join lateral generate_series(1, count) k
    ),
    fated as (
      select *,
        case when standalone then
          case when fate_u < 0.2 then 'on_time' when fate_u < 0.7 then 'recovered' when fate_u < 0.75 then 'partial'
            when fate_u < 0.95 then 'exhausted' else 'refunded' end
        else
          case when fate_u < 0.03 then 'canceled' when fate_u < 0.50 then 'early' when fate_u < 0.60 then 'on_time'
            when fate_u < 0.62 then 'late_unjourneyed' when fate_u < 0.84 then 'recovered'
            when fate_u < 0.86 then 'partial' when fate_u < 0.97 then 'exhausted' else 'refunded' end
        end as fate
      from installment
    ),
    timed as (
      select *,
        case fate when 'early' then -4 - floor(u * 10)::int when 'on_time' then -floor(u * 3)::int
          when 'late_unjourneyed' then 1 + floor(u * 20)::int when 'recovered' then 1 + floor(40 * u ^ 2)::int
          when 'partial' then 1 + floor(u * 20)::int end as pay_offset
      from fated
    )
    select p, idx, tenant_id, number, count,
      case when not standalone then 'pur-' || p end as purchase_id,
      'inst-' || p || '-' || number as installment_id,
      'prod-' || product_n as product_id, product_n,
      'buyer-' || buyer_n as buyer_id, buyer_n,
      ${byCountry('country_u', 0)} as country, ${byCountry('country_u', 2)} as timezone,
      ${byCountry('country_u', 3)} as locale,
      currency, amount, due_date, fate, u,
      ${at('due_date + pay_offset', '08:00')} + ${uniform('idx', 11)} * interval '12 hours' as pay_at,
      case when fate in ('partial', 'exhausted') then ${at('due_date + 31', '12:00')}
        when fate = 'refunded' then ${at('due_date + floor(u * 10)::int', '16:00')} end as close_at,
      fate in ('on_time', 'recovered', 'partial', 'exhausted', 'refunded') and due_date - 3 <= ${anchor} as journeyed
    from timed`;
}

export const indexLedger = 'create index on bench_ledger (p); analyze bench_ledger';

const buyerJson = (b: string) => `jsonb_build_object('id', ${b}.buyer_id, 'name', 'Buyer ' || ${b}.buyer_n,
  'email', ${b}.buyer_id || '@bench.example', 'phone', '+1415' || lpad((${b}.buyer_n % 10000000)::text, 7, '0'),
  'locale', ${b}.locale, 'timezone', ${b}.timezone, 'country', ${b}.country)`;
export { buyerJson, anchor, anchorInstant };

/** Purchases, schedules and reported payments of the purchases numbered `from` ≤ p < `to`. */
export function insertLedger(from: number, to: number): string {
  const range = `p >= ${from} and p < ${to} and purchase_id is not null`;
  return `
    with purchase_rows as (
      insert into purchases (tenant_id, purchase_id, buyer_id, buyer, product_id, product_name, currency, created_at)
      select distinct on (p) tenant_id, purchase_id, buyer_id, ${buyerJson('l')}, product_id, 'Course ' || product_n,
        currency, ${at('due_date - 30', '12:00')}
      from bench_ledger l where ${range} order by p, number
    ),
    schedule_rows as (
      insert into purchase_installments (tenant_id, purchase_id, number, installment_id, amount_minor, due_date,
        canceled, payment_url, updated_at)
      select tenant_id, purchase_id, number, installment_id, amount, due_date, fate in ('canceled', 'refunded'),
        'https://pay.example.com/i/' || installment_id, ${at('due_date - 30', '12:00')}
      from bench_ledger where ${range}
    )
    -- What the payment system reported: payments of installments no journey collected (a third
    -- declared paid by a schedule), and half of the journeys' payments again for the purchase.
    insert into purchase_payments (tenant_id, purchase_id, payment_id, installment_number, amount_minor, currency,
      paid_at, source, created_at)
    select tenant_id, purchase_id,
      case when declared then '#schedule:' || number else 'pay-' || installment_id end,
      number, case when fate = 'partial' then amount / 2 else amount end, currency, pay_at,
      case when declared then 'schedule' else 'api' end, pay_at + interval '1 minute'
    from (
      select *, not journeyed and u < 0.33 as declared from bench_ledger
      where ${range} and pay_at <= ${anchorInstant}
        and (not journeyed or (fate in ('on_time', 'recovered', 'partial') and ${uniform('idx', 12)} < 0.5))
    ) paid`;
}
