import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { API_VERSION } from '../../api/openapi';

const manifest = async (path: string) =>
  JSON.parse(await readFile(new URL(path, import.meta.url), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };

it('publishes the client under the API contract’s version, on the openapi-fetch the repository tests with', async () => {
  const client = await manifest('../../packages/api-client/package.json');
  const root = await manifest('../../package.json');
  expect(client.version).toBe(API_VERSION);
  expect(client.dependencies?.['openapi-fetch']).toBe(root.devDependencies?.['openapi-fetch']);
});

it('builds on its own, for Node and browsers alike (no Node types, Node module resolution)', async () => {
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  const config = fileURLToPath(new URL('../../packages/api-client/tsconfig.build.json', import.meta.url));
  await expect(promisify(execFile)(process.execPath, [tsc, '-p', config, '--noEmit'])).resolves.toBeDefined();
});
