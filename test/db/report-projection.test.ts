/**
 * The `report_ledger` projection stays exact: after any sequence of writes (ledgers written the
 * way the system writes them, then schedules moved, canceled or dropped, journeys moved or
 * ended, late payments, installments re-keyed) and a catch-up, its rows equal the ledger
 * recomputed from scratch from the base tables by db/report-ledger.ts — the SQL the reports read
 * before it — however the writes and catch-ups interleave.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import pino from 'pino';
import { createReconcileEndedJourneys } from '../../activities/reconcile';
import { expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { ledgerFacts, sentAttempt } from '../../db/report-ledger';
import { catchUpReportLedger } from '../../db/report-projection';
import { Statement } from '../../db/statement';
import { describeEachDatabase } from '../support/databases';
import { quietClient } from '../support/quiet-client';
import { uniqueId } from '../support/fixtures';
import { REPORT_NOW, ledgerArb, writeLedger } from '../support/report-ledger';

const COLUMNS = `purchase_key, number, installment_id, product_id, currency, amount_minor::float8 as amount_minor,
  due_date::text as due_date, current_due_date::text as current_due_date, canceled, journey_id, policy_id,
  paid_minor::float8 as paid_minor, paid_before_due_minor::float8 as paid_before_due_minor,
  (extract(epoch from settled_at) * 1000)::float8 as settled_at_ms`;
const ORDER = 'order by purchase_key, number, installment_id';

/** Writes after the ledger, as any writer might: each one names the tenant's rows it changes. */
const WRITES: Record<string, (tenant: string) => string> = {
  moveSchedule: (t) =>
    `update purchase_installments set due_date = due_date + 3, amount_minor = amount_minor + 1 where tenant_id = '${t}' and number = 1`,
  cancelSchedule: (t) =>
    `update purchase_installments set canceled = not canceled where tenant_id = '${t}' and number = 2`,
  dropSchedule: (t) => `delete from purchase_installments where tenant_id = '${t}' and number = 3`,
  moveJourney: (t) => `update journeys set due_date = due_date + 2 where tenant_id = '${t}'`,
  endJourney: (t) => `update journeys set outcome = 'recovered' where tenant_id = '${t}' and outcome is null`,
  latePayment: (t) =>
    `insert into payments (journey_id, payment_id, tenant_id, amount_minor, currency, paid_at)
     select id, 'late-' || id, tenant_id, 500, currency, timestamptz '2026-06-14T10:00:00Z' from journeys
     where tenant_id = '${t}' on conflict do nothing`,
  rekeyInstallment: (t) =>
    `update installments set purchase_id = null where tenant_id = '${t}' and installment_number = 2`,
  failAttempts: (t) => `update attempts set status = 'failed' where tenant_id = '${t}' and channel = 'sms'`,
  renameBuyer: (t) => `update purchases set buyer = buyer || '{"country":"FR"}' where tenant_id = '${t}'`,
};

const CATCH_UP = 'catch up';

async function projected(db: Database, tenantId: string) {
  const s = new Statement();
  return s.run(
    db,
    `select ${COLUMNS}, channels from report_ledger where tenant_id = ${s.value(tenantId, 'text')} ${ORDER}`,
  );
}

async function recomputed(db: Database, tenantId: string) {
  const s = new Statement();
  const facts = ledgerFacts(s, { tenantId }, { kind: 'due', from: '1900-01-01', to: '2999-12-31' }, REPORT_NOW);
  const channels = `array(select distinct a.channel from attempts a where a.journey_id = f.journey_id
    and ${sentAttempt(s, 'a')} order by 1) as channels`;
  return s.run(db, `select ${COLUMNS}, ${channels} from (${facts}) f ${ORDER}`);
}

describeEachDatabase('the report ledger projection', (getDb) => {
  it('equals the ledger recomputed from the base tables after random writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        ledgerArb,
        fc.array(fc.oneof(fc.constantFrom(...Object.keys(WRITES)), fc.constant(CATCH_UP)), { maxLength: 6 }),
        async (ledger, steps) => {
          const tenantId = uniqueId('prj');
          await writeLedger(getDb(), tenantId, ledger);
          for (const step of steps) {
            if (step === CATCH_UP) await catchUpReportLedger(getDb(), tenantId);
            else await getDb().execute(sql.raw(WRITES[step]!(tenantId)));
          }
          await catchUpReportLedger(getDb(), tenantId);
          expect(await projected(getDb(), tenantId)).toEqual(await recomputed(getDb(), tenantId));
          // Nothing is left to catch up, and a second catch-up has nothing to do.
          expect(await catchUpReportLedger(getDb(), tenantId)).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describeEachDatabase('the report ledger projection under concurrent writers', (getDb) => {
  it('is exact after writers and catch-ups of one tenant ran at the same time', async () => {
    const [ledger] = fc.sample(ledgerArb, { numRuns: 1, seed: 14 });
    const tenantId = uniqueId('prj');
    await writeLedger(getDb(), tenantId, ledger!);
    // Each write beside a catch-up: on PostgreSQL each runs on a connection of its own.
    await Promise.all(
      Object.values(WRITES).flatMap((write) => [
        getDb().execute(sql.raw(write(tenantId))),
        catchUpReportLedger(getDb(), tenantId),
      ]),
    );
    await catchUpReportLedger(getDb(), tenantId);
    expect(await projected(getDb(), tenantId)).toEqual(await recomputed(getDb(), tenantId));
  });
});

describeEachDatabase('the report ledger projection, caught up by the reconcile schedule', (getDb) => {
  it('is exact for every tenant written since, with nothing left for a report to catch up', async () => {
    const tenants = [uniqueId('prj'), uniqueId('prj')];
    const ledgers = fc.sample(ledgerArb, { numRuns: tenants.length, seed: 15 });
    for (const [i, tenantId] of tenants.entries()) {
      await writeLedger(getDb(), tenantId, ledgers[i]!);
      await getDb().execute(sql.raw(WRITES.latePayment!(tenantId)));
    }
    const reconcile = createReconcileEndedJourneys({
      db: getDb(),
      client: quietClient,
      logger: pino({ level: 'silent' }),
      now: Date.now,
    });
    expect((await reconcile({ lookbackHours: 1 })).reportPurchasesRefreshed).toBeGreaterThan(0);
    for (const tenantId of tenants) {
      expect(await projected(getDb(), tenantId)).toEqual(await recomputed(getDb(), tenantId));
      expect(await catchUpReportLedger(getDb(), tenantId)).toBe(0);
    }
  });
});
