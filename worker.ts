/**
 * The Temporal worker: runs journey workflows and their activities. `npm run worker` starts
 * it against TEMPORAL_ADDRESS and DATABASE_URL; `npm run dev` embeds it.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import { createActivities } from './activities';
import type { DataConverter } from '@temporalio/common';
import { connectionOptions, dataConverterFromEnv, temporalSettingsFromEnv, temporalUnreachable } from './client';
import type { Database } from './db/client';
import { openDatabaseFromEnv } from './db/client';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface JourneyWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Database;
  logger: Logger;
  /** A prebuilt bundle (`npm run build:workflows`) for production; otherwise bundled at start. */
  workflowBundlePath?: string | undefined;
  /** Must match the clients' (payload encryption). */
  dataConverter?: DataConverter | undefined;
}

export async function createJourneyWorker(options: JourneyWorkerOptions): Promise<Worker> {
  const code: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath: WORKFLOWS_PATH };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...code,
    activities: createActivities({ db: options.db, logger: options.logger }),
    ...(options.dataConverter && { dataConverter: options.dataConverter }),
  });
}

async function main(): Promise<void> {
  const logger = pino({ name: 'worker' });
  const settings = temporalSettingsFromEnv();
  if (!settings) {
    console.error('Set TEMPORAL_ADDRESS (e.g. localhost:7233) to run the worker, or use `npm run dev` for everything in one process.');
    process.exit(1);
  }
  const database = await openDatabaseFromEnv();
  const connection = await NativeConnection.connect(await connectionOptions(settings)).catch((err: unknown) => {
    console.error(temporalUnreachable(settings, err));
    process.exit(1);
  });
  const worker = await createJourneyWorker({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    db: database.db,
    logger,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    dataConverter: dataConverterFromEnv(),
  });
  logger.info({ taskQueue: settings.taskQueue, namespace: settings.namespace, database: database.kind }, 'worker polling');
  // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and drains in-flight tasks.
  await worker.run();
  await connection.close();
  await database.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
