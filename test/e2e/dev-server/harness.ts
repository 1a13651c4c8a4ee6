/**
 * What every dev-server test file sets up: a `temporal server start-dev` of its own (free ports,
 * headless unless asked), an in-memory PGlite database, the real worker from worker.ts and the
 * gateway the API uses. Time is real here: journeys use the due-now policy (./real-time.ts).
 *
 *   const h = useDevServerHarness();               // registers beforeAll / afterAll
 *   const { handle } = await h.startJourney();
 *   await h.cli('workflow', 'terminate', '--workflow-id', handle.workflowId);
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, type WorkflowHandle } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, expect } from 'vitest';
import { TemporalJourneyGateway } from '../../../application/temporal-journey-gateway';
import { type DatabaseHandle, openDatabase } from '../../../db/client';
import { listAttempts } from '../../../db/attempt-repository';
import { type JourneyRow, findJourney, listEvents } from '../../../db/journey-repository';
import type { InstallmentInput } from '../../../domain/installment';
import type { Policy } from '../../../domain/policy';
import type { JourneyStatus } from '../../../domain/status';
import type { DevServerOptions } from '../../../scripts/temporal-dev-server';
import { type JourneyWorkerOptions, type JourneyWorkers, createJourneyWorker } from '../../../worker';
import type { dunningJourney } from '../../../workflows/journey';
import { journeyWorkflowId, statusQuery } from '../../../workflows/messages';
import type { InstallmentOverrides } from '../../support/fixtures';
import { uniqueId } from '../../support/fixtures';
import { eventually } from '../eventually';
import { type DevServerEnv, e2e, startTestDevServer } from '../servers';
import { dueNowInstallment, dueNowPolicy } from './real-time';

const run = promisify(execFile);

export type JourneyHandle = WorkflowHandle<typeof dunningJourney>;

export interface RunningWorkers {
  workers: JourneyWorkers;
  stop(): Promise<void>;
}

export function useDevServerHarness(
  serverOptions: Partial<Omit<DevServerOptions, 'cliPath'>> = {},
  workerOptions: Partial<JourneyWorkerOptions> = {},
) {
  let server: DevServerEnv;
  let database: DatabaseHandle;
  let main: RunningWorkers;
  let gateway: TemporalJourneyGateway;
  const taskQueue = uniqueId('e2e-dev');

  async function startWorkers(options: Partial<JourneyWorkerOptions> = {}): Promise<RunningWorkers> {
    const workers = await createJourneyWorker({
      connection: server.env.nativeConnection,
      namespace: server.server.namespace,
      taskQueue,
      db: database.db,
      logger: pino({ level: 'silent' }),
      workflowBundlePath: e2e.workflowBundlePath ?? undefined,
      ...workerOptions,
      ...options,
    });
    const running = workers.run();
    return {
      workers,
      async stop() {
        workers.shutdown();
        await running;
      },
    };
  }

  beforeAll(async () => {
    server = await startTestDevServer(serverOptions);
    database = openDatabase({ dataDir: 'memory://' });
    await database.migrate();
    main = await startWorkers();
    // The API's client shares the worker's data converter (TEMPORAL_PAYLOAD_KEYS on both), as
    // deployed; `h.client` stays a plain client that sees what the server stores.
    const { dataConverter } = workerOptions;
    const client = dataConverter
      ? new Client({ connection: server.env.connection, namespace: server.server.namespace, dataConverter })
      : server.env.client;
    gateway = new TemporalJourneyGateway(client, taskQueue);
  });

  afterAll(async () => {
    await main?.stop();
    await server?.teardown();
    await database?.close();
  });

  async function startJourney(
    overrides: InstallmentOverrides = {},
    options: { policy?: Policy; through?: TemporalJourneyGateway } = {},
  ): Promise<{ installment: InstallmentInput; journeyId: string; handle: JourneyHandle }> {
    const installment = dueNowInstallment(overrides);
    const started = await (options.through ?? gateway).start(installment, options.policy ?? dueNowPolicy);
    expect(started).toEqual({
      journeyId: journeyWorkflowId(installment.tenantId, installment.installmentId),
      created: true,
    });
    return {
      installment,
      journeyId: started.journeyId,
      handle: server.env.client.workflow.getHandle<typeof dunningJourney>(started.journeyId),
    };
  }

  return {
    get server() {
      return server;
    },
    get client() {
      return server.env.client;
    },
    get db() {
      return database.db;
    },
    get gateway() {
      return gateway;
    },
    taskQueue,
    startWorkers,
    startJourney,
    status: (handle: JourneyHandle): Promise<JourneyStatus> =>
      handle.query(statusQuery, { asOf: new Date().toISOString() }),
    ref: (installment: InstallmentInput) => ({
      tenantId: installment.tenantId,
      installmentId: installment.installmentId,
    }),
    attempts: (journeyId: string) => listAttempts(database.db, journeyId),
    eventTypes: async (journeyId: string): Promise<string[]> =>
      (await listEvents(database.db, journeyId)).map((e) => e.type),
    /** The journey's row once `accept` says it is as expected. */
    row: (installment: InstallmentInput, accept: (row: JourneyRow) => boolean, what = 'the journey row') =>
      eventually(what, async () => {
        const row = await findJourney(database.db, installment.tenantId, installment.installmentId);
        return row && accept(row) ? row : undefined;
      }),
    /** Runs the `temporal` CLI against this server, as an operator would; returns its output. */
    async cli(...args: string[]): Promise<string> {
      const { stdout } = await run(
        server.cliPath,
        [...args, '--address', server.server.address, '--namespace', server.server.namespace],
        { timeout: 30_000 },
      );
      return stdout;
    },
  };
}
