/**
 * `/v1/purchases/:purchaseId`: the purchase ledger (application/purchase-ledger.ts). The payment
 * system puts a purchase's whole schedule and reports payments of any installment, on time or
 * late; an installment that has a journey hears of its payments too.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { reportJourneyPayment } from '../../application/journey-payments';
import { readPurchaseLedger } from '../../application/purchase-ledger';
import { recordPurchasePayment, writeSchedule } from '../../db/purchase-repository';
import { paymentInstant } from '../../domain/journey';
import { actorOf } from '../plugins/auth';
import { paymentProblem } from '../payment-problems';
import { errorResponses, problem, sendProblem } from '../problem';
import type { RouteDeps } from '../route-deps';
import {
  purchaseLedgerSchema,
  purchaseParams,
  purchasePaymentAccepted,
  purchasePaymentBody,
  purchaseScheduleBody,
} from '../schemas/purchases';

const tags = ['purchases'];

const purchaseRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, gateway, policies, publisher }) => {
  const ledgerNotFound = (purchaseId: string) =>
    problem(404, 'purchase-not-found', 'No purchase with this id', { detail: `purchase ${purchaseId}` });

  app.put(
    '/v1/purchases/:purchaseId',
    {
      config: { permission: 'purchases:write' },
      schema: {
        operationId: 'putPurchase',
        tags,
        summary:
          'Create or replace a purchase and its whole installment schedule (idempotent). Payments are history: a schedule never removes one',
        params: purchaseParams,
        body: purchaseScheduleBody,
        response: { 200: purchaseLedgerSchema, 201: purchaseLedgerSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const { purchaseId } = request.params;
      const body = request.body;
      const result = await writeSchedule(db, {
        tenantId,
        purchaseId,
        ...body,
        installments: body.installments.map((entry) => ({
          ...entry,
          paidAt: entry.paidAt === undefined ? undefined : Date.parse(entry.paidAt),
        })),
      });
      if ('problems' in result)
        return sendProblem(
          reply,
          problem(422, 'purchase-history', 'The schedule would rewrite the purchase history', {
            reason: 'history',
            errors: result.problems.map((p) => ({ in: 'body', path: p.path.join('.'), message: p.message })),
          }),
        );
      const ledger = await readPurchaseLedger(db, tenantId, purchaseId, Date.now());
      return reply.code(result.created ? 201 : 200).send(ledger!);
    },
  );

  app.get(
    '/v1/purchases/:purchaseId',
    {
      config: { permission: 'purchases:read' },
      schema: {
        operationId: 'getPurchase',
        tags,
        summary:
          "A purchase's ledger: every installment with its standing (paid on time, paid late, overdue, due today, upcoming, canceled) and every payment",
        params: purchaseParams,
        response: { 200: purchaseLedgerSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ledger = await readPurchaseLedger(db, request.principal.tenantId, request.params.purchaseId, Date.now());
      return ledger ?? sendProblem(reply, ledgerNotFound(request.params.purchaseId));
    },
  );

  app.post(
    '/v1/purchases/:purchaseId/payments',
    {
      config: { permission: 'payments:write' },
      schema: {
        operationId: 'reportPurchasePayment',
        tags,
        summary:
          "Report a payment of one installment of a purchase, on time or late (the same paymentId counts once). An installment's journey is told of it, under its policy's partial-payment rule",
        params: purchaseParams,
        body: purchasePaymentBody,
        response: { 202: purchasePaymentAccepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.principal;
      const { purchaseId } = request.params;
      const payment = request.body;
      const ledger = await readPurchaseLedger(db, tenantId, purchaseId, Date.now());
      if (!ledger) return sendProblem(reply, ledgerNotFound(purchaseId));
      const entry = ledger.installments.find((i) => i.number === payment.installmentNumber);
      if (!entry)
        return sendProblem(
          reply,
          problem(422, 'installment-not-in-schedule', 'The purchase has no such installment', {
            errors: [
              {
                in: 'body',
                path: 'installmentNumber',
                message: `must be one of ${ledger.installments.map((i) => i.number).join(', ')}`,
              },
            ],
          }),
        );
      if (payment.currency !== ledger.currency)
        return sendProblem(reply, paymentProblem({ kind: 'currency_mismatch', expected: ledger.currency }));
      if (entry.installmentId && entry.journey) {
        const ref = { tenantId, installmentId: entry.installmentId };
        const result = await reportJourneyPayment({ db, gateway, policies, publisher, logger: request.log }, ref, {
          ...payment,
          actor: actorOf(request),
        });
        if (result.kind === 'currency_mismatch' || result.kind === 'refused')
          return sendProblem(reply, paymentProblem(result));
      }
      const { buyer, product, currency } = ledger;
      await recordPurchasePayment(
        db,
        { tenantId, purchaseId, buyer, product, currency },
        {
          paymentId: payment.paymentId,
          installmentNumber: payment.installmentNumber,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          paidAt: paymentInstant(payment.paidAt, Date.now()),
        },
      );
      return reply.code(202).send({
        purchaseId,
        installmentNumber: payment.installmentNumber,
        accepted: true as const,
        journeyId: entry.journey?.journeyId ?? null,
      });
    },
  );
};

export default purchaseRoutes;
