/**
 * Runs the Temporal CLI's dev server (`temporal server start-dev`) as a child process that dies
 * with us: `npm run dev` and the dev-server test tier both start it here. Ready means the
 * namespace answers and the journeys' search attributes are registered.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { registerSearchAttributes } from '../client';

export interface DevServerOptions {
  /** The `temporal` executable. */
  cliPath: string;
  /** Frontend port; 0 picks a free one. */
  port: number;
  ip?: string;
  /** The Web UI's port; null runs headless; 0 picks a free one. */
  uiPort?: number | null;
  namespace?: string;
  /** SQLite file that keeps journeys across restarts; absent = in memory. */
  dbFilename?: string;
  /** `--dynamic-config-value` pairs, e.g. `{ 'limit.historyCount.suggestContinueAsNew': 50 }`. */
  dynamicConfig?: Record<string, unknown>;
  /** Where the UI sends payloads to decode (our codec server). */
  uiCodecEndpoint?: string;
  /** The server's own log (stdout and stderr). */
  logFile: string;
  /** How long to wait for it to answer. */
  readyTimeoutMs?: number;
  /** Register the journeys' search attributes once it answers (default true). */
  registerSearchAttributes?: boolean;
}

export interface DevServer {
  /** host:port of the gRPC frontend, for TEMPORAL_ADDRESS and `temporal --address`. */
  address: string;
  namespace: string;
  /** The Web UI, or null when headless. */
  uiUrl: string | null;
  pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period) and waits until it is gone. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether something already listens on host:port. */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(true));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Whatever way this process ends, its dev servers end with it (no orphan holding the port or the database file). */
function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

/** The last lines a child wrote, kept in memory so an early exit can say why even when its log goes nowhere. */
function recentOutput(maxChars = 4_000): { add(chunk: Buffer): void; tail(lines?: number): string } {
  let kept = '';
  return {
    add(chunk) {
      kept = (kept + chunk.toString('utf8')).slice(-maxChars);
    },
    tail(lines = 15) {
      return kept.trim().split('\n').slice(-lines).join('\n') || '(no output)';
    },
  };
}

/**
 * The server lost a race for a port it picked itself (its HTTP API and internal services bind free
 * ports of their own choosing, which another process can take between the choice and the bind).
 */
class PortTakenMeanwhile extends Error {}

/** How many times a start that lost such a race is tried again, on fresh ports. */
const PORT_RACE_RETRIES = 2;

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (!(err instanceof PortTakenMeanwhile) || attempt >= PORT_RACE_RETRIES) throw err;
    }
  }
}

async function startOnce(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  const port = options.port || (await freePort(ip));
  const uiPort = options.uiPort === null ? null : options.uiPort || (await freePort(ip));
  for (const [what, p] of [
    ['frontend', port],
    ['UI', uiPort],
  ] as const) {
    if (p !== null && (await portInUse(p, ip))) {
      throw new Error(
        `the Temporal dev server's ${what} port ${ip}:${p} is already in use (another dev server still running?): stop it or choose another port`,
      );
    }
  }
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--log-format',
    'json',
    '--log-level',
    'warn',
  ];
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {}))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);

  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = createWriteStream(options.logFile, { flags: 'a' });
  const output = recentOutput();
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      logFile.write(chunk);
      output.add(chunk);
    });
  }
  killOnExit(child);
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`could not run ${options.cliPath}: ${err.message}`)));
    // 'close' comes once its output is read to the end: the reason it exited is in it.
    child.once('close', (code, signal) => {
      logFile.end();
      const log = output.tail();
      const message = `the Temporal dev server exited (${signal ?? `code ${code}`}) before it was ready; its log:\n${log}`;
      reject(/address already in use/.test(log) ? new PortTakenMeanwhile(message) : new Error(message));
    });
  });
  exited.catch(() => {});

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };

  const address = `${ip}:${port}`;
  try {
    await Promise.race([
      exited,
      waitUntilReady(address, namespace, options.readyTimeoutMs ?? 60_000, options.registerSearchAttributes ?? true),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, namespace, uiUrl: uiPort === null ? null : `http://${ip}:${uiPort}`, pid: child.pid!, stop };
}

/** Polls until the namespace answers, then registers the search attributes (idempotent). */
async function waitUntilReady(
  address: string,
  namespace: string,
  timeoutMs: number,
  withSearchAttributes: boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.describeNamespace({ namespace });
      if (withSearchAttributes) await registerSearchAttributes(connection, namespace);
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await connection?.close();
    }
  }
  throw new Error(
    `the Temporal dev server at ${address} did not answer within ${timeoutMs / 1000} s (${lastError instanceof Error ? lastError.message : String(lastError)})`,
  );
}
