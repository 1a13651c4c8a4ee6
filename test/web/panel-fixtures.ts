/**
 * The panel's pages over fixture reports, for the route, rendering and browser tests: a fake
 * `Reports` (our own interface) that records what each call was asked, a signed-in owner or
 * collaborator, and a small app that does what the seller scope will do — set `request.seller`
 * and refuse a route's `config` with domain/permissions.ts `refusal` (403).
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Principal } from '../../application/key-stores';
import { ALL_PERMISSIONS } from '../../application/key-stores';
import type {
  AttributionReport,
  CurvePoint,
  DailyRecovered,
  Overview,
  PaymentDetails,
  Reports,
  TrackingPage,
  TrackingRow,
} from '../../application/reports';
import type { Database } from '../../db/client';
import type { Locale } from '../../domain/locales';
import { type Permission, refusal } from '../../domain/permissions';
import { webPages } from '../../web/plugin';
import panelRoutes from '../../web/routes/panel';
import type { SellerContext, SellerRouteDeps } from '../../web/seller/context';

export const TENANT = 'ten_panel';
/** 2026-03-15T12:00:00Z: the panel's "today" in these tests. */
export const NOW = Date.UTC(2026, 2, 15, 12);

export const OVERVIEW: Overview = {
  currency: 'BRL',
  currencies: ['BRL', 'USD'],
  expectedMinor: 1_000_000,
  paidMinor: 875_050,
  collectionEfficiency: 87.5,
  installments: { expected: 40, paidOnTime: 28, recovered: 7, paidLateWithoutJourney: 1, open: 4 },
  recoveredMinor: 171_234,
  inRecoveryNow: { journeys: 5, outstandingMinor: 98_765 },
  expectedUpcoming: { days: 30, installments: 12, amountMinor: 300_000 },
};

export const EMPTY_OVERVIEW: Overview = {
  currency: null,
  currencies: [],
  expectedMinor: 0,
  paidMinor: 0,
  collectionEfficiency: null,
  installments: { expected: 0, paidOnTime: 0, recovered: 0, paidLateWithoutJourney: 0, open: 0 },
  recoveredMinor: 0,
  inRecoveryNow: { journeys: 0, outstandingMinor: 0 },
  expectedUpcoming: { days: 30, installments: 0, amountMinor: 0 },
};

export const ATTRIBUTION: AttributionReport = {
  windowDays: 7,
  paidWithinDays: 3,
  byStep: [
    { stepIndex: 0, channel: 'email', recovered: 4, recoveredMinor: 100_000 },
    { stepIndex: 1, channel: 'whatsapp', recovered: 3, recoveredMinor: 71_234 },
  ],
  funnel: [
    { stepIndex: 0, channel: 'email', template: 'friendly_reminder', sent: 20, delivered: 18, paidWithin: 4 },
    { stepIndex: 1, channel: 'whatsapp', template: 'overdue_nudge', sent: 12, delivered: 11, paidWithin: 3 },
  ],
};

export const CURVE: CurvePoint[] = [
  { day: 1, share: 0.2 },
  { day: 3, share: 0.45 },
  { day: 7, share: 0.7 },
  { day: 14, share: 0.8 },
];

export const DAILY: DailyRecovered[] = [
  { date: '2026-03-02', recoveredMinor: 50_000 },
  { date: '2026-03-03', recoveredMinor: 0 },
  { date: '2026-03-04', recoveredMinor: 121_234 },
];

export function trackingRow(n: number, overrides: Partial<TrackingRow> = {}): TrackingRow {
  return {
    installmentId: `inst_${n}`,
    purchaseId: 'pur_1',
    installmentNumber: n,
    productId: 'prod_photo',
    productName: 'Curso de Fotografia',
    buyerId: `buyer_${n}`,
    buyerName: 'Ana Souza',
    dueDate: `2026-03-${String(n).padStart(2, '0')}`,
    amountMinor: 25_000,
    paidMinor: n === 1 ? 25_000 : 0,
    outstandingMinor: n === 1 ? 0 : 25_000,
    currency: 'BRL',
    standing: n === 1 ? 'paid_late' : 'overdue',
    journey: { id: `jrn_${n}`, stage: n === 1 ? 'closed' : 'overdue', outcome: n === 1 ? 'recovered' : null },
    ...overrides,
  };
}

export const TRACKING: TrackingPage = {
  rows: [trackingRow(1), trackingRow(2), trackingRow(3, { installmentId: null, journey: null, standing: 'upcoming' })],
  nextCursor: 'cursor_after_3',
};

export const DETAILS: PaymentDetails = {
  purchase: { purchaseId: 'pur_1', productId: 'prod_photo', productName: 'Curso de Fotografia', currency: 'BRL' },
  buyer: { buyerId: 'buyer_2', name: 'Ana Souza', email: 'ana@example.com', country: 'BR' },
  amounts: { paidOnTimeMinor: 0, paidLateMinor: 25_000, overdueMinor: 25_000, pendingMinor: 25_000 },
  installments: [trackingRow(1), trackingRow(2), trackingRow(3, { installmentId: null, journey: null })],
  installment: {
    ...trackingRow(2),
    workflowId: 'journey-ten_panel-inst_2',
    temporalUiUrl: 'http://localhost:8233/namespaces/default/workflows/journey-ten_panel-inst_2',
    policyChoice: {
      policyId: 'gentle',
      policyVersion: 2,
      ruleId: 'big-tickets',
      routingVersion: 3,
      experimentId: 'firmer-ladder',
      arm: 'b',
    },
    timeline: [
      { at: '2026-03-02T12:00:00.000Z', kind: 'event', type: 'started', actor: { kind: 'api_key', id: 'key_1' } },
      {
        at: '2026-03-03T09:00:00.000Z',
        kind: 'attempt',
        type: 'reminder',
        channel: 'email',
        template: 'friendly_reminder',
        status: 'delivered',
        provider: 'resend',
      },
      {
        at: '2026-03-05T10:30:00.000Z',
        kind: 'event',
        type: 'due_date_changed',
        actor: { kind: 'user', id: 'usr_1' },
        detail: { newDueDate: '2026-03-20' },
      },
    ],
  },
};

export interface FakeReports extends Reports {
  /** Every call, by method, with what it was asked. */
  calls: { method: keyof Reports; args: unknown[] }[];
}

export function fakeReports(
  data: Partial<{
    overview: Overview;
    attribution: AttributionReport;
    curve: CurvePoint[];
    daily: DailyRecovered[];
    tracking: TrackingPage;
    details: PaymentDetails | null;
  }> = {},
): FakeReports {
  const calls: FakeReports['calls'] = [];
  const record = <T>(method: keyof Reports, args: unknown[], answer: T): T => {
    calls.push({ method, args });
    return answer;
  };
  return {
    calls,
    overview: async (filter) => record('overview', [filter], data.overview ?? OVERVIEW),
    tracking: async (query) => record('tracking', [query], data.tracking ?? TRACKING),
    paymentDetails: async (tenantId, ref) =>
      record('paymentDetails', [tenantId, ref], data.details === undefined ? DETAILS : data.details),
    attribution: async (filter) => record('attribution', [filter], data.attribution ?? ATTRIBUTION),
    attributionRows: async (filter) => record('attributionRows', [filter], { rows: [], nextCursor: null }),
    recoveryCurve: async (filter) => record('recoveryCurve', [filter], data.curve ?? CURVE),
    dailyRecovered: async (filter) => record('dailyRecovered', [filter], data.daily ?? DAILY),
    trackingCsv: (query) => record('trackingCsv', [query], chunks(['installment_id,amount\n', 'inst_1,250.00\n'])),
    attributionCsv: (filter) => record('attributionCsv', [filter], chunks(['installment_id,channel\n'])),
  };
}

async function* chunks(parts: string[]): AsyncIterable<string> {
  yield* parts;
}

export function owner(locale: Locale = 'en', tenantId = TENANT): SellerContext {
  return sellerAs(locale, { role: 'owner', permissions: ALL_PERMISSIONS }, tenantId);
}

export function collaborator(locale: Locale, permissions: Permission[], tenantId = TENANT): SellerContext {
  return sellerAs(
    locale,
    { role: 'collaborator', permissions: new Set(permissions), collaboratorId: 'col_1' },
    tenantId,
  );
}

function sellerAs(
  locale: Locale,
  who: Pick<Principal, 'role' | 'permissions' | 'collaboratorId'>,
  tenantId = TENANT,
): SellerContext {
  return {
    user: { id: 'usr_1', email: 'seller@example.com', name: 'Seller' },
    accounts: [{ tenantId, tenantName: 'Estúdio Luz', role: who.role }],
    principal: { tenantId, keyId: 'usr_1', userId: 'usr_1', ...who },
    tenantName: 'Estúdio Luz',
    csrfToken: 'csrf-token-value',
    locale,
  };
}

/**
 * The panel behind a stand-in for the seller scope: `seller(request)` says who is signed in
 * (`?as=` lets a browser test pick the locale), and a route's `config` is checked as the scope will.
 */
export async function panelApp({
  reports = fakeReports(),
  db = null as unknown as Database,
  seller = () => owner(),
  temporalUi = { url: 'http://localhost:8233', namespace: 'default' },
  routes = [panelRoutes],
}: {
  reports?: Reports;
  db?: Database;
  seller?: (query: Record<string, unknown>) => SellerContext;
  temporalUi?: SellerRouteDeps['temporalUi'];
  /** The page routes behind the stand-in scope: the panel's unless a test brings others. */
  routes?: FastifyPluginAsync<SellerRouteDeps>[];
} = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(webPages);
  await app.register(async (scope) => {
    scope.addHook('preHandler', async (request, reply) => {
      request.seller = seller(request.query as Record<string, unknown>);
      const refused = refusal(request.seller.principal, request.routeOptions.config);
      if (refused) return reply.code(403).type('text/plain').send(refused.reason);
    });
    const deps: SellerRouteDeps = {
      db,
      reports,
      invitations: { send: async () => undefined },
      now: () => NOW,
      temporalUi,
    };
    for (const plugin of routes) await scope.register(plugin, deps);
  });
  await app.ready();
  return app;
}
