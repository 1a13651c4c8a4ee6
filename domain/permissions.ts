/**
 * What a collaborator may do. A tenant's owner may do everything, and alone manages the
 * tenant, its profiles, collaborators and keys; a collaborator acts through a profile, a named
 * set of these permissions.
 */
export const PERMISSIONS = [
  'journeys:start',
  'journeys:read',
  'payments:write',
  'due-dates:change',
  'journeys:pause',
  'journeys:cancel',
  'contacts:write',
  'reports:read',
  'policies:write',
  'purchases:write',
  'purchases:read',
  /** Read buyers' conversations with the assistant and the agent tasks. */
  'conversations:read',
  /** Reply to a buyer as a person (after a handoff) and close agent tasks. */
  'conversations:write',
  /** See the tenant's webhook endpoints and their delivery log. */
  'webhooks:read',
  /** Add, change and remove webhook endpoints, rotate their secrets, redeliver events. */
  'webhooks:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface ProfileDefinition {
  name: string;
  permissions: readonly Permission[];
}

/** Profiles every tenant has from the start; owners add their own. */
export const BUILT_IN_PROFILES = {
  payment_system: {
    name: 'Payment system',
    permissions: [
      'journeys:start',
      'journeys:read',
      'payments:write',
      'journeys:cancel',
      'contacts:write',
      'purchases:write',
      'purchases:read',
    ],
  },
  support_agent: {
    name: 'Support agent',
    permissions: [
      'journeys:read',
      'due-dates:change',
      'journeys:pause',
      'contacts:write',
      'purchases:read',
      'conversations:read',
      'conversations:write',
    ],
  },
  collections_manager: {
    name: 'Collections manager',
    permissions: [
      'journeys:read',
      'due-dates:change',
      'journeys:pause',
      'journeys:cancel',
      'contacts:write',
      'reports:read',
      'policies:write',
      'purchases:read',
      'conversations:read',
      'conversations:write',
    ],
  },
  analyst: {
    name: 'Analyst',
    permissions: ['journeys:read', 'reports:read', 'purchases:read'],
  },
} as const satisfies Record<string, ProfileDefinition>;
export type BuiltInProfileId = keyof typeof BUILT_IN_PROFILES;

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/** What a route or a page asks of whoever calls it. Every one declares a permission or `ownerOnly`. */
export interface AccessRule {
  permission?: Permission | undefined;
  ownerOnly?: boolean | undefined;
}

/** Why a caller is refused; `null` from `refusal` means allowed. */
export type Refusal =
  | { reason: 'owner_only' }
  | { reason: 'missing_permission'; permission: Permission }
  /** The route declares neither: fail closed. */
  | { reason: 'undeclared' };

/**
 * The one authorization rule, for API keys and signed-in people alike: the owner may do
 * everything; a collaborator only what their profile holds, never owner-only things.
 */
export function refusal(
  caller: { role: 'owner' | 'collaborator'; permissions: ReadonlySet<Permission> },
  rule: AccessRule,
): Refusal | null {
  if (rule.ownerOnly) return caller.role === 'owner' ? null : { reason: 'owner_only' };
  if (rule.permission)
    return caller.permissions.has(rule.permission)
      ? null
      : { reason: 'missing_permission', permission: rule.permission };
  return { reason: 'undeclared' };
}
