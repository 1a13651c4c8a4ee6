/**
 * One Schemathesis run against a contract server (./contract-server.ts): the command line, the
 * process, and where its reports land. Shared by the test and `npm run contract`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContractServer } from './contract-server';

/** Fixed, so a failure found in CI replays the same cases on a laptop. */
export const SEED = 20261202;
export const MAX_EXAMPLES = 25;
/** The whole run is killed past this (it takes about a minute on 2 cores). */
export const TIME_LIMIT_MS = 240_000;

/**
 * Not fuzzed: the webhooks authenticate by the provider's signature, not by API key, so every
 * generated request is a 401 or 503 that says nothing about the handlers behind it (their tests
 * sign requests: test/api/webhooks-*.test.ts).
 */
export const EXCLUDED_PATHS = { regex: '^/webhooks/', reason: 'signed by the provider, not by an API key' };

/**
 * Every check but `positive_data_acceptance`, which counts any 400/422 for a schema-valid request
 * as a failure: our validator also enforces what JSON Schema cannot say (a real calendar date,
 * an IANA time zone, an instant in the future, steps in ascending order, at least one field to
 * change) and the rules a 422 names (an unknown collaborator, a reused Idempotency-Key).
 */
export const EXCLUDED_CHECKS = ['positive_data_acceptance'];

export function schemathesisArgs(server: ContractServer, reportDir: string, extra: string[] = []): string[] {
  return [
    'run',
    server.documentUrl,
    '--header',
    `Authorization: Bearer ${server.key}`,
    '--checks',
    'all',
    '--exclude-checks',
    EXCLUDED_CHECKS.join(','),
    '--mode',
    'all',
    '--exclude-path-regex',
    EXCLUDED_PATHS.regex,
    '--max-examples',
    String(MAX_EXAMPLES),
    '--seed',
    String(SEED),
    '--workers',
    '1',
    '--request-timeout',
    '10',
    '--report',
    'json,ndjson',
    '--report-dir',
    reportDir,
    ...extra,
  ];
}

export interface SchemathesisRun {
  exitCode: number | null;
  /** What it printed, unless it printed to the terminal. */
  output: string;
  reportDir: string;
}

/** Runs it to the end or to TIME_LIMIT_MS; `inherit` shows its output as it goes. */
export async function runSchemathesis(
  executable: string,
  server: ContractServer,
  options: { output: 'inherit' | 'capture'; extraArgs?: string[] },
): Promise<SchemathesisRun> {
  const reportDir = await mkdtemp(join(tmpdir(), 'dunning-schemathesis-'));
  const child = spawn(executable, schemathesisArgs(server, reportDir, options.extraArgs), {
    stdio: [
      'ignore',
      options.output === 'inherit' ? 'inherit' : 'pipe',
      options.output === 'inherit' ? 'inherit' : 'pipe',
    ],
    env: { ...process.env, NO_COLOR: '1', COLUMNS: '120' },
    // Its cache (`.schemathesis/`, failures it replays first next time) goes to the run's own
    // folder: every run starts from the seed alone, and nothing lands in the project.
    cwd: reportDir,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const watchdog = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS);
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => resolve(code));
    });
    if (exitCode === null) throw new Error(`Schemathesis was stopped after ${TIME_LIMIT_MS / 1000} s:\n${output}`);
    return { exitCode, output, reportDir };
  } finally {
    clearTimeout(watchdog);
  }
}
