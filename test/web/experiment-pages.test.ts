/**
 * Tier 4, web: the seller app's Experiments pages through `app.inject`, on both databases, behind
 * the real seller scope (sessions, the one authorization rule, CSRF). Experiments and journeys are
 * made through the API, as in test/api/segments.test.ts; the pages must show what
 * `experimentResults` computes, word the verdict in the page's language from the same decision as
 * the API's English sentence, and start or stop only for people who may change policies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentResults } from '../../application/policy-lab';
import { listAudit } from '../../db/audit-repository';
import { panelFormat } from '../../web/panel/format';
import { EXPERIMENTS_COPY } from '../../web/experiments/copy';
import { describeEachDatabase } from '../support/databases';
import { TENANT_B_KEY } from '../api/support';
import { LADDER, RIVAL, RULE, payArm, seedLab, startJourneys } from './experiment-fixtures';
import { type Browser, type SellerHarness, seedCollaborator, seedOwner, startSellerApp } from './seller-support';

const TENANT = 'tenant-a';

/** The visible text of some HTML, on one line. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&#34;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
const verdictsOf = (html: string) =>
  [...(/<ul class="experiments-verdicts">([^]*?)<\/ul>/.exec(html)?.[1] ?? '').matchAll(/<li>([^]*?)<\/li>/g)].map(
    (m) => text(m[1]!),
  );
/** The arms table's rows, each as its cells' text. */
const armRowsOf = (html: string) =>
  [...(/<tbody>([^]*?)<\/tbody>/.exec(html)?.[1] ?? '').matchAll(/<tr>([^]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([^]*?)<\/t[hd]>/g)].map((cell) => text(cell[1]!)),
  );
const navOf = (html: string) =>
  [...(/<ul class="seller-nav">([^]*?)<\/ul>/.exec(html)?.[1] ?? '').matchAll(/href="([^"]+)"/g)].map((m) => m[1]);

describeEachDatabase('the Experiments pages', (getDb) => {
  let seller: SellerHarness;
  let owner: Browser;
  const as = async (profileId: string) => {
    const browser = seller.browser();
    await browser.signInDirectly((await seedCollaborator(getDb(), TENANT, profileId)).email);
    return browser;
  };

  beforeAll(async () => {
    seller = await startSellerApp(getDb(), () => Date.now());
    const { api } = seller;
    await seedLab(api);
    // Another account's experiment, which tenant A's people must never see.
    const otherRule = { ...RULE, id: 'secret-rule', policyId: 'default' };
    const other = { ...LADDER, id: 'tenant-b-secret', name: 'B secret', ruleId: otherRule.id };
    other.arms = other.arms.map((a) => ({ ...a, policyId: 'default' }));
    const b = (options: { method: 'PUT' | 'POST'; url: string; payload: object }) =>
      api.call({ ...options, key: TENANT_B_KEY });
    expect((await b({ method: 'PUT', url: '/v1/segments', payload: { rules: [otherRule] } })).statusCode).toBe(200);
    expect((await b({ method: 'POST', url: '/v1/experiments', payload: other })).statusCode).toBe(201);

    owner = seller.browser();
    await owner.signInDirectly((await seedOwner(getDb(), TENANT)).email);
  });
  afterAll(() => seller.api.app.close());

  it('lists the account’s experiments newest first, and nobody else’s; the navigation offers it', async () => {
    const page = await owner.get('/app/experiments');
    expect(page.statusCode).toBe(200);
    const ids = [...page.body.matchAll(/href="\/app\/experiments\/([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual([RIVAL.id, LADDER.id]);
    expect(page.body).not.toContain('tenant-b-secret');
    expect(text(page.body)).toContain('a: policy gentle, weight 45');
    expect(text(page.body)).toContain('holdout: no reminders, weight 10');
    expect(text(page.body)).toContain(EXPERIMENTS_COPY.en.states.draft);
    expect(navOf(page.body)).toContain('/app/experiments');

    const other = await owner.get('/app/experiments/tenant-b-secret');
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('B secret');
  });

  it('explains what an experiment is when the account has none', async () => {
    const empty = seller.browser();
    await empty.signInDirectly((await seedOwner(getDb())).email);
    const page = await empty.get('/app/experiments?lang=fr');
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain(text(EXPERIMENTS_COPY.fr.list.empty));
    expect(page.body).not.toContain('<table');
  });

  it('answers an unknown or unreadable id with the not-found page and a 404', async () => {
    for (const url of ['/app/experiments/no-such', '/app/experiments/NOT%20AN%20ID', '/app/experiments/x%00']) {
      const page = await owner.get(`${url}?lang=es`);
      expect(page.statusCode, url).toBe(404);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain(EXPERIMENTS_COPY.es.notFound.body);
    }
  });

  it('refuses the pages to a profile without reports:read, and hides the link', async () => {
    const agent = await as('support_agent');
    for (const url of ['/app/experiments', `/app/experiments/${LADDER.id}`])
      expect((await agent.get(url)).statusCode, url).toBe(403);
    expect(navOf((await agent.get('/app/tasks')).body)).not.toContain('/app/experiments');
  });

  describe('start and stop', () => {
    it('are offered and done only with policies:write and the form’s CSRF token', async () => {
      const analyst = await as('analyst');
      const readOnly = await analyst.get(`/app/experiments/${LADDER.id}`);
      expect(readOnly.statusCode).toBe(200);
      expect(readOnly.body).not.toContain(`action="/app/experiments/${LADDER.id}/start"`);
      expect((await analyst.post(`/app/experiments/${LADDER.id}/start`)).statusCode).toBe(403);

      const manager = await as('collections_manager');
      const page = await manager.get(`/app/experiments/${LADDER.id}`);
      expect(page.body).toContain(`action="/app/experiments/${LADDER.id}/start"`);
      expect((await manager.post(`/app/experiments/${LADDER.id}/start`, { _csrf: null })).statusCode).toBe(403);
      expect((await manager.post(`/app/experiments/${LADDER.id}/start`, { _csrf: 'forged' })).statusCode).toBe(403);
      const before = await seller.api.call({ method: 'GET', url: `/v1/experiments/${LADDER.id}` });
      expect(before.json()).toMatchObject({ state: 'draft' });

      const started = await manager.post(`/app/experiments/${LADDER.id}/start`);
      expect(started.statusCode).toBe(303);
      expect(started.headers.location).toBe(`/app/experiments/${LADDER.id}?notice=started`);
      const after = await manager.get(String(started.headers.location));
      expect(after.body).toContain(EXPERIMENTS_COPY.en.notices.started);
      expect(after.body).toContain(`action="/app/experiments/${LADDER.id}/stop"`);
      expect((await seller.api.call({ method: 'GET', url: `/v1/experiments/${LADDER.id}` })).json()).toMatchObject({
        state: 'running',
      });
      const audit = await listAudit(getDb(), TENANT);
      expect(audit.at(-1)).toMatchObject({ action: 'experiment.started', target: { experimentId: LADDER.id } });
    });

    it('shows a refusal of the rules on the page with a 409, in the page’s language', async () => {
      await owner.get(`/app/experiments/${RIVAL.id}?lang=pt-BR`);
      const rival = await owner.post(`/app/experiments/${RIVAL.id}/start`, { lang: 'pt-BR' });
      expect(rival.statusCode).toBe(409);
      expect(rival.headers['content-type']).toMatch(/^text\/html/);
      expect(rival.body).toContain(EXPERIMENTS_COPY['pt-BR'].refusals.rule_busy);
      expect((await owner.post(`/app/experiments/no-such/start`)).statusCode).toBe(404);
    });
  });

  describe('results', () => {
    beforeAll(async () => {
      // Two installments per buyer; every journey of arm b paid in full, none of the others'.
      await startJourneys(seller.api, 24, [2, 3]);
      await payArm(seller.api, getDb(), LADDER.id, 'b');
    });

    it('shows per arm the numbers experimentResults computes', async () => {
      const report = (await experimentResults(getDb(), TENANT, LADDER.id))!;
      expect(report.arms.map((a) => a.arm)).toEqual(['a', 'b', 'holdout']);
      expect(report.arms.every((a) => a.journeys > 0)).toBe(true);
      const page = await owner.get(`/app/experiments/${LADDER.id}`);
      expect(page.statusCode).toBe(200);
      const format = panelFormat('en');
      const rows = armRowsOf(page.body);
      for (const [i, arm] of report.arms.entries()) {
        const [name, policy, journeys, buyers, recovered, collected] = rows[i]!;
        expect(name).toBe(arm.arm === 'holdout' ? 'the holdout' : arm.arm);
        expect(policy).toBe(arm.holdout ? 'No reminders' : arm.policyId);
        expect(journeys).toBe(String(arm.journeys));
        expect(buyers).toBe(String(arm.buyers));
        expect(recovered).toContain(format.percent(arm.recoveryRate! * 100));
        expect(recovered).toContain(
          `95 % interval ${format.percent(arm.recoveryRateInterval!.low * 100)} to ${format.percent(arm.recoveryRateInterval!.high * 100)}`,
        );
        expect(collected).toBe(arm.collected.map((c) => format.money(c.amountMinor, c.currency)).join(' ') || '—');
      }
      expect(rows[1]![4]).toContain('100%');
    });

    it('words the verdict like the API’s English sentence, with the same decision and numbers', async () => {
      const report = (await experimentResults(getDb(), TENANT, LADDER.id))!;
      const api = report.verdicts.find((v) => v.startsWith('b '))!;
      const [, points, low, high] =
        /^b recovers ([\d.]+) points more than holdout \(95 % interval ([-\d.]+) to ([-\d.]+) points\)$/.exec(api)!;
      const page = await owner.get(`/app/experiments/${LADDER.id}`);
      expect(verdictsOf(page.body)).toContain(
        `b recovers ${points} points more than the holdout (95 % interval ${low} to ${high} points).`,
      );
    });

    it.each(['es', 'fr', 'pt-BR'] as const)('says the verdict in %s without a word of English', async (locale) => {
      const page = await owner.get(`/app/experiments/${LADDER.id}?lang=${locale}`);
      expect(page.statusCode).toBe(200);
      const verdicts = verdictsOf(page.body);
      expect(verdicts).toHaveLength(2);
      for (const sentence of verdicts) {
        expect(sentence).not.toMatch(/\b(recovers|more than|less than|holdout|not enough|interval|difference|yet)\b/i);
        expect(sentence).toContain(EXPERIMENTS_COPY[locale].holdoutName);
      }
      expect(verdicts.some((v) => v.startsWith('b '))).toBe(true);
    });

    it('stops: the page says so and offers no button any more; stopping again is refused', async () => {
      const results = await owner.get(`/app/experiments/${LADDER.id}?lang=fr`);
      // The form keeps the language the page was asked in, and so does the page it leads to.
      expect(results.body).toContain(`action="/app/experiments/${LADDER.id}/stop?lang=fr"`);
      const stopped = await owner.post(`/app/experiments/${LADDER.id}/stop?lang=fr`);
      expect(stopped.statusCode).toBe(303);
      expect(stopped.headers.location).toBe(`/app/experiments/${LADDER.id}?notice=stopped&lang=fr`);
      const page = await owner.get(String(stopped.headers.location));
      expect(page.body).toContain(EXPERIMENTS_COPY.fr.notices.stopped);
      expect(page.body).not.toMatch(/action="\/app\/experiments\/[^"]+\/(start|stop)"/);
      const again = await owner.post(`/app/experiments/${LADDER.id}/stop`);
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain(EXPERIMENTS_COPY.en.refusals.wrong_state);
    });
  });
});
