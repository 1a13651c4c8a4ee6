/**
 * Writes the contract from the routes: `openapi.json` and the API client's types made from it.
 * Tests fail while either differs from what the routes say, so a change to the API shows up as
 * a diff of these files in review.
 *
 *   npm run openapi              rewrite openapi.json and packages/api-client/src/schema.ts
 *   npm run openapi -- --release also keep the document as api/releases/<version>.json, the
 *                                baseline later changes are checked against
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { CLIENT_TYPES_PATH, writeClientTypes } from './client-types';
import { OPENAPI_PATH, currentOpenApiDocument, openApiText, releasePath } from './contract';
import { API_VERSION } from './openapi';

const text = openApiText(await currentOpenApiDocument());
await writeFile(OPENAPI_PATH, text);
console.log(`wrote ${OPENAPI_PATH}`);
await writeClientTypes();
console.log(`wrote ${CLIENT_TYPES_PATH}`);
if (process.argv.includes('--release')) {
  const target = releasePath(API_VERSION);
  if (existsSync(target) && readFileSync(target, 'utf8') !== text) {
    console.error(`${target} exists and differs: a released version is never rewritten; bump API_VERSION`);
    process.exit(1);
  }
  await writeFile(target, text);
  console.log(`released ${API_VERSION} as ${target}`);
}
