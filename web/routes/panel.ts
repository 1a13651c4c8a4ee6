/**
 * The collections panel (issue 14), registered by the seller scope, which resolves
 * `request.seller` and enforces each route's `config.permission` (domain/permissions.ts):
 *
 *   GET /app/overview                                    KPIs and charts of a period and filters
 *   GET /app/payments                                    payment tracking, a page at a time
 *   GET /app/payments/:installmentId                     payment details with the journey's timeline
 *   GET /app/purchases/:purchaseId/installments/:number  the same, for a ledger row without an installment ID
 *   GET /app/tasks                                       open human-agent tasks
 *   GET /app/exports/payments.csv | attribution.csv      the tracking and attribution CSVs
 *
 * A query to fix answers with the page, the message next to the field and a 400; an installment
 * the account does not have answers with a 404 page. Nothing here writes.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { agentTaskPage, decodeTimeCursor } from '../../application/conversations';
import {
  BadReportCursor,
  type InstallmentRef,
  type ReportFilter,
  type Reports,
  type TrackingPage,
} from '../../application/reports';
import { installmentsOfJourneys } from '../../db/journey-repository';
import { PANEL_COPY } from '../panel/copy';
import { presentDetails } from '../panel/details';
import { type FormKind, presentFilterForm } from '../panel/filter-form';
import { type PanelFilters, type ReadFilters, readFilters } from '../panel/filters';
import { panelFormat } from '../panel/format';
import { type PanelWords, presentOverview } from '../panel/overview';
import { presentTasks } from '../panel/tasks';
import { PANEL_ACCESS, PANEL_PATHS } from '../panel/navigation';
import { presentTracking } from '../panel/tracking';
import type { SellerRouteDeps } from '../seller/context';
import { renderSellerPage } from '../seller/render';

const TASKS_PER_PAGE = 50;

const panelRoutes: FastifyPluginAsync<SellerRouteDeps> = async (app, deps) => {
  const reports: Reports = deps.reports;

  app.get(PANEL_PATHS.overview, { config: { ...PANEL_ACCESS.reports } }, async (request, reply) => {
    const view = viewOf(request, deps.now());
    const { read, words } = view;
    const form = formOf('overview', PANEL_PATHS.overview, view);
    const period = { from: read.values.from, to: read.values.to, form, words };
    if (read.problems.length > 0)
      return renderSellerPage(reply, 'panel-overview', await presentOverview(null, period), 400);
    const asked = reportFilter(request, read.filters);
    const overview = await reports.overview(asked);
    // The charts are in the overview's currency, whichever one the filter left it to choose.
    const filter = { ...asked, currency: overview.currency ?? asked.currency };
    const [attribution, curve, daily] = await Promise.all([
      reports.attribution(filter),
      reports.recoveryCurve(filter),
      reports.dailyRecovered(filter),
    ]);
    return renderSellerPage(
      reply,
      'panel-overview',
      await presentOverview({ overview, attribution, curve, daily }, period),
    );
  });

  app.get(PANEL_PATHS.payments, { config: { ...PANEL_ACCESS.reports } }, async (request, reply) => {
    const view = viewOf(request, deps.now());
    if (view.read.problems.length > 0) return sendTracking(reply, view, null);
    try {
      return sendTracking(reply, view, await reports.tracking(trackingQuery(request, view.read.filters)));
    } catch (error) {
      // A cursor can look like one of ours and still not be: the reports decode it, the page says so.
      if (!(error instanceof BadReportCursor)) throw error;
      view.read.problems.push({ field: 'cursor', problem: 'bad_cursor' });
      return sendTracking(reply, view, null);
    }
  });

  app.get<{ Params: { installmentId: string } }>(
    `${PANEL_PATHS.payments}/:installmentId`,
    { config: { ...PANEL_ACCESS.reports } },
    async (request, reply) => details(request, reply, { installmentId: request.params.installmentId }),
  );

  app.get<{ Params: { purchaseId: string; number: string } }>(
    '/app/purchases/:purchaseId/installments/:number',
    { config: { ...PANEL_ACCESS.reports } },
    async (request, reply) => {
      const number = /^[1-9]\d{0,3}$/.test(request.params.number) ? Number(request.params.number) : null;
      if (number === null) return notFound(request, reply);
      return details(request, reply, { purchaseId: request.params.purchaseId, number });
    },
  );

  async function details(request: FastifyRequest, reply: FastifyReply, ref: InstallmentRef) {
    const found = await reports.paymentDetails(request.seller.principal.tenantId, ref);
    if (!found) return notFound(request, reply);
    return renderSellerPage(reply, 'panel-payment', presentDetails(found, wordsOf(request)));
  }

  app.get(PANEL_PATHS.tasks, { config: { ...PANEL_ACCESS.tasks } }, async (request, reply) => {
    const { tenantId } = request.seller.principal;
    const words = wordsOf(request);
    const lang = keptLang(request);
    const cursor = (request.query as Record<string, unknown>).cursor;
    const after = typeof cursor === 'string' ? decodeTimeCursor(cursor) : undefined;
    if (after === null || (cursor !== undefined && typeof cursor !== 'string')) {
      const page = presentTasks({ items: [], nextCursor: null }, new Map(), words, { lang, badCursor: true });
      return renderSellerPage(reply, 'panel-tasks', page, 400);
    }
    const tasks = await agentTaskPage(deps.db, tenantId, { status: 'open', limit: TASKS_PER_PAGE, after });
    const journeyIds = tasks.items.flatMap((task) => (task.journeyId ? [task.journeyId] : []));
    const installments = await installmentsOfJourneys(deps.db, tenantId, journeyIds);
    return renderSellerPage(reply, 'panel-tasks', presentTasks(tasks, installments, words, { lang, badCursor: false }));
  });

  app.get(PANEL_PATHS.trackingCsv, { config: { ...PANEL_ACCESS.reports } }, async (request, reply) => {
    const view = viewOf(request, deps.now());
    if (view.read.problems.length > 0) return sendTracking(reply, view, null);
    const { cursor: _cursor, ...query } = trackingQuery(request, view.read.filters);
    return sendCsv(reply, `payments-${query.from}-${query.to}.csv`, reports.trackingCsv(query));
  });

  app.get(PANEL_PATHS.attributionCsv, { config: { ...PANEL_ACCESS.reports } }, async (request, reply) => {
    const view = viewOf(request, deps.now());
    if (view.read.problems.length > 0) return sendTracking(reply, view, null);
    const filter = reportFilter(request, view.read.filters);
    return sendCsv(reply, `attribution-${filter.from}-${filter.to}.csv`, reports.attributionCsv(filter));
  });
};

export default panelRoutes;

interface PanelView {
  read: ReadFilters;
  words: PanelWords;
  today: string;
  lang: string | null;
}

function viewOf(request: FastifyRequest, now: number): PanelView {
  // The period's presets count in UTC days: the panel has no one zone for a team spread over several.
  const today = new Date(now).toISOString().slice(0, 10);
  return { read: readFilters(request.query, today), words: wordsOf(request), today, lang: keptLang(request) };
}

function wordsOf(request: FastifyRequest): PanelWords {
  const { locale } = request.seller;
  return { copy: PANEL_COPY[locale], format: panelFormat(locale), locale };
}

/** The page's language for the links it writes, when the query chose one (else the browser keeps choosing). */
export function keptLang(request: FastifyRequest): string | null {
  const lang = (request.query as Record<string, unknown> | undefined)?.lang;
  return typeof lang === 'string' && lang !== '' ? request.seller.locale : null;
}

function formOf(kind: FormKind, path: string, { read, today, lang, words }: PanelView) {
  return presentFilterForm(kind, read, { path, today, lang, copy: words.copy });
}

function reportFilter(request: FastifyRequest, filters: PanelFilters): ReportFilter {
  const { from, to, productId, country, policyId, channel, currency } = filters;
  return { tenantId: request.seller.principal.tenantId, from, to, productId, country, policyId, channel, currency };
}

function trackingQuery(request: FastifyRequest, filters: PanelFilters) {
  const { standing, buyerId, cursor } = filters;
  return { ...reportFilter(request, filters), standing, buyerId, cursor };
}

function notFound(request: FastifyRequest, reply: FastifyReply) {
  const { notFound: words } = wordsOf(request).copy;
  return renderSellerPage(
    reply,
    'panel-not-found',
    { ...words, back: { href: PANEL_PATHS.payments, label: words.back } },
    404,
  );
}

/**
 * The tracking page with its rows, or with the fields to fix and a 400 (`page` null): for the page
 * itself and for its download links, where a query that cannot be read would make an empty file
 * that says nothing.
 */
function sendTracking(reply: FastifyReply, view: PanelView, page: TrackingPage | null) {
  const form = formOf('tracking', PANEL_PATHS.payments, view);
  const paged = view.read.filters.cursor !== undefined;
  const shown = presentTracking(page, { form, words: view.words, paged });
  return renderSellerPage(reply, 'panel-payments', shown, page ? 200 : 400);
}

function sendCsv(reply: FastifyReply, filename: string, chunks: AsyncIterable<string>) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(Readable.from(chunks));
}
