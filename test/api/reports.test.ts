/**
 * The reports API on a small ledger written by hand: every number below is worked out in this
 * file from the ledger's own amounts and dates, not copied from an answer.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { events } from '../../db/schema';
import { journeyWorkflowId } from '../../workflows/messages';
import { describeEachDatabase } from '../support/databases';
import { type PurchaseSpec, REPORT_NOW, writeLedger } from '../support/report-ledger';
import { type ApiHarness, TENANT_B_KEY, createCollaboratorKey, startApi } from './support';

const TENANT = 'tenant-a';
const PERIOD = 'from=2026-06-01&to=2026-06-14';
const at = (iso: string) => Date.parse(iso);
const UTC_BUYER = { id: 'b-ana', name: '=HYPERLINK("http://x")', timezone: 'UTC', country: 'BR' };

// Purchase p-sched (BRL, scheduled): on time, recovered by a journey, canceled, partly paid
// while its journey is open, and one due after the period.
const ON_TIME = 10_000;
const RECOVERED = 10_000;
const CANCELED = 10_000;
const PARTIAL = { amount: 8_000, paid: 3_000 };
const UPCOMING = 7_000;
// Purchase p-late (BRL, no schedule, no journey): paid a day late.
const LATE_NO_JOURNEY = 5_000;
// Purchase p-usd (USD): one overdue installment nobody paid.
const USD_OVERDUE = 2_000;

const ledger: PurchaseSpec[] = [
  {
    purchaseId: 'p-sched',
    scheduled: true,
    ofOne: false,
    buyer: UTC_BUYER,
    productId: 'course-a',
    currency: 'BRL',
    installments: [
      {
        number: 1,
        installmentId: 'rep-s1',
        amountMinor: ON_TIME,
        dueDate: '2026-06-01',
        canceled: false,
        started: false,
        journey: null,
        payments: [{ paymentId: 'pay-s1', amountMinor: ON_TIME, paidAt: at('2026-06-01T10:00:00Z'), via: 'purchase' }],
      },
      {
        number: 2,
        installmentId: 'rep-s2',
        amountMinor: RECOVERED,
        dueDate: '2026-06-05',
        canceled: false,
        started: true,
        journey: {
          open: false,
          movedDays: 0,
          policyId: 'default',
          attempts: [
            {
              stepIndex: 0,
              channel: 'email',
              template: 'reminder',
              status: 'delivered',
              sentAt: at('2026-06-06T09:00:00Z'),
            },
            { stepIndex: 1, channel: 'sms', template: 'final', status: 'sent', sentAt: at('2026-06-08T09:00:00Z') },
          ],
        },
        payments: [{ paymentId: 'pay-s2', amountMinor: RECOVERED, paidAt: at('2026-06-09T12:00:00Z'), via: 'journey' }],
      },
      {
        number: 3,
        installmentId: 'rep-s3',
        amountMinor: CANCELED,
        dueDate: '2026-06-10',
        canceled: true,
        started: false,
        journey: null,
        payments: [],
      },
      {
        number: 4,
        installmentId: 'rep-s4',
        amountMinor: PARTIAL.amount,
        dueDate: '2026-06-12',
        canceled: false,
        started: true,
        journey: {
          open: true,
          movedDays: 0,
          policyId: 'default',
          attempts: [
            {
              stepIndex: 0,
              channel: 'email',
              template: 'reminder',
              status: 'delivered',
              sentAt: at('2026-06-13T09:00:00Z'),
            },
          ],
        },
        // Reported by the payment system and recorded by the journey: one payment.
        payments: [{ paymentId: 'pay-s4', amountMinor: PARTIAL.paid, paidAt: at('2026-06-13T12:00:00Z'), via: 'both' }],
      },
      {
        number: 5,
        installmentId: 'rep-s5',
        amountMinor: UPCOMING,
        dueDate: '2026-06-20',
        canceled: false,
        started: false,
        journey: null,
        payments: [],
      },
    ],
  },
  {
    purchaseId: 'p-late',
    scheduled: false,
    ofOne: false,
    buyer: { ...UTC_BUYER, id: 'b-bo', name: 'Bo' },
    productId: 'course-b',
    currency: 'BRL',
    installments: [
      {
        number: 1,
        installmentId: 'rep-l1',
        amountMinor: LATE_NO_JOURNEY,
        dueDate: '2026-06-03',
        canceled: false,
        started: true,
        journey: null,
        payments: [
          { paymentId: 'pay-l1', amountMinor: LATE_NO_JOURNEY, paidAt: at('2026-06-04T08:00:00Z'), via: 'purchase' },
        ],
      },
    ],
  },
  {
    purchaseId: 'p-usd',
    scheduled: true,
    ofOne: false,
    buyer: { ...UTC_BUYER, id: 'b-cy', name: 'Cy', country: 'US' },
    productId: 'course-a',
    currency: 'USD',
    installments: [
      {
        number: 1,
        installmentId: 'rep-u1',
        amountMinor: USD_OVERDUE,
        dueDate: '2026-06-02',
        canceled: false,
        started: false,
        journey: null,
        payments: [],
      },
    ],
  },
];

describeEachDatabase('reports API', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    await writeLedger(getDb(), TENANT, ledger);
    const journeyId = journeyWorkflowId(TENANT, 'rep-s2');
    await getDb()
      .insert(events)
      .values([
        {
          journeyId,
          seq: 1,
          tenantId: TENANT,
          type: 'step_failed',
          payload: {
            type: 'step_failed',
            at: at('2026-06-07T09:00:00Z'),
            revision: 0,
            stepIndex: 0,
            channel: 'whatsapp',
            reason: 'no number for ana@example.com',
          },
          occurredAt: new Date('2026-06-07T09:00:00Z'),
        },
        {
          journeyId,
          seq: 2,
          tenantId: TENANT,
          type: 'payment_received',
          payload: {
            type: 'payment_received',
            at: at('2026-06-09T12:00:00Z'),
            paymentId: 'pay-s2',
            amountMinor: RECOVERED,
            currency: 'BRL',
            actor: { kind: 'api_key', id: 'key_payments' },
          },
          occurredAt: new Date('2026-06-09T12:00:00Z'),
        },
      ]);
    api = await startApi(getDb(), () => REPORT_NOW, {
      temporalUi: { url: 'http://temporal.example:8233/', namespace: 'default' },
    });
  });
  afterAll(async () => {
    await api?.app.close();
  });

  const get = async (url: string, key?: string) => {
    const response = await api.call({ method: 'GET', url, ...(key && { key }) });
    return { status: response.statusCode, body: response.json() as Record<string, unknown> & unknown[] };
  };

  it('the overview: efficiency, paid on time and recovered, in recovery now and expected upcoming', async () => {
    const expectedMinor = ON_TIME + RECOVERED + PARTIAL.amount + LATE_NO_JOURNEY; // canceled left out
    const paidMinor = ON_TIME + RECOVERED + PARTIAL.paid + LATE_NO_JOURNEY; // the payment reported twice counts once
    const { status, body } = await get(`/v1/reports/overview?${PERIOD}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      currency: 'BRL',
      currencies: ['BRL', 'USD'],
      expectedMinor,
      paidMinor,
      collectionEfficiency: Math.round((paidMinor / expectedMinor) * 1000) / 10,
      installments: { expected: 4, paidOnTime: 1, recovered: 1, paidLateWithoutJourney: 1, open: 1 },
      recoveredMinor: RECOVERED,
      inRecoveryNow: { journeys: 1, outstandingMinor: PARTIAL.amount - PARTIAL.paid },
      expectedUpcoming: { days: 30, installments: 1, amountMinor: UPCOMING },
    });
    const usd = await get(`/v1/reports/overview?${PERIOD}&currency=USD`);
    expect(usd.body).toMatchObject({
      currency: 'USD',
      expectedMinor: USD_OVERDUE,
      paidMinor: 0,
      collectionEfficiency: 0,
    });
  });

  it('tracking: every installment of the period in due date order, page by page, and by standing', async () => {
    const seen: { purchaseId: string; installmentNumber: number; standing: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { rows: typeof seen; nextCursor: string | null } } = (await get(
        `/v1/reports/payments?${PERIOD}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      )) as never;
      seen.push(...page.body.rows);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.map((r) => [r.purchaseId, r.installmentNumber, r.standing])).toEqual([
      ['p-sched', 1, 'paid_on_time'],
      ['p-usd', 1, 'overdue'],
      ['p-late', 1, 'paid_late'],
      ['p-sched', 2, 'paid_late'],
      ['p-sched', 3, 'canceled'],
      ['p-sched', 4, 'overdue'],
    ]);
    const overdue = await get(`/v1/reports/payments?${PERIOD}&standing=overdue`);
    expect((overdue.body.rows as { installmentId: string }[]).map((r) => r.installmentId)).toEqual([
      'rep-u1',
      'rep-s4',
    ]);
  });

  it('payment details: amounts by standing, the timeline without personal data, the Temporal UI link', async () => {
    const { status, body } = await get('/v1/reports/payments/rep-s2');
    expect(status).toBe(200);
    expect(body.amounts).toEqual({
      paidOnTimeMinor: ON_TIME,
      paidLateMinor: RECOVERED + PARTIAL.paid,
      overdueMinor: PARTIAL.amount - PARTIAL.paid,
      pendingMinor: UPCOMING,
    });
    const installment = body.installment as { timeline: Record<string, unknown>[]; temporalUiUrl: string };
    const workflowId = journeyWorkflowId(TENANT, 'rep-s2');
    expect(installment.temporalUiUrl).toBe(
      `http://temporal.example:8233/namespaces/default/workflows/${encodeURIComponent(workflowId)}`,
    );
    expect(installment.timeline.map((e) => [e.at, e.kind, e.type, e.channel ?? null])).toEqual([
      ['2026-06-06T09:00:00.000Z', 'attempt', 'reminder', 'email'],
      ['2026-06-07T09:00:00.000Z', 'event', 'step_failed', null],
      ['2026-06-08T09:00:00.000Z', 'attempt', 'reminder', 'sms'],
      ['2026-06-09T12:00:00.000Z', 'event', 'payment_received', null],
    ]);
    expect(installment.timeline[3]).toMatchObject({ actor: { kind: 'api_key', id: 'key_payments' } });
    expect(JSON.stringify(body.installment)).not.toContain('ana@example.com');
    const byNumber = await get('/v1/reports/purchases/p-sched/installments/2');
    expect(byNumber.body).toEqual(body);
  });

  it("another tenant's installment is not found; a key without reports:read is refused", async () => {
    expect((await get('/v1/reports/payments/rep-s2', TENANT_B_KEY)).status).toBe(404);
    expect((await get(`/v1/reports/overview?${PERIOD}`, TENANT_B_KEY)).body).toMatchObject({ expectedMinor: 0 });
    const payments = await createCollaboratorKey(api, 'payment_system');
    expect((await get(`/v1/reports/overview?${PERIOD}`, payments.secret)).status).toBe(403);
    const analyst = await createCollaboratorKey(api, 'analyst');
    expect((await get(`/v1/reports/overview?${PERIOD}`, analyst.secret)).status).toBe(200);
  });

  it('attribution: the last attempt before the payment within the window, and the funnel', async () => {
    const { body } = await get(`/v1/reports/attribution?${PERIOD}`);
    expect(body.byStep).toEqual([{ stepIndex: 1, channel: 'sms', recovered: 1, recoveredMinor: RECOVERED }]);
    expect(body.funnel).toEqual([
      // Both reminders went out and were delivered; the first was followed by a payment within 7 days.
      { stepIndex: 0, channel: 'email', template: 'reminder', sent: 2, delivered: 2, paidWithin: 1 },
      { stepIndex: 1, channel: 'sms', template: 'final', sent: 1, delivered: 0, paidWithin: 1 },
    ]);
    // The sms went out 27 hours before the payment: a one-day window credits nothing.
    const narrow = await get(`/v1/reports/attribution?${PERIOD}&windowDays=1`);
    expect(narrow.body.byStep).toEqual([{ stepIndex: null, channel: null, recovered: 1, recoveredMinor: RECOVERED }]);
    const rows = await get(`/v1/reports/attribution/payments?${PERIOD}`);
    expect(rows.body).toEqual({
      rows: [
        {
          installmentId: 'rep-s2',
          journeyId: journeyWorkflowId(TENANT, 'rep-s2'),
          paymentAt: '2026-06-09T12:00:00.000Z',
          recoveredMinor: RECOVERED,
          currency: 'BRL',
          step: { stepIndex: 1, channel: 'sms', template: 'final', sentAt: '2026-06-08T09:00:00.000Z' },
        },
      ],
      nextCursor: null,
    });
  });

  it('the recovery curve and the daily recovered amounts', async () => {
    // Overdue in the period: p-late #1 (paid 1 day late), p-sched #2 (4 days), p-sched #4 and p-usd #1 (unpaid).
    const { body } = await get(`/v1/reports/recovery-curve?${PERIOD}&days=5`);
    expect(body).toEqual([0, 1, 1, 1, 2, 2].map((paid, day) => ({ day, share: paid / 4 })));
    const daily = await get(`/v1/reports/daily-recovered?${PERIOD}`);
    expect(daily.body).toEqual([{ date: '2026-06-09', recoveredMinor: RECOVERED }]);
  });

  it('CSV exports: a header and every row, amounts as decimals, formulas made inert', async () => {
    const response = await api.call({ method: 'GET', url: `/v1/reports/payments/export?${PERIOD}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toBe('attachment; filename="payments.csv"');
    const rows = parse(response.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => `${r.purchase_id}#${r.installment_number}`)).toEqual([
      'p-sched#1',
      'p-usd#1',
      'p-late#1',
      'p-sched#2',
      'p-sched#3',
      'p-sched#4',
    ]);
    expect(rows[5]).toMatchObject({ amount: String(PARTIAL.amount / 100), paid: String(PARTIAL.paid / 100) });
    expect(rows[0]!.buyer_name).toBe(`'${UTC_BUYER.name}`);
    const attribution = await api.call({ method: 'GET', url: `/v1/reports/attribution/export?${PERIOD}` });
    expect(parse(attribution.body, { columns: true })).toEqual([
      expect.objectContaining({ installment_id: 'rep-s2', recovered: String(RECOVERED / 100), channel: 'sms' }),
    ]);
  });

  it('bad input is a 400 naming the field', async () => {
    const field = async (url: string) => {
      const { status, body } = await get(url);
      expect(status).toBe(400);
      return (body.errors as { path: string }[]).map((e) => e.path);
    };
    expect(await field('/v1/reports/overview?from=2026-06-10&to=2026-06-01')).toEqual(['to']);
    expect(await field('/v1/reports/overview?from=2025-01-01&to=2026-06-01')).toEqual(['to']);
    expect(await field('/v1/reports/overview?from=2026-02-30')).toEqual(['from']);
    expect(await field('/v1/reports/overview?channel=pigeon')).toEqual(['channel']);
    expect(await field('/v1/reports/payments?cursor=bm90LWEtY3Vyc29y')).toEqual(['cursor']);
    expect(await field('/v1/reports/attribution/payments?cursor=WzEsMl0')).toEqual(['cursor']);
    expect(await field('/v1/reports/payments?limit=0')).toEqual(['limit']);
  });

  it('by default the last 30 days (UTC)', async () => {
    const { body } = await get('/v1/reports/overview');
    // 2026-05-17 .. 2026-06-15 holds every BRL installment of the period above and nothing after it.
    expect(body).toMatchObject({ installments: { expected: 4 } });
  });
});
