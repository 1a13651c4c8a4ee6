/**
 * What each Collaboration Center page shows, worded in the signed-in person's locale: data in,
 * page object out (no I/O). Templates (web/templates/team-*.eta) only lay it out.
 */
import type { CollaboratorStatus, ProfileSummary } from '../../application/access';
import type { ApiKeyRow, CollaboratorRow } from '../../db/access-repository';
import type { AuditRow } from '../../db/audit-repository';
import type { Locale } from '../../domain/locales';
import { PERMISSIONS, isPermission } from '../../domain/permissions';
import type { SellerContext } from '../seller/context';
import type { SellerPage } from '../seller/render';
import { AUDIT_ACTIONS, type AuditAction, TEAM_COPY, TEAM_NOTICES, type TeamCopy, type TeamNotice } from './copy';
import type { FieldErrors, FormValues } from './forms';

export const TEAM_PATH = '/app/team';
const SECTIONS = ['profiles', 'collaborators', 'keys', 'audit'] as const;
export type TeamSection = (typeof SECTIONS)[number];

export interface TeamPage extends SellerPage {
  t: TeamCopy;
  nav: { href: string; label: string; current: boolean }[];
  /** A success after a redirect (`?notice=`). */
  notice?: string | undefined;
  /** An action the rules refused, shown as an alert. */
  alert?: string | undefined;
}

export function formatInstant(at: Date, locale: Locale): string {
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(at)} UTC`;
}

function isNotice(value: unknown): value is TeamNotice {
  return typeof value === 'string' && (TEAM_NOTICES as readonly string[]).includes(value);
}

/** The frame every team page shares: its title, the section navigation and the notice or alert. */
export function teamFrame(
  seller: SellerContext,
  section: TeamSection,
  options: { title?: string; notice?: unknown; alert?: keyof TeamCopy['actionErrors'] | undefined } = {},
): TeamPage {
  const t = TEAM_COPY[seller.locale];
  return {
    title: options.title ?? t.nav[section],
    t,
    nav: SECTIONS.map((s) => ({ href: `${TEAM_PATH}/${s}`, label: t.nav[s], current: s === section })),
    notice: isNotice(options.notice) ? t.notices[options.notice] : undefined,
    alert: options.alert && t.actionErrors[options.alert],
  };
}

/** Each field's error message, worded. */
export function errorMessages(t: TeamCopy, errors: FieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, error]) => [field, t.fieldErrors[error!]]));
}

export function profileRows(t: TeamCopy, profiles: ProfileSummary[], usedBy: Map<string, number>) {
  return profiles.map((p) => ({
    id: p.id,
    name: p.name,
    kind: p.builtIn ? t.profiles.builtIn : t.profiles.custom,
    permissions: p.permissions.filter(isPermission).map((permission) => t.permissions[permission]),
    usedBy: t.profiles.usedBy({ n: usedBy.get(p.id) ?? 0 }),
    href: `${TEAM_PATH}/profiles/${encodeURIComponent(p.id)}`,
    linkLabel: p.builtIn ? t.profiles.view : t.profiles.edit,
  }));
}

/** The permission checkboxes, each with what it lets a collaborator do. */
export function permissionChoices(t: TeamCopy, chosen: readonly string[]) {
  return PERMISSIONS.map((permission) => ({
    value: permission,
    id: `permission-${permission.replace(/[^a-z]/g, '-')}`,
    label: t.permissions[permission],
    checked: chosen.includes(permission),
  }));
}

export function profileFormValues(profile: ProfileSummary): FormValues {
  return { id: profile.id, name: profile.name, permissions: profile.permissions };
}

const STATUS_ORDER: Record<CollaboratorStatus, number> = { pending: 0, active: 1, disabled: 2 };

export function collaboratorRows(
  t: TeamCopy,
  locale: Locale,
  collaborators: (CollaboratorRow & { status: CollaboratorStatus })[],
  profileNames: Map<string, string>,
) {
  const path = (c: CollaboratorRow, action: string) =>
    `${TEAM_PATH}/collaborators/${encodeURIComponent(c.id)}/${action}`;
  return [...collaborators]
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status])
    .map((c) => ({
      id: c.id,
      name: c.name,
      email: c.email ?? t.collaborators.system,
      status: c.status,
      statusLabel: t.collaborators.statuses[c.status],
      invitedOn:
        c.status === 'pending' && c.invitedAt
          ? t.collaborators.invitedOn({ date: formatInstant(c.invitedAt, locale) })
          : null,
      profileId: c.profileId,
      profileName: profileNames.get(c.profileId) ?? c.profileId,
      moveLabel: t.collaborators.move({ name: c.name }),
      moveAction: c.status === 'disabled' ? null : path(c, 'profile'),
      removeAction: c.status === 'disabled' ? null : path(c, 'remove'),
      resendAction: c.status === 'pending' ? path(c, 'resend-invite') : null,
    }));
}

export function keyRows(t: TeamCopy, locale: Locale, keys: ApiKeyRow[], collaboratorNames: Map<string, string>) {
  return [...keys].reverse().map((k) => ({
    name: k.name,
    prefix: `${k.prefix}…`,
    holder: k.collaboratorId === null ? t.keys.owner : (collaboratorNames.get(k.collaboratorId) ?? k.collaboratorId),
    lastUsed: k.lastUsedAt ? formatInstant(k.lastUsedAt, locale) : t.keys.never,
    state: k.revokedAt ? t.keys.revokedOn({ date: formatInstant(k.revokedAt, locale) }) : t.keys.active,
    revokeAction: k.revokedAt ? null : `${TEAM_PATH}/keys/${encodeURIComponent(k.id)}/revoke`,
  }));
}

function isAuditAction(action: string): action is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(action);
}

/** The ids a write concerned, as "profileId: night-shift" (targets hold ids, never personal data). */
function targetDetails(target: Record<string, unknown>): string {
  return Object.entries(target)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v) || Array.isArray(v))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ');
}

/** The log's lines: who as the collaborator's name (or "owner"), never an email. */
export function auditRows(t: TeamCopy, locale: Locale, rows: AuditRow[], collaboratorNames: Map<string, string>) {
  return rows.map((row) => ({
    when: formatInstant(row.at, locale),
    who: row.actor.collaboratorId
      ? (collaboratorNames.get(row.actor.collaboratorId) ?? t.audit.unknownCollaborator)
      : t.audit.owner,
    what: isAuditAction(row.action) ? t.audit.actions[row.action] : row.action,
    details: targetDetails(row.target),
  }));
}
