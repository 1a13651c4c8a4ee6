/**
 * The journey half of the generated data, as the worker's recordJourney and the delivery
 * activity write it: for each installment that went to a journey, its installment row, its
 * projection, its audit events (started; per ladder step sent before the payment, the close or
 * the anchor: sometimes deferred first, sometimes failed or skipped; the payment and its
 * confirmation; the final action or the cancel; the buyer's visits to the payment area), one
 * attempt per message (intent row settled by the provider: mostly delivered, some bounced or
 * undelivered) and its payments.
 */
import { ANCHOR_DATE, literal, policyOfProduct, policyStepsRelation, uniform } from './shape';
import { anchor, anchorInstant, buyerJson } from './ledger';

const ms = (instant: string) => `(extract(epoch from ${instant}) * 1000)::bigint`;

/** `bench_journey`: the installments that went to a journey, with where each stands at the anchor. */
export const stageJourneys = `
  create unlogged table bench_journey as
  select l.*, 'dunning/' || tenant_id || '/' || installment_id as journey_id,
    ${policyOfProduct('l.product_n')} as policy_id,
    ((due_date - 3) + time '06:00') at time zone 'UTC' as start_at,
    least(ends.end_at, ${anchorInstant}) as horizon,
    ends.end_at <= ${anchorInstant} as closed,
    case when fate in ('on_time', 'recovered', 'partial') and pay_at <= ${anchorInstant}
      then case when fate = 'partial' then amount / 2 else amount end else 0 end as paid
  from bench_ledger l
  cross join lateral (
    select case when fate in ('on_time', 'recovered') then pay_at else close_at end as end_at
  ) ends
  where journeyed;
  create index on bench_journey (p);
  analyze bench_journey`;

/**
 * Every event of the journeys of purchases `from` ≤ p < `to`, numbered in time order, with the
 * attempts, the journeys, their installments and payments written from them in the same statement.
 */
export function insertJourneys(from: number, to: number, extraVisits: number): string {
  return `
    with j as (select * from bench_journey where p >= ${from} and p < ${to}),
    step as (
      select j.journey_id, s.step_index, s.channel, s.template,
        ((j.due_date + s.offset_days) + time '13:00') at time zone 'UTC' as sched_at,
        ${uniform('j.idx * 8 + s.step_index', 13)} as v
      from j join ${policyStepsRelation('s')} on s.policy_id = j.policy_id
    ),
    raw as (
      select journey_id, start_at as at, 0 as ord, 'started' as type, null::int as step_index, null as channel,
        null as template, 0::bigint as amount
      from j
      union all
      select s.journey_id, s.sched_at - interval '2 hours', 1, 'step_deferred', s.step_index, s.channel, s.template, 0
      from step s join j using (journey_id)
      where s.sched_at >= j.start_at and s.sched_at < j.horizon and s.v >= 0.07 and s.v < 0.13
      union all
      select s.journey_id, s.sched_at, 2,
        case when s.v < 0.04 then 'step_skipped' when s.v < 0.07 then 'step_failed' else 'step_sent' end,
        s.step_index, s.channel, s.template, 0
      from step s join j using (journey_id)
      where s.sched_at >= j.start_at and s.sched_at < j.horizon
      union all
      select journey_id, pay_at, 3, 'payment_received', null, null, null, paid from j where paid > 0
      union all
      select journey_id, pay_at + interval '10 minutes', 4, 'confirmation_sent', -1, 'email', 'payment_confirmation', paid
      from j where paid > 0 and pay_at + interval '10 minutes' < ${anchorInstant}
      union all
      select journey_id, close_at, 5, case when fate = 'refunded' then 'canceled' else 'final_action_taken' end,
        null, null, null, 0
      from j where closed and fate in ('partial', 'exhausted', 'refunded')
      union all
      select journey_id, start_at + (horizon - start_at) * ${uniform('idx * 16 + n', 14)}, 6, 'buyer_action',
        null, null, null, 0
      from j cross join lateral generate_series(1, floor(${extraVisits} * ${uniform('idx', 15)})::int) n
      where horizon > start_at
    ),
    numbered as (
      select r.*, row_number() over (partition by r.journey_id order by r.at, r.ord) as seq
      from raw r
    ),
    detailed as (
      select n.*, j.tenant_id, j.installment_id, j.buyer_id, j.buyer_n, j.currency, j.policy_id,
        case when n.type in ('step_sent', 'step_failed') then n.journey_id || '/r0/s' || n.step_index || '/' || n.channel || '/' || (n.seq - 1)
          when n.type = 'confirmation_sent' then n.journey_id || '/confirm/' || (n.seq - 1) || '/email' end as attempt_id,
        ${uniform('j.idx * 64 + n.seq', 16)} as w
      from numbered n join j using (journey_id)
    ),
    event_rows as (
      insert into events (journey_id, seq, tenant_id, type, payload, occurred_at, recorded_at)
      select journey_id, seq, tenant_id, type, jsonb_strip_nulls(jsonb_build_object('type', type, 'at', ${ms('at')},
        'revision', case when step_index >= 0 then 0 end, 'stepIndex', case when step_index >= 0 then step_index end,
        'channel', channel, 'requestedChannel', case when type = 'step_sent' then channel end,
        'attemptId', case when type in ('step_sent', 'confirmation_sent') then attempt_id end,
        'reason', case type when 'step_failed' then 'invalid_address' when 'step_skipped' then 'no_channel'
          when 'step_deferred' then 'quiet_hours' when 'canceled' then 'refund' end,
        'until', case when type = 'step_deferred' then ${ms("at + interval '2 hours'")} end,
        'paymentId', case when type = 'payment_received' then 'pay-' || installment_id end,
        'amountMinor', case when type = 'payment_received' then amount end,
        'currency', case when type = 'payment_received' then currency end,
        'confirms', case when type = 'confirmation_sent' then seq - 1 end,
        'template', case when type = 'confirmation_sent' then template end,
        'action', case when type = 'final_action_taken' then case when policy_id = 'firm' then 'hand_to_agency' else 'write_off' end
          when type = 'buyer_action' then case when w < 0.8 then 'pay_now' else 'payment_method' end end,
        'actor', case when type = 'started' then jsonb_build_object('kind', 'api_key', 'id', 'key-bench')
          when type = 'buyer_action' then jsonb_build_object('kind', 'buyer', 'id', buyer_id) end)),
        at, at + interval '1 second'
      from detailed
    ),
    attempt_rows as (
      insert into attempts (id, journey_id, tenant_id, buyer_id, plan_revision, step_index, channel, requested_channel,
        template, provider, recipient, subject, body, status, whatsapp_mode, provider_message_id, error, sent_at,
        created_at, updated_at)
      select attempt_id, journey_id, tenant_id, buyer_id, 0, step_index, channel, channel, template,
        case when channel = 'email' then 'resend' else 'twilio' end,
        case when channel = 'email' then buyer_id || '@bench.example' else '+1415' || lpad((buyer_n % 10000000)::text, 7, '0') end,
        case when channel = 'email' then 'Your installment' end, 'A reminder of your installment.',
        case when type = 'step_failed' then 'rejected' when w < 0.80 then 'delivered' when w < 0.92 then 'sent'
          when channel = 'email' then case when w < 0.98 then 'bounced' else 'complained' end else 'undelivered' end,
        case when channel = 'whatsapp' then 'template' end,
        case when type <> 'step_failed' then 'msg-' || md5(attempt_id) end,
        case when type = 'step_failed' then 'invalid_address' end,
        at, at, at + interval '1 minute'
      from detailed where attempt_id is not null
    ),
    last_events as (
      select journey_id, max(seq)::int as last_seq, count(*) filter (where type = 'step_sent')::int as sent,
        count(*) filter (where type = 'step_failed')::int as failed, count(*) filter (where type = 'step_skipped')::int as skipped
      from numbered group by journey_id
    ),
    installment_rows as (
      insert into installments (tenant_id, installment_id, purchase_id, product_id, product_name, buyer_id, buyer,
        amount_minor, currency, installment_number, installment_count, due_date, payment_url, created_at, updated_at)
      select tenant_id, installment_id, purchase_id, product_id, 'Course ' || product_n, buyer_id, ${buyerJson('j')},
        amount, currency, number, count, due_date, 'https://pay.example.com/i/' || installment_id, start_at, horizon
      from j
    ),
    payment_rows as (
      insert into payments (journey_id, payment_id, tenant_id, amount_minor, currency, paid_at, created_at)
      select journey_id, 'pay-' || installment_id, tenant_id, paid, currency, pay_at, pay_at + interval '1 second'
      from j where paid > 0
    )
    insert into journeys (id, tenant_id, installment_id, buyer_id, product_id, purchase_id, run_id, policy_id,
      policy_version, stage, outcome, due_date, original_due_date, currency, amount_due_minor, amount_paid_minor,
      overpaid_minor, next_action_at, status, last_seq, published_stage, created_at, closed_at, updated_at)
    select journey_id, tenant_id, installment_id, buyer_id, product_id, purchase_id, 'run-' || md5(journey_id),
      policy_id, 1, stage, outcome, due_date, due_date, currency, amount, paid, 0, next_action_at,
      jsonb_build_object('tenantId', tenant_id, 'installmentId', installment_id, 'stage', stage, 'outcome', outcome,
        'dueDate', due_date, 'originalDueDate', due_date, 'daysOverdue', greatest(0, ${anchor} - due_date),
        'currency', currency, 'amountDueMinor', amount, 'amountPaidMinor', paid, 'outstandingMinor', amount - paid,
        'overpaidMinor', 0, 'nextAction', case when outcome is null then jsonb_build_object('kind', 'send',
          'at', next_action_at) end, 'upcoming', '[]'::jsonb,
        'attempts', jsonb_build_object('sent', sent, 'failed', failed, 'skipped', skipped),
        'paused', case when stage = 'paused' then jsonb_build_object('since', due_date, 'until', null) end,
        'reschedules', 0, 'planRevision', 0, 'policy', jsonb_build_object('id', policy_id, 'version', 1),
        'finalAction', null, 'closedAt', case when closed then horizon end,
        'cancelReason', case when outcome = 'canceled' then 'refund' end, 'asOf', ${literal(ANCHOR_DATE)}),
      last_seq, stage, start_at, case when closed then horizon end, horizon
    from (
      select j.*, e.last_seq, e.sent, e.failed, e.skipped,
        case when not closed then null when fate = 'on_time' then 'paid_before_due' when fate = 'recovered' then 'recovered'
          when fate = 'partial' then 'partially_recovered' when fate = 'refunded' then 'canceled'
          when policy_id = 'firm' then 'handed_over' else 'written_off' end as outcome,
        case when closed then 'closed' when due_date >= ${anchor} then 'pre_due'
          when ${uniform('idx', 17)} < 0.05 then 'paused' else 'overdue' end as stage,
        case when not closed then ${anchorInstant} + interval '1 day' end as next_action_at
      from j join last_events e using (journey_id)
    ) projected`;
}
