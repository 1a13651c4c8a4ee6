/**
 * The versioning policy (README: API versioning), enforced: the current document may differ from
 * the last released one only as far as its version says — a breaking change needs a new major,
 * an addition a new minor — judged by Redocly's diff (`--check-version`), not by us.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_PATH, releasePath, releasedVersions } from '../../api/contract';
import { PROJECT_ROOT } from '../../scripts/npm-script';

const run = promisify(execFile);
const REDOCLY = join(PROJECT_ROOT, 'node_modules/.bin/redocly');

interface Document {
  info: { version: string };
  paths: Record<string, unknown>;
  components: { schemas: Record<string, { required?: string[] }> };
}

/** `redocly diff base revision --check-version`: its exit status and what it printed. */
async function versionCheck(base: string, revision: string): Promise<{ passed: boolean; report: string }> {
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const args = ['diff', base, revision, '--fail-on', 'none', '--check-version'];
  try {
    const { stdout, stderr } = await run(REDOCLY, args, { cwd: PROJECT_ROOT, env });
    return { passed: true, report: stdout + stderr };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { passed: false, report: stdout + stderr };
  }
}

describe('the API contract across versions', () => {
  let current: Document;
  let scratch: string;
  beforeAll(async () => {
    current = JSON.parse(await readFile(OPENAPI_PATH, 'utf8')) as Document;
    scratch = await mkdtemp(join(tmpdir(), 'contract-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  const revision = async (name: string, change: (document: Document) => void) => {
    const document = structuredClone(current);
    change(document);
    const path = join(scratch, `${name}.json`);
    await writeFile(path, JSON.stringify(document));
    return path;
  };

  it('changes since the last release are within what the version number says', async () => {
    const released = releasedVersions().at(-1)!;
    const { passed, report } = await versionCheck(releasePath(released), OPENAPI_PATH);
    expect(passed, `openapi.json (${current.info.version}) against release ${released}:\n${report}`).toBe(true);
  });

  it('refuses a breaking change without a new major, and takes it with one', async () => {
    const breaking = (document: Document) => {
      delete document.paths['/v1/keys'];
      document.components.schemas.StartJourney!.required!.push('subscriptionId');
    };
    const unbumped = await versionCheck(OPENAPI_PATH, await revision('breaking', breaking));
    expect(unbumped.passed).toBe(false);
    expect(unbumped.report).toMatch(/path-removed/);
    expect(unbumped.report).toMatch(/required-properties-added/);
    const major = `${Number(current.info.version.split('.')[0]) + 1}.0.0`;
    const bumped = await revision('breaking-bumped', (document) => {
      breaking(document);
      document.info.version = major;
    });
    expect((await versionCheck(OPENAPI_PATH, bumped)).passed).toBe(true);
  });

  it('has every versioned path under the major of its version (/v1 for 1.x)', () => {
    const major = current.info.version.split('.')[0];
    const versioned = Object.keys(current.paths).filter((path) => /^\/v\d+\//.test(path));
    expect(versioned.length).toBeGreaterThan(0);
    for (const path of versioned) expect(path, path).toMatch(new RegExp(`^/v${major}/`));
  });

  it('keeps every release a document of its own version', async () => {
    for (const version of releasedVersions()) {
      const released = JSON.parse(await readFile(releasePath(version), 'utf8')) as Document;
      expect(released.info.version).toBe(version);
    }
  });
});
