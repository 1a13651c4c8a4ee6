/** How the API answers what the access rules refuse (application/access.ts). */
import type { AccessRefusal } from '../application/access';
import { type Problem, problem } from './problem';

/** `subject` is the id the request is about (the profile, collaborator or key), for the message. */
export function accessProblem(refusal: AccessRefusal, subject: string): Problem {
  const field = (status: number, slug: string, title: string, path: string, message: string) =>
    problem(status, slug, title, { errors: [{ in: 'body', path, message }] });
  switch (refusal.kind) {
    case 'profile_exists':
      return field(409, 'profile-exists', 'A profile with this id exists', 'id', `profile "${subject}" already exists`);
    case 'built_in_profile':
      return problem(409, 'built-in-profile', 'Built-in profiles cannot be changed', {
        detail: `profile "${subject}" is built in; create a custom profile instead`,
      });
    case 'profile_not_found':
      return problem(404, 'profile-not-found', 'No such profile', { detail: `profile ${subject}` });
    case 'profile_in_use':
      return problem(409, 'profile-in-use', 'Collaborators use this profile', {
        detail: 'Move its collaborators (enabled or disabled) to another profile first.',
        reason: 'profile_in_use',
      });
    case 'unknown_profile':
      return field(422, 'unknown-profile', 'Unknown profile', 'profileId', `no profile "${subject}" for this tenant`);
    case 'email_taken':
      return field(
        409,
        'collaborator-email-taken',
        'This person already has a seat in this account',
        refusal.field,
        refusal.field === 'email'
          ? 'a collaborator with this email is already invited or active'
          : 'another collaborator with the same email is active: remove it first',
      );
    case 'invitations_unavailable':
      return problem(503, 'invitations-unavailable', 'Invites cannot be sent by this installation', {
        detail: 'No email sender is configured for invites.',
      });
    case 'collaborator_not_found':
      return problem(404, 'collaborator-not-found', 'No such collaborator', { detail: `collaborator ${subject}` });
    case 'not_invitable':
      return problem(409, 'not-invitable', 'This collaborator has no pending invite', {
        detail: {
          no_email: 'The collaborator has no email: it only holds API keys.',
          accepted: 'The invite was accepted already.',
          disabled: 'The collaborator was removed: add them again to invite them.',
        }[refusal.reason],
        reason: refusal.reason,
      });
    case 'unknown_collaborator':
      return field(
        422,
        'unknown-collaborator',
        'Unknown collaborator',
        'collaboratorId',
        `no collaborator "${subject}" for this tenant`,
      );
    case 'collaborator_disabled':
      return field(
        409,
        'collaborator-disabled',
        'The collaborator is disabled',
        'collaboratorId',
        'enable the collaborator first',
      );
    case 'key_not_found':
      return problem(404, 'key-not-found', 'No such key', { detail: `key ${subject}` });
  }
}
