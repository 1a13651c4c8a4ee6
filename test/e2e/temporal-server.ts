/**
 * Which Temporal server the end-to-end tests (tier 5, DESIGN.md section 6) run against, decided
 * from the environment before any test is registered, so a file can skip itself with a reason:
 *
 *   TEMPORAL_TEST_SERVER_PATH  path to the time-skipping test server binary (Java SDK's
 *                              temporal-test-server): every scenario runs, weeks pass in seconds
 *   TEMPORAL_ADDRESS           a running server (e.g. `temporal server start-dev`), namespace
 *                              TEMPORAL_NAMESPACE (default `default`): no time skipping
 *   TEMPORAL_CLI_PATH          path to the `temporal` CLI: a dev server is started for the run,
 *                              no time skipping
 *   TEMPORAL_TEST_SERVER_DOWNLOAD=1  let the SDK download the time-skipping test server; this is
 *                              also the default when its download host resolves (=0 turns it off) (needs
 *                              internet; cached in the temp directory afterwards)
 *
 * Checked in this order. Nothing set and offline: the tests are skipped and say why.
 */
import { existsSync } from 'node:fs';
import type { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

export type TemporalServerChoice =
  | { kind: 'time-skipping'; path: string }
  | { kind: 'download' }
  | { kind: 'existing'; address: string; namespace: string }
  | { kind: 'dev-server'; path: string };

export type ServerDecision = { choice: TemporalServerChoice; description: string } | { choice: null; reason: string };

export function chooseTemporalServer(env: NodeJS.ProcessEnv = process.env): ServerDecision {
  const testServer = env.TEMPORAL_TEST_SERVER_PATH;
  if (testServer) {
    if (!existsSync(testServer)) throw new Error(`TEMPORAL_TEST_SERVER_PATH=${testServer} does not exist`);
    return { choice: { kind: 'time-skipping', path: testServer }, description: `time-skipping test server ${testServer}` };
  }
  if (env.TEMPORAL_ADDRESS) {
    const namespace = env.TEMPORAL_NAMESPACE || 'default';
    return { choice: { kind: 'existing', address: env.TEMPORAL_ADDRESS, namespace }, description: `server at ${env.TEMPORAL_ADDRESS} (namespace ${namespace})` };
  }
  const cli = env.TEMPORAL_CLI_PATH;
  if (cli) {
    if (!existsSync(cli)) throw new Error(`TEMPORAL_CLI_PATH=${cli} does not exist`);
    return { choice: { kind: 'dev-server', path: cli }, description: `dev server from ${cli}` };
  }
  if (env.TEMPORAL_TEST_SERVER_DOWNLOAD === '1' || (env.TEMPORAL_TEST_SERVER_DOWNLOAD !== '0' && downloadReachable)) {
    return { choice: { kind: 'download' }, description: 'time-skipping test server downloaded by the SDK' };
  }
  return {
    choice: null,
    reason:
      'no Temporal server: the SDK cannot download its test server from here (offline); set TEMPORAL_TEST_SERVER_PATH ' +
      '(time-skipping test server binary), TEMPORAL_ADDRESS (running server) or TEMPORAL_CLI_PATH (temporal CLI)',
  };
}

/**
 * Whether the SDK's download host resolves: with internet, `npm test` fetches the time-skipping
 * test server by itself (as a user expects); offline it skips at once instead of failing.
 */
async function canReachDownloadHost(): Promise<boolean> {
  const lookup = dnsLookup('temporal.download').then(
    () => true,
    () => false,
  );
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3_000).unref());
  return Promise.race([lookup, timeout]);
}

const downloadReachable = process.env.TEMPORAL_TEST_SERVER_DOWNLOAD === '0' ? false : await canReachDownloadHost();

export function supportsTimeSkipping(choice: TemporalServerChoice): boolean {
  return choice.kind === 'time-skipping' || choice.kind === 'download';
}

/** Starts (or connects to) the chosen server, with the journey's search attributes registered. */
export async function createTestEnvironment(choice: TemporalServerChoice): Promise<TestWorkflowEnvironment> {
  switch (choice.kind) {
    case 'dev-server':
      // The CLI registers them at start.
      return TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'existing-path', path: choice.path }, searchAttributes: [...ALL_SEARCH_ATTRIBUTES] },
      });
    case 'time-skipping': {
      const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: choice.path } } });
      await registerSearchAttributes(env.connection, 'default');
      return env;
    }
    case 'download': {
      const env = await TestWorkflowEnvironment.createTimeSkipping();
      await registerSearchAttributes(env.connection, 'default');
      return env;
    }
    case 'existing': {
      const env = await TestWorkflowEnvironment.createFromExistingServer({ address: choice.address, namespace: choice.namespace });
      await registerSearchAttributes(env.connection, choice.namespace);
      return env;
    }
  }
}

const { IndexedValueType } = proto.temporal.api.enums.v1;
const GRPC_ALREADY_EXISTS = 6;

/** Registers the custom search attributes (what docker-compose and the README do for real servers). */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const searchAttributes = Object.fromEntries(
    ALL_SEARCH_ATTRIBUTES.map((key) => [
      key.name,
      key.type === 'DATETIME' ? IndexedValueType.INDEXED_VALUE_TYPE_DATETIME : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    ]),
  );
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    const e = err as { code?: number; message?: string };
    // Registered by an earlier run (or by the server's own set-up): fine.
    if (e.code === GRPC_ALREADY_EXISTS || /already exist/i.test(e.message ?? '')) return;
    throw err;
  }
}
