/**
 * The Collaboration Center's routes in a small app, as the seller scope will run them: a test
 * hook stands in for the session (it sets `request.seller` for the owner of tenant `team-a`, or
 * for a collaborator when the request says `x-test-collaborator: <profile id>`), the same
 * authorization rule checks each route's config, and invites go to a recording fake.
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Invitations } from '../../application/invitations';
import { ALL_PERMISSIONS, type Principal } from '../../application/key-stores';
import type { Reports } from '../../application/reports';
import type { Database } from '../../db/client';
import { BUILT_IN_PROFILES, type BuiltInProfileId, refusal } from '../../domain/permissions';
import { chooseLocale } from '../../web/locale-choice';
import team from '../../web/routes/team';
import type { SellerContext } from '../../web/seller/context';
import { RecordingInvitations } from '../support/invitations';
import { pagesApp } from './fixtures';

export const TEAM_TENANT = 'team-a';
export const OWNER_USER = 'usr_owner0000000001';
export const CSRF = 'csrf-test-token';

function principalFor(collaboratorProfile: string | undefined): Principal {
  if (collaboratorProfile === undefined)
    return {
      tenantId: TEAM_TENANT,
      keyId: OWNER_USER,
      userId: OWNER_USER,
      role: 'owner',
      permissions: ALL_PERMISSIONS,
    };
  const profile = BUILT_IN_PROFILES[collaboratorProfile as BuiltInProfileId];
  return {
    tenantId: TEAM_TENANT,
    keyId: 'usr_collab000000001',
    userId: 'usr_collab000000001',
    role: 'collaborator',
    collaboratorId: 'col_test',
    profileId: collaboratorProfile,
    permissions: new Set(profile?.permissions ?? []),
  };
}

export interface TeamHarness {
  app: FastifyInstance;
  invitations: RecordingInvitations;
  /** A page request as the owner (or as a collaborator with `collaborator: <profile id>`). */
  call(options: InjectOptions & { collaborator?: string }): Promise<LightMyRequestResponse>;
  /** A form posted as the owner: urlencoded, with the CSRF token. */
  post(
    url: string,
    fields?: Record<string, string | string[]>,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

export async function startTeamPages(db: Database, options: { invitations?: boolean } = {}): Promise<TeamHarness> {
  const invitations = new RecordingInvitations();
  const app = await pagesApp((a) => {
    void a.register(async (scope) => {
      await scope.register(formbody);
      await scope.register(cookie);
      scope.decorateRequest('seller', null as unknown as SellerContext);
      scope.addHook('onRequest', async (request) => {
        const collaborator = request.headers['x-test-collaborator'];
        const principal = principalFor(typeof collaborator === 'string' ? collaborator : undefined);
        const lang = (request.query as Record<string, unknown> | undefined)?.lang;
        request.seller = {
          user: { id: principal.keyId, email: 'owner@example.com', name: 'Olivia Owner' },
          accounts: [{ tenantId: TEAM_TENANT, tenantName: 'Estúdio Luz', role: principal.role }],
          principal,
          tenantName: 'Estúdio Luz',
          csrfToken: CSRF,
          locale: chooseLocale({ lang, acceptLanguage: request.headers['accept-language'] }),
        };
      });
      scope.addHook('preHandler', async (request, reply) => {
        if (refusal(request.seller.principal, request.routeOptions.config)) return reply.code(403).send('forbidden');
      });
      await scope.register(team, {
        db,
        reports: {} as Reports,
        invitations: options.invitations === false ? (undefined as unknown as Invitations) : invitations,
        now: () => Date.now(),
        temporalUi: null,
      });
    });
  });
  const call: TeamHarness['call'] = ({ collaborator, headers, ...rest }) =>
    app.inject({ ...rest, headers: { ...headers, ...(collaborator && { 'x-test-collaborator': collaborator }) } });
  return {
    app,
    invitations,
    call,
    post: (url, fields = {}, headers = {}) => {
      const body = new URLSearchParams();
      body.append('_csrf', CSRF);
      for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
      return app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: body.toString(),
      });
    },
  };
}
