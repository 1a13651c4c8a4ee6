/**
 * Attribution and the funnel in SQL (domain/reports.ts `attributions`, `creditsByStep`, `funnel`
 * define them): each recovered installment of the period once, with the last attempt sent before
 * the payment that settled it within the window; per step, channel and template the attempts
 * sent, delivered and followed by that payment within N days.
 */
import type { FunnelCounts, StepCredit } from '../domain/reports';
import type { Database } from './client';
import { RECOVERED, RECOVERED_MINOR } from './report-overview';
import { DELIVERED_STATUSES, type PeriodFilter, ledgerFacts, sentAttempt } from './report-ledger';
import { Statement } from './statement';

/** Where a page of attribution rows ended: the payment's instant (ms) and the journey id. */
export interface AttributionKey {
  paymentAtMs: number;
  journeyId: string;
}

export interface AttributionFactRow {
  installmentId: string | null;
  journeyId: string;
  paymentAtMs: number;
  recoveredMinor: number;
  currency: string;
  stepIndex: number | null;
  channel: string | null;
  template: string | null;
  sentAtMs: number | null;
}

type AttributionFilter = PeriodFilter & { currency: string; windowDays: number };

/** The recovered installments with their credited attempt, as a subquery of columns named like AttributionFactRow. */
function attributed(s: Statement, filter: AttributionFilter, now: number): string {
  const facts = ledgerFacts(s, filter, { kind: 'due', from: filter.from, to: filter.to }, now);
  return `
    select f.installment_id as "installmentId", f.journey_id as "journeyId", f.settled_at_ms as "paymentAtMs",
      (${RECOVERED_MINOR})::float8 as "recoveredMinor", f.currency,
      la.step_index as "stepIndex", la.channel, la.template,
      (extract(epoch from la.sent_at) * 1000)::float8 as "sentAtMs"
    from (${facts}) f
    left join lateral (
      select a.step_index, a.channel, a.template, a.sent_at from attempts a
      where a.tenant_id = ${s.value(filter.tenantId, 'text')} and a.journey_id = f.journey_id and ${sentAttempt(s, 'a')}
        and a.sent_at < f.settled_at
        and a.sent_at >= f.settled_at - ${s.value(filter.windowDays, 'int')} * interval '24 hours'
      order by a.sent_at desc, a.id desc
      limit 1
    ) la on true
    where ${RECOVERED} and not f.canceled`;
}

/** Up to `limit` attribution rows after `after`, ordered by payment instant then journey. */
export function attributionRowsSql(
  db: Database,
  filter: AttributionFilter & { limit: number; after?: AttributionKey | undefined },
  now: number,
): Promise<AttributionFactRow[]> {
  const s = new Statement();
  const rows = attributed(s, filter, now);
  const after = filter.after
    ? `where (r."paymentAtMs", r."journeyId") > (${s.value(filter.after.paymentAtMs, 'float8')}, ${s.value(
        filter.after.journeyId,
        'text',
      )})`
    : '';
  return s.run<AttributionFactRow>(
    db,
    `select r.* from (${rows}) r ${after}
     order by r."paymentAtMs", r."journeyId"
     limit ${s.value(filter.limit, 'int')}`,
  );
}

/** Recovered installments and amounts per credited step and channel (null = unattributed). */
export function creditsByStepSql(db: Database, filter: AttributionFilter, now: number): Promise<StepCredit[]> {
  const s = new Statement();
  return s.run<StepCredit>(
    db,
    `select r."stepIndex", r.channel, count(*)::int as recovered, sum(r."recoveredMinor")::float8 as "recoveredMinor"
     from (${attributed(s, filter, now)}) r
     group by r."stepIndex", r.channel`,
  );
}

/** Per step, channel and template: attempts sent, delivered, and followed by the settling payment within N days. */
export function funnelSql(
  db: Database,
  filter: PeriodFilter & { paidWithinDays: number },
  now: number,
): Promise<FunnelCounts[]> {
  const s = new Statement();
  const facts = ledgerFacts(s, filter, { kind: 'due', from: filter.from, to: filter.to }, now);
  return s.run<FunnelCounts>(
    db,
    `select a.step_index as "stepIndex", a.channel, a.template, count(*)::int as sent,
       (count(*) filter (where a.status = any(${s.value([...DELIVERED_STATUSES], 'text[]')})))::int as delivered,
       (count(*) filter (where f.settled_at > a.sent_at
         and f.settled_at <= a.sent_at + ${s.value(filter.paidWithinDays, 'int')} * interval '24 hours'))::int as "paidWithin"
     from (${facts}) f
     join attempts a on a.tenant_id = ${s.value(filter.tenantId, 'text')} and a.journey_id = f.journey_id
       and ${sentAttempt(s, 'a')}
     group by a.step_index, a.channel, a.template`,
  );
}
