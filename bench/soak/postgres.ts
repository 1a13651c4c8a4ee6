/**
 * A throwaway PostgreSQL 15 cluster of the soak's own, so it can be stopped and started again
 * mid-run without touching the machine's cluster (the tests use that one). initdb refuses to run
 * as root, so as root every PostgreSQL binary runs as the `postgres` user, in a temporary
 * directory it owns. Trust authentication, loopback only, its socket in that directory.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onCleanup } from './cleanup';

const run = promisify(execFile);
const BIN = process.env.SOAK_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const OS_USER = 'postgres';

export interface ThrowawayPostgres {
  url: string;
  dir: string;
  logFile: string;
  /** `pg_ctl stop -m fast`: clients are disconnected, new connections refused until `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

const asRoot = () => process.getuid?.() === 0;

/** The command line of a PostgreSQL binary, as the `postgres` user when we are root. */
function command(binary: string, args: string[]): [string, string[]] {
  const path = join(BIN, binary);
  return asRoot() ? ['runuser', ['-u', OS_USER, '--', path, ...args]] : [path, args];
}

async function pg(binary: string, args: string[]): Promise<void> {
  const [file, argv] = command(binary, args);
  try {
    await run(file, argv, { timeout: 60_000 });
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${(stderr || stdout || (err as Error).message).trim()}`);
  }
}

export async function createPostgres(port: number): Promise<ThrowawayPostgres> {
  if (!existsSync(join(BIN, 'initdb'))) throw new Error(`no PostgreSQL binaries in ${BIN} (set SOAK_PG_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'dunning-soak-'));
  if (asRoot()) {
    const uid = Number(execFileSync('id', ['-u', OS_USER]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', OS_USER]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const ctl = (args: string[]) => pg('pg_ctl', ['-D', data, ...args]);
  let running = false;

  const stopNow = (mode: 'fast' | 'immediate') => ctl(['stop', '-m', mode, '-w', '-t', '30']);
  onCleanup(
    'the throwaway PostgreSQL cluster',
    async () => {
      if (running) await stopNow('immediate').catch(() => {});
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
    () => {
      if (running) {
        const [file, argv] = command('pg_ctl', ['-D', data, 'stop', '-m', 'immediate', '-w']);
        execFileSync(file, argv, { stdio: 'ignore', timeout: 20_000 });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  );

  // No fsync: the soak restarts the server cleanly (fast shutdown), it never loses power.
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = async () => {
    await ctl(['start', '-w', '-t', '60', '-l', logFile, '-o', options]);
    running = true;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    logFile,
    async stop() {
      await stopNow('fast');
      running = false;
    },
    start,
  };
}
