/**
 * `/v1/reports/…`: the seller's numbers (application/reports.ts) for a period and filters, each
 * behind `reports:read`. A bad period or cursor is a 400 naming the field; another tenant's
 * installment is a 404.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BadReportCursor, type InstallmentRef, type ReportFilter, type Reports } from '../../application/reports';
import { reportPeriod } from '../../domain/reports';
import { errorResponses, problem, sendBadCursor, sendProblem } from '../problem';
import {
  attributionExportQuery,
  attributionQuery,
  attributionRowsQuery,
  attributionSchema,
  attributionRowsSchema,
  dailyRecoveredSchema,
  installmentParams,
  overviewSchema,
  paymentDetailsSchema,
  purchaseInstallmentParams,
  recoveryCurveQuery,
  recoveryCurveSchema,
  reportFilterQuery,
  trackingExportQuery,
  trackingPageSchema,
  trackingQuery,
} from '../schemas/reports';

const tags = ['reports'];
const config = { permission: 'reports:read' as const };

export interface ReportRouteDeps {
  reports: Reports;
  now: () => number;
}

/** A CSV download: the answer's documented shape. */
const csvResponse = {
  description: 'CSV (header first), amounts as decimals with their currency',
  content: { 'text/csv': { schema: z.string() } },
};

const reportRoutes: FastifyPluginAsyncZod<ReportRouteDeps> = async (app, { reports, now }) => {
  /**
   * Answers with `read` of the tenant's filter for the asked period: one rule for the period and
   * the tenant in every report. A bad period, or a cursor no page returned, is a 400 naming it.
   */
  const answer = async <Q extends { from?: string | undefined; to?: string | undefined }, T>(
    request: { principal: { tenantId: string }; query: Q },
    reply: FastifyReply,
    read: (filter: Omit<Q, 'from' | 'to'> & ReportFilter) => Promise<T>,
  ): Promise<T | undefined> => {
    const period = reportPeriod(request.query, now());
    if ('field' in period) {
      sendProblem(
        reply,
        problem(400, 'invalid-request', 'Invalid request', {
          errors: [{ in: 'query', path: period.field, message: period.message }],
        }),
      );
      return undefined;
    }
    try {
      return await read({ ...request.query, ...period, tenantId: request.principal.tenantId });
    } catch (err) {
      if (!(err instanceof BadReportCursor)) throw err;
      sendBadCursor(reply);
      return undefined;
    }
  };

  const csv = (reply: FastifyReply, name: string, chunks: AsyncIterable<string>) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(Readable.from(chunks));

  app.get(
    '/v1/reports/overview',
    {
      config,
      schema: {
        operationId: 'getReportOverview',
        tags,
        summary:
          'Collection efficiency, installments paid on time and recovered, the recovered amount, what is in recovery now and what is expected in the next 30 days',
        querystring: reportFilterQuery,
        response: { 200: overviewSchema, ...errorResponses },
      },
    },
    (request, reply) => answer(request, reply, (filter) => reports.overview(filter)),
  );

  app.get(
    '/v1/reports/payments',
    {
      config,
      schema: {
        operationId: 'listReportPayments',
        tags,
        summary: "Payment tracking: the period's installments with their standing, in due date order, a page at a time",
        querystring: trackingQuery,
        response: { 200: trackingPageSchema, ...errorResponses },
      },
    },
    (request, reply) => answer(request, reply, (query) => reports.tracking(query)),
  );

  app.get(
    '/v1/reports/payments/export',
    {
      config,
      schema: {
        operationId: 'exportReportPayments',
        tags,
        summary: 'Payment tracking as CSV: every installment the filter selects',
        querystring: trackingExportQuery,
        response: { 200: csvResponse, ...errorResponses },
      },
    },
    (request, reply) => answer(request, reply, async (query) => csv(reply, 'payments.csv', reports.trackingCsv(query))),
  );

  const details = async (tenantId: string, ref: InstallmentRef, reply: FastifyReply) =>
    (await reports.paymentDetails(tenantId, ref)) ??
    sendProblem(reply, problem(404, 'installment-not-found', 'No installment with this id'));

  app.get(
    '/v1/reports/payments/:installmentId',
    {
      config,
      schema: {
        operationId: 'getReportPayment',
        tags,
        summary:
          "Payment details: the purchase, the buyer, amounts paid on time, late, overdue and pending, and the journey's timeline with its Temporal UI link",
        params: installmentParams,
        response: { 200: paymentDetailsSchema, ...errorResponses },
      },
    },
    (request, reply) => details(request.principal.tenantId, request.params, reply),
  );

  app.get(
    '/v1/reports/purchases/:purchaseId/installments/:number',
    {
      config,
      schema: {
        operationId: 'getReportPurchaseInstallment',
        tags,
        summary:
          'Payment details of an installment known by its purchase and number (one the payment system gave no id)',
        params: purchaseInstallmentParams,
        response: { 200: paymentDetailsSchema, ...errorResponses },
      },
    },
    (request, reply) => details(request.principal.tenantId, request.params, reply),
  );

  app.get(
    '/v1/reports/attribution',
    {
      config,
      schema: {
        operationId: 'getReportAttribution',
        tags,
        summary:
          'Which step and channel recovered each payment (the last attempt sent before it within the window), and per step and channel the funnel sent → delivered → paid within N days',
        querystring: attributionQuery,
        response: { 200: attributionSchema, ...errorResponses },
      },
    },
    (request, reply) => answer(request, reply, (filter) => reports.attribution(filter)),
  );

  app.get(
    '/v1/reports/attribution/payments',
    {
      config,
      schema: {
        operationId: 'listReportAttribution',
        tags,
        summary: 'Each recovered installment with the step and channel it is credited to, a page at a time',
        querystring: attributionRowsQuery,
        response: { 200: attributionRowsSchema, ...errorResponses },
      },
    },
    (request, reply) => answer(request, reply, (filter) => reports.attributionRows(filter)),
  );

  app.get(
    '/v1/reports/attribution/export',
    {
      config,
      schema: {
        operationId: 'exportReportAttribution',
        tags,
        summary: 'Attribution as CSV: every recovered installment of the period with its credited step and channel',
        querystring: attributionExportQuery,
        response: { 200: csvResponse, ...errorResponses },
      },
    },
    (request, reply) =>
      answer(request, reply, async (filter) => csv(reply, 'attribution.csv', reports.attributionCsv(filter))),
  );

  app.get(
    '/v1/reports/recovery-curve',
    {
      config,
      schema: {
        operationId: 'getReportRecoveryCurve',
        tags,
        summary: "The cumulative share of the period's overdue installments paid by each day after the due date",
        querystring: recoveryCurveQuery,
        response: { 200: recoveryCurveSchema, ...errorResponses },
      },
    },
    (request, reply) => answer(request, reply, (filter) => reports.recoveryCurve(filter)),
  );

  app.get(
    '/v1/reports/daily-recovered',
    {
      config,
      schema: {
        operationId: 'getReportDailyRecovered',
        tags,
        summary: 'The amount recovered each day (UTC) in the period',
        querystring: reportFilterQuery,
        response: { 200: dailyRecoveredSchema, ...errorResponses },
      },
    },
    (request, reply) => answer(request, reply, (filter) => reports.dailyRecovered(filter)),
  );
};

export default reportRoutes;
