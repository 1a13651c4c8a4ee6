/** An experiment's journeys counted arm by arm (domain/experiment-report.ts `ArmCounts` says what each count is). */
import { getTableName } from 'drizzle-orm';
import type { ArmCounts } from '../domain/experiment-report';
import type { Database } from './client';
import { events, journeys } from './schema';
import { Statement } from './statement';

const J = `"${getTableName(journeys)}"`;
const col = (c: { name: string }) => `j."${c.name}"`;
const PAID_IN_FULL = `${col(journeys.outcome)} in ('paid_before_due', 'recovered')`;

export async function armTallies(db: Database, tenantId: string, experimentId: string): Promise<ArmCounts[]> {
  const s = new Statement();
  const where = `${col(journeys.tenantId)} = ${s.value(tenantId, 'text')} and ${col(journeys.experimentId)} = ${s.value(experimentId, 'text')}`;
  const days = `extract(epoch from (${col(journeys.closedAt)} - ${col(journeys.startedAt)})) / 86400`;
  const optedOut = `exists (select 1 from "${getTableName(events)}" e where e."${events.journeyId.name}" = ${col(journeys.id)}
    and e."${events.type.name}" = 'opted_out')`;
  // A buyer is recovered when every one of their journeys in the experiment is paid in full.
  const buyers = `select ${col(journeys.experimentArm)} as arm, bool_and(${PAID_IN_FULL}) as recovered
     from ${J} j where ${where} group by ${col(journeys.experimentArm)}, ${col(journeys.buyerId)}`;
  return s.run<ArmCounts>(
    db,
    `select a.*, b.buyers, b."buyersRecovered" from (
       select ${col(journeys.experimentArm)} as arm, count(*)::int as journeys,
         (count(*) filter (where ${PAID_IN_FULL}))::int as recovered,
         (percentile_cont(0.5) within group (order by ${days}) filter (where ${PAID_IN_FULL}))::float8 as "medianDaysToPay",
         coalesce(sum((${col(journeys.status)}->'attempts'->>'sent')::int), 0)::int as contacts,
         (count(*) filter (where ${optedOut}))::int as "optedOut"
       from ${J} j where ${where}
       group by ${col(journeys.experimentArm)}
     ) a join (
       select arm, count(*)::int as buyers, (count(*) filter (where recovered))::int as "buyersRecovered"
       from (${buyers}) per_buyer group by arm
     ) b on b.arm = a.arm`,
  );
}

/** Amounts paid on the arm's journeys, per currency (partial payments included). */
export async function armCollected(
  db: Database,
  tenantId: string,
  experimentId: string,
): Promise<{ arm: string; currency: string; amountMinor: number }[]> {
  const s = new Statement();
  return s.run(
    db,
    `select ${col(journeys.experimentArm)} as arm, ${col(journeys.currency)} as currency,
       sum(${col(journeys.amountPaidMinor)})::float8 as "amountMinor"
     from ${J} j
     where ${col(journeys.tenantId)} = ${s.value(tenantId, 'text')} and ${col(journeys.experimentId)} = ${s.value(experimentId, 'text')}
     group by 1, 2 order by 1, 2`,
  );
}
