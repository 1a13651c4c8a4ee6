/**
 * Tier 5, dev server: the Temporal UI in a real browser (Debian's Chromium through
 * playwright-core). An engineer finds a journey by its search attributes and reads its input,
 * decrypted by our codec server that the UI calls from the browser. Screenshots are kept in
 * artifacts/temporal-ui/.
 */
import { mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataConverterFromEnv } from '../../../client';
import { payloadCodecFromEnv } from '../../../codec/encryption-codec';
import { buildCodecServer } from '../../../codec/server';
import { freePort } from '../../../scripts/temporal-dev-server';
import { launchChromium } from '../../support/chromium';
import { eventually } from '../eventually';
import { devServer, e2e, skipWithout } from '../servers';
import { useDevServerHarness } from './harness';

const ARTIFACTS = new URL('../../../artifacts/temporal-ui/', import.meta.url).pathname;
const env = { TEMPORAL_PAYLOAD_KEYS: `ui-key:${randomBytes(32).toString('base64')}` };
const dataConverter = dataConverterFromEnv(env)!;

const noBrowser = !('path' in e2e.chromium);
if (noBrowser && !skipWithout(devServer, 'the Temporal UI'))
  console.warn(`the Temporal UI in a browser skipped: ${(e2e.chromium as { reason: string }).reason}`);

const ports = { ui: await freePort(), codec: await freePort() };
const uiOrigin = `http://127.0.0.1:${ports.ui}`;

describe.skipIf(skipWithout(devServer, 'the Temporal UI') || noBrowser)('the Temporal UI in a real browser', () => {
  const h = useDevServerHarness(
    { uiPort: ports.ui, uiCodecEndpoint: `http://127.0.0.1:${ports.codec}` },
    { dataConverter },
  );
  let browser: Browser;
  let closeCodec: () => Promise<unknown>;
  let decodeRequests = 0;

  beforeAll(async () => {
    const codecServer = await buildCodecServer({ codec: payloadCodecFromEnv(env)!, corsOrigins: [uiOrigin] });
    codecServer.addHook('onRequest', async (request) => {
      if (request.method === 'POST' && request.url === '/decode') decodeRequests++;
    });
    await codecServer.listen({ host: '127.0.0.1', port: ports.codec });
    closeCodec = () => codecServer.close();
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium((e2e.chromium as { path: string }).path);
  });
  afterAll(async () => {
    await browser?.close();
    await closeCodec?.();
  });

  it('finds a journey by its search attributes and shows its input decoded by the codec server', async () => {
    const { gateway } = h;
    const { installment, journeyId } = await h.startJourney();
    await eventually('the journey listed by visibility', async () => {
      for await (const execution of h.client.workflow.list({
        query: `DunningStage = 'pre_due' AND WorkflowId = '${journeyId}'`,
      }))
        return execution.runId;
      return undefined;
    });

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const query = `DunningTenant = "${installment.tenantId}" AND DunningStage = "pre_due"`;
    await page.goto(`${uiOrigin}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    await page.getByText(journeyId).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${ARTIFACTS}journeys-by-search-attribute.png`, fullPage: true });

    await page.getByText(journeyId).first().click();
    // The input card shows the decoded workflow input: the product name exists only inside the
    // encrypted payload.
    await page.getByText(installment.product.name).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${ARTIFACTS}journey-input-decoded.png`, fullPage: true });
    expect(decodeRequests).toBeGreaterThan(0);
    await page.close();
    await gateway.cancel(h.ref(installment), { reason: 'manual' });
  });
});
