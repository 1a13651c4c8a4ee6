/**
 * CONTRACT (issue 14): inviting a person to collaborate. The Collaboration Center page and
 * `POST /v1/collaborators` (with an email) call `send` after writing the collaborator row
 * (email set, `invited_at` now, `accepted_at` null = pending); the sign-in work implements it
 * (a single-use `invite` link in `sign_in_links`, emailed through the email channel's sender,
 * printed by `npm run dev`). Accepting the link signs the person in (creating their user on
 * first sight) and sets the collaborator's `user_id` and `accepted_at`.
 */
export interface InvitationRequest {
  tenantId: string;
  collaboratorId: string;
  /** Lower-case. Personal data: never logged. */
  email: string;
  name: string;
  /** Who invited (the owner's user id or key id), for the email's wording and the audit. */
  invitedBy: string;
}

export interface Invitations {
  /** Sends (again) the invite; a new link replaces any earlier one still unused. */
  send(request: InvitationRequest): Promise<void>;
}
