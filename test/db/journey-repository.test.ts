import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { JourneyRecord } from '../../activities/contracts';
import type { Database } from '../../db/client';
import {
  type JourneyCursor,
  type JourneyFilter,
  type JourneyRow,
  appendJourneyEvents,
  findInstallment,
  findJourney,
  listEvents,
  listPayments,
  recordJourney,
  recordLatePayment,
  searchJourneys,
} from '../../db/journey-repository';
import { installments, journeys, tenants } from '../../db/schema';
import type { InstallmentInput } from '../../domain/installment';
import { describeEachDatabase } from '../support/databases';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { DAY, HOUR, simulateJourney } from './journey-sim';

/** Five days before the fixture's due date (2026-12-01), in the afternoon in New York. */
const T0 = Date.parse('2026-11-26T18:00:00Z');

function installmentRow(db: Database, inst: Pick<InstallmentInput, 'tenantId' | 'installmentId'>) {
  return db
    .select()
    .from(installments)
    .where(and(eq(installments.tenantId, inst.tenantId), eq(installments.installmentId, inst.installmentId)));
}

async function snapshot(db: Database, record: JourneyRecord) {
  const { tenantId, installmentId } = record.installment;
  const journey = await findJourney(db, tenantId, installmentId);
  if (!journey) throw new Error(`no journey row for ${tenantId}/${installmentId}`);
  const { updatedAt: _updatedAt, ...projection } = journey;
  return {
    projection,
    events: await listEvents(db, record.journeyId),
    payments: await listPayments(db, record.journeyId),
    // updatedAt is the time of the last write, not part of what a record determines.
    installments: (await installmentRow(db, record.installment)).map(({ updatedAt: _u, ...row }) => row),
  };
}

function lastSeqOf(record: JourneyRecord): number {
  return Math.max(...record.events.map((e) => e.seq));
}

/** The first reminder of the ladder, sent by email the day after the start. */
const FIRST_EMAIL_SENT = {
  type: 'step_sent',
  at: T0 + DAY,
  revision: 0,
  stepIndex: 0,
  channel: 'email',
  requestedChannel: 'email',
  attemptId: 'att-0',
} as const;

describeEachDatabase('journey repository', (getDb) => {
  it('recordJourney stores the events, payments, installment and projection of a record', async () => {
    const db = getDb();
    const inst = makeInstallment({ amount: { amountMinor: 12_345, currency: 'EUR' } });
    const sim = simulateJourney(inst, T0);
    sim.apply(FIRST_EMAIL_SENT);
    sim.apply({ type: 'payment_received', at: T0 + 2 * DAY, paymentId: 'pay-1', amountMinor: 2_345, currency: 'EUR' });
    const record = sim.flush();

    await recordJourney(db, record);

    const s = await snapshot(db, record);
    expect(s.events.map((e) => [e.seq, e.type, e.tenantId])).toEqual(
      record.events.map((e) => [e.seq, e.type, inst.tenantId]),
    );
    expect(s.events.map((e) => e.occurredAt.getTime())).toEqual(record.events.map((e) => e.at));
    expect(s.payments).toMatchObject([
      { paymentId: 'pay-1', amountMinor: 2_345, currency: 'EUR', tenantId: inst.tenantId },
    ]);
    expect(s.projection).toMatchObject({
      id: record.journeyId,
      runId: record.runId,
      stage: record.status.stage,
      outcome: null,
      dueDate: inst.dueDate,
      amountDueMinor: 12_345,
      amountPaidMinor: 2_345,
      overpaidMinor: 0,
      lastSeq: lastSeqOf(record),
      policyId: record.status.policy.id,
      policyVersion: record.status.policy.version,
      buyerId: inst.buyer.id,
      productId: inst.product.id,
      purchaseId: inst.purchaseId,
      subscriptionId: null,
    });
    expect(s.projection.nextActionAt?.toISOString()).toBe(record.status.nextAction?.at);
    expect(s.projection.status).toEqual(record.status);
    expect(s.installments).toHaveLength(1);
    expect(s.installments[0]).toMatchObject({
      buyer: inst.buyer,
      amountMinor: 12_345,
      currency: 'EUR',
      paymentUrl: inst.paymentUrl,
      dueDate: inst.dueDate,
    });
  });

  it('recordJourney is idempotent: the same record twice leaves one set of events and payments and the same projection', async () => {
    const db = getDb();
    const inst = makeInstallment();
    const sim = simulateJourney(inst, T0);
    sim.apply(FIRST_EMAIL_SENT);
    sim.apply({
      type: 'payment_received',
      at: T0 + 2 * DAY,
      paymentId: 'pay-1',
      amountMinor: 1_000,
      currency: inst.amount.currency,
    });
    const record = sim.flush();

    await recordJourney(db, record);
    const first = await snapshot(db, record);
    await recordJourney(db, record);
    const second = await snapshot(db, record);

    expect(first.events).toHaveLength(record.events.length);
    expect(first.payments).toHaveLength(1);
    expect(second).toEqual(first);
  });

  it('the same record written by two overlapping attempts at once is stored once', async () => {
    const db = getDb();
    const inst = makeInstallment();
    const sim = simulateJourney(inst, T0);
    sim.apply({
      type: 'payment_received',
      at: T0 + HOUR,
      paymentId: 'pay-1',
      amountMinor: 700,
      currency: inst.amount.currency,
    });
    const record = sim.flush();

    await Promise.all([recordJourney(db, record), recordJourney(db, record), recordJourney(db, record)]);

    const s = await snapshot(db, record);
    expect(s.events.map((e) => e.seq)).toEqual(record.events.map((e) => e.seq));
    expect(s.payments.map((p) => [p.paymentId, p.amountMinor])).toEqual([['pay-1', 700]]);
    expect(s.installments).toHaveLength(1);
    expect(s.projection).toMatchObject({ lastSeq: lastSeqOf(record), amountPaidMinor: 700 });
  });

  it('the projection never moves backwards: a stale record after a newer one changes neither the journey nor the installment', async () => {
    const db = getDb();
    const inst = makeInstallment();
    const sim = simulateJourney(inst, T0);
    sim.apply(FIRST_EMAIL_SENT);
    const older = sim.flush();
    const newEmail = `${uniqueId('buyer')}@example.org`;
    sim.apply({ type: 'contact_updated', at: T0 + DAY + HOUR, changes: { email: newEmail } });
    sim.apply({ type: 'due_date_changed', at: T0 + DAY + 2 * HOUR, from: inst.dueDate, to: '2026-12-10' });
    sim.apply({
      type: 'payment_received',
      at: T0 + 2 * DAY,
      paymentId: 'pay-full',
      amountMinor: inst.amount.amountMinor,
      currency: inst.amount.currency,
    });
    const newer = sim.flush();
    expect(newer.status.outcome).not.toBeNull(); // the set-up closes the journey

    await recordJourney(db, older);
    expect((await snapshot(db, older)).projection).toMatchObject({
      stage: older.status.stage,
      outcome: null,
      lastSeq: lastSeqOf(older),
    });
    await recordJourney(db, newer);
    const current = await snapshot(db, newer);

    await recordJourney(db, older); // e.g. a timed-out attempt of the older activity committing late

    const after = await snapshot(db, newer);
    expect(after.projection).toEqual(current.projection);
    expect(after.projection).toMatchObject({
      stage: 'closed',
      outcome: newer.status.outcome,
      lastSeq: lastSeqOf(newer),
      dueDate: '2026-12-10',
      amountPaidMinor: inst.amount.amountMinor,
    });
    expect(after.installments[0]?.buyer.email).toBe(newEmail);
    expect(after.installments[0]?.dueDate).toBe('2026-12-10');
    expect(after.events.map((e) => e.seq)).toEqual([...older.events, ...newer.events].map((e) => e.seq));
  });

  it('a record that arrives after a newer one was stored first still adds its events without touching the projection', async () => {
    const db = getDb();
    const inst = makeInstallment();
    const sim = simulateJourney(inst, T0);
    const older = sim.flush();
    sim.apply({ type: 'canceled', at: T0 + HOUR, reason: 'refund' });
    const newer = sim.flush();

    await recordJourney(db, newer);
    await recordJourney(db, older);

    const s = await snapshot(db, newer);
    expect(s.projection).toMatchObject({ stage: 'closed', outcome: 'canceled', lastSeq: lastSeqOf(newer) });
    expect(s.events.map((e) => e.type)).toEqual(['started', 'canceled']);
  });

  it('stores each payment once per payment id, with exact integer amounts', async () => {
    const db = getDb();
    // Amounts beyond 32 bits: the bigint columns must keep them exact.
    const inst = makeInstallment({ amount: { amountMinor: 9_000_000_000, currency: 'USD' } });
    const sim = simulateJourney(inst, T0);
    const p1 = { paymentId: 'pay-a', amountMinor: 4_294_967_297 };
    const p2 = { paymentId: 'pay-b', amountMinor: 1_500 };
    sim.apply({ type: 'payment_received', at: T0 + HOUR, currency: 'USD', ...p1 });
    const r1 = sim.flush();
    sim.apply(FIRST_EMAIL_SENT);
    sim.apply({ type: 'payment_received', at: T0 + 2 * DAY, currency: 'USD', ...p2 });
    const r2 = sim.flush();

    for (const record of [r1, r2, r1, r2]) await recordJourney(db, record);
    // A later event naming an already stored payment id (with another amount) adds an audit row, not a payment.
    const repeated: JourneyRecord = {
      ...r2,
      events: [
        {
          type: 'payment_received',
          at: T0 + 3 * DAY,
          currency: 'USD',
          paymentId: p1.paymentId,
          amountMinor: 7,
          seq: lastSeqOf(r2) + 1,
        },
      ],
    };
    await recordJourney(db, repeated);

    const s = await snapshot(db, r2);
    expect(s.payments.map((p) => [p.paymentId, p.amountMinor, p.paidAt.getTime()])).toEqual([
      [p1.paymentId, p1.amountMinor, T0 + HOUR],
      [p2.paymentId, p2.amountMinor, T0 + 2 * DAY],
    ]);
    expect(s.events.filter((e) => e.type === 'payment_received')).toHaveLength(3);
    expect(s.projection.amountPaidMinor).toBe(p1.amountMinor + p2.amountMinor);
    expect(s.projection.amountDueMinor).toBe(9_000_000_000);
  });

  it('keeps the current contact on the installment row while audit events carry only the names of changed fields', async () => {
    const db = getDb();
    const inst = makeInstallment({
      buyer: { name: 'Maria Example', email: 'maria.old@example.com', phone: '+14155550100', locale: 'en' },
    });
    const sim = simulateJourney(inst, T0);
    await recordJourney(db, sim.flush());
    expect((await installmentRow(db, inst))[0]?.buyer).toEqual(inst.buyer);

    const changes = { email: 'maria.new@example.com', phone: '+14155550199', locale: 'es' as const };
    sim.apply({ type: 'contact_updated', at: T0 + HOUR, changes });
    const record = sim.flush();
    await recordJourney(db, record);

    const [row] = await installmentRow(db, inst);
    expect(row?.buyer).toEqual({ ...inst.buyer, ...changes });
    const events = await listEvents(db, record.journeyId);
    const audit = events.find((e) => e.type === 'contact_updated');
    expect(audit?.payload).toEqual({ type: 'contact_updated', at: T0 + HOUR, fields: expect.any(Array) });
    expect(audit?.payload.type === 'contact_updated' && [...audit.payload.fields].sort()).toEqual(
      Object.keys(changes).sort(),
    );
    const history = JSON.stringify(events);
    for (const personal of [inst.buyer.email!, inst.buyer.phone!, inst.buyer.name, changes.email, changes.phone]) {
      expect(history).not.toContain(personal);
    }
  });

  it('a late payment and its confirmation continue the numbering of an ended journey, each event once under retry', async () => {
    const db = getDb();
    const inst = makeInstallment({ purchaseId: undefined, amount: { amountMinor: 5_000, currency: 'EUR' } });
    const sim = simulateJourney(inst, T0);
    sim.apply({ type: 'final_action_taken', at: T0 + 30 * DAY, action: 'write_off' });
    const record = sim.flush();
    await recordJourney(db, record);
    const ref = { tenantId: inst.tenantId, installmentId: inst.installmentId };

    const late = await recordLatePayment(db, ref, {
      paymentId: 'late',
      amountMinor: 5_000,
      currency: 'EUR',
      at: T0 + 40 * DAY,
    });
    expect(late).toMatchObject({ kind: 'recorded', seq: 3, status: { outcome: 'recovered', outstandingMinor: 0 } });
    expect(
      await recordLatePayment(db, ref, { paymentId: 'late', amountMinor: 5_000, currency: 'EUR', at: T0 + 41 * DAY }),
    ).toEqual({ kind: 'duplicate' });

    const sent = {
      type: 'confirmation_sent',
      at: T0 + 40 * DAY + 5,
      confirms: 3,
      template: 'payment_confirmation',
      channel: 'email',
      attemptId: 'a',
    } as const;
    const deferred = {
      type: 'confirmation_deferred',
      at: T0 + 40 * DAY,
      confirms: 3,
      until: T0 + 40 * DAY + 5,
    } as const;
    await appendJourneyEvents(db, record.journeyId, [deferred]);
    // A retried activity appends what it had appended already: nothing new.
    await appendJourneyEvents(db, record.journeyId, [deferred]);
    await appendJourneyEvents(db, record.journeyId, [sent]);
    const events = await listEvents(db, record.journeyId);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'started'],
      [2, 'final_action_taken'],
      [3, 'payment_received'],
      [4, 'confirmation_deferred'],
      [5, 'confirmation_sent'],
    ]);
    expect(await findJourney(db, inst.tenantId, inst.installmentId)).toMatchObject({
      lastSeq: 5,
      outcome: 'recovered',
    });
    // What the confirmation is rendered from: the installment as the journey started it.
    const { policyId: _policy, ...stored } = inst;
    expect(await findInstallment(db, inst.tenantId, inst.installmentId)).toEqual(stored);
  });

  it('findJourney finds a journey by tenant and installment id, and nothing under another tenant or id', async () => {
    const db = getDb();
    const inst = makeInstallment({ tenantId: uniqueId('tenant') });
    const record = simulateJourney(inst, T0).flush();
    await recordJourney(db, record);

    expect(await findJourney(db, inst.tenantId, inst.installmentId)).toMatchObject({
      id: record.journeyId,
      tenantId: inst.tenantId,
      installmentId: inst.installmentId,
    });
    expect(await findJourney(db, uniqueId('tenant'), inst.installmentId)).toBeUndefined();
    expect(await findJourney(db, inst.tenantId, uniqueId('inst'))).toBeUndefined();
  });

  it('isolates tenants: the same installment id under two tenants is two journeys', async () => {
    const db = getDb();
    const installmentId = uniqueId('shared');
    const a = makeInstallment({ tenantId: uniqueId('tenant-a'), installmentId, amount: { amountMinor: 1_111 } });
    const b = makeInstallment({
      tenantId: uniqueId('tenant-b'),
      installmentId,
      amount: { amountMinor: 2_222 },
      buyer: { id: 'buyer-2', email: 'other@example.com' },
    });
    const simA = simulateJourney(a, T0);
    const simB = simulateJourney(b, T0);
    simA.apply({
      type: 'payment_received',
      at: T0 + HOUR,
      paymentId: 'pay-same-id',
      amountMinor: 111,
      currency: a.amount.currency,
    });
    simB.apply({
      type: 'payment_received',
      at: T0 + HOUR,
      paymentId: 'pay-same-id',
      amountMinor: 222,
      currency: b.amount.currency,
    });
    const [ra, rb] = [simA.flush(), simB.flush()];
    expect(ra.journeyId).not.toBe(rb.journeyId);

    await recordJourney(db, ra);
    await recordJourney(db, rb);

    const [ja, jb] = [
      await findJourney(db, a.tenantId, installmentId),
      await findJourney(db, b.tenantId, installmentId),
    ];
    expect(ja).toMatchObject({ id: ra.journeyId, tenantId: a.tenantId, amountDueMinor: 1_111, amountPaidMinor: 111 });
    expect(jb).toMatchObject({ id: rb.journeyId, tenantId: b.tenantId, amountDueMinor: 2_222, amountPaidMinor: 222 });
    expect((await installmentRow(db, a))[0]?.buyer.email).toBe(a.buyer.email);
    expect((await installmentRow(db, b))[0]?.buyer.email).toBe(b.buyer.email);
    expect((await listPayments(db, ra.journeyId)).map((p) => [p.tenantId, p.amountMinor])).toEqual([[a.tenantId, 111]]);
    expect((await listPayments(db, rb.journeyId)).map((p) => [p.tenantId, p.amountMinor])).toEqual([[b.tenantId, 222]]);
    expect(new Set((await listEvents(db, rb.journeyId)).map((e) => e.tenantId))).toEqual(new Set([b.tenantId]));
    const tenantRows = await db.select().from(tenants);
    expect(tenantRows.map((t) => t.id)).toEqual(expect.arrayContaining([a.tenantId, b.tenantId]));
  });

  it('searchJourneys finds what the stage, outcome, openness and ID filters say, each journey once across cursor pages, in (due date, id) order', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const product = { id: uniqueId('prod') };
    const buyer = { id: uniqueId('buyer') };
    // Most due the same day, so that pages end inside a run of equal due dates; four states each.
    const dueDates = ['2026-11-20', '2026-11-20', ...Array<string>(12).fill('2026-12-01'), '2026-12-05', '2026-12-05'];
    for (const [i, dueDate] of dueDates.entries()) {
      const inst = makeInstallment({
        tenantId,
        dueDate,
        purchaseId: `pur-${i % 3}`,
        ...(i % 2 === 0 && { product, buyer }),
      });
      const sim = simulateJourney(inst, T0);
      const at = T0 + HOUR;
      if (i % 4 === 1) sim.apply({ type: 'paused', at, until: null });
      if (i % 4 === 2) sim.apply({ type: 'canceled', at, reason: 'manual' });
      if (i % 4 === 3)
        sim.apply({ type: 'payment_received', at, paymentId: `pay-${i}`, amountMinor: 4_990, currency: 'USD' });
      await recordJourney(db, sim.flush());
    }
    const rows = await db.select().from(journeys).where(eq(journeys.tenantId, tenantId));
    expect(new Set(rows.map((r) => r.outcome ?? r.stage))).toEqual(
      new Set(['overdue', 'pre_due', 'paused', 'canceled', 'paid_before_due']),
    );
    const matches = (r: JourneyRow, f: JourneyFilter) =>
      (!f.stages || f.stages.includes(r.stage)) &&
      (!f.outcomes || (r.outcome !== null && f.outcomes.includes(r.outcome))) &&
      (!f.openOnly || (r.outcome === null && r.stage !== 'closed')) &&
      (f.productId === undefined || r.productId === f.productId) &&
      (f.buyerId === undefined || r.buyerId === f.buyerId) &&
      (f.purchaseId === undefined || r.purchaseId === f.purchaseId) &&
      (f.dueFrom === undefined || r.dueDate >= f.dueFrom) &&
      (f.dueTo === undefined || r.dueDate <= f.dueTo);

    for (const filter of [
      {},
      { stages: ['pre_due'] },
      { stages: ['overdue', 'paused'] },
      { stages: ['closed'] },
      { outcomes: ['canceled', 'paid_before_due'] },
      { stages: ['closed'], outcomes: ['canceled'] },
      { openOnly: true },
      { openOnly: true, outcomes: ['canceled'] },
      { productId: product.id },
      { productId: product.id, stages: ['pre_due', 'closed'] },
      { productId: product.id, dueFrom: '2026-12-01', dueTo: '2026-12-01' },
      { buyerId: buyer.id, openOnly: true },
      { purchaseId: 'pur-1', stages: ['paused', 'closed'] },
    ] satisfies JourneyFilter[]) {
      const all = await searchJourneys(db, tenantId, filter, { limit: 100 });
      expect(all.map((r) => r.id).sort(), JSON.stringify(filter)).toEqual(
        rows
          .filter((r) => matches(r, filter))
          .map((r) => r.id)
          .sort(),
      );
      expect(all.map((r) => r.dueDate)).toEqual(all.map((r) => r.dueDate).sort());
      const paged: string[] = [];
      let after: JourneyCursor | undefined;
      do {
        const page = await searchJourneys(db, tenantId, filter, { limit: 3, ...(after && { after }) });
        paged.push(...page.map((r) => r.id));
        expect(paged.length, JSON.stringify(filter)).toBeLessThanOrEqual(all.length);
        const last = page.at(-1);
        after = page.length === 3 && last ? { dueDate: last.dueDate, id: last.id } : undefined;
      } while (after);
      expect(paged, JSON.stringify(filter)).toEqual(all.map((r) => r.id));
    }
  });
});
