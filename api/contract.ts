/**
 * The published contract, `openapi.json`: the document the routes describe (the one `/docs/json`
 * serves), its file form, and the released versions later changes are checked against (README:
 * API versioning). `npm run openapi` writes them (api/write-contract.ts).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, type AppDeps } from './app';

export const OPENAPI_PATH = fileURLToPath(new URL('../openapi.json', import.meta.url));
const RELEASES_DIR = fileURLToPath(new URL('./releases', import.meta.url));

/** The released documents, oldest first by semver. */
export function releasedVersions(): string[] {
  const byNumbers = (v: string) => v.split('.').map(Number);
  return readdirSync(RELEASES_DIR)
    .filter((name) => /^\d+\.\d+\.\d+\.json$/.test(name))
    .map((name) => name.slice(0, -'.json'.length))
    .sort((a, b) => {
      const [x, y] = [byNumbers(a), byNumbers(b)];
      return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
    });
}

export function releasePath(version: string): string {
  return join(RELEASES_DIR, `${version}.json`);
}

/** The document the routes describe, built without a database, Temporal or keys. */
export async function currentOpenApiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp(documentOnlyDeps());
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

/** The file's text: two-space JSON and a final newline, stable for diffs. */
export function openApiText(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Dependencies that only exist to register routes: serving a request with them throws. */
function documentOnlyDeps(): AppDeps {
  const unavailable = (name: string) =>
    new Proxy(
      {},
      {
        get: (_target, property) =>
          property === 'then'
            ? undefined
            : () => {
                throw new Error(`${name}.${String(property)} is unavailable while writing the API document`);
              },
      },
    );
  return {
    db: unavailable('db') as AppDeps['db'],
    gateway: unavailable('gateway') as AppDeps['gateway'],
    policies: unavailable('policies') as AppDeps['policies'],
    keys: unavailable('keys') as AppDeps['keys'],
  };
}
