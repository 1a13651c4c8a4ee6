/**
 * CONTRACT (issue 14): what every seller-app page knows about who is looking. The sessions
 * plugin (web/seller/sessions.ts) resolves it on each request from the session cookie, the
 * same way an API key resolves to a Principal, and checks the route's `config.permission` /
 * `config.ownerOnly` with domain/permissions.ts `refusal` — one authorization path.
 */
import type { Principal } from '../../application/key-stores';
import type { Invitations } from '../../application/invitations';
import type { Reports } from '../../application/reports';
import type { Database } from '../../db/client';
import type { Locale } from '../../domain/locales';

/** A tenant the signed-in person may act for, for the account switcher. */
export interface SellerAccount {
  tenantId: string;
  tenantName: string;
  role: 'owner' | 'collaborator';
  /** The collaborator's profile, for the switcher's label. */
  profileName?: string | undefined;
}

export interface SellerContext {
  user: { id: string; email: string; name: string | null };
  /** Every account the person may act for, the current one included. */
  accounts: SellerAccount[];
  /** The account in use: its tenant and the person's role and permissions there. */
  principal: Principal;
  tenantName: string;
  /** The token every form posts as `_csrf`. */
  csrfToken: string;
  locale: Locale;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on seller-app routes once the session resolved; pages read it, never the cookie. */
    seller: SellerContext;
  }
}

/**
 * What the seller-app route plugins receive (web/routes/panel.ts, web/routes/team.ts, the
 * sign-in routes): registered by the sessions scope, so `request.seller` is set on every route
 * that declares `config.permission` or `config.ownerOnly`.
 */
export interface SellerRouteDeps {
  db: Database;
  reports: Reports;
  invitations: Invitations;
  /** The clock (tests move it). */
  now: () => number;
  /** TEMPORAL_UI_URL and the namespace, for links to a journey's workflow; null = no links. */
  temporalUi: { url: string; namespace: string } | null;
  /** The seller app runs on https (PUBLIC_BASE_URL), so its cookies are `Secure`; absent = true. */
  secureCookies?: boolean;
}
