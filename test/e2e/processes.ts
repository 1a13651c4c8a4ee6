/**
 * The product's own processes, started as a user starts them: the command of an npm script
 * (package.json), run directly so that a signal reaches the process itself, with its output kept
 * for the failure message.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { PROJECT_ROOT, npmScriptCommand } from '../../scripts/npm-script';
import { keepProcessOutput } from '../support/test-log';
import { eventually } from './eventually';

export interface ProductProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until its output contains `text`; fails early, with the output, if it exits first. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `npm run <script> -- <extraArgs>` as its own process: the script's command line, from the
 * project root.
 */
export function startScript(script: string, env: NodeJS.ProcessEnv, extraArgs: readonly string[] = []): ProductProcess {
  const { executable, args } = npmScriptCommand(script);
  const child = spawn(executable, [...args, ...extraArgs], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a crash is simulated by killing the whole group, so nothing the
    // script started (a Temporal dev server) lives on, orphaned.
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
    // The deployed processes' logs join the run log that is scanned for personal data.
    if (script === 'api' || script === 'worker') keepProcessOutput(script, child.pid, output);
  });
  return {
    name: script,
    child,
    output: () => output,
    exited,
    async waitFor(text, timeoutMs = 60_000) {
      await eventually(
        `npm run ${script} to print ${text}`,
        async () => {
          if (typeof text === 'string' ? output.includes(text) : text.test(output)) return true;
          if (done) throw new Error(`npm run ${script} exited before printing ${text}:\n${output}`);
          return undefined;
        },
        timeoutMs,
        200,
      );
    },
    async stop(signal = 'SIGTERM') {
      if (!done) {
        if (signal === 'SIGKILL') process.kill(-child.pid!, signal);
        else child.kill(signal);
      }
      return exited;
    },
  };
}
