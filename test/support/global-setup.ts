/**
 * Once per `vitest run`, before any test file: provides the two Temporal servers (scripts/
 * temporal-tools.ts: built or fetched on a fresh machine, reused after) and Schemathesis
 * (scripts/contract-tools.ts), and bundles the workflow code once for every end-to-end worker.
 * Test files read the result with `inject('e2e')` and `inject('schemathesis')`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookup } from 'node:dns/promises';
import type { TestProject } from 'vitest/node';
import { provideTemporalTools } from '../../scripts/temporal-tools';
import { provideSchemathesis } from '../../scripts/contract-tools';
import { scanLogs } from './log-scan';
import { buildWorkflowBundle, writeWorkflowBundle } from '../../workflow-bundle';

export interface E2eContext {
  /** The `temporal` CLI (dev server), or why there is none. */
  cli: { path: string } | { reason: string };
  /** The time-skipping test server executable, or why there is none. */
  testServer: { path: string } | { reason: string };
  /** Whether the SDK could download a server instead (internet). */
  sdkDownload: boolean;
  /** The workflow bundle every end-to-end worker loads, or null when no server can run it. */
  workflowBundlePath: string | null;
  /** Debian's Chromium for the Temporal UI test, or why there is none. */
  chromium: { path: string } | { reason: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eContext;
    /** Where every API and product process of this run writes its log (test/support/test-log.ts). */
    logDir: string;
    /** Schemathesis for the contract tests (test/contract/), or why there is none. */
    schemathesis: { path: string } | { reason: string };
  }
}

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

async function sdkCanDownload(): Promise<boolean> {
  if (process.env.TEMPORAL_TEST_SERVER_DOWNLOAD === '0') return false;
  const resolves = lookup('temporal.download').then(
    () => true,
    () => false,
  );
  return Promise.race([resolves, new Promise<boolean>((r) => setTimeout(() => r(false), 3_000).unref())]);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const say = (line: string) => console.log(`[e2e set-up] ${line}`);
  const tools = await provideTemporalTools({ say });
  const sdkDownload = await sdkCanDownload();
  const anyServer = 'path' in tools.cli || 'path' in tools.testServer || sdkDownload;
  const schemathesis = await provideSchemathesis({ say: (line) => console.log(`[contract set-up] ${line}`) });
  project.provide('schemathesis', schemathesis.path === null ? { reason: schemathesis.reason } : schemathesis);

  let bundleDir: string | null = null;
  let workflowBundlePath: string | null = null;
  if (anyServer) {
    const started = Date.now();
    bundleDir = await mkdtemp(join(tmpdir(), 'dunning-e2e-'));
    // As production builds and loads it: the code, and its source map in a file of its own.
    workflowBundlePath = join(bundleDir, 'workflow-bundle.js');
    await writeWorkflowBundle(workflowBundlePath, await buildWorkflowBundle());
    say(`workflow bundle for the end-to-end workers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  const logDir = await mkdtemp(join(tmpdir(), 'dunning-test-log-'));
  project.provide('logDir', logDir);
  project.provide('e2e', {
    cli:
      'path' in tools.cli && tools.cli.path
        ? { path: tools.cli.path }
        : { reason: 'reason' in tools.cli ? tools.cli.reason : 'unknown' },
    testServer:
      'path' in tools.testServer && tools.testServer.path
        ? { path: tools.testServer.path }
        : { reason: 'reason' in tools.testServer ? tools.testServer.reason : 'unknown' },
    sdkDownload,
    workflowBundlePath,
    chromium: existsSync(CHROMIUM)
      ? { path: CHROMIUM }
      : { reason: `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)` },
  });

  return async () => {
    if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
    const scan = scanLogs(logDir);
    console.log(
      `[log scan] ${scan.lines} log lines from ${scan.files} processes: ${scan.findings.length} with personal data or secrets`,
    );
    if (scan.findings.length > 0) {
      for (const { what, file, line } of scan.findings.slice(0, 20))
        console.error(`[log scan] ${what} in ${file}: ${line}`);
      console.error(`[log scan] the run's log holds personal data or secrets; logs kept in ${logDir}`);
      // An error thrown here is only printed: the exit code is what fails the run (and CI).
      process.exitCode = 1;
      return;
    }
    await rm(logDir, { recursive: true, force: true });
  };
}
