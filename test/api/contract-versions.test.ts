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

/** Where a document declares an open enumeration (`x-open-enum`), as paths of property names. */
function openEnumPaths(value: unknown, path: string[] = [], found: string[][] = []): string[][] {
  if (!value || typeof value !== 'object') return found;
  const record = value as Record<string, unknown>;
  if (record['x-open-enum'] === true) found.push(path);
  for (const [key, child] of Object.entries(record)) openEnumPaths(child, [...path, key], found);
  return found;
}

/** The document with the value lists of the open enumerations left out (README: they may grow in a minor version). */
function withoutOpenEnumValues(document: unknown, paths: readonly string[][]): unknown {
  const copy = structuredClone(document) as Record<string, unknown>;
  for (const path of paths) {
    let node: unknown = copy;
    for (const key of path)
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    if (node && typeof node === 'object') delete (node as Record<string, unknown>).enum;
  }
  return copy;
}

/**
 * `redocly diff base revision --check-version`: its exit status and what it printed. The value
 * lists of the enumerations the revision declares open are compared as the policy says — not at
 * all — and everything else about them (the field, its type) as any other.
 */
async function versionCheck(base: string, revision: string): Promise<{ passed: boolean; report: string }> {
  const documents = await Promise.all([base, revision].map(async (file) => JSON.parse(await readFile(file, 'utf8'))));
  const open = openEnumPaths(documents[1]);
  const dir = await mkdtemp(join(tmpdir(), 'contract-check-'));
  const [baseFile, revisionFile] = [join(dir, 'base.json'), join(dir, 'revision.json')];
  await writeFile(baseFile, JSON.stringify(withoutOpenEnumValues(documents[0], open)));
  await writeFile(revisionFile, JSON.stringify(withoutOpenEnumValues(documents[1], open)));
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const args = ['diff', baseFile, revisionFile, '--fail-on', 'none', '--check-version'];
  try {
    const { stdout, stderr } = await run(REDOCLY, args, { cwd: PROJECT_ROOT, env });
    return { passed: true, report: stdout + stderr };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { passed: false, report: stdout + stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
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

  it('lets an open enumeration gain values in a minor version, and holds a closed one to a major', async () => {
    const open = openEnumPaths(current);
    expect(open.length, 'the channel and permission lists are declared open').toBeGreaterThan(0);
    const openPath = open[0]!;
    const grow = (document: Document, path: string[]) => {
      let node: unknown = document;
      for (const key of path) node = (node as Record<string, unknown>)[key];
      ((node as { enum: string[] }).enum ??= []).push('carrier_pigeon');
    };
    const minor = (document: Document) => {
      const [major, minorVersion] = current.info.version.split('.').map(Number);
      document.info.version = `${major}.${minorVersion! + 1}.0`;
    };
    const grownOpen = await revision('open-grown', (document) => {
      grow(document, openPath);
      minor(document);
    });
    expect((await versionCheck(OPENAPI_PATH, grownOpen)).passed).toBe(true);
    const closedPath = ['components', 'schemas', 'JourneyStatus', 'properties', 'stage'];
    const grownClosed = await revision('closed-grown', (document) => {
      grow(document, closedPath);
      minor(document);
    });
    const closed = await versionCheck(OPENAPI_PATH, grownClosed);
    expect(closed.passed).toBe(false);
    expect(closed.report).toMatch(/enum-values-added/);
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
