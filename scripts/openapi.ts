/**
 * Writes the published contract, `openapi.json`, from the routes (the same document `/docs/json`
 * serves). A test fails while the checked-in file differs from what the routes say, so a change
 * to the API shows up as a diff of this file in review.
 *
 *   npm run openapi            rewrite openapi.json
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildApp, type AppDeps } from '../api/app';

export const OPENAPI_PATH = fileURLToPath(new URL('../openapi.json', import.meta.url));

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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(OPENAPI_PATH, openApiText(await currentOpenApiDocument()));
  console.log(`wrote ${OPENAPI_PATH}`);
}
