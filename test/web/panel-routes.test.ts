/**
 * The panel's routes through `app.inject`, over a fake `Reports`: the filters reach the reports,
 * a query to fix is a 400 page naming the field, an unknown installment a localized 404 page, the
 * CSVs download, and each route asks for the permission the seller scope will enforce.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { PANEL_COPY } from '../../web/panel/copy';
import { EMPTY_OVERVIEW, collaborator, fakeReports, owner, panelApp, TENANT } from './panel-fixtures';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('panel routes', () => {
  it('passes the overview filters to every report, in the tenant of the signed-in account', async () => {
    const reports = fakeReports();
    app = await panelApp({ reports });
    const response = await app.inject(
      '/app/overview?from=2026-01-01&to=2026-01-31&product=prod_1&country=br&policy=pol_1&channel=email',
    );
    expect(response.statusCode).toBe(200);
    const expected = {
      tenantId: TENANT,
      from: '2026-01-01',
      to: '2026-01-31',
      productId: 'prod_1',
      country: 'BR',
      policyId: 'pol_1',
      channel: 'email',
    };
    expect(reports.calls.find((c) => c.method === 'overview')?.args[0]).toEqual({ ...expected, currency: undefined });
    // The charts follow the overview's currency (BRL in the fixture), which the filter left open.
    for (const method of ['attribution', 'recoveryCurve', 'dailyRecovered'] as const)
      expect(reports.calls.find((c) => c.method === method)?.args[0]).toEqual({ ...expected, currency: 'BRL' });
  });

  it('offers the owner every page in the navigation', async () => {
    app = await panelApp();
    const body = (await app.inject('/app/overview')).body;
    const nav = /<ul class="seller-nav">([^]*?)<\/ul>/.exec(body)?.[1] ?? '';
    expect([...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual([
      '/app/overview',
      '/app/payments',
      '/app/tasks',
      '/app/experiments',
      '/app/team',
      '/app/accounts',
    ]);
  });

  it('passes standing, buyer and cursor to tracking, and links the next page with the same filters', async () => {
    const reports = fakeReports();
    app = await panelApp({ reports });
    const response = await app.inject('/app/payments?standing=overdue&buyer=buyer_2&cursor=abc');
    expect(response.statusCode).toBe(200);
    expect(reports.calls[0]).toEqual({
      method: 'tracking',
      args: [expect.objectContaining({ tenantId: TENANT, standing: 'overdue', buyerId: 'buyer_2', cursor: 'abc' })],
    });
    expect(response.body).toContain(
      'href="/app/payments?from=2026-02-14&amp;to=2026-03-15&amp;standing=overdue&amp;buyer=buyer_2&amp;cursor=cursor_after_3"',
    );
    // Rows link to their details: by installment ID, else by purchase and number.
    expect(response.body).toContain('href="/app/payments/inst_2"');
    expect(response.body).toContain('href="/app/purchases/pur_1/installments/3"');
    expect(response.body).toContain(
      'href="/app/exports/payments.csv?from=2026-02-14&amp;to=2026-03-15&amp;standing=overdue&amp;buyer=buyer_2"',
    );
  });

  it.each([
    ['/app/overview?from=2026-03-10&to=2026-03-01', 'to', 'from_after_to'],
    ['/app/overview?to=2026-13-01', 'to', 'invalid_date'],
    ['/app/payments?standing=lost', 'standing', 'unknown_standing'],
    ['/app/payments?cursor=%7B%22x%22%3A1%7D', 'cursor', 'bad_cursor'],
    ['/app/payments?channel=pigeon', 'channel', 'unknown_channel'],
    ['/app/exports/payments.csv?currency=reais', 'currency', 'invalid_currency'],
    ['/app/exports/attribution.csv?from=yesterday', 'from', 'invalid_date'],
  ] as const)('answers %s with the page, a 400 and the problem next to the field', async (url, field, problem) => {
    const reports = fakeReports();
    app = await panelApp({ reports });
    const response = await app.inject(url);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('text/html');
    expect(reports.calls).toEqual([]);
    const message = PANEL_COPY.en.problems[problem];
    if (field === 'cursor') expect(response.body).toContain(message);
    else {
      expect(response.body).toContain(`id="filter-${field}-error"`);
      expect(response.body).toMatch(new RegExp(`id="filter-${field}"[^>]*aria-invalid="true"`));
      expect(response.body).toContain(message);
    }
  });

  it('shows a payment by installment ID or by purchase and number, and a localized 404 otherwise', async () => {
    const reports = fakeReports();
    app = await panelApp({ reports, seller: () => owner('fr') });
    expect((await app.inject('/app/payments/inst_2')).statusCode).toBe(200);
    expect((await app.inject('/app/purchases/pur_1/installments/3')).statusCode).toBe(200);
    expect(reports.calls.map((c) => c.args)).toEqual([
      [TENANT, { installmentId: 'inst_2' }],
      [TENANT, { purchaseId: 'pur_1', number: 3 }],
    ]);
    const garbage = await app.inject('/app/purchases/pur_1/installments/0x1');
    expect(garbage.statusCode).toBe(404);
    expect(garbage.body).toContain(PANEL_COPY.fr.notFound.title);

    await app.close();
    app = await panelApp({ reports: fakeReports({ details: null }), seller: () => owner('es') });
    const unknown = await app.inject('/app/payments/inst_missing');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain(PANEL_COPY.es.notFound.body);
  });

  it('streams the CSVs as downloads named by the period', async () => {
    const reports = fakeReports();
    app = await panelApp({ reports });
    const payments = await app.inject('/app/exports/payments.csv?from=2026-03-01&to=2026-03-31&standing=overdue');
    expect(payments.statusCode).toBe(200);
    expect(payments.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(payments.headers['content-disposition']).toBe('attachment; filename="payments-2026-03-01-2026-03-31.csv"');
    expect(payments.body).toBe('installment_id,amount\ninst_1,250.00\n');
    const attribution = await app.inject('/app/exports/attribution.csv?from=2026-03-01&to=2026-03-31');
    expect(attribution.headers['content-disposition']).toBe(
      'attachment; filename="attribution-2026-03-01-2026-03-31.csv"',
    );
    expect(reports.calls.map((c) => c.method)).toEqual(['trackingCsv', 'attributionCsv']);
    // The whole filter, never a page of it.
    expect(reports.calls[0]!.args[0]).toMatchObject({ tenantId: TENANT, standing: 'overdue' });
    expect(reports.calls[0]!.args[0]).not.toHaveProperty('cursor');
  });

  it('lets a profile with reports:read see the report pages but not the tasks, and the reverse', async () => {
    const urls = [
      '/app/overview',
      '/app/payments',
      '/app/payments/inst_2',
      '/app/purchases/pur_1/installments/3',
      '/app/exports/payments.csv',
      '/app/exports/attribution.csv',
    ];
    app = await panelApp({ seller: () => collaborator('en', ['reports:read']) });
    for (const url of urls) expect((await app.inject(url)).statusCode, url).toBe(200);
    expect((await app.inject('/app/tasks')).statusCode).toBe(403);
    await app.close();

    app = await panelApp({ seller: () => collaborator('en', ['conversations:read', 'journeys:read']) });
    for (const url of urls) expect((await app.inject(url)).statusCode, url).toBe(403);
  });

  it('says plainly when the period holds nothing, and draws no chart', async () => {
    app = await panelApp({
      reports: fakeReports({ overview: EMPTY_OVERVIEW, curve: [], daily: [] }),
      seller: () => owner('pt-BR'),
    });
    const response = await app.inject('/app/overview?from=2020-01-01&to=2020-01-31');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(PANEL_COPY['pt-BR'].overview.empty);
    expect(response.body).not.toContain('<svg');
    expect(response.body).not.toContain(PANEL_COPY['pt-BR'].overview.kpis);
  });

  it('sends the pages with the seller app headers (no cache, a CSP without inline styles)', async () => {
    app = await panelApp();
    const response = await app.inject('/app/overview');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['content-security-policy']).toContain("style-src 'self'");
    expect(response.body).not.toMatch(/\sstyle="/);
    expect(response.body).not.toContain('<script');
  });
});
