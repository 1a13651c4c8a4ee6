/**
 * The Temporal servers of the end-to-end tier (DESIGN.md section 6), as provided by the global
 * set-up (test/support/global-setup.ts → scripts/temporal-tools.ts):
 *
 *  - time-skipping: the Java test server (or the SDK's download when online). Weeks of journey
 *    pass in seconds. One server per test file: a JVM starts in about a second.
 *  - dev server: the Temporal CLI's `server start-dev`, a real server with SQL visibility, rate
 *    limits, dynamic config and the Web UI. One per test file, on free ports.
 *
 * A tier whose server cannot be had is skipped with the reason printed — except under CI (or
 * TEST_REQUIRE_TEMPORAL), where it runs and fails: a CI machine must not pass by skipping.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';
import { registerSearchAttributes } from '../../client';
import { type DevServer, type DevServerOptions, startDevServer } from '../../scripts/temporal-dev-server';
import { installQuietRuntime } from '../support/replay';

export const e2e = inject('e2e');

function required(env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
  return flag(env.CI) || flag(env.TEST_REQUIRE_TEMPORAL);
}

export type ServerPlan = { available: true; description: string } | { available: false; reason: string };

export const timeSkipping: ServerPlan =
  'path' in e2e.testServer
    ? { available: true, description: `time-skipping test server ${e2e.testServer.path}` }
    : e2e.sdkDownload
      ? { available: true, description: 'time-skipping test server downloaded by the SDK' }
      : { available: false, reason: `no time-skipping test server: ${e2e.testServer.reason}` };

export const devServer: ServerPlan =
  'path' in e2e.cli
    ? { available: true, description: `dev server ${e2e.cli.path}` }
    : { available: false, reason: `no Temporal dev server: ${e2e.cli.reason}` };

/**
 * Whether a file (or block) of this tier is skipped. Prints the reason when it is; under CI
 * never skips, so the missing server fails the run where it is first needed.
 */
export function skipWithout(plan: ServerPlan, what: string): boolean {
  if (plan.available) return false;
  if (required()) return false;
  console.warn(`${what} skipped: ${plan.reason}`);
  return true;
}

function unavailable(plan: ServerPlan): never {
  throw new Error(plan.available ? 'unreachable' : `${plan.reason} (CI requires every end-to-end tier)`);
}

export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  if (!timeSkipping.available) unavailable(timeSkipping);
  const env =
    'path' in e2e.testServer
      ? await TestWorkflowEnvironment.createTimeSkipping({
          server: { executable: { type: 'existing-path', path: e2e.testServer.path } },
        })
      : await TestWorkflowEnvironment.createTimeSkipping();
  await registerSearchAttributes(env.connection, 'default');
  return env;
}

export interface DevServerEnv {
  env: TestWorkflowEnvironment;
  server: DevServer;
  cliPath: string;
  /** Stops the client connections and the server. */
  teardown(): Promise<void>;
}

/** A dev server of this file's own, and a TestWorkflowEnvironment connected to it. */
export async function startTestDevServer(
  options: Partial<Omit<DevServerOptions, 'cliPath'>> = {},
): Promise<DevServerEnv> {
  installQuietRuntime();
  if (!('path' in e2e.cli)) unavailable(devServer);
  const cliPath = e2e.cli.path;
  const server = await startDevServer({ port: 0, uiPort: null, logFile: '/dev/null', ...options, cliPath });
  const env = await TestWorkflowEnvironment.createFromExistingServer({
    address: server.address,
    namespace: server.namespace,
  });
  return {
    env,
    server,
    cliPath,
    async teardown() {
      await env.teardown();
      await server.stop();
    },
  };
}
