/**
 * The authorization matrix: every route the app registers × every kind of caller (no key, the
 * owner, a collaborator of each built-in profile, another tenant's owner). Routes are discovered
 * as they register (an `onRoute` hook), so a route added to any module is covered without
 * touching this file, and one that declares neither `permission` nor `ownerOnly` fails here.
 *
 * What must hold:
 *  - no key → 401, and nothing written;
 *  - a collaborator whose profile lacks the route's permission (or any collaborator, on an
 *    owner-only route) → 403, and nothing written (no gateway call, no row added or changed);
 *  - a caller who has the permission → neither 401 nor 403;
 *  - another tenant's key never sees or changes tenant A's data: routes under a journey or a
 *    webhook endpoint answer 404 (400 when the example body no longer validates), tenant A's rows
 *    and gateway calls stay as they were, and no answer names tenant A's ids;
 *  - nobody gets a 5xx.
 */
import type { RouteOptions } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../api/app';
import { builtInPolicies } from '../../application/policy-catalog';
import type { Database } from '../../db/client';
import { BUILT_IN_PROFILES, type BuiltInProfileId, type Permission } from '../../domain/permissions';
import { query } from '../db/sql';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { insertWebhookDelivery } from '../support/webhook-deliveries';
import { endpointCreate } from '../../api/schemas/webhooks';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';
import {
  type ApiHarness,
  type CollaboratorKey,
  TENANT_A_KEY,
  TENANT_B_KEY,
  createCollaboratorKey,
  startApi,
  startBody,
} from './support';

interface DiscoveredRoute {
  method: string;
  url: string;
  permission?: Permission;
  ownerOnly: boolean;
  body?: unknown;
}

/**
 * Routes outside authentication: the docs, the health check, provider webhooks, unsubscribe links
 * and the buyer's payment area (those authenticate by signature and have their own tests), the
 * pages' stylesheet, and the seller app's pages (sessions, not keys: their own matrix is
 * test/web/seller-authorization.test.ts). Everything else needs a key.
 */
const isPublic = (url: string) =>
  url === '/health' ||
  url === '/docs' ||
  url.startsWith('/docs/') ||
  url.startsWith('/webhooks/') ||
  url.startsWith('/unsubscribe/') ||
  url.startsWith('/pay/') ||
  url.startsWith('/assets/') ||
  url === '/app' ||
  url.startsWith('/app/');

function collect(into: DiscoveredRoute[]) {
  return (route: RouteOptions) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter(
      (m) => m !== 'HEAD' && m !== 'OPTIONS',
    );
    const config = (route.config ?? {}) as { permission?: Permission; ownerOnly?: boolean };
    const bodySchema = (route.schema as { body?: unknown } | undefined)?.body;
    const body =
      bodySchema instanceof z.ZodType ? (bodySchema.meta() as { example?: unknown } | undefined)?.example : undefined;
    for (const method of methods) {
      into.push({ method, url: route.url, permission: config.permission, ownerOnly: config.ownerOnly === true, body });
    }
  };
}

/** Declared while the suite is defined: an app built only to see its routes (nothing is queried). */
async function discoverRoutes(): Promise<DiscoveredRoute[]> {
  const found: DiscoveredRoute[] = [];
  const db = {} as Database;
  const app = await buildApp({
    db,
    gateway: new InMemoryJourneyGateway(db),
    policies: builtInPolicies,
    keys: { authenticate: async () => null },
    onRoute: collect(found),
  });
  await app.ready();
  await app.close();
  const unique = new Map(found.filter((r) => !isPublic(r.url)).map((r) => [`${r.method} ${r.url}`, r]));
  return [...unique.values()].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
}

const ROUTES = await discoverRoutes();
const webhookEndpointBody = endpointCreate.meta()?.example as object;
const PROFILES = Object.keys(BUILT_IN_PROFILES) as BuiltInProfileId[];
type Caller =
  { kind: 'none' } | { kind: 'owner' } | { kind: 'other-tenant' } | { kind: 'profile'; profileId: BuiltInProfileId };
// Another tenant calls before the owner: it aims at tenant A's data while that still exists
// (the owner's DELETE of a route removes it).
const CALLERS: Caller[] = [
  { kind: 'none' },
  { kind: 'other-tenant' },
  { kind: 'owner' },
  ...PROFILES.map((profileId) => ({ kind: 'profile' as const, profileId })),
];
const MATRIX_SIZE = ROUTES.length * CALLERS.length;
console.log(
  `[authorization matrix] ${ROUTES.length} routes × ${CALLERS.length} callers = ${MATRIX_SIZE} cases per database`,
);

const callerName = (c: Caller) => (c.kind === 'profile' ? `profile ${c.profileId}` : c.kind);
/** Routes under one of tenant A's resources by id: another tenant is told it does not exist. */
const isResourceScoped = (url: string) => url.includes(':installmentId') || url.includes(':endpointId');

/**
 * Every row of every table in the public schema (so tables added later count too), as a count
 * and digest per table; `last_used_at` is left out (using a key records it). With `tenantId`,
 * only that tenant's rows.
 */
async function fingerprint(db: Database, tenantId?: string): Promise<Record<string, string>> {
  const tables = await query<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  if (tables.length === 0) return {};
  const parts = tables.map(({ table_name: table }) => {
    if (!/^[a-z0-9_]+$/.test(table)) throw new Error(`unexpected table name ${table}`);
    const row = `(to_jsonb(t) - 'last_used_at')::text`;
    const owner = table === 'tenants' ? `to_jsonb(t)->>'id'` : `to_jsonb(t)->>'tenant_id'`;
    const where = tenantId ? `where ${owner} = '${tenantId.replace(/'/g, "''")}'` : '';
    return `select '${table}' as name, count(*)::text || ':' || md5(coalesce(string_agg(${row}, '|' order by ${row}), '')) as digest from "${table}" t ${where}`;
  });
  const rows = await query<{ name: string; digest: string }>(db, sql.raw(parts.join(' union all ')));
  return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
}

describe('authorization matrix: route discovery', () => {
  it(`finds the routes of every module (${ROUTES.length} routes, ${MATRIX_SIZE} cases per database)`, () => {
    const names = ROUTES.map((r) => `${r.method} ${r.url}`);
    for (const known of [
      'POST /v1/journeys',
      'GET /v1/journeys/:installmentId',
      'POST /v1/keys',
      'PATCH /v1/tenant',
      'DELETE /v1/profiles/:profileId',
      'GET /v1/reports/overview',
      'GET /v1/reports/payments/:installmentId',
      'GET /v1/reports/payments/export',
      'POST /v1/collaborators/:collaboratorId/resend-invite',
      'GET /v1/audit-log',
    ]) {
      expect(names).toContain(known);
    }
  });

  it('every authenticated route declares a permission or is owner-only', () => {
    const undeclared = ROUTES.filter((r) => !r.permission && !r.ownerOnly).map((r) => `${r.method} ${r.url}`);
    expect(undeclared).toEqual([]);
    const both = ROUTES.filter((r) => r.permission && r.ownerOnly).map((r) => `${r.method} ${r.url}`);
    expect(both).toEqual([]);
  });

  it('the tenant, its profiles, collaborators, keys and audit log are the owner’s alone', () => {
    const management = ROUTES.filter(
      (r) => r.url === '/v1/tenant' || /^\/v1\/(profiles|collaborators|keys|audit-log)(\/|$)/.test(r.url),
    );
    expect(management.length).toBeGreaterThanOrEqual(13);
    expect(management.filter((r) => !r.ownerOnly).map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });
});

describeEachDatabase(
  `authorization matrix (${ROUTES.length} routes × ${CALLERS.length} callers = ${MATRIX_SIZE} cases)`,
  (getDb) => {
    let api: ApiHarness;
    const registered: DiscoveredRoute[] = [];
    const keys = new Map<BuiltInProfileId, CollaboratorKey>();
    const installmentId = uniqueId('matrix-inst');
    /** Path parameters: tenant A's ids wherever a route names one, so other tenants aim at A's data. */
    const paramValues: Record<string, string> = {
      installmentId,
      purchaseId: uniqueId('matrix-pur'),
      subscriptionId: uniqueId('matrix-sub'),
      buyerId: uniqueId('matrix-buyer'),
      productId: uniqueId('matrix-prod'),
    };
    const fixture = startBody(installmentId, {
      purchaseId: paramValues.purchaseId,
      subscriptionId: paramValues.subscriptionId,
      buyer: { ...startBody(installmentId).buyer, id: paramValues.buyerId },
      product: { id: paramValues.productId, name: 'Matrix course' },
    });
    /** Strings no answer to another tenant may contain. */
    const tenantAMarkers: string[] = ['tenant-a'];

    /** The owner's DELETE of an endpoint removes one of its own: the routes after it still find `endpointId`. */
    const deletedValues: Record<string, string> = {};
    const urlOf = (route: DiscoveredRoute) =>
      route.url.replace(/:(\w+)/g, (_, name: string) =>
        encodeURIComponent(
          (route.method === 'DELETE' ? deletedValues[name] : undefined) ??
            paramValues[name] ??
            `matrix-missing-${name}`,
        ),
      );
    const keyOf = (caller: Caller): string | null => {
      switch (caller.kind) {
        case 'none':
          return null;
        case 'owner':
          return TENANT_A_KEY;
        case 'other-tenant':
          return TENANT_B_KEY;
        case 'profile':
          return keys.get(caller.profileId)!.secret;
      }
    };
    const send = (route: DiscoveredRoute, caller: Caller) =>
      api.call({
        method: route.method as 'GET',
        url: urlOf(route),
        key: keyOf(caller),
        ...(route.method !== 'GET' && route.method !== 'DELETE' && { payload: (route.body ?? {}) as object }),
      });
    const gatewayCalls = (tenantId?: string) =>
      JSON.stringify(api.gateway.calls.filter((c) => !tenantId || c.ref.tenantId === tenantId));

    beforeAll(async () => {
      api = await startApi(getDb(), () => Date.now(), { onRoute: collect(registered) });
      const started = await api.call({ method: 'POST', url: '/v1/journeys', payload: fixture });
      expect(started.statusCode).toBe(201);
      // Tenant A's webhook endpoints (one for the DELETE route) and a delivery in its log.
      const endpointIds = [];
      for (const _ of [1, 2]) {
        const endpoint = await api.call({ method: 'POST', url: '/v1/webhook-endpoints', payload: webhookEndpointBody });
        expect(endpoint.statusCode, endpoint.body).toBe(201);
        endpointIds.push((endpoint.json() as { id: string }).id);
      }
      paramValues.endpointId = endpointIds[0]!;
      deletedValues.endpointId = endpointIds[1]!;
      const delivery = await insertWebhookDelivery(getDb(), {
        tenantId: 'tenant-a',
        endpointId: paramValues.endpointId,
        at: Date.now(),
        status: 'failed',
        tries: 1,
      });
      paramValues.deliveryId = delivery.deliveryId;
      for (const profileId of PROFILES) {
        const key = await createCollaboratorKey(api, profileId);
        keys.set(profileId, key);
        tenantAMarkers.push(key.collaboratorId, key.keyId);
        // The first use records last_used_at; do it now so the matrix measures only the routes.
        await api.call({ method: 'GET', url: '/v1/journeys/warm-up', key: key.secret });
      }
    });
    afterAll(async () => {
      await api.app.close();
    });

    it('the app under test registers exactly the discovered routes', () => {
      const names = new Set(registered.filter((r) => !isPublic(r.url)).map((r) => `${r.method} ${r.url}`));
      expect([...names].sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.url}`).sort());
    });

    for (const route of ROUTES) {
      const requirement = route.ownerOnly ? 'owner only' : (route.permission ?? 'undeclared');
      it(`${route.method} ${route.url} [${requirement}] × ${CALLERS.length} callers`, async () => {
        for (const caller of CALLERS) {
          const label = `${route.method} ${route.url} as ${callerName(caller)}`;
          const allowed =
            caller.kind === 'owner' ||
            caller.kind === 'other-tenant' ||
            (caller.kind === 'profile' &&
              !route.ownerOnly &&
              route.permission !== undefined &&
              (BUILT_IN_PROFILES[caller.profileId].permissions as readonly string[]).includes(route.permission));

          if (caller.kind === 'none' || !allowed) {
            const rowsBefore = await fingerprint(getDb());
            const callsBefore = gatewayCalls();
            const response = await send(route, caller);
            expect(response.statusCode, label).toBe(caller.kind === 'none' ? 401 : 403);
            expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
            expect(gatewayCalls(), `${label}: gateway called`).toBe(callsBefore);
            expect(await fingerprint(getDb()), `${label}: rows written`).toEqual(rowsBefore);
            continue;
          }

          if (caller.kind === 'other-tenant') {
            const rowsBefore = await fingerprint(getDb(), 'tenant-a');
            const callsBefore = gatewayCalls('tenant-a');
            const response = await send(route, caller);
            expect(response.statusCode, label).toBeLessThan(500);
            expect([401, 403], label).not.toContain(response.statusCode);
            if (isResourceScoped(route.url)) {
              expect(route.body === undefined ? [404] : [400, 404], `${label}: ${response.body}`).toContain(
                response.statusCode,
              );
            } else {
              for (const marker of [...tenantAMarkers, installmentId])
                expect(response.body, `${label} reveals ${marker}`).not.toContain(marker);
            }
            expect(gatewayCalls('tenant-a'), `${label}: tenant A's journey reached`).toBe(callsBefore);
            expect(await fingerprint(getDb(), 'tenant-a'), `${label}: tenant A's rows changed`).toEqual(rowsBefore);
            continue;
          }

          const response = await send(route, caller);
          expect([401, 403], `${label}: ${response.body}`).not.toContain(response.statusCode);
          expect(response.statusCode, `${label}: ${response.body}`).toBeLessThan(500);
        }
      });
    }
  },
);
