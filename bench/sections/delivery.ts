/**
 * The deliver activity (outbox channel) against the write it replaced: under a per-buyer lock it
 * reads the buyer's 7-day ledger and contact points, runs the compliance guard, writes the intent
 * row, "sends", and updates the row. The baseline is one plain insert of the same attempt row,
 * the whole cost of an outbox delivery before the guard. Both run for the same time, with the
 * same concurrency, on the same database, in this run.
 */
import { createActivities } from '../../activities';
import { type Database, openDatabase } from '../../db/client';
import { attempts } from '../../db/schema';
import { reminderDeliveryFor } from '../../test/support/deliveries';
import { makeInstallment } from '../../test/support/fixtures';
import { type Section, fmt, opsPerSecond } from '../figures';

/** Tuesday 2026-12-01, 10:00 in New York: inside every rule of contact of the default policy. */
const NOW = Date.UTC(2026, 11, 1, 15, 0);
const CONCURRENCY = 8;

async function benchDelivery(db: Database, seconds: number): Promise<{ baseline: number; deliver: number }> {
  const activities = createActivities({ db, logger: { info: () => undefined, warn: () => undefined }, now: () => NOW });
  const run = `${process.pid}-${Date.now()}`;
  // Each delivery is a different buyer with their own address: none is held by the cap.
  const delivery = (n: number) =>
    reminderDeliveryFor(
      makeInstallment({
        installmentId: `bench-${run}-${n}`,
        buyer: { id: `buyer-${run}-${n}`, email: `buyer-${n}@bench.example` },
      }),
      'email',
      { attemptId: `bench/${run}/${n}` },
    );

  process.stdout.write(`  baseline (one attempt insert): ${seconds} s, ${CONCURRENCY} at a time… `);
  const baseline = await opsPerSecond(seconds, CONCURRENCY, async (n) => {
    const d = delivery(n);
    await db.insert(attempts).values({
      id: `baseline/${d.attemptId}`,
      journeyId: d.journeyId,
      tenantId: d.tenantId,
      buyerId: d.buyerId,
      planRevision: 0,
      stepIndex: 1,
      channel: 'email',
      requestedChannel: 'email',
      template: d.template,
      provider: 'outbox',
      recipient: d.to,
      subject: 'subject',
      body: 'body',
      status: 'sent',
      sentAt: new Date(NOW),
    });
  });
  console.log(`${Math.round(baseline)} ops/s`);

  process.stdout.write(`  deliverReminder (guard + ledger + intent row): ${seconds} s, ${CONCURRENCY} at a time… `);
  const deliver = await opsPerSecond(seconds, CONCURRENCY, async (n) => {
    const result = await activities.deliverReminder(delivery(n));
    if (result.status !== 'sent') throw new Error(`bench delivery ${n} was not sent: ${JSON.stringify(result)}`);
  });
  console.log(`${Math.round(deliver)} ops/s`);
  return { baseline, deliver };
}

export const delivery: Section = {
  name: 'delivery',
  title: 'deliverReminder (outbox channel) vs one plain insert of the attempt row',
  async run({ postgresUrl, seconds }) {
    const database = openDatabase({ url: postgresUrl });
    await database.migrate();
    try {
      const { baseline, deliver } = await benchDelivery(database.db, seconds);
      return [
        {
          goal: 'deliverReminder throughput',
          measured: fmt.rps(deliver),
          baseline: `${fmt.rps(baseline)} bare insert`,
          ratio: deliver / baseline,
          target: '≥ 0.5 ×',
          pass: deliver / baseline >= 0.5,
        },
      ];
    } finally {
      await database.close();
    }
  },
};
