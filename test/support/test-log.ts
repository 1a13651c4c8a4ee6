/**
 * The log of a whole test run: every API the tests build, and every product process they start,
 * writes its JSON log (debug level) into one folder the global set-up made, which it scans for
 * personal data and secrets when the run ends (test/support/log-scan.ts).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { inject } from 'vitest';
import { createLogger } from '../../application/logging';

let logger: Logger | undefined;

function logDir(): string | null {
  try {
    return inject('logDir');
  } catch {
    // Outside a vitest worker (a script importing the harness): no run log.
    return null;
  }
}

/** The product's logger, writing to this test process's file of the run log (or nowhere). */
export function testLogger(): Logger | undefined {
  const dir = logDir();
  if (!dir) return undefined;
  logger ??= createLogger(
    'api',
    { level: 'debug' },
    pino.destination({ dest: join(dir, `api-${process.pid}.log`), sync: true }),
  );
  return logger;
}

/** Keeps what a product process printed in the run log. */
export function keepProcessOutput(name: string, pid: number | undefined, output: string): void {
  const dir = logDir();
  if (dir) appendFileSync(join(dir, `process-${name}-${pid ?? 'unknown'}.log`), output);
}
