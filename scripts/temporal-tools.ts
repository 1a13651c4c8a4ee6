/**
 * The two Temporal servers this project runs on, provided into an ignored project folder
 * (`.tools/`, or TEMPORAL_TOOLS_DIR) and reused when present:
 *
 *  - the Temporal CLI (`temporal server start-dev`: a real server with the Web UI), pinned to
 *    TEMPORAL_CLI_VERSION. A `temporal` on PATH wins; otherwise the one in the folder; otherwise
 *    it is built from Go modules (`go install`, no cgo: its SQLite is pure Go).
 *  - the Java time-skipping test server (`io.temporal:temporal-test-server`), fetched by Maven
 *    with its runtime dependencies, behind a small wrapper the TypeScript SDK starts as an
 *    `existing-path` executable.
 *
 *   npm run tools            provide both, print what it did and how long it took
 *
 * Both cold steps download from the Go module proxy and Maven Central; later runs reuse the
 * folder (and Go's and Maven's own caches), so they take a moment.
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { closeSync, existsSync, openSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const TEMPORAL_CLI_VERSION = '1.5.1';
/**
 * The newest release on Maven Central when pinned (2026-12). Bump it deliberately: a new test
 * server can change what the time-skipping tier sees.
 */
export const TEST_SERVER_VERSION = '1.38.0';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

export interface TemporalTools {
  /** The `temporal` CLI (dev server + UI), or null with the reason. */
  cli: { path: string; source: 'PATH' | 'tools folder' | 'built now' } | { path: null; reason: string };
  /** An executable that starts the time-skipping test server on the port it is given. */
  testServer: { path: string; source: 'tools folder' | 'fetched now' } | { path: null; reason: string };
}

type Say = (line: string) => void;

export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(PROJECT_ROOT, env.TEMPORAL_TOOLS_DIR || '.tools');
}

export function cliPathIn(dir: string): string {
  return join(dir, `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

export function testServerPathIn(dir: string): string {
  return join(dir, `temporal-test-server-${TEST_SERVER_VERSION}`, 'temporal-test-server');
}

/** A `temporal` executable on PATH, if any. */
export function temporalOnPath(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'temporal');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** The CLI already at hand (PATH, then the tools folder), without building anything. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | null {
  const onPath = temporalOnPath(env);
  if (onPath) return onPath;
  const inFolder = cliPathIn(toolsDir(env));
  return existsSync(inFolder) ? inFolder : null;
}

async function commandWorks(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args, { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Runs a long command, saying every 30 s that it is still going; its output goes to `logFile`. */
async function runLong(
  say: Say,
  what: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string },
): Promise<void> {
  const log = openSync(options.logFile, 'w');
  const started = Date.now();
  const heartbeat = setInterval(() => say(`  … still ${what} (${seconds(started)})`), 30_000);
  try {
    await new Promise<void>((resolvePromise, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', log, log],
      });
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        code === 0
          ? resolvePromise()
          : reject(
              new Error(
                `${command} ${signal ? `was killed (${signal})` : `exited with ${code}`}: see ${options.logFile}`,
              ),
            ),
      );
    });
  } finally {
    clearInterval(heartbeat);
    closeSync(log);
  }
}

/**
 * One process provides at a time: a second `npm test` or `npm run dev` started during a cold
 * build waits for it instead of building again. A lock left by a killed process is taken over
 * after an hour.
 */
async function withToolsLock<T>(dir: string, say: Say, fn: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  const lock = join(dir, '.lock');
  let told = false;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 60 * 60_000) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!told) say(`waiting for another process providing the Temporal tools in ${dir}…`);
      told = true;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function buildTemporalCli(dir: string, say: Say): Promise<string> {
  const target = cliPathIn(dir);
  const staging = `${target}.building`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  say(
    `building the Temporal CLI ${TEMPORAL_CLI_VERSION} from Go modules into ${target} — a cold build downloads ` +
      'about 0.5–1 GB of modules and takes several minutes on 2 cores; later builds reuse the Go caches',
  );
  const started = Date.now();
  await runLong(
    say,
    'building the Temporal CLI',
    'go',
    [
      'install',
      '-trimpath',
      '-ldflags',
      `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
      `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
    ],
    // No cgo: the CLI's SQLite is pure Go, so no C toolchain is needed. GOBIN puts the binary here.
    {
      env: {
        ...process.env,
        CGO_ENABLED: '0',
        GOBIN: staging,
        GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim(),
      },
      logFile: join(dir, 'temporal-cli-build.log'),
    },
  );
  await mkdir(join(target, '..'), { recursive: true });
  await rename(join(staging, 'temporal'), target);
  await rm(staging, { recursive: true, force: true });
  say(`built the Temporal CLI in ${seconds(started)}`);
  return target;
}

const TEST_SERVER_POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.dunning</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
    <!-- A logger binding for its SLF4J: without one it prints a warning at every start. -->
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-nop</artifactId>
      <version>1.7.36</version>
    </dependency>
  </dependencies>
</project>
`;

/**
 * The SDK runs the executable as `<path> <port>` and kills it at teardown: `exec` makes the JVM
 * that process (a shell in between would survive the kill and keep the port). Client-only JIT and
 * the serial GC start it fastest on small machines; the SDK waits only ~5 s for it to answer.
 */
const TEST_SERVER_WRAPPER = `#!/bin/sh
# Starts the Temporal time-skipping test server ${TEST_SERVER_VERSION} (Java) on the port given.
DIR="$(cd "$(dirname "$0")" && pwd)"
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss1m -cp "$DIR/lib/*" io.temporal.testserver.TestServer "$@"
`;

async function fetchTestServer(dir: string, say: Say): Promise<string> {
  const target = testServerPathIn(dir);
  const home = join(target, '..');
  const staging = `${home}.fetching`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  say(
    `fetching the Temporal time-skipping test server ${TEST_SERVER_VERSION} and its runtime dependencies from Maven Central…`,
  );
  const started = Date.now();
  await writeFile(join(staging, 'pom.xml'), TEST_SERVER_POM);
  await runLong(
    say,
    'fetching the test server',
    'mvn',
    [
      '-B',
      '-q',
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${join(staging, 'lib')}`,
    ],
    { cwd: staging, logFile: join(dir, 'temporal-test-server-fetch.log') },
  );
  const jars = await readdir(join(staging, 'lib'));
  if (!jars.some((jar) => jar.startsWith('temporal-test-server-')))
    throw new Error(`Maven fetched no temporal-test-server jar into ${staging}/lib`);
  await writeFile(join(staging, 'temporal-test-server'), TEST_SERVER_WRAPPER);
  await chmod(join(staging, 'temporal-test-server'), 0o755);
  await rm(home, { recursive: true, force: true });
  await rename(staging, home);
  say(`fetched the test server (${jars.length} jars) in ${seconds(started)}`);
  return target;
}

async function provideCli(dir: string, say: Say): Promise<TemporalTools['cli']> {
  const onPath = temporalOnPath();
  if (onPath) return { path: onPath, source: 'PATH' };
  if (existsSync(cliPathIn(dir))) return { path: cliPathIn(dir), source: 'tools folder' };
  if (!(await commandWorks('go', ['version']))) {
    return { path: null, reason: 'no `temporal` on PATH, none in the tools folder, and no Go toolchain to build one' };
  }
  return { path: await buildTemporalCli(dir, say), source: 'built now' };
}

async function provideTestServer(dir: string, say: Say): Promise<TemporalTools['testServer']> {
  if (existsSync(testServerPathIn(dir))) return { path: testServerPathIn(dir), source: 'tools folder' };
  if (!(await commandWorks('java', ['-version'])) || !(await commandWorks('mvn', ['-v']))) {
    return { path: null, reason: 'no Java and Maven to fetch the time-skipping test server' };
  }
  return { path: await fetchTestServer(dir, say), source: 'fetched now' };
}

/**
 * Provides both servers (building or fetching what is missing). Never throws for a missing toolchain: it says why
 * instead.
 */
export async function provideTemporalTools(
  options: { say?: Say; env?: NodeJS.ProcessEnv } = {},
): Promise<TemporalTools> {
  const say = options.say ?? ((line: string) => console.log(line));
  const dir = toolsDir(options.env);
  return withToolsLock(dir, say, async () => ({
    cli: await provideCli(dir, say),
    testServer: await provideTestServer(dir, say),
  }));
}

/** Only the CLI (for `npm run dev`): no Java needed. */
export async function provideTemporalCli(
  options: { say?: Say; env?: NodeJS.ProcessEnv } = {},
): Promise<TemporalTools['cli']> {
  const say = options.say ?? ((line: string) => console.log(line));
  const dir = toolsDir(options.env);
  return withToolsLock(dir, say, () => provideCli(dir, say));
}

async function main(): Promise<void> {
  const started = Date.now();
  const say = (line: string) => console.log(`[temporal-tools] ${line}`);
  say(
    `providing the Temporal CLI ${TEMPORAL_CLI_VERSION} and the time-skipping test server ${TEST_SERVER_VERSION} in ${toolsDir()}`,
  );
  const tools = await provideTemporalTools({ say });
  const line = (name: string, tool: TemporalTools['cli'] | TemporalTools['testServer']) =>
    'reason' in tool ? `${name}: not available — ${tool.reason}` : `${name}: ${tool.path} (${tool.source})`;
  say(line('dev server (temporal CLI)', tools.cli));
  say(line('time-skipping test server', tools.testServer));
  say(`done in ${seconds(started)}`);
  if ('reason' in tools.cli && 'reason' in tools.testServer) {
    console.error(
      'No Temporal server can be had here: install Go (to build the Temporal CLI) or Java with Maven (for the test server), or put `temporal` on your PATH.',
    );
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`[temporal-tools] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
