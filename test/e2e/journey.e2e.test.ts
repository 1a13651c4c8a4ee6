/**
 * Tier 5 (DESIGN.md section 6): the journey scenarios end to end — a Temporal server
 * (TestWorkflowEnvironment), the real worker from worker.ts (bundled workflows + the outbox
 * activities on an in-memory PGlite database), and the client-side gateway the API uses. Asserts
 * the outcome, the status query and what landed in the database (attempts, events, payments).
 *
 * Which server: see ./temporal-server.ts. With the time-skipping test server every scenario runs
 * (a month-long ladder takes seconds); with a real server (TEMPORAL_ADDRESS / the CLI's dev server)
 * only the scenarios that need no waiting run. With none, the file is skipped and says why.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Context } from '@temporalio/activity';
import type { JourneyWorkers } from '../../worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemporalJourneyGateway } from '../../api/temporal-gateway';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { type AttemptRow, findJourney, listAttempts, listEvents, listPayments } from '../../db/journey-repository';
import type { InstallmentInput } from '../../domain/installment';
import { type LocalDate, addDays, instantToZoned, weekdayOf, zonedToInstant } from '../../domain/local-time';
import { defaultPolicy } from '../../domain/policy';
import type { JourneyStatus } from '../../domain/status';
import { createJourneyWorker } from '../../worker';
import type { dunningJourney } from '../../workflows/journey';
import { journeyWorkflowId, statusQuery } from '../../workflows/messages';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { installQuietRuntime } from '../support/replay';
import { type TemporalServerChoice, chooseTemporalServer, createTestEnvironment, supportsTimeSkipping } from './temporal-server';

const server = chooseTemporalServer();
const timeSkipping = server.choice !== null && supportsTimeSkipping(server.choice);
if (server.choice === null) {
  console.warn(`end-to-end tests (tier 5) skipped: ${server.reason}`);
} else if (!timeSkipping) {
  console.warn(`end-to-end tests (tier 5): ${server.description} has no time skipping; the scenarios that wait days are skipped`);
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** No daylight-saving time since 2019: local send times are a fixed offset (UTC-3) from UTC. */
const TIME_ZONE = 'America/Sao_Paulo';
const LADDER_CHANNELS = defaultPolicy.steps.map((s) => s.channel);
const LADDER_TEMPLATES = defaultPolicy.steps.map((s) => s.template);

type JourneyHandle = WorkflowHandle<typeof dunningJourney>;

describe.skipIf(server.choice === null)(`journey end to end (${server.choice ? server.choice.kind : 'no server'})`, () => {
  let env: TestWorkflowEnvironment;
  let database: DatabaseHandle;
  let worker: JourneyWorkers;
  let running: Promise<void>;
  let gateway: TemporalJourneyGateway;
  const taskQueue = uniqueId('e2e-journeys');

  beforeAll(async () => {
    installQuietRuntime();
    env = await createTestEnvironment(server.choice as TemporalServerChoice);
    database = openDatabase({ dataDir: 'memory://' });
    await database.migrate();
    worker = await createJourneyWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      db: database.db,
      logger: pino({ level: 'silent' }),
      // The compliance guard reads the activity's clock: under time skipping that is the server's
      // (skipped) time at which the attempt was scheduled, not the wall clock.
      now: () => Context.current().info.currentAttemptScheduledTimestampMs,
    });
    running = worker.run();
    gateway = new TemporalJourneyGateway(env.client, taskQueue);
  });

  afterAll(async () => {
    if (worker) {
      worker.shutdown();
      await running;
    }
    await env?.teardown();
    await database?.close();
  });

  // --------------------------------------------------------------------------------- helpers

  /** A Tuesday at least 8 days ahead in the buyer's zone: the first reminder (due -3 days) is days away. */
  async function upcomingDueDate(): Promise<LocalDate> {
    let date = addDays(instantToZoned(await env.currentTimeMs(), TIME_ZONE).date, 8);
    while (weekdayOf(date) !== 2) date = addDays(date, 1);
    return date;
  }

  async function startJourney(overrides: Parameters<typeof makeInstallment>[0] = {}): Promise<{ installment: InstallmentInput; journeyId: string; handle: JourneyHandle }> {
    const installment = makeInstallment({
      dueDate: await upcomingDueDate(),
      ...overrides,
      // A buyer of their own (the contact cap counts per buyer across journeys), and no country:
      // the ladder's timing must not depend on which public holidays the skipped dates hit.
      buyer: { id: uniqueId('buyer'), timezone: TIME_ZONE, country: undefined, ...overrides.buyer },
    });
    const started = await gateway.start(installment, defaultPolicy);
    expect(started).toEqual({ journeyId: journeyWorkflowId(installment.tenantId, installment.installmentId), created: true });
    const handle = env.client.workflow.getHandle<typeof dunningJourney>(started.journeyId);
    return { installment, journeyId: started.journeyId, handle };
  }

  const ref = (installment: InstallmentInput) => ({ tenantId: installment.tenantId, installmentId: installment.installmentId });
  const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Polls (in real time) until `probe` gives a value. */
  async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await delay(100);
    }
  }

  const status = (handle: JourneyHandle): Promise<JourneyStatus> => handle.query(statusQuery);

  /**
   * Skips server time to each next reminder until `sent` reminders have gone out (time-skipping
   * server only); returns the status then.
   */
  async function untilSent(handle: JourneyHandle, sent: number): Promise<JourneyStatus> {
    return eventually(`${sent} reminders sent`, async () => {
      const s = await status(handle);
      if (s.attempts.sent >= sent) return s;
      if (s.outcome !== null) throw new Error(`the journey ended (${s.outcome}) after ${s.attempts.sent} reminders`);
      const at = s.nextAction?.at ? Date.parse(s.nextAction.at) : null;
      const now = await env.currentTimeMs();
      if (at !== null && at > now) await env.sleep(at - now + MINUTE);
      return undefined;
    });
  }

  /** The attempts of a journey, once recorded; their ids end in /r<rev>/s<step>/<channel>/<seq>. */
  const attempts = (journeyId: string): Promise<AttemptRow[]> => listAttempts(database.db, journeyId);
  const stepKeys = (rows: AttemptRow[]) => rows.map((a) => `r${a.planRevision}/s${a.stepIndex}/${a.channel}`);

  async function eventTypes(journeyId: string): Promise<string[]> {
    return (await listEvents(database.db, journeyId)).map((e) => e.type);
  }

  /** Recording is the workflow's last act: wait for the closed projection. */
  async function closedJourney(installment: InstallmentInput) {
    return eventually('the closed journey row', async () => {
      const row = await findJourney(database.db, installment.tenantId, installment.installmentId);
      return row?.outcome ? row : undefined;
    });
  }

  // --------------------------------------------------------------------------------- any server

  it('start, status, pause/resume, due-date change (refused and accepted), cancel — no waiting needed', async () => {
    const { installment, journeyId, handle } = await startJourney();
    // The same installment again reaches the same journey.
    expect(await gateway.start(installment, defaultPolicy)).toEqual({ journeyId, created: false });

    const initial = await status(handle);
    expect(initial).toMatchObject({ stage: 'pre_due', outcome: null, dueDate: installment.dueDate, planRevision: 0, attempts: { sent: 0, failed: 0, skipped: 0 } });
    // First step: 3 days before the due date, 10:00 in São Paulo.
    expect(initial.nextAction).toEqual({
      kind: 'send',
      stepIndex: 0,
      channel: 'email',
      template: 'pre_due',
      at: new Date(zonedToInstant(addDays(installment.dueDate, -3), '10:00', TIME_ZONE)).toISOString(),
    });

    expect(await gateway.pause(ref(installment), {})).toBe('delivered');
    expect(await eventually('paused', async () => ((await status(handle)).stage === 'paused' ? true : undefined))).toBe(true);
    expect((await status(handle)).nextAction).toEqual({ kind: 'resume', at: null });
    expect(await gateway.resume(ref(installment), {})).toBe('delivered');
    await eventually('resumed', async () => ((await status(handle)).stage === 'pre_due' ? true : undefined));

    const tooFar = await gateway.changeDueDate(ref(installment), { dueDate: addDays(installment.dueDate, 31) });
    expect(tooFar).toMatchObject({ kind: 'refused', reason: 'beyond_limit' });
    const moved = addDays(installment.dueDate, 7);
    const accepted = await gateway.changeDueDate(ref(installment), { dueDate: moved });
    expect(accepted).toMatchObject({ kind: 'accepted', result: { dueDate: moved, status: { dueDate: moved, planRevision: 1, reschedules: 1 } } });

    expect(await gateway.cancel(ref(installment), { reason: 'manual' })).toBe('delivered');
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'canceled', cancelReason: 'manual', stage: 'closed', dueDate: moved, attempts: { sent: 0 } });
    // A journey that ended takes no more messages.
    expect(await gateway.pause(ref(installment), {})).toBe('not_running');

    const row = await closedJourney(installment);
    expect(row).toMatchObject({ id: journeyId, outcome: 'canceled', stage: 'closed', dueDate: moved, originalDueDate: installment.dueDate });
    expect(await eventTypes(journeyId)).toEqual(['started', 'paused', 'resumed', 'due_date_changed', 'canceled']);
    expect(await attempts(journeyId)).toEqual([]);
  });

  // --------------------------------------------------------------------------------- weeks of journey

  describe.skipIf(!timeSkipping)('scenarios over weeks (time skipping)', () => {
    it('(a) no payment: the whole ladder, then written off', async () => {
      const { installment, journeyId, handle } = await startJourney();
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'written_off', finalAction: 'write_off', stage: 'closed', attempts: { sent: 7, failed: 0, skipped: 0 } });

      const sent = await attempts(journeyId);
      expect(sent.map((a) => a.channel)).toEqual(LADDER_CHANNELS);
      expect(sent.map((a) => a.template)).toEqual(LADDER_TEMPLATES);
      expect(stepKeys(sent)).toEqual(LADDER_CHANNELS.map((c, i) => `r0/s${i}/${c}`));
      for (const attempt of sent) {
        expect(attempt).toMatchObject({ provider: 'outbox', status: 'sent', requestedChannel: attempt.channel });
        expect(attempt.recipient).toBe({ email: installment.buyer.email, sms: installment.buyer.phone, whatsapp: installment.buyer.whatsapp }[attempt.channel as 'email']);
        expect(attempt.body).toContain(installment.paymentUrl);
      }
      expect(await eventTypes(journeyId)).toEqual(['started', ...LADDER_CHANNELS.map(() => 'step_sent'), 'final_action_taken']);
      const row = await closedJourney(installment);
      expect(row).toMatchObject({ outcome: 'written_off', stage: 'closed', amountPaidMinor: 0 });
      expect(await status(handle)).toMatchObject({ outcome: 'written_off', nextAction: null });
    });

    it('(b) a partial then a full payment mid-ladder: recovered, each payment counted once', async () => {
      const { installment, journeyId, handle } = await startJourney();
      await untilSent(handle, 3);
      const payment = { paymentId: uniqueId('pay'), amountMinor: 2_000, currency: 'USD' };
      expect(await gateway.reportPayment(ref(installment), payment)).toBe('delivered');
      expect(await gateway.reportPayment(ref(installment), payment)).toBe('delivered'); // reported twice
      const partial = await eventually('the partial payment', async () => {
        const s = await status(handle);
        return s.amountPaidMinor > 0 ? s : undefined;
      });
      expect(partial).toMatchObject({ amountPaidMinor: 2_000, outstandingMinor: 2_990, outcome: null, stage: 'overdue' });

      await untilSent(handle, 4);
      const fourth = await eventually('the 4th attempt row', async () => (await attempts(journeyId))[3]);
      expect(fourth).toMatchObject({ stepIndex: 3, channel: 'whatsapp' });
      expect(fourth.body).toContain('29.90'); // the reminder asks for what is still due

      expect(await gateway.reportPayment(ref(installment), { paymentId: uniqueId('pay'), amountMinor: 2_990, currency: 'USD' })).toBe('delivered');
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'recovered', amountPaidMinor: 4_990, outstandingMinor: 0, attempts: { sent: 4 } });

      const payments = await listPayments(database.db, journeyId);
      expect(payments.map((p) => p.amountMinor)).toEqual([2_000, 2_990]);
      expect((await eventTypes(journeyId)).filter((t) => t === 'payment_received')).toHaveLength(2);
      expect(await closedJourney(installment)).toMatchObject({ outcome: 'recovered', amountPaidMinor: 4_990 });
    });

    it('(c) due date changed after two reminders: the ladder restarts from the new date', async () => {
      const { installment, journeyId, handle } = await startJourney();
      await untilSent(handle, 2);
      const inThePast = await gateway.changeDueDate(ref(installment), { dueDate: addDays(installment.dueDate, -10) });
      expect(inThePast).toMatchObject({ kind: 'refused', reason: 'in_the_past' });
      const moved = addDays(installment.dueDate, 14);
      const accepted = await gateway.changeDueDate(ref(installment), { dueDate: moved });
      expect(accepted).toMatchObject({ kind: 'accepted', result: { dueDate: moved, status: { planRevision: 1 } } });
      expect((await status(handle)).nextAction).toMatchObject({
        kind: 'send',
        stepIndex: 0,
        at: new Date(zonedToInstant(addDays(moved, -3), '10:00', TIME_ZONE)).toISOString(),
      });

      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'written_off', dueDate: moved, planRevision: 1, attempts: { sent: 9 } });
      const sent = await attempts(journeyId);
      expect(stepKeys(sent)).toEqual(['r0/s0/email', 'r0/s1/email', ...LADDER_CHANNELS.map((c, i) => `r1/s${i}/${c}`)]);
      expect(await closedJourney(installment)).toMatchObject({ dueDate: moved, originalDueDate: installment.dueDate, outcome: 'written_off' });
    });

    it('(d) paused then resumed: nothing goes out while paused, stale steps are skipped after', async () => {
      const { installment, journeyId, handle } = await startJourney();
      await untilSent(handle, 3);
      expect(await gateway.pause(ref(installment), {})).toBe('delivered');
      await eventually('paused', async () => ((await status(handle)).stage === 'paused' ? true : undefined));
      await env.sleep(8 * DAY);
      expect(await status(handle)).toMatchObject({ stage: 'paused', attempts: { sent: 3 } });
      expect(await attempts(journeyId)).toHaveLength(3);

      expect(await gateway.resume(ref(installment), {})).toBe('delivered');
      await untilSent(handle, 4);
      const fourth = await eventually('the 4th attempt row', async () => (await attempts(journeyId))[3]);
      // Step 3 (+3 days) was due during the pause: superseded by step 4 (+7 days).
      expect(fourth).toMatchObject({ stepIndex: 4, channel: 'email' });
      const skipped = (await listEvents(database.db, journeyId)).filter((e) => e.type === 'step_skipped');
      expect(skipped.map((e) => e.payload)).toMatchObject([{ stepIndex: 3, reason: 'superseded' }]);

      expect(await gateway.cancel(ref(installment), { reason: 'manual' })).toBe('delivered');
      expect(await handle.result()).toMatchObject({ outcome: 'canceled', attempts: { sent: 4, skipped: 1 } });
    });

    it('(e) canceled after the first reminder: nothing more goes out', async () => {
      const { installment, journeyId, handle } = await startJourney();
      await untilSent(handle, 1);
      expect(await gateway.cancel(ref(installment), { reason: 'refund' })).toBe('delivered');
      expect(await handle.result()).toMatchObject({ outcome: 'canceled', cancelReason: 'refund', attempts: { sent: 1 } });
      expect(stepKeys(await attempts(journeyId))).toEqual(['r0/s0/email']);
      expect((await eventTypes(journeyId)).at(-1)).toBe('canceled');
      expect(await closedJourney(installment)).toMatchObject({ outcome: 'canceled' });
    });

    it('(f) opted out of SMS: the SMS steps go out on WhatsApp', async () => {
      const { installment, journeyId, handle } = await startJourney({ buyer: { phone: '+5511987654321', whatsapp: '+5511912345678' } });
      expect(await gateway.optOut(ref(installment), { channel: 'sms' })).toBe('delivered');
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'written_off', attempts: { sent: 7 } });
      const sent = await attempts(journeyId);
      expect(sent.map((a) => a.channel)).toEqual(LADDER_CHANNELS.map((c) => (c === 'sms' ? 'whatsapp' : c)));
      for (const attempt of sent.filter((a) => a.requestedChannel === 'sms')) {
        expect(attempt).toMatchObject({ channel: 'whatsapp', recipient: '+5511912345678' });
      }
      expect((await eventTypes(journeyId))[1]).toBe('opted_out');
    });
  });
});
