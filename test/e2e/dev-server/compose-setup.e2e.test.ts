/**
 * Tier 5, dev server: docker-compose's Temporal set-up script (docker/temporal-namespace.sh, run
 * by temporalio/admin-tools there) against a real server, with the same `temporal` CLI: it creates
 * the namespace, waits until the namespace is really served (a new namespace is described at once
 * but unknown to the other services for a moment), registers every search attribute the journeys
 * publish, and can run again.
 */
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemporalJourneyGateway } from '../../../application/temporal-journey-gateway';
import { type DevServer, startDevServer } from '../../../scripts/temporal-dev-server';
import { ALL_SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes';
import { devServer, e2e, skipWithout } from '../servers';
import { dueNowInstallment, dueNowPolicy } from './real-time';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../docker/temporal-namespace.sh', import.meta.url));
const NAMESPACE = 'compose-test';
const TYPE_NAMES: Record<string, string> = { KEYWORD: 'Keyword', DATETIME: 'Datetime' };

describe.skipIf(skipWithout(devServer, 'the docker-compose set-up script'))(
  'docker-compose: the namespace and search attribute set-up',
  () => {
    let server: DevServer;
    let cli: string;
    beforeAll(async () => {
      cli = (e2e.cli as { path: string }).path;
      // A bare server, as temporalio/server starts: nothing registered.
      server = await startDevServer({
        cliPath: cli,
        port: 0,
        uiPort: null,
        logFile: '/dev/null',
        registerSearchAttributes: false,
      });
    });
    afterAll(async () => server?.stop());

    const setup = () =>
      run('sh', [SCRIPT], {
        env: {
          ...process.env,
          PATH: `${dirname(cli)}:${process.env.PATH}`,
          TEMPORAL_ADDRESS: server.address,
          TEMPORAL_NAMESPACE: NAMESPACE,
        },
        timeout: 120_000,
      });

    it('leaves a served namespace with every search attribute, and runs again without harm', async () => {
      expect((await setup()).stdout).toContain(`namespace ${NAMESPACE} ready`);
      expect((await setup()).stdout).toContain(`namespace ${NAMESPACE} ready`);
      const { stdout } = await run(cli, [
        'operator',
        'search-attribute',
        'list',
        '--namespace',
        NAMESPACE,
        '--address',
        server.address,
        '--output',
        'json',
      ]);
      const listed = JSON.parse(stdout) as
        { customAttributes?: Record<string, string> } | { name: string; type: string }[];
      const text = JSON.stringify(listed);
      for (const key of ALL_SEARCH_ATTRIBUTES) {
        expect(text).toContain(key.name);
        expect(text).toMatch(new RegExp(`${key.name}[^}]*${TYPE_NAMES[key.type]}`, 'i'));
      }

      // A journey starts there with its search attributes (the start fails on any unknown one).
      const client = new Client({
        connection: await Connection.connect({ address: server.address }),
        namespace: NAMESPACE,
      });
      const started = await new TemporalJourneyGateway(client, 'compose-test-queue').start(
        dueNowInstallment(),
        dueNowPolicy,
      );
      expect(started.created).toBe(true);
      await client.workflow.getHandle(started.journeyId).terminate('test done');
      await client.connection.close();
    });
  },
);
