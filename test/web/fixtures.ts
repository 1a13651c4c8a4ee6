/**
 * Buyer-area views as a route would fill them, for the rendering and browser tests: every status,
 * every action, a moved due date and a notice.
 */
import type { Locale } from '../../domain/locales';
import type { BuyerAreaNotice, BuyerAreaView } from '../../web/buyer-area/view';
import { webPages } from '../../web/plugin';
import Fastify, { type FastifyInstance } from 'fastify';

export const CURRENCY_OF: Record<Locale, string> = { en: 'USD', es: 'EUR', fr: 'EUR', 'pt-BR': 'BRL' };

export function fixtureView(
  buyerLocale: Locale,
  {
    notice,
    productName = 'Curso de Fotografia',
    sellerName = 'Estúdio Luz',
  }: Partial<Pick<BuyerAreaView, 'notice' | 'productName' | 'sellerName'>> = {},
): BuyerAreaView {
  const self = '/pay/tok3n.sig';
  const action = (n: number, what: string) => `${self}/installments/${n}/${what}`;
  return {
    buyerLocale,
    sellerName,
    productName,
    currency: CURRENCY_OF[buyerLocale],
    csrfToken: 'csrf-token-value',
    paths: { self },
    ...(notice && { notice }),
    installments: [
      {
        number: 1,
        count: 6,
        amountMinor: 12_345,
        paidMinor: 12_345,
        dueDate: '2026-01-10',
        status: 'paid_on_time',
        paidAt: '2026-01-09',
        actions: {},
      },
      {
        number: 2,
        count: 6,
        amountMinor: 12_345,
        paidMinor: 12_345,
        dueDate: '2026-02-10',
        status: 'paid_late',
        paidAt: '2026-02-14',
        actions: {},
      },
      {
        number: 3,
        count: 6,
        amountMinor: 12_345,
        paidMinor: 5_000,
        dueDate: '2026-03-10',
        status: 'partially_paid',
        promised: { date: '2026-03-20', amountMinor: 7_345 },
        actions: {
          payNowUrl: 'https://checkout.example/pay/3',
          partial: { minimumMinor: 1_000, maximumMinor: 7_345, action: action(3, 'partial') },
        },
      },
      {
        number: 4,
        count: 6,
        amountMinor: 12_345,
        paidMinor: 0,
        dueDate: '2026-04-20',
        originalDueDate: '2026-04-10',
        status: 'overdue',
        actions: {
          payNowUrl: 'https://checkout.example/pay/4',
          paymentMethodUrl: `${self}/payment-method`,
          dueDate: { min: '2026-04-21', max: '2026-05-10', action: action(4, 'due-date') },
          promise: { min: '2026-04-21', max: '2026-05-05', outstandingMinor: 12_345, action: action(4, 'promise') },
        },
      },
      {
        number: 5,
        count: 6,
        amountMinor: 12_345,
        paidMinor: 0,
        dueDate: '2026-05-10',
        status: 'upcoming',
        actions: {},
      },
      {
        number: 6,
        count: 6,
        amountMinor: 12_345,
        paidMinor: 0,
        dueDate: '2026-06-10',
        status: 'canceled',
        actions: {},
      },
    ],
  };
}

export const DUE_DATE_CHANGED: BuyerAreaNotice = {
  key: 'due_date_changed',
  installmentNumber: 4,
  newDueDate: '2026-04-20',
};

/** A tiny app with the plugin and routes that only render what the test hands them. */
export async function pagesApp(render: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(webPages);
  render(app);
  await app.ready();
  return app;
}
