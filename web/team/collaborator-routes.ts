/**
 * `/app/team/collaborators`: who acts for the account and through which profile; add (a person
 * with an email is invited), move to another profile, remove, send an invite again.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AccessResult,
  InviteNotSent,
  addCollaborator,
  changeCollaborator,
  collaboratorStatus,
  resendInvite,
  tenantCollaborators,
  tenantProfiles,
} from '../../application/access';
import type { SellerRouteDeps } from '../seller/context';
import { renderSellerPage } from '../seller/render';
import type { TeamNotice } from './copy';
import { pageRefusal, parseCollaboratorAdd, parseProfileChoice, shownOnForm } from './forms';
import { TEAM_PATH, collaboratorRows, errorMessages } from './pages';
import { type FormState, OWNER_ONLY, accessDeps, listFrame, param, redirectDone, sellerCaller } from './route-kit';

const COLLABORATORS = `${TEAM_PATH}/collaborators`;

const routes: FastifyPluginAsync<SellerRouteDeps> = async (app, options) => {
  const { db } = options;
  const deps = accessDeps(options);

  async function page(request: FastifyRequest, reply: FastifyReply, form: FormState = {}, status = 200) {
    const { seller } = request;
    const frame = listFrame(request, 'collaborators', form);
    const [collaborators, profiles] = await Promise.all([
      tenantCollaborators(db, seller.principal.tenantId),
      tenantProfiles(db, seller.principal.tenantId),
    ]);
    const profileNames = new Map(profiles.map((p) => [p.id, p.name]));
    const rows = collaborators.map((c) => ({ ...c, status: collaboratorStatus(c) }));
    const values = form.values ?? {};
    return renderSellerPage(
      reply,
      'team-collaborators',
      {
        ...frame,
        rows: collaboratorRows(frame.t, seller.locale, rows, profileNames),
        profiles: profiles.map((p) => ({ id: p.id, name: p.name })),
        addAction: COLLABORATORS,
        values: {
          name: String(values.name ?? ''),
          email: String(values.email ?? ''),
          profileId: String(values.profileId ?? ''),
        },
        errors: errorMessages(frame.t, form.errors ?? {}),
      },
      status,
    );
  }

  /** A row's action done, or the list again with what the rules refused. */
  function answer(request: FastifyRequest, reply: FastifyReply, result: AccessResult<unknown>, notice: TeamNotice) {
    if (result.kind === 'done') return redirectDone(reply, 'collaborators', notice);
    const refused = pageRefusal(result);
    return page(request, reply, { alert: shownOnForm(refused).alert ?? 'not_found' }, refused.status);
  }

  app.get(COLLABORATORS, { config: OWNER_ONLY }, (request, reply) => page(request, reply));

  app.post(COLLABORATORS, { config: OWNER_ONLY }, async (request, reply) => {
    const parsed = parseCollaboratorAdd(request.body);
    if (!parsed.ok) return page(request, reply, parsed, 422);
    const result = await addCollaborator(deps, sellerCaller(request), parsed.input).catch((error: unknown) => {
      if (error instanceof InviteNotSent) return null;
      throw error;
    });
    if (result === null) return redirectDone(reply, 'collaborators', 'collaborator_invite_failed');
    if (result.kind === 'done')
      return redirectDone(reply, 'collaborators', parsed.input.email ? 'collaborator_invited' : 'collaborator_added');
    const refused = pageRefusal(result);
    return page(request, reply, { values: parsed.input, ...shownOnForm(refused) }, refused.status);
  });

  const id = (request: FastifyRequest) => param(request, 'collaboratorId');

  app.post(`${COLLABORATORS}/:collaboratorId/profile`, { config: OWNER_ONLY }, async (request, reply) => {
    const profileId = parseProfileChoice(request.body);
    const result = await changeCollaborator(deps, sellerCaller(request), id(request), { profileId });
    return answer(request, reply, result, 'collaborator_moved');
  });

  app.post(`${COLLABORATORS}/:collaboratorId/remove`, { config: OWNER_ONLY }, async (request, reply) => {
    const result = await changeCollaborator(deps, sellerCaller(request), id(request), { disabled: true });
    return answer(request, reply, result, 'collaborator_removed');
  });

  app.post(`${COLLABORATORS}/:collaboratorId/resend-invite`, { config: OWNER_ONLY }, async (request, reply) => {
    const result = await resendInvite(deps, sellerCaller(request), id(request));
    return answer(request, reply, result, 'invite_resent');
  });
};

export default routes;
