import type { Database } from '../db/client';
import type { Invitations } from '../application/invitations';
import type { JourneyGateway } from '../application/journey-gateway';
import type { PolicyCatalog } from '../application/policy-catalog';
import type { JourneyWebhookPublisher } from '../domain/webhook-payloads';

/** What every route module is given by `buildApp`. */
export interface RouteDeps {
  db: Database;
  gateway: JourneyGateway;
  policies: PolicyCatalog;
  /** Where what the API records on a journey's behalf (a late payment, a close) goes out to the tenant's webhooks. */
  publisher?: JourneyWebhookPublisher | undefined;
  /** Sends collaborators' invites; none = inviting by email answers 503. */
  invitations?: Invitations | undefined;
}
