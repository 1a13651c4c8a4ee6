/**
 * `/app/team/keys`: the account's API keys; create one (its secret shown once) and revoke.
 *
 * The secret is shown once and a reload must not show it (nor create another key): the POST
 * hands it to the answer page in a cookie that only that page's path receives, for a few
 * minutes, and the page clears it as it shows it (Post/Redirect/Get). The secret is never
 * stored on our side, nor put in a URL.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { createKey, revokeKey, tenantCollaborators, tenantKeys } from '../../application/access';
import type { SellerRouteDeps } from '../seller/context';
import { renderSellerPage } from '../seller/render';
import { pageRefusal, parseKeyCreate, shownOnForm } from './forms';
import { TEAM_PATH, errorMessages, keyRows, teamFrame } from './pages';
import { type FormState, OWNER_ONLY, accessDeps, listFrame, param, redirectDone, sellerCaller } from './route-kit';

const KEYS = `${TEAM_PATH}/keys`;
const CREATED = `${KEYS}/created`;
const SECRET_COOKIE = 'team_new_key';

function handOver(reply: FastifyReply, secret: string | null, secure: boolean): FastifyReply {
  // Secure only on https, as the session cookie: over plain http a browser would drop it and never show the secret.
  return reply.setCookie(SECRET_COOKIE, secret ?? '', {
    path: CREATED,
    maxAge: secret === null ? 0 : 300,
    httpOnly: true,
    secure,
    sameSite: 'strict',
  });
}

function handedOver(request: FastifyRequest): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === SECRET_COOKIE && value && /^[A-Za-z0-9_-]{1,200}$/.test(value)) return value;
  }
  return null;
}

const routes: FastifyPluginAsync<SellerRouteDeps> = async (app, options) => {
  const { db } = options;
  const deps = accessDeps(options);
  const secure = options.secureCookies ?? true;

  async function page(request: FastifyRequest, reply: FastifyReply, form: FormState = {}, status = 200) {
    const { seller } = request;
    const frame = listFrame(request, 'keys', form);
    const [keys, collaborators] = await Promise.all([
      tenantKeys(db, seller.principal.tenantId),
      tenantCollaborators(db, seller.principal.tenantId),
    ]);
    const names = new Map(collaborators.map((c) => [c.id, c.name]));
    return renderSellerPage(
      reply,
      'team-keys',
      {
        ...frame,
        rows: keyRows(frame.t, seller.locale, keys, names),
        holders: collaborators.filter((c) => c.disabledAt === null).map((c) => ({ id: c.id, name: c.name })),
        createAction: KEYS,
        values: { name: String(form.values?.name ?? ''), collaboratorId: String(form.values?.collaboratorId ?? '') },
        errors: errorMessages(frame.t, form.errors ?? {}),
      },
      status,
    );
  }

  app.get(KEYS, { config: OWNER_ONLY }, (request, reply) => page(request, reply));

  app.post(KEYS, { config: OWNER_ONLY }, async (request, reply) => {
    const parsed = parseKeyCreate(request.body);
    if (!parsed.ok) return page(request, reply, parsed, 422);
    const result = await createKey(deps, sellerCaller(request), parsed.input);
    if (result.kind !== 'done') {
      const refused = pageRefusal(result);
      return page(request, reply, { values: parsed.input, ...shownOnForm(refused) }, refused.status);
    }
    return handOver(reply, result.value.secret, secure).redirect(CREATED, 303);
  });

  app.get(CREATED, { config: OWNER_ONLY }, async (request, reply) => {
    const secret = handedOver(request);
    if (secret === null) return reply.redirect(KEYS, 303);
    const frame = teamFrame(request.seller, 'keys');
    return renderSellerPage(handOver(reply, null, secure), 'team-key-created', {
      ...frame,
      title: frame.t.keys.createdTitle,
      secret,
      doneHref: KEYS,
    });
  });

  app.post(`${KEYS}/:keyId/revoke`, { config: OWNER_ONLY }, async (request, reply) => {
    const result = await revokeKey(deps, sellerCaller(request), param(request, 'keyId'));
    if (result.kind === 'done') return redirectDone(reply, 'keys', 'key_revoked');
    const refused = pageRefusal(result);
    return page(request, reply, shownOnForm(refused), refused.status);
  });
};

export default routes;
