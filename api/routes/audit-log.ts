/** `/v1/audit-log`: who changed the tenant's access, policies and settings, the newest first (owner only). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditPage, decodeAuditCursor } from '../../application/access';
import { errorResponses, sendBadCursor } from '../problem';
import type { RouteDeps } from '../route-deps';
import { accessTags, auditEntryOut, auditEntryView, ownerOnlyConfig } from '../schemas/access';
import { pageQuery } from '../schemas/webhooks';

const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db }) => {
  app.get(
    '/v1/audit-log',
    {
      config: ownerOnlyConfig,
      schema: {
        operationId: 'listAuditLog',
        tags: accessTags,
        summary:
          'The tenant’s audit log, the newest first: every write to the tenant, its profiles, collaborators, keys, policies and webhook endpoints, with its author (owner only)',
        querystring: pageQuery,
        response: {
          200: z.object({
            items: z.array(auditEntryView),
            nextCursor: z.string().nullable().describe('null on the last page'),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : decodeAuditCursor(cursor);
      if (after === null) return sendBadCursor(reply);
      const page = await auditPage(db, request.principal.tenantId, { limit, after });
      return { items: page.items.map(auditEntryOut), nextCursor: page.nextCursor };
    },
  );
};

export default routes;
