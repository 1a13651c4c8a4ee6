/**
 * The Collaboration Center's forms: a posted form becomes the input of an access use case,
 * validated by the same schemas as the API's bodies (one rule for both), or the field errors to
 * show beside the form. Field names are the API's (`id`, `name`, `permissions`, `email`,
 * `profileId`, `collaboratorId`), so an error names the same field on both surfaces.
 */
import type { z } from 'zod';
import type { AccessRefusal } from '../../application/access';
import { externalIdSchema } from '../../domain/installment';
import { collaboratorCreate, keyCreate, profileCreate, profilePatch } from '../../api/schemas/access';
import type { TeamActionError, TeamFieldError } from './copy';

/** What a form's fields are refused for, by field name. */
export type FieldErrors = Partial<Record<string, TeamFieldError>>;
/** What the person typed, to show the form again as it was. */
export type FormValues = Record<string, string | string[]>;

export type Parsed<T> = { ok: true; input: T } | { ok: false; errors: FieldErrors; values: FormValues };

const FIELD_ERROR: Record<string, TeamFieldError> = {
  id: 'id',
  name: 'name',
  permissions: 'permissions',
  email: 'email',
  profileId: 'profile',
  collaboratorId: 'holder',
};

/** The posted fields we read: single values as strings, `permissions` (checkboxes) as a list. */
export function formValues(body: unknown, fields: readonly string[]): FormValues {
  const posted = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const values: FormValues = {};
  for (const field of fields) {
    const raw = posted[field];
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
      (v): v is string => typeof v === 'string',
    );
    values[field] = field === 'permissions' ? list : (list[0] ?? '').trim();
  }
  return values;
}

/** An empty optional field is absent, as in an API body that leaves it out. */
function withoutEmpty(values: FormValues): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
}

function parse<S extends z.ZodType>(schema: S, values: FormValues): Parsed<z.infer<S>> {
  const result = schema.safeParse(withoutEmpty(values));
  if (result.success) return { ok: true, input: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '');
    errors[field] ??= FIELD_ERROR[field] ?? 'name';
  }
  return { ok: false, errors, values };
}

export const parseProfileCreate = (body: unknown) =>
  parse(profileCreate, formValues(body, ['id', 'name', 'permissions']));
/** Every checkbox left unticked is a profile without permissions: the list is always sent. */
export const parseProfileEdit = (body: unknown) => parse(profilePatch, formValues(body, ['name', 'permissions']));
export const parseCollaboratorAdd = (body: unknown) =>
  parse(collaboratorCreate, formValues(body, ['name', 'email', 'profileId']));
export const parseKeyCreate = (body: unknown) => parse(keyCreate, formValues(body, ['name', 'collaboratorId']));
/** The profile chosen to move a collaborator to; '' (an unknown profile) when it cannot be an id. */
export function parseProfileChoice(body: unknown): string {
  const id = externalIdSchema.safeParse(formValues(body, ['profileId']).profileId);
  return id.success ? id.data : '';
}

/** How a refusal of the rules shows on the page: beside a field, or as an alert above the list. */
export type PageRefusal =
  { status: number; field: string; error: TeamFieldError } | { status: number; action: TeamActionError };

export function pageRefusal(refusal: AccessRefusal): PageRefusal {
  switch (refusal.kind) {
    case 'profile_exists':
      return { status: 409, field: 'id', error: 'id_taken' };
    case 'unknown_profile':
      return { status: 422, field: 'profileId', error: 'profile' };
    case 'email_taken':
      return refusal.field === 'email'
        ? { status: 409, field: 'email', error: 'email_taken' }
        : { status: 409, action: 'email_taken' };
    case 'unknown_collaborator':
      return { status: 422, field: 'collaboratorId', error: 'holder' };
    case 'collaborator_disabled':
      return { status: 409, field: 'collaboratorId', error: 'holder_disabled' };
    case 'built_in_profile':
      return { status: 409, action: 'built_in_profile' };
    case 'profile_in_use':
      return { status: 409, action: 'profile_in_use' };
    case 'not_invitable':
      return { status: 409, action: 'not_invitable' };
    case 'invitations_unavailable':
      return { status: 503, action: 'invitations_unavailable' };
    case 'profile_not_found':
    case 'collaborator_not_found':
    case 'key_not_found':
      return { status: 404, action: 'not_found' };
  }
}

/** A refusal as the form shows it: an error beside its field, or an alert. */
export function shownOnForm(refused: PageRefusal): { errors: FieldErrors; alert?: TeamActionError } {
  return 'field' in refused ? { errors: { [refused.field]: refused.error } } : { errors: {}, alert: refused.action };
}
