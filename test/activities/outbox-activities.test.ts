import { ApplicationFailure } from '@temporalio/common';
import { beforeAll, expect, it } from 'vitest';
import type { Logger } from 'pino';
import { type ActivityDeps, createActivities } from '../../activities/index';
import type { ReminderDelivery } from '../../activities/contracts';
import { listAttempts } from '../../db/attempt-repository';
import { findJourney, listEvents, listPayments } from '../../db/journey-repository';
import type { Channel } from '../../domain/channels';
import type { InstallmentInput } from '../../domain/installment';
import type { Locale } from '../../domain/locales';
import { renderEmail } from '../../domain/messages';
import { describeEachDatabase } from '../support/databases';
import { reminderDeliveryFor } from '../support/deliveries';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { simulateJourney } from '../db/journey-sim';

interface LogEntry {
  level: 'info' | 'warn';
  fields: Record<string, unknown>;
  message: string | undefined;
}

function capturingLogger(): { logger: ActivityDeps['logger']; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const capture =
    (level: LogEntry['level']) =>
    (fields: unknown, message?: string): void => {
      entries.push({
        level,
        fields: typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : { msg: fields },
        message,
      });
    };
  return { logger: { info: capture('info') as Logger['info'], warn: capture('warn') as Logger['warn'] }, entries };
}

/** Minor-unit exponents of the currencies used below (ISO 4217), independent of the code under test. */
const MINOR_DIGITS: Record<string, number> = { USD: 2, BRL: 2, EUR: 2, JPY: 0 };

function expectedAmount(amountMinor: number, currency: string, locale: Locale): string {
  const digits = MINOR_DIGITS[currency];
  if (digits === undefined) throw new Error(`add ${currency} to MINOR_DIGITS`);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amountMinor / 10 ** digits);
}

function deliveryFor(inst: InstallmentInput, overrides: Partial<ReminderDelivery> = {}): ReminderDelivery {
  const channel: Channel = overrides.channel ?? 'email';
  // A buyer of their own per delivery: the contact cap counts per buyer across journeys.
  return reminderDeliveryFor(inst, channel, {
    attemptId: `journey/${inst.tenantId}/${inst.installmentId}/r0/s1/${channel}/3`,
    journeyId: `journey/${inst.tenantId}/${inst.installmentId}`,
    buyerId: uniqueId('buyer'),
    template: 'due_today',
    ...overrides,
  });
}

/** The activities' clock in these tests. */
const ACTIVITY_NOW = Date.UTC(2026, 11, 1, 15, 0);

const LOCALE_CASES: {
  locale: Locale;
  currency: string;
  amountMinor: number;
  greeting: string;
  decimal: string | null;
}[] = [
  { locale: 'en', currency: 'USD', amountMinor: 4_990, greeting: 'Hi', decimal: '49.90' },
  { locale: 'pt-BR', currency: 'BRL', amountMinor: 123_456, greeting: 'Olá', decimal: '1.234,56' },
  { locale: 'es', currency: 'EUR', amountMinor: 2_575, greeting: 'Hola', decimal: '25,75' },
  { locale: 'fr', currency: 'EUR', amountMinor: 1_005, greeting: 'Bonjour', decimal: '10,05' },
  // No minor unit: 5000 minor units of JPY are ¥5,000, not ¥50.
  { locale: 'en', currency: 'JPY', amountMinor: 5_000, greeting: 'Hi', decimal: '5,000' },
];

describeEachDatabase('outbox activities', (getDb) => {
  let log: ReturnType<typeof capturingLogger>;
  let activities: ReturnType<typeof createActivities>;

  beforeAll(() => {
    log = capturingLogger();
    activities = createActivities({ db: getDb(), logger: log.logger, now: () => ACTIVITY_NOW });
  });

  const logsFor = (attemptId: string) => log.entries.filter((e) => e.fields.attemptId === attemptId);

  it.each(LOCALE_CASES)(
    'deliverReminder writes one outbox attempt rendered in the buyer locale ($locale, $currency)',
    async ({ locale, currency, amountMinor, greeting, decimal }) => {
      const inst = makeInstallment({
        buyer: { locale, name: 'Sam Buyer', email: `${uniqueId('sam')}@example.com` },
        amount: { amountMinor, currency },
        product: { name: 'Ceramics Masterclass' },
        dueDate: '2026-12-01',
      });
      const delivery = deliveryFor(inst);

      const result = await activities.deliverReminder(delivery);

      expect(result).toEqual({ status: 'sent', providerMessageId: expect.any(String) });
      const rows = await listAttempts(getDb(), delivery.journeyId);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row).toMatchObject({
        id: delivery.attemptId,
        tenantId: inst.tenantId,
        channel: 'email',
        requestedChannel: 'email',
        template: 'due_today',
        provider: 'outbox',
        recipient: inst.buyer.email,
        status: 'sent',
        planRevision: 0,
        stepIndex: 1,
      });
      if (result.status === 'sent') expect(row.providerMessageId).toBe(result.providerMessageId);

      const amount = expectedAmount(amountMinor, currency, locale);
      if (decimal) expect(amount).toContain(decimal); // the expectation itself is locale-formatted
      expect(row.body).toContain(amount);
      expect(row.body).toContain(inst.paymentUrl);
      expect(row.body).toContain('Sam');
      expect(row.body.startsWith(greeting)).toBe(true);
      expect(row.subject).toContain('Ceramics Masterclass');
      // What is stored is exactly what the domain renders for these facts (the email's text part).
      const email = renderEmail(delivery);
      expect({ subject: row.subject, body: row.body }).toEqual({ subject: email.subject, body: email.text });
      expect(logsFor(delivery.attemptId)).toHaveLength(1);
    },
  );

  it('defers, writing nothing, an attempt that runs in the buyer’s quiet hours, to the end of them', async () => {
    // 15:00 UTC is 23:00 in Singapore: quiet until 08:00 local (00:00 UTC the next day).
    const delivery = deliveryFor(makeInstallment({ buyer: { timezone: 'Asia/Singapore', country: 'SG' } }));
    expect(await activities.deliverReminder(delivery)).toEqual({
      status: 'deferred',
      reason: 'quiet_hours',
      until: '2026-12-02T00:00:00.000Z',
    });
    expect(await listAttempts(getDb(), delivery.journeyId)).toEqual([]);
  });

  it('answers a retry of an attempt already made with its result, even in quiet hours', async () => {
    const delivery = deliveryFor(makeInstallment());
    const first = await activities.deliverReminder(delivery);
    const late = await activities.deliverReminder({ ...delivery, timeZone: 'Asia/Singapore' });
    expect(late).toEqual(first);
    expect(await listAttempts(getDb(), delivery.journeyId)).toHaveLength(1);
  });

  it('an SMS attempt has no subject and goes to the phone number', async () => {
    const inst = makeInstallment({ buyer: { locale: 'es', phone: '+34600111222' } });
    const delivery = deliveryFor(inst, { channel: 'sms', requestedChannel: 'email', template: 'overdue_early' });

    await activities.deliverReminder(delivery);

    const [row] = await listAttempts(getDb(), delivery.journeyId);
    expect(row).toMatchObject({ channel: 'sms', requestedChannel: 'email', recipient: '+34600111222', subject: null });
    // SMS spells amounts with plain spaces (a no-break space would force UCS-2 encoding).
    expect(row?.body).toContain(
      expectedAmount(inst.amount.amountMinor, inst.amount.currency, 'es').replace(/\s/g, ' '),
    );
    expect(row?.body).toContain(inst.paymentUrl);
  });

  it('a retried activity (same attemptId) writes no second row, returns the same providerMessageId and logs once', async () => {
    const inst = makeInstallment();
    const delivery = deliveryFor(inst);

    const first = await activities.deliverReminder(delivery);
    const rowsAfterFirst = await listAttempts(getDb(), delivery.journeyId);
    const retry = await activities.deliverReminder({ ...delivery });

    expect(retry).toEqual(first);
    expect(await listAttempts(getDb(), delivery.journeyId)).toEqual(rowsAfterFirst);
    expect(rowsAfterFirst).toHaveLength(1);
    expect(logsFor(delivery.attemptId)).toHaveLength(1);
  });

  it('overlapping attempts of the same activity still write one row and agree on the message id', async () => {
    const inst = makeInstallment();
    const delivery = deliveryFor(inst);

    const results = await Promise.all([1, 2, 3].map(() => activities.deliverReminder({ ...delivery })));

    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(await listAttempts(getDb(), delivery.journeyId)).toHaveLength(1);
    // A try that finds another one's intent row mid-send may call an idempotent sender again
    // (the same key: Resend sends once), so the log may say so twice; the row says it once.
    const logged = logsFor(delivery.attemptId);
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged.every((e) => e.message === 'reminder sent')).toBe(true);
  });

  it('different attemptIds write separate rows with their own message ids', async () => {
    const inst = makeInstallment();
    const a = deliveryFor(inst, { attemptId: uniqueId('attempt'), stepIndex: 1 });
    const b = deliveryFor(inst, { attemptId: uniqueId('attempt'), stepIndex: 2, template: 'overdue_early' });

    const [ra, rb] = [await activities.deliverReminder(a), await activities.deliverReminder(b)];

    const rows = await listAttempts(getDb(), a.journeyId);
    expect(rows.map((r) => [r.id, r.stepIndex]).sort()).toEqual(
      [
        [a.attemptId, 1],
        [b.attemptId, 2],
      ].sort(),
    );
    expect(ra.status === 'sent' && rb.status === 'sent' && ra.providerMessageId !== rb.providerMessageId).toBe(true);
    expect(logsFor(a.attemptId)).toHaveLength(1);
    expect(logsFor(b.attemptId)).toHaveLength(1);
  });

  it('the log line identifies the attempt without the buyer address or name', async () => {
    const inst = makeInstallment({ buyer: { name: 'Private Person', email: `${uniqueId('private')}@example.com` } });
    const delivery = deliveryFor(inst);

    await activities.deliverReminder(delivery);

    const [entry] = logsFor(delivery.attemptId);
    expect(entry).toMatchObject({
      level: 'info',
      fields: { journeyId: delivery.journeyId, attemptId: delivery.attemptId, channel: 'email' },
    });
    const text = JSON.stringify(entry);
    expect(text).not.toContain(inst.buyer.email!);
    expect(text).not.toContain('Private Person');
  });

  it('recordJourney persists the events, payments and projection it is given', async () => {
    const inst = makeInstallment();
    const t0 = Date.parse('2026-11-26T18:00:00Z');
    const sim = simulateJourney(inst, t0);
    sim.apply({
      type: 'step_sent',
      at: t0 + 60_000,
      revision: 0,
      stepIndex: 0,
      channel: 'email',
      requestedChannel: 'email',
      attemptId: 'a-0',
    });
    sim.apply({
      type: 'payment_received',
      at: t0 + 120_000,
      paymentId: 'pay-9',
      amountMinor: inst.amount.amountMinor,
      currency: inst.amount.currency,
    });
    const record = sim.flush();

    await activities.recordJourney(record);
    await activities.recordJourney(record); // retried

    const db = getDb();
    expect((await listEvents(db, record.journeyId)).map((e) => [e.seq, e.type])).toEqual(
      record.events.map((e) => [e.seq, e.type]),
    );
    expect((await listPayments(db, record.journeyId)).map((p) => [p.paymentId, p.amountMinor])).toEqual([
      ['pay-9', inst.amount.amountMinor],
    ]);
    expect(await findJourney(db, inst.tenantId, inst.installmentId)).toMatchObject({
      id: record.journeyId,
      stage: 'closed',
      outcome: record.status.outcome,
      amountPaidMinor: inst.amount.amountMinor,
    });
    expect(record.status.outcome).toBe('paid_before_due');
  });

  it('fails recordJourney at once, without retries, for data the database refuses', async () => {
    const inst = makeInstallment();
    const record = simulateJourney(inst, Date.parse('2026-11-26T18:00:00Z')).flush();
    // What the API refuses, a client talking to Temporal directly could still send.
    const poisoned = {
      ...record,
      installment: { ...record.installment, buyer: { ...record.installment.buyer, name: 'Nul\u0000Byte' } },
    };
    const failure = await activities.recordJourney(poisoned).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidJourneyData', nonRetryable: true });
    expect(await findJourney(getDb(), inst.tenantId, inst.installmentId)).toBeUndefined();
  });
});
