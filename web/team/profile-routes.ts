/** `/app/team/profiles`: the profiles, a new one, and one to edit (or view, when built in). */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  type ProfileSummary,
  changeProfile,
  collaboratorsPerProfile,
  createProfile,
  removeProfile,
  tenantProfile,
  tenantProfiles,
} from '../../application/access';
import type { SellerRouteDeps } from '../seller/context';
import { renderSellerPage } from '../seller/render';
import type { TeamActionError } from './copy';
import {
  type FieldErrors,
  type FormValues,
  pageRefusal,
  parseProfileCreate,
  parseProfileEdit,
  shownOnForm,
} from './forms';
import { errorMessages, permissionChoices, profileFormValues, profileRows, TEAM_PATH, teamFrame } from './pages';
import { OWNER_ONLY, accessDeps, listFrame, param, redirectDone, sellerCaller } from './route-kit';

const PROFILES = `${TEAM_PATH}/profiles`;

const routes: FastifyPluginAsync<SellerRouteDeps> = async (app, options) => {
  const { db } = options;
  const deps = accessDeps(options);

  async function listPage(request: FastifyRequest, reply: FastifyReply, alert?: TeamActionError, status = 200) {
    const { tenantId } = request.seller.principal;
    const frame = listFrame(request, 'profiles', { alert });
    const [profiles, usedBy] = await Promise.all([tenantProfiles(db, tenantId), collaboratorsPerProfile(db, tenantId)]);
    return renderSellerPage(
      reply,
      'team-profiles',
      { ...frame, rows: profileRows(frame.t, profiles, usedBy), newHref: `${PROFILES}/new` },
      status,
    );
  }

  /** The form of a new profile (`profile` null) or of an existing one. */
  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { profile: ProfileSummary | null; values: FormValues; errors?: FieldErrors; alert?: TeamActionError },
    status = 200,
  ) {
    const { profile, values, errors = {} } = form;
    const frame = teamFrame(request.seller, 'profiles', { alert: form.alert });
    const t = frame.t;
    const usedBy = profile
      ? ((await collaboratorsPerProfile(db, request.seller.principal.tenantId)).get(profile.id) ?? 0)
      : 0;
    const self = profile ? `${PROFILES}/${encodeURIComponent(profile.id)}` : PROFILES;
    return renderSellerPage(
      reply,
      'team-profile',
      {
        ...frame,
        title: profile ? profile.name : t.profiles.newTitle,
        isNew: profile === null,
        readOnly: profile?.builtIn ?? false,
        action: self,
        deleteAction: profile && !profile.builtIn ? `${self}/delete` : null,
        appliesTo: profile ? t.profiles.appliesTo({ n: usedBy }) : null,
        values: { id: String(values.id ?? ''), name: String(values.name ?? '') },
        permissions: permissionChoices(t, [values.permissions ?? []].flat()),
        errors: errorMessages(t, errors),
        backHref: PROFILES,
      },
      status,
    );
  }

  app.get(PROFILES, { config: OWNER_ONLY }, (request, reply) => listPage(request, reply));

  app.get(`${PROFILES}/new`, { config: OWNER_ONLY }, (request, reply) =>
    formPage(request, reply, { profile: null, values: { permissions: [] } }),
  );

  app.post(PROFILES, { config: OWNER_ONLY }, async (request, reply) => {
    const parsed = parseProfileCreate(request.body);
    if (!parsed.ok) return formPage(request, reply, { profile: null, ...parsed }, 422);
    const result = await createProfile(deps, sellerCaller(request), parsed.input);
    if (result.kind === 'done') return redirectDone(reply, 'profiles', 'profile_created');
    const refused = pageRefusal(result);
    return formPage(request, reply, { profile: null, values: parsed.input, ...shownOnForm(refused) }, refused.status);
  });

  app.get(`${PROFILES}/:profileId`, { config: OWNER_ONLY }, async (request, reply) => {
    const profile = await tenantProfile(db, request.seller.principal.tenantId, param(request, 'profileId'));
    if (!profile) return listPage(request, reply, 'not_found', 404);
    return formPage(request, reply, { profile, values: profileFormValues(profile) });
  });

  app.post(`${PROFILES}/:profileId`, { config: OWNER_ONLY }, async (request, reply) => {
    const profile = await tenantProfile(db, request.seller.principal.tenantId, param(request, 'profileId'));
    if (!profile) return listPage(request, reply, 'not_found', 404);
    const parsed = parseProfileEdit(request.body);
    if (!parsed.ok) return formPage(request, reply, { profile, ...parsed }, 422);
    const result = await changeProfile(deps, sellerCaller(request), profile.id, parsed.input);
    if (result.kind === 'done') return redirectDone(reply, 'profiles', 'profile_updated');
    const refused = pageRefusal(result);
    return formPage(
      request,
      reply,
      { profile, values: profileFormValues(profile), ...shownOnForm(refused) },
      refused.status,
    );
  });

  app.post(`${PROFILES}/:profileId/delete`, { config: OWNER_ONLY }, async (request, reply) => {
    const profileId = param(request, 'profileId');
    const result = await removeProfile(deps, sellerCaller(request), profileId);
    if (result.kind === 'done') return redirectDone(reply, 'profiles', 'profile_deleted');
    const refused = pageRefusal(result);
    const shown = shownOnForm(refused);
    const profile = await tenantProfile(db, request.seller.principal.tenantId, profileId);
    if (!profile) return listPage(request, reply, shown.alert, refused.status);
    return formPage(request, reply, { profile, values: profileFormValues(profile), ...shown }, refused.status);
  });
};

export default routes;
