/**
 * Whatever way the soak ends — all checks done, a failure, Ctrl+C, the hard timeout — what it
 * started goes away: the API and worker processes, the Temporal dev server, the throwaway
 * PostgreSQL cluster and its directory. Cleanups run last-registered first (the processes
 * before the database they use).
 */

type Cleanup = { name: string; run: () => Promise<void> | void; runSync?: () => void };

const cleanups: Cleanup[] = [];
let cleaning: Promise<void> | null = null;

/** `runSync` is the last resort for an exit nobody awaited (an uncaught error): no promises then. */
export function onCleanup(name: string, run: () => Promise<void> | void, runSync?: () => void): void {
  cleanups.push({ name, run, ...(runSync && { runSync }) });
}

/** Runs every cleanup once, each bounded, in reverse order of registration. */
export function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop()!;
      try {
        await Promise.race([cleanup.run(), delay(20_000).then(() => Promise.reject(new Error('timed out')))]);
      } catch (err) {
        console.error(`cleanup of ${cleanup.name} failed: ${(err as Error).message}`);
      }
    }
  })();
  return cleaning;
}

/** True once cleaning up has begun: an exit from then on is ours, not a crash. */
export const isCleaningUp = () => cleaning !== null;

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Ctrl+C, SIGTERM and the hard timeout clean up and exit; an exit without cleanup (a crash)
 * still stops the database synchronously, so no postmaster outlives the soak.
 */
export function installExitHandlers(hardTimeoutMs: number): void {
  const abort = (why: string, code: number) => {
    console.error(`\nsoak: ${why}; cleaning up`);
    void cleanUp().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  setTimeout(() => abort(`hard timeout of ${Math.round(hardTimeoutMs / 1000)} s reached`, 1), hardTimeoutMs).unref();
  process.once('exit', () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        cleanup.runSync?.();
      } catch {
        // best effort on the way out
      }
    }
  });
}
