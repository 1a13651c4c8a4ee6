/**
 * The Collaboration Center (`/app/team/…`): profiles, collaborators, API keys and the audit log,
 * for the account's owner alone. Registered in the seller scope, which resolves `request.seller`
 * from the session, checks `config.ownerOnly` with the one authorization rule, checks every
 * form's `_csrf` and parses form bodies. Every change goes through application/access.ts, the
 * same use cases as the API's `/v1/profiles`, `/v1/collaborators`, `/v1/keys` and `/v1/audit-log`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { SellerRouteDeps } from '../seller/context';
import auditRoutes from '../team/audit-routes';
import collaboratorRoutes from '../team/collaborator-routes';
import keyRoutes from '../team/key-routes';
import profileRoutes from '../team/profile-routes';
import { TEAM_PATH } from '../team/pages';
import { OWNER_ONLY } from '../team/route-kit';

const team: FastifyPluginAsync<SellerRouteDeps> = async (app, deps) => {
  app.get(TEAM_PATH, { config: OWNER_ONLY }, (_request, reply) => reply.redirect(`${TEAM_PATH}/profiles`, 303));
  await app.register(profileRoutes, deps);
  await app.register(collaboratorRoutes, deps);
  await app.register(keyRoutes, deps);
  await app.register(auditRoutes, deps);
};

export default team;
