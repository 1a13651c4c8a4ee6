/**
 * `npm run api` and `npm run worker` as the product's own processes: the npm script's command
 * line run directly (not through npm), with its output in a log file for the post-mortem (a
 * 500's cause is logged there with its request id).
 *
 * The long-running scripts run in one node process (`node --import tsx`), but each still gets a
 * process group of its own, and SIGKILL goes to the whole group — a crash of the product's
 * process and anything it started, as a machine or container dying would be.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { PROJECT_ROOT, npmScriptCommand } from '../../scripts/npm-script';
import { delay, isCleaningUp, onCleanup } from './cleanup';

export interface ProductProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Set once it has exited. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Waits until it prints `text`; fails if it exits first or the time runs out. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and waits for the exit (SIGKILL after 15 s). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Output kept in memory to look for readiness: the log file has all of it. */
const SCAN_WINDOW = 64 * 1024;

/** `env` is the whole environment: nothing of ours (a provider key, say) leaks in unasked. */
export function startScript(script: string, env: NodeJS.ProcessEnv, logFile: string): ProductProcess {
  const { executable, args } = npmScriptCommand(script);
  const child = spawn(executable, args, {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const kill = (signal: NodeJS.Signals) => {
    try {
      if (signal === 'SIGKILL') process.kill(-child.pid!, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };
  const log = createWriteStream(logFile, { flags: 'a' });
  let recent = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    recent = (recent + chunk.toString()).slice(-SCAN_WINDOW);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      self.exit = { code, signal };
      resolve();
    }),
  );
  const seen = new Set<string>();

  const self: ProductProcess = {
    name: script,
    child,
    logFile,
    exit: null,
    async waitFor(text, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (!seen.has(text)) {
        if (recent.includes(text)) seen.add(text);
        else if (self.exit) throw new Error(`npm run ${script} exited before printing "${text}"; see ${logFile}`);
        else if (Date.now() > deadline) throw new Error(`npm run ${script} did not print "${text}"; see ${logFile}`);
        else await delay(100);
      }
    },
    async stop(signal = 'SIGTERM') {
      if (self.exit) return;
      kill(signal);
      const timer = setTimeout(() => kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      // The process may have gone first (killed, or crashed): what is left of the group goes too.
      kill('SIGKILL');
    },
  };
  onCleanup(
    `npm run ${script} (pid ${child.pid})`,
    async () => {
      await self.stop('SIGTERM');
      log.end();
    },
    () => kill('SIGKILL'),
  );
  return self;
}

export interface Crash {
  at: number;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  /** What it printed last outside its JSON log: an uncaught error's stack, usually. */
  lastWords: string;
  /** When a replacement was ready, if one was. */
  replacedAt?: number;
}

/**
 * Restarts a process that exits on its own, as systemd or Kubernetes would, so one crash does
 * not end the run: the crash is recorded (and fails the soak), the load and the checks go on.
 */
export class Supervisor {
  readonly crashes: Crash[] = [];
  private stopped = false;
  private generation = 0;
  current: ProductProcess;

  constructor(
    private readonly launch: (generation: number) => ProductProcess,
    private readonly readyText: string,
  ) {
    this.current = this.watch(this.next());
  }

  ready(): Promise<void> {
    return this.current.waitFor(this.readyText);
  }

  /** From now on an exit is ours, not a crash. */
  stop(): void {
    this.stopped = true;
  }

  private next(): ProductProcess {
    this.generation += 1;
    return this.launch(this.generation);
  }

  private watch(product: ProductProcess): ProductProcess {
    product.child.once('exit', (code, signal) => {
      if (this.stopped || isCleaningUp()) return;
      const crash: Crash = { at: Date.now(), exit: { code, signal }, lastWords: lastWords(product.logFile) };
      this.crashes.push(crash);
      void this.replace(crash);
    });
    return product;
  }

  /** Starts another until one is ready (one that exits at start, say with the database down, is tried again). */
  private async replace(crash: Crash): Promise<void> {
    while (!this.stopped && !isCleaningUp()) {
      await delay(1_000);
      if (this.stopped || isCleaningUp()) return;
      const next = this.next();
      try {
        await next.waitFor(this.readyText, 60_000);
      } catch {
        await next.stop('SIGKILL');
        continue;
      }
      crash.replacedAt = Date.now();
      this.current = this.watch(next);
      return;
    }
  }
}

/** The last lines of a log that are not JSON log entries (a stack trace printed on the way down). */
function lastWords(logFile: string, lines = 12): string {
  try {
    return readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('{'))
      .slice(-lines)
      .join('\n');
  } catch {
    return '';
  }
}
