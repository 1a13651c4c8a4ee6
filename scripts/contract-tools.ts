/**
 * Schemathesis, which fuzzes the running API from its OpenAPI document (test/contract/), pinned
 * to SCHEMATHESIS_VERSION in a project virtualenv (`.venv/`, ignored) and reused when present:
 *
 *   npm run tools            provides it after the Temporal servers, and says what it did
 *
 * A cold install downloads it and its dependencies from PyPI (about 20 s); a warm machine only
 * asks the installed one its version. Needs Python 3.10+ with venv and pip (`python3`).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/** The newest release on PyPI when pinned (2026-12). Bump it deliberately: new checks find new things. */
export const SCHEMATHESIS_VERSION = '4.32.5';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

export type Schemathesis = { path: string; source: 'virtualenv' | 'installed now' } | { path: null; reason: string };

type Say = (line: string) => void;

const VENV_DIR = join(PROJECT_ROOT, '.venv');
const SCHEMATHESIS_PATH = join(VENV_DIR, 'bin', 'schemathesis');

async function installedVersion(): Promise<string | null> {
  if (!existsSync(SCHEMATHESIS_PATH)) return null;
  try {
    const { stdout } = await run(SCHEMATHESIS_PATH, ['--version'], { timeout: 60_000 });
    return /version (\S+)/.exec(stdout)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Why python3 cannot make the virtualenv, or null when it can. */
async function pythonProblem(): Promise<string | null> {
  try {
    const { stdout } = await run('python3', ['-c', 'import sys, venv; print(sys.version_info >= (3, 10))']);
    return stdout.trim() === 'True' ? null : 'python3 is older than 3.10, which Schemathesis 4 needs';
  } catch {
    return 'no python3 with the venv module on PATH';
  }
}

async function install(say: Say): Promise<void> {
  const started = Date.now();
  say(`installing Schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${VENV_DIR}…`);
  // A fresh virtualenv: one left half-made by an interrupted install is not worth repairing.
  await rm(VENV_DIR, { recursive: true, force: true });
  await run('python3', ['-m', 'venv', VENV_DIR]);
  await run(
    join(VENV_DIR, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`],
    { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  say(`installed Schemathesis in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Provides the pinned Schemathesis. Never throws for a missing Python: it says why instead. */
export async function provideSchemathesis(options: { say?: Say } = {}): Promise<Schemathesis> {
  const say = options.say ?? ((line: string) => console.log(line));
  const version = await installedVersion();
  if (version === SCHEMATHESIS_VERSION) return { path: SCHEMATHESIS_PATH, source: 'virtualenv' };
  if (version) say(`the virtualenv holds Schemathesis ${version}, not the pinned ${SCHEMATHESIS_VERSION}`);
  const problem = await pythonProblem();
  if (problem) return { path: null, reason: problem };
  await install(say);
  const now = await installedVersion();
  if (now !== SCHEMATHESIS_VERSION)
    throw new Error(`after installing, ${SCHEMATHESIS_PATH} reports version ${now ?? 'nothing'}`);
  return { path: SCHEMATHESIS_PATH, source: 'installed now' };
}

async function main(): Promise<void> {
  const say = (line: string) => console.log(`[contract-tools] ${line}`);
  const schemathesis = await provideSchemathesis({ say });
  if (schemathesis.path === null) {
    console.error(`[contract-tools] Schemathesis: not available — ${schemathesis.reason}`);
    process.exit(1);
  }
  say(`Schemathesis ${SCHEMATHESIS_VERSION}: ${schemathesis.path} (${schemathesis.source})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`[contract-tools] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
