/**
 * `npm run tools` on a machine that has no way to get a Temporal server: no `temporal` binary,
 * no Go to build one, no Java and Maven for the test server. It says so in one sentence and fails.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

describe('npm run tools without any toolchain', () => {
  let bin: string;
  let tools: string;
  beforeAll(async () => {
    // A PATH with node and nothing else.
    bin = await mkdtemp(join(tmpdir(), 'dunning-bin-'));
    await symlink(process.execPath, join(bin, 'node'));
    tools = await mkdtemp(join(tmpdir(), 'dunning-tools-'));
  });
  afterAll(async () => {
    await rm(bin, { recursive: true, force: true });
    await rm(tools, { recursive: true, force: true });
  });

  it('fails with one clear sentence, having built and fetched nothing', async () => {
    const result = await run(join(root, 'node_modules/.bin/tsx'), ['scripts/temporal-tools.ts'], {
      cwd: root,
      env: { PATH: bin, HOME: process.env.HOME, TEMPORAL_TOOLS_DIR: tools },
      timeout: 60_000,
    }).then(
      () => ({ code: 0, stderr: '', stdout: '' }),
      (err: { code: number; stderr: string; stdout: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('no Go toolchain to build one');
    expect(result.stdout).toContain('no Java and Maven');
    expect(result.stderr.trim().split('\n')).toEqual([
      'No Temporal server can be had here: install Go (to build the Temporal CLI) or Java with Maven (for the test server), or put `temporal` on your PATH.',
    ]);
  });
});
