/**
 * "Accounts I assist": every tenant the person owns or collaborates with, and the switch of the
 * account in use (kept in the session), only ever to one of them.
 *
 *   GET  /app/accounts          the list
 *   POST /app/accounts/switch   tenantId → the overview of that account
 */
import type { FastifyPluginAsync } from 'fastify';
import { SELLER_COPY } from '../seller/copy';
import { answerNoAccount, answerRefused } from '../seller/messages';
import { renderSellerPage } from '../seller/render';
import { formField } from './sign-in';

const signedIn = { sessionAccess: 'signed_in' } as const;

const accountRoutes: FastifyPluginAsync = async (app) => {
  app.get('/app/accounts', { config: signedIn, schema: { hide: true } }, async (request, reply) => {
    const seller = request.seller;
    if (!seller) return answerNoAccount(reply, reply.generateCsrf());
    const copy = SELLER_COPY[seller.locale].accounts;
    return renderSellerPage(reply, 'accounts', {
      title: copy.title,
      heading: copy.title,
      currentLabel: copy.current,
      useLabel: copy.use,
      accounts: seller.accounts.map((account) => ({
        tenantId: account.tenantId,
        name: account.tenantName,
        role: account.role === 'owner' ? copy.owner : copy.collaborator({ profile: account.profileName ?? '' }),
        current: account.tenantId === seller.principal.tenantId,
      })),
    });
  });

  app.post('/app/accounts/switch', { config: signedIn, schema: { hide: true } }, async (request, reply) => {
    const seller = request.seller;
    if (!seller) return answerNoAccount(reply, reply.generateCsrf());
    const tenantId = formField(request, 'tenantId');
    if (!seller.accounts.some((a) => a.tenantId === tenantId)) return answerRefused(reply, 'not_your_account');
    request.session.tenantId = tenantId;
    return reply.redirect('/app/overview', 303);
  });
};

export default accountRoutes;
