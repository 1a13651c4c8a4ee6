/** `/v1/tenant`: the tenant of the key, for its owner (its default policy: see routes/policies.ts). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findTenant, updateTenant } from '../../db/access-repository';
import { DEFAULT_POLICY_ID } from '../../domain/policy';
import { auditWrite } from '../audit';
import { errorResponses } from '../problem';
import type { RouteDeps } from '../route-deps';
import { accessTags, iso, ownerOnlyConfig, recorded, tenantPatch, tenantView } from '../schemas/access';

const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  const tenantOut = (tenantId: string, row: Awaited<ReturnType<typeof findTenant>>) => ({
    id: tenantId,
    name: row?.name ?? tenantId,
    defaultPolicyId: row?.defaultPolicyId ?? DEFAULT_POLICY_ID,
    buyerArea: {
      checkoutUrlTemplate: row?.checkoutUrlTemplate ?? null,
      paymentMethodUrlTemplate: row?.paymentMethodUrlTemplate ?? null,
    },
    notificationEmail: row?.notificationEmail ?? null,
    createdAt: iso(row?.createdAt ?? null),
  });

  app.get(
    '/v1/tenant',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'getTenant',
        tags: accessTags,
        summary: 'The tenant of this key (owner only)',
        response: { 200: tenantView, ...errorResponses },
      },
    },
    async (request) => tenantOut(request.principal.tenantId, await findTenant(db, request.principal.tenantId)),
  );

  app.patch(
    '/v1/tenant',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'updateTenant',
        tags: accessTags,
        summary:
          "Rename the tenant, set the buyer area's links to the payment system or the seller's notification email (owner only); the default policy is set with PUT /v1/tenant/default-policy",
        body: tenantPatch,
        response: { 200: tenantView.extend(recorded), ...errorResponses },
      },
    },
    async (request) => {
      const { tenantId } = request.principal;
      const { name, buyerArea, notificationEmail } = request.body;
      const changes = {
        ...(name !== undefined && { name }),
        ...(buyerArea?.checkoutUrlTemplate !== undefined && { checkoutUrlTemplate: buyerArea.checkoutUrlTemplate }),
        ...(buyerArea?.paymentMethodUrlTemplate !== undefined && {
          paymentMethodUrlTemplate: buyerArea.paymentMethodUrlTemplate,
        }),
        ...(notificationEmail !== undefined && { notificationEmail }),
      };
      const row = await updateTenant(db, tenantId, changes);
      return {
        ...tenantOut(tenantId, row),
        recordedBy: await auditWrite(db, request, 'tenant.updated', { tenantId, fields: Object.keys(changes) }),
      };
    },
  );
};

export default routes;
