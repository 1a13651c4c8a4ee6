/**
 * A payment's details in SQL: which purchase an installment belongs to, every installment of
 * that purchase (db/report-ledger.ts, scope `purchase`), and its journey's attempts and events.
 */
import type { AuditEvent } from '../domain/journey';
import type { Database } from './client';
import { type TrackingFactRow, trackingColumns } from './report-tracking';
import { ledgerFacts } from './report-ledger';
import { Statement } from './statement';

/** The purchase key (a purchase of one is keyed by its installment's id) and number of an installment id. */
export async function findInstallmentPlace(
  db: Database,
  tenantId: string,
  installmentId: string,
): Promise<{ purchaseKey: string; number: number } | null> {
  const s = new Statement();
  const tenant = s.value(tenantId, 'text');
  const id = s.value(installmentId, 'text');
  const [row] = await s.run<{ purchaseKey: string; number: number }>(
    db,
    `select coalesce(i.purchase_id, i.installment_id) as "purchaseKey", i.installment_number as number
     from installments i where i.tenant_id = ${tenant} and i.installment_id = ${id}
     union all
     select pi.purchase_id, pi.number from purchase_installments pi
     where pi.tenant_id = ${tenant} and pi.installment_id = ${id}
     limit 1`,
  );
  return row ?? null;
}

/** Every installment of the purchase, by number, with the buyer's contact for the details page. */
export function purchaseInstallmentsSql(
  db: Database,
  tenantId: string,
  purchaseKey: string,
  now: number,
): Promise<TrackingFactRow[]> {
  const s = new Statement();
  const facts = ledgerFacts(s, { tenantId }, { kind: 'purchases', purchaseKeys: [purchaseKey] }, now);
  return s.run<TrackingFactRow>(db, `select ${trackingColumns} from (${facts}) f order by f.number`);
}

export interface AttemptTimelineRow {
  atMs: number;
  channel: string;
  template: string;
  status: string;
  provider: string;
}

export interface EventTimelineRow {
  atMs: number;
  seq: number;
  payload: AuditEvent;
}

/** The journey's attempts (by send time, else creation) and events (in order). */
export async function journeyTimelineSql(
  db: Database,
  tenantId: string,
  journeyId: string,
): Promise<{ attempts: AttemptTimelineRow[]; events: EventTimelineRow[] }> {
  const s = new Statement();
  const attempts = await s.run<AttemptTimelineRow>(
    db,
    `select (extract(epoch from coalesce(a.sent_at, a.created_at)) * 1000)::float8 as "atMs",
       a.channel, a.template, a.status, a.provider
     from attempts a where a.journey_id = ${s.value(journeyId, 'text')} and a.tenant_id = ${s.value(tenantId, 'text')}
     order by coalesce(a.sent_at, a.created_at), a.id`,
  );
  const e = new Statement();
  const events = await e.run<EventTimelineRow>(
    db,
    `select (extract(epoch from ev.occurred_at) * 1000)::float8 as "atMs", ev.seq, ev.payload
     from events ev where ev.journey_id = ${e.value(journeyId, 'text')} and ev.tenant_id = ${e.value(tenantId, 'text')}
     order by ev.seq`,
  );
  return { attempts, events };
}

/** How the journey's policy was chosen (ids only): the policy version, the segment rule, the experiment arm. */
export interface PolicyChoiceRow {
  policyId: string;
  policyVersion: number;
  ruleId: string | null;
  routingVersion: number | null;
  experimentId: string | null;
  arm: string | null;
}

export async function policyChoiceSql(
  db: Database,
  tenantId: string,
  journeyId: string,
): Promise<PolicyChoiceRow | null> {
  const s = new Statement();
  const [row] = await s.run<PolicyChoiceRow>(
    db,
    `select j.policy_id as "policyId", j.policy_version as "policyVersion", j.rule_id as "ruleId",
       j.routing_version as "routingVersion", j.experiment_id as "experimentId", j.experiment_arm as arm
     from journeys j where j.id = ${s.value(journeyId, 'text')} and j.tenant_id = ${s.value(tenantId, 'text')}`,
  );
  return row ?? null;
}
