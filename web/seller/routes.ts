/**
 * The seller app's page routes beside sign-in and accounts: the panel's and the Collaboration
 * Center's plugins join this list, and every entry point and test gets them from here (so the
 * pages' authorization matrix covers a route the moment it is listed).
 */
import type { FastifyPluginAsync } from 'fastify';
import experimentRoutes from '../routes/experiments';
import panelRoutes from '../routes/panel';
import teamRoutes from '../routes/team';
import type { SellerRouteDeps } from './context';

export const SELLER_PAGE_ROUTES: readonly FastifyPluginAsync<SellerRouteDeps>[] = [
  panelRoutes,
  experimentRoutes,
  teamRoutes,
];
