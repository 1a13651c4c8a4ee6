import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { CLIENT_TYPES_PATH, currentClientTypes } from '../../api/client-types';

it('the client’s checked-in types are what openapi-typescript makes of openapi.json (npm run openapi)', async () => {
  expect(await readFile(CLIENT_TYPES_PATH, 'utf8')).toBe(await currentClientTypes());
});
