/**
 * Graceful shutdown for the API process: on SIGTERM (or SIGINT) stop accepting connections,
 * let in-flight requests finish (Fastify's close waits for them), then release what the app
 * used (Temporal connection, database) and exit.
 */
export interface Closable {
  close(): Promise<unknown>;
  log: { info(obj: object, msg: string): void };
}

export interface ShutdownOptions {
  signals?: NodeJS.Signals[];
  /** Run in order after the server has drained. */
  cleanups?: (() => Promise<unknown>)[];
  exit?: (code: number) => void;
}

export function drainOnSignals(
  app: Closable,
  { signals = ['SIGTERM', 'SIGINT'], cleanups = [], exit = (code) => process.exit(code) }: ShutdownOptions = {},
): Promise<void> {
  return new Promise((resolve) => {
    let draining = false;
    const drain = async (signal: string) => {
      if (draining) return;
      draining = true;
      app.log.info({ signal }, 'draining: no new connections, finishing requests in flight');
      let code = 0;
      try {
        await app.close();
        for (const cleanup of cleanups) await cleanup();
      } catch {
        code = 1;
      }
      resolve();
      exit(code);
    };
    for (const signal of signals) process.once(signal, () => void drain(signal));
  });
}
