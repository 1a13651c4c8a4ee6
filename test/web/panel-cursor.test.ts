/**
 * A payments cursor that reads as one of ours but that no page returned: the real reports refuse
 * it, and the payments page answers with the form, a 400 and the message next to `cursor`.
 */
import { afterEach, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createReports } from '../../application/reports';
import { PANEL_COPY } from '../../web/panel/copy';
import { describeEachDatabase } from '../support/databases';
import { NOW, panelApp } from './panel-fixtures';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describeEachDatabase('payments page cursor', (getDb) => {
  it('answers a well-formed cursor no page returned with a 400 page naming the cursor', async () => {
    const db = getDb();
    app = await panelApp({ db, reports: createReports({ db, now: () => NOW, temporalUi: null }) });
    const notOurs = Buffer.from(JSON.stringify(['not-a-date', 'pur_1', 1])).toString('base64url');
    const response = await app.inject(`/app/payments?cursor=${notOurs}`);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain(PANEL_COPY.en.problems.bad_cursor);
  });
});
