/** `/app/team/audit`: the account's audit log, the newest first, a page at a time. */
import type { FastifyPluginAsync } from 'fastify';
import { auditPage, decodeAuditCursor, tenantCollaborators } from '../../application/access';
import type { SellerRouteDeps } from '../seller/context';
import { renderSellerPage } from '../seller/render';
import { TEAM_PATH, auditRows, teamFrame } from './pages';
import { OWNER_ONLY, queryValue } from './route-kit';

const AUDIT = `${TEAM_PATH}/audit`;
export const AUDIT_PAGE_SIZE = 50;

const routes: FastifyPluginAsync<SellerRouteDeps> = async (app, { db }) => {
  app.get(AUDIT, { config: OWNER_ONLY }, async (request, reply) => {
    const { seller } = request;
    const raw = queryValue(request, 'cursor');
    const after = typeof raw === 'string' ? decodeAuditCursor(raw) : undefined;
    // A cursor that is not one of ours shows the newest page, with a 400 saying it was ignored.
    const badCursor = raw !== undefined && !after;
    const frame = teamFrame(seller, 'audit');
    const [found, collaborators] = await Promise.all([
      auditPage(db, seller.principal.tenantId, { limit: AUDIT_PAGE_SIZE, after: after ?? undefined }),
      tenantCollaborators(db, seller.principal.tenantId),
    ]);
    const names = new Map(collaborators.map((c) => [c.id, c.name]));
    return renderSellerPage(
      reply,
      'team-audit',
      {
        ...frame,
        alert: badCursor ? frame.t.actionErrors.not_found : undefined,
        rows: auditRows(frame.t, seller.locale, found.items, names),
        olderHref: found.nextCursor ? `${AUDIT}?cursor=${encodeURIComponent(found.nextCursor)}` : null,
        newestHref: after ? AUDIT : null,
      },
      badCursor ? 400 : 200,
    );
  });
};

export default routes;
