/** What every Collaboration Center route shares: the use cases' dependencies, the caller, the redirects. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessDeps, Caller } from '../../application/access';
import { externalIdSchema } from '../../domain/installment';
import { logAudit } from '../../application/audit';
import type { SellerRouteDeps } from '../seller/context';
import type { TeamActionError, TeamNotice } from './copy';
import type { FieldErrors, FormValues } from './forms';
import { TEAM_PATH, type TeamPage, type TeamSection, teamFrame } from './pages';

/** Only the owner manages who may act for the account: no profile reaches these pages. */
export const OWNER_ONLY = { ownerOnly: true } as const;

export function accessDeps({ db, invitations, now }: SellerRouteDeps): AccessDeps {
  return { db, invitations, now: () => new Date(now()) };
}

/** The signed-in person, as the author of what they change. */
export function sellerCaller(request: FastifyRequest): Caller {
  return { principal: request.seller.principal, echo: logAudit(request.log) };
}

/** Post/Redirect/Get: a done form sends the browser to the section's list, which says what happened. */
export function redirectDone(reply: FastifyReply, section: TeamSection, notice: TeamNotice): FastifyReply {
  return reply.redirect(`${TEAM_PATH}/${section}?notice=${notice}`, 303);
}

/**
 * A profile, collaborator or key id from the path, or '' (which finds nothing: a 404 page) when
 * it cannot be one of ours: nothing a browser sends reaches a query as an unreadable id.
 */
export function param(request: FastifyRequest, name: string): string {
  const id = externalIdSchema.safeParse((request.params as Record<string, unknown>)[name]);
  return id.success ? id.data : '';
}
export const queryValue = (request: FastifyRequest, name: string): unknown =>
  (request.query as Record<string, unknown> | undefined)?.[name];

/** A list page's form as it is shown again: what was typed, what was refused. */
export interface FormState {
  values?: FormValues;
  errors?: FieldErrors;
  alert?: TeamActionError | undefined;
}

/** A section's list page frame: the notice after a redirect, or the alert of a refused action. */
export function listFrame(request: FastifyRequest, section: TeamSection, form: FormState = {}): TeamPage {
  return teamFrame(request.seller, section, { notice: queryValue(request, 'notice'), alert: form.alert });
}
