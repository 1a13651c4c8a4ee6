/**
 * Passwordless sign-in to the seller app, and collaborators' invites. A link is 32 random bytes
 * (base64url) of which only the SHA-256 digest is stored; it works once. Whether an address is
 * known never shows: the caller answers the same whatever `requestSignInLink` did.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/client';
import {
  acceptSeat,
  addTenantOwner,
  consumeLink,
  countLinksSince,
  dropUnusedInvites,
  ensureUser,
  findInvitedSeat,
  findUsableLink,
  findUserByEmail,
  insertLink,
  listAccounts,
  recordSignIn,
} from '../db/user-repository';
import { ensureTenant, findTenant } from '../db/access-repository';
import type { Locale } from '../domain/locales';
import { withoutTrailingSlash } from '../domain/urls';
import { newId } from './ids';
import type { Invitations } from './invitations';
import { sha256Hex } from './key-stores';

export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;
export const INVITE_TTL_MS = 7 * 86_400_000;
/** Sign-in links an address may be sent per window; beyond, requests are silently not sent. */
export const LINKS_PER_ADDRESS = 5;
export const LINK_WINDOW_MS = 15 * 60_000;

/** What a sign-in or invite email says; the mailer words it in `locale`. */
export type SignInEmail =
  | { kind: 'sign_in'; to: string; locale: Locale; link: string; linkId: string }
  | { kind: 'invite'; to: string; locale: Locale; link: string; linkId: string; tenantName: string };

/** Sends the seller app's emails: the email channel's sender in production, stdout in `npm run dev`. */
export interface SignInMailer {
  send(email: SignInEmail): Promise<void>;
}

export interface SignInDeps {
  db: Database;
  mailer: SignInMailer;
  now: () => number;
  /** PUBLIC_BASE_URL: where the emailed links point. */
  baseUrl: string;
}

function newLinkToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: sha256Hex(token) };
}

export const linkTokenHash = (token: string) => sha256Hex(token);

function appUrl(baseUrl: string, path: string, query: Record<string, string>): string {
  return `${withoutTrailingSlash(baseUrl)}${path}?${new URLSearchParams(query).toString()}`;
}

/**
 * Emails a sign-in link to a known person (an owner or a collaborator who accepted a seat) unless
 * the address already had its share of links this window. Says nothing of what it did.
 */
export async function requestSignInLink(
  deps: SignInDeps,
  request: { email: string; locale: Locale; next?: string | undefined },
): Promise<void> {
  const email = request.email.toLowerCase();
  const user = await findUserByEmail(deps.db, email);
  if (!user || (await listAccounts(deps.db, user.id)).length === 0) return;
  if ((await countLinksSince(deps.db, email, 'sign_in', new Date(deps.now() - LINK_WINDOW_MS))) >= LINKS_PER_ADDRESS)
    return;
  const { link, linkId } = await createSignInLink(deps, email, request.next);
  await deps.mailer.send({ kind: 'sign_in', to: email, locale: request.locale, link, linkId });
}

/** A new sign-in link for the address, not sent (`npm run dev` prints its owner's at start). */
export async function createSignInLink(
  deps: Omit<SignInDeps, 'mailer'>,
  email: string,
  next?: string,
): Promise<{ link: string; linkId: string }> {
  const now = deps.now();
  const { token, tokenHash } = newLinkToken();
  await insertLink(deps.db, {
    tokenHash,
    purpose: 'sign_in',
    email: email.toLowerCase(),
    createdAt: new Date(now),
    expiresAt: new Date(now + SIGN_IN_LINK_TTL_MS),
  });
  const link = appUrl(deps.baseUrl, '/app/sign-in/confirm', { token, ...(next && { next }) });
  return { link, linkId: tokenHash.slice(0, 16) };
}

/** Makes the person (by lower-case email) an owner of the tenant, both made if new; their user id. */
export async function ensureTenantOwner(db: Database, tenantId: string, email: string): Promise<string> {
  await ensureTenant(db, tenantId);
  const user = await ensureUser(db, { newId: newId('usr'), email: email.toLowerCase() });
  await addTenantOwner(db, tenantId, user.id);
  return user.id;
}

/** Uses a sign-in link: the user it signs in, or null (unknown, used or expired). */
export async function useSignInLink(deps: Pick<SignInDeps, 'db' | 'now'>, token: string): Promise<string | null> {
  const now = new Date(deps.now());
  const link = await consumeLink(deps.db, linkTokenHash(token), 'sign_in', now);
  if (!link) return null;
  const user = await findUserByEmail(deps.db, link.email);
  if (!user) return null;
  await recordSignIn(deps.db, user.id, now);
  return user.id;
}

/** Whether a sign-in link would still work (the confirm page's GET, which must not use it). */
export async function signInLinkUsable(deps: Pick<SignInDeps, 'db' | 'now'>, token: string): Promise<boolean> {
  return (await findUsableLink(deps.db, linkTokenHash(token), 'sign_in', new Date(deps.now()))) !== null;
}

/** Invites by email: a 7-day link that replaces any earlier unused one of the collaborator. */
export function createInvitations(deps: SignInDeps & { locale?: Locale }): Invitations {
  return {
    async send(request) {
      const now = deps.now();
      const tenant = await findTenant(deps.db, request.tenantId);
      const { token, tokenHash } = newLinkToken();
      await dropUnusedInvites(deps.db, request.tenantId, request.collaboratorId);
      await insertLink(deps.db, {
        tokenHash,
        purpose: 'invite',
        email: request.email.toLowerCase(),
        tenantId: request.tenantId,
        collaboratorId: request.collaboratorId,
        createdAt: new Date(now),
        expiresAt: new Date(now + INVITE_TTL_MS),
      });
      await deps.mailer.send({
        kind: 'invite',
        to: request.email.toLowerCase(),
        locale: deps.locale ?? 'en',
        link: appUrl(deps.baseUrl, '/app/invites/accept', { token }),
        linkId: tokenHash.slice(0, 16),
        tenantName: tenant?.name ?? request.tenantId,
      });
    },
  };
}

/** What the invite page shows before the person accepts; null when the invite no longer works. */
export async function openInvite(
  deps: Pick<SignInDeps, 'db' | 'now'>,
  token: string,
): Promise<{ tenantName: string } | null> {
  const link = await findUsableLink(deps.db, linkTokenHash(token), 'invite', new Date(deps.now()));
  if (!link?.tenantId || !link.collaboratorId) return null;
  return findInvitedSeat(deps.db, link.tenantId, link.collaboratorId, link.email);
}

/**
 * Accepts an invite: the person's user (made on first sight) takes the seat, all or nothing.
 * Null when the link is unknown, used or expired, or the collaborator was removed since.
 */
export async function acceptInvite(
  deps: Pick<SignInDeps, 'db' | 'now'>,
  token: string,
): Promise<{ userId: string; tenantId: string } | null> {
  const now = new Date(deps.now());
  return deps.db
    .transaction(async (tx) => {
      const link = await consumeLink(tx, linkTokenHash(token), 'invite', now);
      if (!link?.tenantId || !link.collaboratorId) return null;
      const user = await ensureUser(tx, { newId: newId('usr'), email: link.email });
      const seated = await acceptSeat(tx, {
        tenantId: link.tenantId,
        collaboratorId: link.collaboratorId,
        email: link.email,
        userId: user.id,
        at: now,
      });
      // Rolled back: the link stays unused for nothing, and no user is left behind.
      if (!seated) throw new SeatGone();
      await recordSignIn(tx, user.id, now);
      return { userId: user.id, tenantId: link.tenantId };
    })
    .catch((err: unknown) => {
      if (err instanceof SeatGone) return null;
      throw err;
    });
}

class SeatGone extends Error {}
