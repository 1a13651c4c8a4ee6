import type { Permission } from '../../../domain/permissions';

/** What a Collaboration Center form can say went well, after its redirect (`?notice=`). */
export const TEAM_NOTICES = [
  'profile_created',
  'profile_updated',
  'profile_deleted',
  'collaborator_invited',
  'collaborator_invite_failed',
  'collaborator_added',
  'collaborator_moved',
  'collaborator_removed',
  'invite_resent',
  'key_revoked',
] as const;
export type TeamNotice = (typeof TEAM_NOTICES)[number];

/** The audit log's actions the pages word; another one is shown as recorded. */
export const AUDIT_ACTIONS = [
  'profile.created',
  'profile.updated',
  'profile.deleted',
  'collaborator.created',
  'collaborator.updated',
  'collaborator.invite_resent',
  'key.created',
  'key.revoked',
  'tenant.updated',
  'tenant.default_policy_set',
  'policy.created',
  'policy.versioned',
  'webhook_endpoint.created',
  'webhook_endpoint.updated',
  'webhook_endpoint.deleted',
  'webhook_endpoint.secret_rotated',
  'webhook_delivery.redelivered',
  'conversation.agent_replied',
  'agent_task.closed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What a form's field can be refused for, worded per locale. */
export type TeamFieldError =
  'name' | 'id' | 'id_taken' | 'email' | 'email_taken' | 'profile' | 'permissions' | 'holder' | 'holder_disabled';

/** What an action without a field can be refused for (shown as an alert on the page). */
export type TeamActionError =
  'profile_in_use' | 'built_in_profile' | 'not_found' | 'not_invitable' | 'invitations_unavailable' | 'email_taken';

/**
 * The words of the Collaboration Center in one locale. Sentences with values are functions of
 * exactly those values: a locale that forgets a key fails to compile.
 */
export interface TeamCopy {
  nav: { label: string; profiles: string; collaborators: string; keys: string; audit: string };
  notices: Record<TeamNotice, string>;
  fieldErrors: Record<TeamFieldError, string>;
  actionErrors: Record<TeamActionError, string>;
  /** What each permission lets a collaborator do, beside its checkbox. */
  permissions: Record<Permission, string>;
  /** The form's error summary heading. */
  errorSummary: string;
  required: string;
  profiles: {
    title: string;
    intro: string;
    name: string;
    permissions: string;
    kind: string;
    builtIn: string;
    custom: string;
    usedBy: (v: { n: number }) => string;
    edit: string;
    view: string;
    create: string;
    newTitle: string;
    id: string;
    idHint: string;
    save: string;
    delete: string;
    deleteHint: string;
    /** Above the checkboxes of an existing profile: a change reaches everyone at once. */
    appliesTo: (v: { n: number }) => string;
    readOnly: string;
    back: string;
  };
  collaborators: {
    title: string;
    intro: string;
    name: string;
    email: string;
    emailHint: string;
    profile: string;
    status: string;
    statuses: { pending: string; active: string; disabled: string };
    actions: string;
    none: string;
    add: string;
    addSubmit: string;
    move: (v: { name: string }) => string;
    moveSubmit: string;
    remove: string;
    resend: string;
    invitedOn: (v: { date: string }) => string;
    system: string;
  };
  keys: {
    title: string;
    intro: string;
    name: string;
    prefix: string;
    holder: string;
    owner: string;
    lastUsed: string;
    never: string;
    state: string;
    active: string;
    revokedOn: (v: { date: string }) => string;
    none: string;
    create: string;
    createSubmit: string;
    revoke: string;
    createdTitle: string;
    /** Shown with the secret, the only time it is shown. */
    secretWarning: string;
    secretLabel: string;
    done: string;
  };
  audit: {
    title: string;
    intro: string;
    when: string;
    who: string;
    what: string;
    details: string;
    owner: string;
    /** A collaborator removed since, or a key of a system that no longer exists. */
    unknownCollaborator: string;
    none: string;
    older: string;
    newest: string;
    actions: Record<AuditAction, string>;
  };
}
