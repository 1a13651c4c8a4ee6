/**
 * What every time-skipping test file sets up: its own Java test server, an in-memory PGlite
 * database, the real worker from worker.ts (the prebuilt bundle, outbox channels) and the
 * gateway the API uses; plus the helpers that move a journey through server time.
 *
 *   const h = useTimeSkippingHarness();            // registers beforeAll / afterAll
 *   const { handle } = await h.startJourney();
 *   await h.untilSent(handle, 3);
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Context } from '@temporalio/activity';
import pino from 'pino';
import { afterAll, beforeAll, expect } from 'vitest';
import { TemporalJourneyGateway } from '../../../application/temporal-journey-gateway';
import { type DatabaseHandle, openDatabase } from '../../../db/client';
import { type AttemptRow, listAttempts } from '../../../db/attempt-repository';
import { findJourney, listEvents } from '../../../db/journey-repository';
import type { InstallmentInput } from '../../../domain/installment';
import { type LocalDate, addDays, instantToZoned, weekdayOf } from '../../../domain/local-time';
import { defaultPolicy } from '../../../domain/policy';
import type { JourneyStatus } from '../../../domain/status';
import { CONFIRMATION_TEMPLATES } from '../../../domain/templates';
import { type JourneyWorkerOptions, type JourneyWorkers, createJourneyWorker } from '../../../worker';
import type { dunningJourney } from '../../../workflows/journey';
import { journeyWorkflowId, statusQuery } from '../../../workflows/messages';
import { type InstallmentOverrides, makeInstallment, uniqueId } from '../../support/fixtures';
import { eventually } from '../eventually';
import { e2e, startTimeSkippingServer } from '../servers';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
/** No daylight-saving time since 2019: local send times are a fixed offset (UTC-3) from UTC. */
export const TIME_ZONE = 'America/Sao_Paulo';
export const LADDER_CHANNELS = defaultPolicy.steps.map((s) => s.channel);
export const LADDER_TEMPLATES = defaultPolicy.steps.map((s) => s.template);

export type JourneyHandle = WorkflowHandle<typeof dunningJourney>;

export interface RunningWorkers {
  workers: JourneyWorkers;
  running: Promise<void>;
  stop(): Promise<void>;
}

export function useTimeSkippingHarness() {
  let env: TestWorkflowEnvironment;
  let database: DatabaseHandle;
  let main: RunningWorkers;
  let gateway: TemporalJourneyGateway;
  const taskQueue = uniqueId('e2e-journeys');

  /** The worker from worker.ts, as production runs it (a prebuilt bundle), on this file's queue unless told. */
  async function startWorkers(options: Partial<JourneyWorkerOptions> = {}): Promise<RunningWorkers> {
    const workers = await createJourneyWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      db: database.db,
      logger: pino({ level: 'silent' }),
      workflowBundlePath: e2e.workflowBundlePath ?? undefined,
      // The compliance guard reads the activity's clock: under time skipping that is the server's
      // (skipped) time at which the attempt was scheduled, not the wall clock.
      now: () => Context.current().info.currentAttemptScheduledTimestampMs,
      ...options,
    });
    const running = workers.run();
    return {
      workers,
      running,
      async stop() {
        workers.shutdown();
        await running;
      },
    };
  }

  beforeAll(async () => {
    env = await startTimeSkippingServer();
    database = openDatabase({ dataDir: 'memory://' });
    await database.migrate();
    main = await startWorkers();
    gateway = new TemporalJourneyGateway(env.client, taskQueue);
  });

  afterAll(async () => {
    await main?.stop();
    await env?.teardown();
    await database?.close();
  });

  /** A Tuesday at least 8 days ahead in the buyer's zone: the first reminder (due -3 days) is days away. */
  async function upcomingDueDate(): Promise<LocalDate> {
    let date = addDays(instantToZoned(await env.currentTimeMs(), TIME_ZONE).date, 8);
    while (weekdayOf(date) !== 2) date = addDays(date, 1);
    return date;
  }

  /** A new installment of a buyer of its own (the contact cap counts per buyer), due on `upcomingDueDate()`. */
  async function newInstallment(overrides: InstallmentOverrides = {}): Promise<InstallmentInput> {
    return makeInstallment({
      dueDate: await upcomingDueDate(),
      ...overrides,
      // No country: the ladder's timing must not depend on which public holidays the skipped dates hit.
      buyer: { id: uniqueId('buyer'), timezone: TIME_ZONE, country: undefined, ...overrides.buyer },
    });
  }

  async function startJourney(
    overrides: InstallmentOverrides = {},
    through = gateway,
  ): Promise<{ installment: InstallmentInput; journeyId: string; handle: JourneyHandle }> {
    const installment = await newInstallment(overrides);
    const started = await through.start(installment, defaultPolicy);
    expect(started).toEqual({
      journeyId: journeyWorkflowId(installment.tenantId, installment.installmentId),
      created: true,
    });
    return {
      installment,
      journeyId: started.journeyId,
      handle: env.client.workflow.getHandle<typeof dunningJourney>(started.journeyId),
    };
  }

  const status = (handle: JourneyHandle): Promise<JourneyStatus> => handle.query(statusQuery);

  /** Skips server time to each next reminder until `sent` reminders have gone out; returns the status then. */
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

  return {
    get env() {
      return env;
    },
    get db() {
      return database.db;
    },
    get gateway() {
      return gateway;
    },
    get workers() {
      return main;
    },
    taskQueue,
    startWorkers,
    newInstallment,
    startJourney,
    status,
    untilSent,
    ref: (installment: InstallmentInput) => ({
      tenantId: installment.tenantId,
      installmentId: installment.installmentId,
    }),
    /** The reminders' attempts of a journey, once recorded. */
    attempts: async (journeyId: string): Promise<AttemptRow[]> =>
      (await listAttempts(database.db, journeyId)).filter((a) => !isConfirmation(a)),
    /** The confirmations' attempts of a journey (payments, due-date changes), once recorded. */
    confirmations: async (journeyId: string): Promise<AttemptRow[]> =>
      (await listAttempts(database.db, journeyId)).filter(isConfirmation),
    eventTypes: async (journeyId: string): Promise<string[]> =>
      (await listEvents(database.db, journeyId)).map((e) => e.type),
    /** Recording is the workflow's last act: wait for the closed projection. */
    closedJourney: (installment: InstallmentInput) =>
      eventually('the closed journey row', async () => {
        const row = await findJourney(database.db, installment.tenantId, installment.installmentId);
        return row?.outcome ? row : undefined;
      }),
  };
}

const isConfirmation = (a: AttemptRow): boolean => (CONFIRMATION_TEMPLATES as readonly string[]).includes(a.template);

/** `r<revision>/s<step>/<channel>` of each attempt, in order. */
export const stepKeys = (rows: AttemptRow[]) => rows.map((a) => `r${a.planRevision}/s${a.stepIndex}/${a.channel}`);
